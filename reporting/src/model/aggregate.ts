/**
 * UsageRows in, priced breakdowns out. Counts add up across any split of the
 * input, so rows from several files, queries or sub-windows can be merged.
 */
import {
  canonicalModelId,
  costOf,
  isLongContextRequest,
  priceFor,
  ratesForContext,
  type ModelFamily,
  type PriceQuote,
  type PricingOverrides,
  type UnpricedReason,
} from "../kernel/pricing/rules";
import { DAY_MS, floorTo, HOUR_MS } from "../kernel/time";
import type { InvocationFacts } from "../reading/records";
import type { ReportWindow, UsageCounts, UsageRow } from "./usage";

const FAMILY_ORDER: readonly ModelFamily[] = ["Opus", "Sonnet", "Haiku", "Other"];

export function emptyCounts(): UsageCounts {
  return { invocations: 0, errors: 0, inputTokens: 0, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0, guardrailInterventions: 0 };
}

export function addCounts(target: UsageCounts, source: UsageCounts): void {
  target.invocations += source.invocations;
  target.errors += source.errors;
  target.inputTokens += source.inputTokens;
  target.outputTokens += source.outputTokens;
  target.cacheReadInputTokens += source.cacheReadInputTokens;
  target.cacheWriteInputTokens += source.cacheWriteInputTokens;
  // Unknown stays unknown: a sum over rows of which some could not count interventions is no count.
  const guardrails = source.guardrailInterventions;
  target.guardrailInterventions = target.guardrailInterventions === undefined || guardrails === undefined ? undefined : target.guardrailInterventions + guardrails;
}

function rowKey(row: Pick<UsageRow, "hourStartMs" | "modelId" | "caller" | "context">): string {
  return `${row.hourStartMs}\u0000${row.modelId}\u0000${row.caller ?? ""}\u0000${row.context}`;
}

/** Rows with the same hour, model, caller and context class become one. */
export function mergeRows(...rowSets: UsageRow[][]): UsageRow[] {
  const merged = new Map<string, UsageRow>();
  for (const rows of rowSets) {
    for (const row of rows) {
      const key = rowKey(row);
      const existing = merged.get(key);
      if (existing) addCounts(existing, row);
      else merged.set(key, { ...row });
    }
  }
  return [...merged.values()];
}

/** A context class as a number, to make one map key with the hour. */
const CONTEXT_SLOT: Record<UsageRow["context"], number> = { standard: 0, long: 1, unknown: 2 };

/**
 * Turns single requests into UsageRows, classing each request as standard or
 * long context, and merges rows other builders made (a worker thread's).
 * Called once per record, so it looks rows up through nested maps (model,
 * caller, then hour and class as one number) instead of building a key
 * string per request: that string was most of the cost of a large report.
 */
export class UsageRowBuilder {
  private readonly byModel = new Map<string, Map<string | null, Map<number, UsageRow>>>();
  private readonly inOrder: UsageRow[] = [];

  add(facts: InvocationFacts): void {
    const row = this.rowFor(floorTo(facts.timestampMs, HOUR_MS), facts.modelId, facts.caller, isLongContextRequest(facts) ? "long" : "standard");
    row.invocations += 1;
    row.errors += facts.errorCode === null ? 0 : 1;
    row.inputTokens += facts.inputTokens;
    row.outputTokens += facts.outputTokens;
    row.cacheReadInputTokens += facts.cacheReadInputTokens;
    row.cacheWriteInputTokens += facts.cacheWriteInputTokens;
    if (facts.guardrailIntervened) row.guardrailInterventions = (row.guardrailInterventions ?? 0) + 1;
  }

  /** Adds a row's counts to the row with the same hour, model, caller and context, as mergeRows does. */
  addRow(source: UsageRow): void {
    addCounts(this.rowFor(source.hourStartMs, source.modelId, source.caller, source.context), source);
  }

  rows(): UsageRow[] {
    return [...this.inOrder];
  }

  private rowFor(hourStartMs: number, modelId: string, caller: string | null, context: UsageRow["context"]): UsageRow {
    const byCaller = getOrCreate(this.byModel, modelId, () => new Map<string | null, Map<number, UsageRow>>());
    const bySlot = getOrCreate(byCaller, caller, () => new Map<number, UsageRow>());
    const slot = hourStartMs * 3 + CONTEXT_SLOT[context];
    let row = bySlot.get(slot);
    if (!row) {
      row = { hourStartMs, modelId, caller, context, ...emptyCounts() };
      bySlot.set(slot, row);
      this.inOrder.push(row);
    }
    return row;
  }
}

export interface CostedCounts extends UsageCounts {
  /** Cost of the priced part only; unpricedInvocations says how much is missing. */
  costUsd: number;
  unpricedInvocations: number;
}

export interface Breakdown extends CostedCounts {
  /** errors / invocations; null without invocations. */
  errorRate: number | null;
}

export interface FamilyBreakdown extends Breakdown {
  family: ModelFamily;
}

export interface ModelBreakdown extends Omit<Breakdown, "costUsd"> {
  /** The ID the model is grouped under: a system profile ARN's profile ID, otherwise the ID as logged. */
  modelId: string;
  /** Every ID the log wrote for it (the profile ID itself, its ARNs), sorted. */
  loggedModelIds: string[];
  family: ModelFamily;
  priced: boolean;
  /** Null when the model is unpriced: never 0. */
  costUsd: number | null;
  name: string | null;
  baseModelId: string | null;
  route: "global" | "geo" | "in-region" | null;
  /** False for catalog entries whose sources disagree (Claude 3.5 Sonnet). */
  priceConfirmed: boolean | null;
  unpricedReason: UnpricedReason | null;
}

export interface CallerBreakdown extends Breakdown {
  caller: string;
}

export interface SeriesPoint extends CostedCounts {
  /** ISO start of the UTC hour or day. */
  start: string;
  startMs: number;
}

export interface UsageSummary {
  totals: Breakdown;
  byFamily: FamilyBreakdown[];
  byModel: ModelBreakdown[];
  byCaller: CallerBreakdown[];
  hourly: SeriesPoint[];
  daily: SeriesPoint[];
  /** Requests billed at long-context rates (above the threshold, on a model that has such rates). */
  longContextBilledInvocations: number;
  /** Invocations of long-context-capable models whose rows came as aggregates, so only standard rates could be applied. */
  longContextUnknownInvocations: number;
}

function emptyCosted(): CostedCounts {
  return { ...emptyCounts(), costUsd: 0, unpricedInvocations: 0 };
}

function addCosted(target: CostedCounts, row: UsageRow, costUsd: number | null): void {
  addCounts(target, row);
  if (costUsd === null) target.unpricedInvocations += row.invocations;
  else target.costUsd += costUsd;
}

function withErrorRate<T extends CostedCounts>(counts: T): T & { errorRate: number | null } {
  return { ...counts, errorRate: counts.invocations === 0 ? null : counts.errors / counts.invocations };
}

function bucketSeries(buckets: Map<number, CostedCounts>, firstMs: number, endMs: number, stepMs: number): SeriesPoint[] {
  const series: SeriesPoint[] = [];
  for (let startMs = firstMs; startMs < endMs; startMs += stepMs) {
    series.push({ start: new Date(startMs).toISOString(), startMs, ...(buckets.get(startMs) ?? emptyCosted()) });
  }
  return series;
}

function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** Prices every row (long-context rates for rows known to be long) and sums it all up. */
export function summarizeUsage(rows: UsageRow[], window: ReportWindow, overrides?: PricingOverrides): UsageSummary {
  const quotes = new Map<string, PriceQuote>();
  const totals = emptyCosted();
  const families = new Map<ModelFamily, CostedCounts>();
  const models = new Map<string, CostedCounts>();
  const loggedIds = new Map<string, Set<string>>();
  const callers = new Map<string, CostedCounts>();
  const hours = new Map<number, CostedCounts>();
  const days = new Map<number, CostedCounts>();
  let longContextUnknownInvocations = 0;
  let longContextBilledInvocations = 0;

  for (const row of rows) {
    const modelId = canonicalModelId(row.modelId);
    getOrCreate(loggedIds, modelId, () => new Set<string>()).add(row.modelId);
    const quote = getOrCreate(quotes, modelId, () => priceFor(modelId, overrides));
    const costUsd = quote.priced ? costOf(row, ratesForContext(quote, row.context)) : null;
    if (quote.priced && quote.longContext && row.context === "unknown") longContextUnknownInvocations += row.invocations;
    if (quote.priced && quote.longContext && row.context === "long") longContextBilledInvocations += row.invocations;
    addCosted(totals, row, costUsd);
    addCosted(getOrCreate(families, quote.family, emptyCosted), row, costUsd);
    addCosted(getOrCreate(models, modelId, emptyCosted), row, costUsd);
    if (row.caller !== null) addCosted(getOrCreate(callers, row.caller, emptyCosted), row, costUsd);
    addCosted(getOrCreate(hours, row.hourStartMs, emptyCosted), row, costUsd);
    addCosted(getOrCreate(days, floorTo(row.hourStartMs, DAY_MS), emptyCosted), row, costUsd);
  }

  const byModel: ModelBreakdown[] = [...models.entries()].map(([modelId, counts]) => {
    const quote = quotes.get(modelId) as PriceQuote;
    return {
      ...withErrorRate(counts),
      modelId,
      loggedModelIds: [...(loggedIds.get(modelId) as Set<string>)].sort(),
      family: quote.family,
      priced: quote.priced,
      costUsd: quote.priced ? counts.costUsd : null,
      name: quote.priced ? quote.name : null,
      baseModelId: quote.priced ? quote.baseModelId : null,
      route: quote.priced ? quote.route : null,
      priceConfirmed: quote.priced ? quote.confirmed : null,
      unpricedReason: quote.priced ? null : quote.reason,
    };
  });
  byModel.sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || b.invocations - a.invocations || a.modelId.localeCompare(b.modelId));

  const byFamily = FAMILY_ORDER.filter((family) => families.has(family)).map((family) => ({ family, ...withErrorRate(families.get(family) as CostedCounts) }));
  const byCaller = [...callers.entries()].map(([caller, counts]) => ({ caller, ...withErrorRate(counts) }));
  byCaller.sort((a, b) => b.costUsd - a.costUsd || b.invocations - a.invocations || a.caller.localeCompare(b.caller));

  const endMs = window.end.getTime();
  return {
    totals: withErrorRate(totals),
    byFamily,
    byModel,
    byCaller,
    hourly: bucketSeries(hours, floorTo(window.start.getTime(), HOUR_MS), endMs, HOUR_MS),
    daily: bucketSeries(days, floorTo(window.start.getTime(), DAY_MS), endMs, DAY_MS),
    longContextBilledInvocations,
    longContextUnknownInvocations,
  };
}
