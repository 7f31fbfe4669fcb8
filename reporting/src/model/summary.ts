/**
 * UsageRows in, priced breakdowns out: totals, by family, model and caller,
 * and hourly and daily series, each with its cost.
 */
import { MODEL_FAMILIES, PRICE_CATALOG, type ModelFamily, type PriceCatalog } from "../kernel/pricing/catalog";
import { canonicalModelId } from "../kernel/pricing/model-ids";
import {
  costOf,
  priceFor,
  ratesForContext,
  type PriceQuote,
  type PricingOverrides,
  type UnpricedReason,
} from "../kernel/pricing/rules";
import { DAY_MS, floorTo, HOUR_MS } from "../kernel/time";
import type { ReportWindow, UsageCounts, UsageRow } from "./usage";
import { addCounts, emptyCounts, getOrCreate } from "./usage-rows";

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

/** One family's usage on one UTC day: what a chart stacks day by day. */
export interface FamilyDayPoint extends SeriesPoint {
  family: ModelFamily;
}

export interface UsageSummary {
  totals: Breakdown;
  byFamily: FamilyBreakdown[];
  byModel: ModelBreakdown[];
  byCaller: CallerBreakdown[];
  hourly: SeriesPoint[];
  daily: SeriesPoint[];
  /** Days in order, and within a day the families in MODEL_FAMILIES order; only days and families with invocations. */
  dailyByFamily: FamilyDayPoint[];
  /** Requests billed at long-context rates (above the threshold, on a model that has such rates). */
  longContextBilledInvocations: number;
  /** Invocations of long-context-capable models whose rows came as aggregates, so only standard rates could be applied. */
  longContextUnknownInvocations: number;
  /** Priced cache writes, all at the 5-minute rate: requests (null when a source gave aggregates without them) and tokens. */
  cacheWritesAssumed5m: { invocations: number | null; tokens: number };
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

function bucketSeries(
  buckets: Map<number, CostedCounts>,
  firstMs: number,
  endMs: number,
  stepMs: number,
): SeriesPoint[] {
  const series: SeriesPoint[] = [];
  for (let startMs = firstMs; startMs < endMs; startMs += stepMs) {
    series.push({ start: new Date(startMs).toISOString(), startMs, ...(buckets.get(startMs) ?? emptyCosted()) });
  }
  return series;
}

/** What every row of one logged model ID shares, looked up once per ID rather than once per row. */
interface LoggedModel {
  quote: PriceQuote;
  model: CostedCounts;
  family: CostedCounts;
  /** The family's usage by UTC day. */
  familyDays: Map<number, CostedCounts>;
}

/**
 * Every sum of the summary, a row at a time, each over the rows in the order
 * they are added. Rows come in hour order from the log readers, so the hour's
 * and day's sums are looked up only when the hour changes, and a model's quote
 * and sums once per logged model ID. The work per row is a method of its own,
 * not a loop body: called 20,000 times, V8 optimizes it early in the loop,
 * while a loop in a large function ran most of its rows unoptimized, boxing
 * every number it added.
 */
class UsageSums {
  readonly quotes = new Map<string, PriceQuote>();
  readonly totals = emptyCosted();
  readonly families = new Map<ModelFamily, CostedCounts>();
  readonly models = new Map<string, CostedCounts>();
  readonly loggedIds = new Map<string, Set<string>>();
  readonly callers = new Map<string, CostedCounts>();
  readonly hours = new Map<number, CostedCounts>();
  readonly days = new Map<number, CostedCounts>();
  readonly familyDays = new Map<ModelFamily, Map<number, CostedCounts>>();
  longContextUnknownInvocations = 0;
  longContextBilledInvocations = 0;
  readonly cacheWritesAssumed5m: UsageSummary["cacheWritesAssumed5m"] = { invocations: 0, tokens: 0 };
  private readonly loggedModels = new Map<string, LoggedModel>();
  private hourStartMs = NaN;
  private hour = emptyCosted();
  private dayStartMs = NaN;
  private day = emptyCosted();

  constructor(
    private readonly overrides: PricingOverrides | undefined,
    private readonly catalog: PriceCatalog,
    private readonly profileTargets: Readonly<Record<string, string>> | undefined,
  ) {}

  add(row: UsageRow): void {
    const logged = this.loggedModels.get(row.modelId) ?? this.loggedModel(row.modelId);
    const { quote } = logged;
    if (row.hourStartMs !== this.hourStartMs) this.startHour(row.hourStartMs);
    const costUsd = quote.priced ? costOf(row, ratesForContext(quote, row.context)) : null;
    if (quote.priced && quote.longContext && row.context === "unknown")
      this.longContextUnknownInvocations += row.invocations;
    if (quote.priced && quote.longContext && row.context === "long")
      this.longContextBilledInvocations += row.invocations;
    if (costUsd !== null && row.cacheWriteInputTokens > 0) {
      const assumed = this.cacheWritesAssumed5m;
      assumed.tokens += row.cacheWriteInputTokens;
      const writes = row.cacheWriteInvocations;
      assumed.invocations = writes === undefined || assumed.invocations === null ? null : assumed.invocations + writes;
    }
    addCosted(this.totals, row, costUsd);
    addCosted(logged.family, row, costUsd);
    addCosted(logged.model, row, costUsd);
    if (row.caller !== null) addCosted(getOrCreate(this.callers, row.caller, emptyCosted), row, costUsd);
    addCosted(this.hour, row, costUsd);
    addCosted(this.day, row, costUsd);
    addCosted(getOrCreate(logged.familyDays, this.dayStartMs, emptyCosted), row, costUsd);
  }

  private startHour(hourStartMs: number): void {
    this.hourStartMs = hourStartMs;
    this.hour = getOrCreate(this.hours, hourStartMs, emptyCosted);
    this.dayStartMs = floorTo(hourStartMs, DAY_MS);
    this.day = getOrCreate(this.days, this.dayStartMs, emptyCosted);
  }

  private loggedModel(loggedId: string): LoggedModel {
    const modelId = canonicalModelId(loggedId);
    getOrCreate(this.loggedIds, modelId, () => new Set<string>()).add(loggedId);
    const quote = getOrCreate(this.quotes, modelId, () =>
      priceFor(modelId, this.overrides, this.catalog, this.profileTargets),
    );
    const logged = {
      quote,
      model: getOrCreate(this.models, modelId, emptyCosted),
      family: getOrCreate(this.families, quote.family, emptyCosted),
      familyDays: getOrCreate(this.familyDays, quote.family, () => new Map<number, CostedCounts>()),
    };
    this.loggedModels.set(loggedId, logged);
    return logged;
  }
}

/** Prices every row (long-context rates for rows known to be long) and sums it all up. */
export function summarizeUsage(
  rows: UsageRow[],
  window: ReportWindow,
  overrides?: PricingOverrides,
  catalog: PriceCatalog = PRICE_CATALOG,
  profileTargets?: Readonly<Record<string, string>>,
): UsageSummary {
  const sums = new UsageSums(overrides, catalog, profileTargets);
  for (let index = 0; index < rows.length; index += 1) sums.add(rows[index]);
  const { quotes, totals, families, models, loggedIds, callers, hours, days, familyDays } = sums;
  const { longContextBilledInvocations, longContextUnknownInvocations, cacheWritesAssumed5m } = sums;

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
  byModel.sort(
    (a, b) =>
      (b.costUsd ?? -1) - (a.costUsd ?? -1) || b.invocations - a.invocations || a.modelId.localeCompare(b.modelId),
  );

  const byFamily = MODEL_FAMILIES.filter((family) => families.has(family)).map((family) => ({
    family,
    ...withErrorRate(families.get(family) as CostedCounts),
  }));
  const byCaller = [...callers.entries()].map(([caller, counts]) => ({ caller, ...withErrorRate(counts) }));
  byCaller.sort((a, b) => b.costUsd - a.costUsd || b.invocations - a.invocations || a.caller.localeCompare(b.caller));

  const dailyByFamily: FamilyDayPoint[] = [];
  for (const dayStartMs of [...days.keys()].sort((a, b) => a - b)) {
    for (const family of MODEL_FAMILIES) {
      const counts = familyDays.get(family)?.get(dayStartMs);
      if (counts === undefined) continue;
      dailyByFamily.push({ start: new Date(dayStartMs).toISOString(), startMs: dayStartMs, family, ...counts });
    }
  }

  const endMs = window.end.getTime();
  return {
    totals: withErrorRate(totals),
    byFamily,
    byModel,
    byCaller,
    hourly: bucketSeries(hours, floorTo(window.start.getTime(), HOUR_MS), endMs, HOUR_MS),
    daily: bucketSeries(days, floorTo(window.start.getTime(), DAY_MS), endMs, DAY_MS),
    dailyByFamily,
    longContextBilledInvocations,
    longContextUnknownInvocations,
    cacheWritesAssumed5m,
  };
}
