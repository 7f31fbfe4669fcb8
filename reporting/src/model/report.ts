/**
 * The report model: the one data path from a SourceResult (whatever the
 * source) to what every renderer prints. Its JSON form is the public contract
 * documented in the README.
 */
import {
  summarizeUsage,
  type Breakdown,
  type CallerBreakdown,
  type FamilyBreakdown,
  type FamilyDayPoint,
  type ModelBreakdown,
  type SeriesPoint,
} from "./summary";
import { PRICE_CATALOG, type PriceCatalog } from "../kernel/pricing/catalog";
import { priceFor, type PriceQuote, type PricingOverrides, type UnpricedReason } from "../kernel/pricing/rules";
import { CLASSIC_GROUPS, groupUsage, type ApplicationProfile, type GroupEntry, type GroupKey } from "./grouping";
import { getOrCreate } from "./usage-rows";
import { profileTargets } from "./application-profiles";
import { HOUR_MS } from "../kernel/time";
import type { MetricErrorCounts, SourceName, SourceResult } from "../sources/contract";
import type { Reconciliation } from "./reconciliation";
import { summarizeUnloggedTraffic, unloggedTrafficNotes, type UnloggedTraffic } from "./unlogged-traffic";
import { MANTLE_NAMESPACE } from "../kernel/mantle-metrics";
import { projectCost, type LatencyBin, type LatencySummary, type Projection } from "./stats";
import type { ReportWindow, UsageCounts } from "./usage";

export type GroupBy = GroupKey;

/**
 * Logs Insights charges per GB scanned (us-east-1 list price, 2026: https://aws.amazon.com/cloudwatch/pricing/;
 * the same $0.005 in https://c3x.dev/blog/cloudwatch-logs-cost-optimization, June 2026).
 */
export const INSIGHTS_USD_PER_GB_SCANNED = 0.005;
const BYTES_PER_GB = 1024 ** 3;
/**
 * Athena charges $5 per TB scanned, each query rounded up to the megabyte with
 * a 10 MB minimum (https://aws.amazon.com/athena/pricing/; the same figures in
 * https://athena.guide/articles/athena-basics-pricing-model/).
 */
export const ATHENA_USD_PER_TB_SCANNED = 5;
const BYTES_PER_MB = 1024 ** 2;
const ATHENA_MINIMUM_BYTES = 10 * BYTES_PER_MB;

/** What a scan of these bytes costs on this source. */
export function scanCostUsd(source: SourceName, bytesScanned: number, queries: number): number {
  if (source !== "athena") return (bytesScanned / BYTES_PER_GB) * INSIGHTS_USD_PER_GB_SCANNED;
  const billed = Math.max(Math.ceil(bytesScanned / BYTES_PER_MB) * BYTES_PER_MB, ATHENA_MINIMUM_BYTES * queries);
  return (billed / 1024 ** 4) * ATHENA_USD_PER_TB_SCANNED;
}

/**
 * A cost of null means nothing in the group could be priced: shown as
 * unpriced, never as $0. Guardrail interventions of null: the source cannot
 * count them (unknown, not none).
 */
export type ReportBreakdown<T extends UsageCounts> = Omit<T, "costUsd" | "guardrailInterventions"> & {
  costUsd: number | null;
  guardrailInterventions: number | null;
};

export interface SeriesEntry extends ReportBreakdown<Omit<SeriesPoint, "startMs">> {
  errorRate: number | null;
}

export interface UsageReport {
  window: { start: string; end: string; hours: number };
  source: SourceName;
  /** False when part of the window could not be read: the figures are then a lower bound. */
  complete: boolean;
  /** The first --group-by; all of them, and their breakdown, under `groups`. */
  groupBy: GroupBy;
  pricing: {
    /** The catalog the prices came from: `built-in`, or the catalog file's path. */
    catalog: string;
    asOf: string;
    currency: "USD";
    unit: "per 1M tokens";
    sources: string[];
    assumptions: string[];
    overrides: { file: string; asOf: string | null; discountPercent: number | null } | null;
  };
  totals: ReportBreakdown<Breakdown>;
  byFamily: Array<ReportBreakdown<FamilyBreakdown>>;
  byModel: Array<ReportBreakdown<ModelBreakdown>>;
  /** Present when the source saw callers (always for --logs; Insights only with --group-by caller). */
  byCaller: Array<ReportBreakdown<CallerBreakdown>> | null;
  /**
   * Usage per combination of the --group-by dimensions' values (`(none)` where a request has none);
   * null when the report groups by one of model, family or caller alone, which the sections above show.
   */
  groups: { by: GroupKey[]; entries: Array<ReportBreakdown<GroupEntry>> } | null;
  /**
   * Cache writes priced at the 5-minute rate because the log does not say their TTL: requests (null when the
   * source cannot count them) and tokens.
   */
  cacheWritesAssumed5m: { invocations: number | null; tokens: number };
  latencyMs: LatencySummary;
  /** The latency samples in equal-width bins; null when the source gave only percentiles (metrics) or none. */
  latencyHistogram: LatencyBin[] | null;
  /** Client/server errors and throttles from CloudWatch metrics; null offline. */
  metricErrors: MetricErrorCounts | null;
  /** Logs Insights' token sums per model against CloudWatch's token metrics; null offline or when it could not run. */
  reconciliation: Reconciliation | null;
  /** bedrock-mantle calls from CloudWatch metrics (no invocation logs), apart from every total; online reports only. */
  unloggedTraffic?: UnloggedTraffic;
  projection: Projection;
  hourly: SeriesEntry[];
  daily: SeriesEntry[];
  /** Each family's usage per UTC day, for days and families with invocations. */
  dailyByFamily: Array<ReportBreakdown<Omit<FamilyDayPoint, "startMs">>>;
  unpricedModels: Array<{ modelId: string; reason: UnpricedReason; invocations: number }>;
  /** invocations: requests billed at long-context rates; invocationsWithoutRequestDetail: long-context-capable invocations seen only as aggregates. */
  longContext: { appliedPerRequest: boolean; invocations: number; invocationsWithoutRequestDetail: number };
  scan: {
    queries: number;
    bytesScanned: number;
    recordsScanned: number;
    recordsMatched: number;
    costUsd: number;
  } | null;
  skipped: { malformed: number } & Record<string, number>;
  notes: string[];
}

export interface BuildReportOptions {
  window: ReportWindow;
  /** The first --group-by (see groupings). */
  groupBy: GroupBy;
  /** Every --group-by, in order; default [groupBy]. */
  groupings?: GroupKey[];
  overrides?: PricingOverrides;
  /** The catalog to price with (default the built-in one) and where it came from. */
  catalog?: { catalog: PriceCatalog; label: string };
  /** Application inference profiles by ARN: their names and tags, for --group-by profile and tag:<key>. */
  profiles?: ReadonlyMap<string, ApplicationProfile>;
}

/** Money to the micro-dollar: enough for per-request costs, free of float noise. */
export function roundUsd(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Money rounded (null when nothing was priced) and an unknown intervention count as null, for the JSON contract. */
function forReport<
  T extends {
    costUsd: number | null;
    invocations: number;
    unpricedInvocations: number;
    guardrailInterventions?: number;
  },
>(
  entry: T,
): Omit<T, "costUsd" | "guardrailInterventions"> & { costUsd: number | null; guardrailInterventions: number | null } {
  const nothingPriced = entry.invocations > 0 && entry.unpricedInvocations === entry.invocations;
  return {
    ...entry,
    costUsd: entry.costUsd === null || nothingPriced ? null : roundUsd(entry.costUsd),
    guardrailInterventions: entry.guardrailInterventions ?? null,
  };
}

function toSeries(points: SeriesPoint[]): SeriesEntry[] {
  return points.map(({ startMs: _startMs, ...point }) => ({
    ...forReport(point),
    errorRate: point.invocations === 0 ? null : point.errors / point.invocations,
  }));
}

const UNPRICED_REASON_TEXT: Record<UnpricedReason, string> = {
  unknownModel: "not in the price catalog",
  noConfirmedPrice: "on Bedrock, but no source confirms its price",
  unmappedApplicationProfile: "an application inference profile with no model mapping",
  noGlobalRate: "a global. profile the catalog has no global rate for",
};

function pricingNotes(byModel: ModelBreakdown[], overrides: PricingOverrides | undefined): string[] {
  const notes: string[] = [];
  for (const model of byModel.filter((entry) => !entry.priced)) {
    notes.push(
      `Unpriced: ${model.modelId} (${model.invocations} invocations) is ${UNPRICED_REASON_TEXT[model.unpricedReason as UnpricedReason]}; its tokens are counted, its cost is not. Add it with --pricing.`,
    );
  }
  for (const model of byModel.filter((entry) => entry.unpricedInvocations > 0 && entry.priced)) {
    notes.push(
      `Unpriced: ${model.unpricedInvocations} invocations of ${model.modelId} carry cache tokens the catalog has no rate for; their cost is left out.`,
    );
  }
  for (const model of byModel.filter((entry) => entry.priceConfirmed === false)) {
    notes.push(
      `Unconfirmed price: ${model.modelId} is priced at the catalog's rate, which its sources disagree on; set the rate you pay with --pricing.`,
    );
  }
  if (overrides)
    notes.push(`Prices adjusted by ${overrides.label}${overrides.asOf ? ` (as of ${overrides.asOf})` : ""}.`);
  return notes;
}

/** Where a model ID in the report stands for other IDs the log wrote (a system profile's ARN). */
function groupingNotes(byModel: ModelBreakdown[]): string[] {
  return byModel
    .filter((model) => model.loggedModelIds.some((id) => id !== model.modelId))
    .map(
      (model) =>
        `Grouped under ${model.modelId}: requests logged as ${model.loggedModelIds.filter((id) => id !== model.modelId).join(", ")}.`,
    );
}

function guardrailNotes(totals: Breakdown, source: SourceName): string[] {
  if (totals.invocations === 0) return [];
  if (totals.guardrailInterventions === undefined) {
    return [
      `Guardrail interventions are unknown: the ${source} source does not read response bodies, where Bedrock records them. The log files or the S3 archive (--source archive) count them.`,
    ];
  }
  if (totals.guardrailInterventions === 0) return [];
  return [
    `Guardrail: ${totals.guardrailInterventions} invocations were blocked by a guardrail. They count as invocations, not errors; their logged tokens are priced, guardrail policy charges are not.`,
  ];
}

/** The by-dimension breakdown, unless the report groups by one classic dimension alone. */
function groupsOf(
  source: SourceResult,
  keys: GroupKey[],
  quoteOf: (modelId: string) => PriceQuote,
  profiles: ReadonlyMap<string, ApplicationProfile>,
): UsageReport["groups"] {
  if (keys.length === 1 && (CLASSIC_GROUPS as readonly string[]).includes(keys[0])) return null;
  return { by: keys, entries: groupUsage(source.rows, keys, quoteOf, profiles).map(forReport) };
}

function cacheWriteNotes(assumed: UsageReport["cacheWritesAssumed5m"]): string[] {
  if (assumed.tokens === 0) return [];
  const requests = assumed.invocations === null ? "" : ` from ${assumed.invocations} requests`;
  return [
    `Cache writes: ${assumed.tokens} tokens${requests} are priced at the 5-minute rate. No public invocation log ` +
      "shows which TTL a write used, so a 1-hour write (2x input) is counted at the 5-minute rate (1.25x input).",
  ];
}

export function buildReport(source: SourceResult, options: BuildReportOptions): UsageReport {
  const { window, overrides } = options;
  const catalog = options.catalog ?? { catalog: PRICE_CATALOG, label: "built-in" };
  const profiles = options.profiles ?? new Map<string, ApplicationProfile>();
  const hours = (window.end.getTime() - window.start.getTime()) / HOUR_MS;
  const targets = profileTargets(profiles);
  const summary = summarizeUsage(source.rows, window, overrides, catalog.catalog, targets);
  const quotes = new Map<string, PriceQuote>();
  const quoteOf = (modelId: string) =>
    getOrCreate(quotes, modelId, () => priceFor(modelId, overrides, catalog.catalog, targets));
  const { cacheWritesAssumed5m } = summary;
  const projection = projectCost(
    summary.hourly.map((hour) => ({ startMs: hour.startMs, costUsd: hour.costUsd })),
    window,
    summary.totals.costUsd,
  );
  const hasCallers = source.rows.some((row) => row.caller !== null);
  const appliedPerRequest = source.rows.every((row) => row.context !== "unknown");
  const notes = [...source.notes];
  if (!source.complete)
    notes.unshift("INCOMPLETE: part of the window could not be read; every figure below is a lower bound.");
  notes.push(...groupingNotes(summary.byModel));
  notes.push(...pricingNotes(summary.byModel, overrides));
  notes.push(...guardrailNotes(summary.totals, source.source));
  notes.push(...cacheWriteNotes(cacheWritesAssumed5m));
  if (summary.longContextUnknownInvocations > 0) {
    notes.push(
      `Long-context rates could not be applied to ${summary.longContextUnknownInvocations} Sonnet 4 / 4.5 invocations: the source gave only aggregates, so they are priced at standard rates (a lower bound).`,
    );
  }
  if (summary.longContextBilledInvocations > 0) {
    notes.push(
      `${summary.longContextBilledInvocations} requests above 200,000 input + cache tokens were billed at long-context rates.`,
    );
  }
  if (summary.totals.unpricedInvocations > 0) {
    notes.push(`Costs and projections leave out ${summary.totals.unpricedInvocations} unpriced invocations.`);
  }
  notes.push(...projection.notes);
  const unloggedTraffic =
    source.unloggedTraffic && summarizeUnloggedTraffic(source.unloggedTraffic, MANTLE_NAMESPACE, overrides);
  if (unloggedTraffic) notes.push(...unloggedTrafficNotes(unloggedTraffic));
  const latency = source.latency ?? {
    samples: 0,
    avg: null,
    p50: null,
    p90: null,
    p99: null,
    max: null,
    from: "logs" as const,
  };
  if (latency.from === "logs") {
    notes.push(
      `Latency from ${latency.samples} log record bodies (Converse and streaming records with inline bodies); plain InvokeModel records carry none.`,
    );
  }
  if ((options.groupings ?? [options.groupBy]).includes("caller") && !hasCallers)
    notes.push("This source reported no callers, so there is no by-caller breakdown.");

  return {
    window: { start: window.start.toISOString(), end: window.end.toISOString(), hours },
    source: source.source,
    complete: source.complete,
    groupBy: options.groupBy,
    pricing: {
      catalog: catalog.label,
      asOf: catalog.catalog.asOf,
      currency: catalog.catalog.currency,
      unit: catalog.catalog.unit,
      sources: catalog.catalog.sources,
      assumptions: catalog.catalog.assumptions,
      overrides: overrides
        ? { file: overrides.label, asOf: overrides.asOf ?? null, discountPercent: overrides.discountPercent ?? null }
        : null,
    },
    totals: forReport(summary.totals),
    byFamily: summary.byFamily.map(forReport),
    byModel: summary.byModel.map(forReport),
    byCaller: hasCallers ? summary.byCaller.map(forReport) : null,
    groups: groupsOf(source, options.groupings ?? [options.groupBy], quoteOf, profiles),
    cacheWritesAssumed5m,
    latencyMs: { ...latency, avg: latency.avg === null ? null : Math.round(latency.avg * 100) / 100 },
    latencyHistogram: source.latencyHistogram && source.latencyHistogram.length > 0 ? source.latencyHistogram : null,
    metricErrors: source.metricErrors,
    reconciliation: source.reconciliation ?? null,
    ...(unloggedTraffic && { unloggedTraffic }),
    projection: {
      ...projection,
      linearMonthlyCostUsd: projection.linearMonthlyCostUsd === null ? null : roundUsd(projection.linearMonthlyCostUsd),
      trendMonthlyCostUsd: projection.trendMonthlyCostUsd === null ? null : roundUsd(projection.trendMonthlyCostUsd),
      monthEnd: projection.monthEnd && {
        month: projection.monthEnd.month,
        observedCostUsd: roundUsd(projection.monthEnd.observedCostUsd),
        estimatedRestUsd: roundUsd(projection.monthEnd.estimatedRestUsd),
        totalUsd: roundUsd(projection.monthEnd.totalUsd),
      },
    },
    hourly: toSeries(summary.hourly),
    daily: toSeries(summary.daily),
    dailyByFamily: summary.dailyByFamily.map(({ startMs: _startMs, ...point }) => forReport(point)),
    unpricedModels: summary.byModel
      .filter((model) => !model.priced)
      .map((model) => ({
        modelId: model.modelId,
        reason: model.unpricedReason as UnpricedReason,
        invocations: model.invocations,
      })),
    longContext: {
      appliedPerRequest,
      invocations: summary.longContextBilledInvocations,
      invocationsWithoutRequestDetail: summary.longContextUnknownInvocations,
    },
    scan: source.scan && {
      ...source.scan,
      costUsd: roundUsd(scanCostUsd(source.source, source.scan.bytesScanned, source.scan.queries)),
    },
    skipped: { ...source.skipped, malformed: source.skipped.malformed ?? 0 },
    notes,
  };
}
