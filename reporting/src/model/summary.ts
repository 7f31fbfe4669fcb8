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
 * Prices every row (long-context rates for rows known to be long) and sums it
 * all up, each sum over the rows in their order. Rows come in hour order from
 * the log readers, so the hour's and day's sums are looked up only when the
 * hour changes, and a model's quote and sums once per logged model ID.
 */
export function summarizeUsage(
  rows: UsageRow[],
  window: ReportWindow,
  overrides?: PricingOverrides,
  catalog: PriceCatalog = PRICE_CATALOG,
  profileTargets?: Readonly<Record<string, string>>,
): UsageSummary {
  const quotes = new Map<string, PriceQuote>();
  const totals = emptyCosted();
  const families = new Map<ModelFamily, CostedCounts>();
  const models = new Map<string, CostedCounts>();
  const loggedIds = new Map<string, Set<string>>();
  const loggedModels = new Map<string, LoggedModel>();
  const callers = new Map<string, CostedCounts>();
  const hours = new Map<number, CostedCounts>();
  const days = new Map<number, CostedCounts>();
  const familyDays = new Map<ModelFamily, Map<number, CostedCounts>>();
  let longContextUnknownInvocations = 0;
  let longContextBilledInvocations = 0;
  const cacheWritesAssumed5m: UsageSummary["cacheWritesAssumed5m"] = { invocations: 0, tokens: 0 };

  const loggedModel = (loggedId: string): LoggedModel => {
    const modelId = canonicalModelId(loggedId);
    getOrCreate(loggedIds, modelId, () => new Set<string>()).add(loggedId);
    const quote = getOrCreate(quotes, modelId, () => priceFor(modelId, overrides, catalog, profileTargets));
    return {
      quote,
      model: getOrCreate(models, modelId, emptyCosted),
      family: getOrCreate(families, quote.family, emptyCosted),
      familyDays: getOrCreate(familyDays, quote.family, () => new Map<number, CostedCounts>()),
    };
  };
  let hourStartMs = NaN;
  let hour = emptyCosted();
  let dayStartMs = NaN;
  let day = emptyCosted();
  for (const row of rows) {
    const logged = getOrCreate(loggedModels, row.modelId, () => loggedModel(row.modelId));
    const { quote } = logged;
    if (row.hourStartMs !== hourStartMs) {
      hourStartMs = row.hourStartMs;
      hour = getOrCreate(hours, hourStartMs, emptyCosted);
      dayStartMs = floorTo(hourStartMs, DAY_MS);
      day = getOrCreate(days, dayStartMs, emptyCosted);
    }
    const costUsd = quote.priced ? costOf(row, ratesForContext(quote, row.context)) : null;
    if (quote.priced && quote.longContext && row.context === "unknown")
      longContextUnknownInvocations += row.invocations;
    if (quote.priced && quote.longContext && row.context === "long") longContextBilledInvocations += row.invocations;
    if (costUsd !== null && row.cacheWriteInputTokens > 0) {
      cacheWritesAssumed5m.tokens += row.cacheWriteInputTokens;
      const writes = row.cacheWriteInvocations;
      cacheWritesAssumed5m.invocations =
        writes === undefined || cacheWritesAssumed5m.invocations === null
          ? null
          : cacheWritesAssumed5m.invocations + writes;
    }
    addCosted(totals, row, costUsd);
    addCosted(logged.family, row, costUsd);
    addCosted(logged.model, row, costUsd);
    if (row.caller !== null) addCosted(getOrCreate(callers, row.caller, emptyCosted), row, costUsd);
    addCosted(hour, row, costUsd);
    addCosted(day, row, costUsd);
    addCosted(getOrCreate(logged.familyDays, dayStartMs, emptyCosted), row, costUsd);
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
