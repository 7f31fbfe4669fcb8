/**
 * The online report's cross-check of its Logs Insights token sums against
 * CloudWatch's `InputTokenCount` and `OutputTokenCount` metrics. Logs
 * Insights can miss token counts: `parse` only works on JSON events of at most
 * 200 fields (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html),
 * so a long streaming record whose counts field discovery did not reach counts
 * 0 tokens without a word. Bedrock publishes the metrics itself, per request.
 * Pure: the metrics come in from sources/token-metrics.
 */
import { canonicalModelId } from "../kernel/pricing/model-ids";
import { floorTo, HOUR_MS, MINUTE_MS } from "../kernel/time";
import type { ReportWindow, UsageRow } from "./usage";

/** One token kind of one model: Logs Insights' sum against CloudWatch's metric over the same hours. */
export interface TokenComparison {
  insights: number;
  /** Null when CloudWatch could not return the metric. */
  metrics: number | null;
  /** insights - metrics. */
  difference: number | null;
  /** difference / metrics x 100, to two decimals; null when the metric is 0 or missing. */
  percent: number | null;
}

export interface ModelReconciliation {
  /** The model ID, a system inference-profile or foundation-model ARN resolved to the ID it names. */
  modelId: string;
  /** The IDs as logged, and as CloudWatch's ModelId dimension holds them, that were summed under modelId. */
  loggedModelIds: string[];
  metricModelIds: string[];
  inputTokens: TokenComparison;
  outputTokens: TokenComparison;
  /** Input or output tokens differ by more than the threshold (or the metric saw none of what was logged). */
  overThreshold: boolean;
}

/** Logs Insights' token sums per model against CloudWatch's InputTokenCount and OutputTokenCount. */
export interface Reconciliation {
  /** The whole UTC hours compared: inside the window, and ended long enough ago for metrics and logs to be in. */
  start: string;
  end: string;
  thresholdPercent: number;
  models: ModelReconciliation[];
  /** The modelId of every model over the threshold. */
  modelsOverThreshold: string[];
}

/** Above this difference, in percent of the metric, the report names the model. */
export const RECONCILIATION_THRESHOLD_PERCENT = 1;

/**
 * An hour is compared only once it ended this long ago. CloudWatch makes AWS
 * services' metrics available minutes late (about 2 minutes for 1-minute data,
 * 5 to 10 for 5-minute data: https://docs.datadoghq.com/integrations/guide/cloud-metric-delay/),
 * and Bedrock delivers log records with a delay of its own.
 */
export const SETTLE_MS = 15 * MINUTE_MS;

/** What CloudWatch holds for one value of the ModelId dimension over the compared hours. */
export interface ModelTokenMetrics {
  /** The ModelId dimension value, as the caller sent it. */
  modelId: string;
  inputTokens: number;
  outputTokens: number;
  /** False when CloudWatch returned a series with an error status (Forbidden, InternalError). */
  complete: boolean;
}

/**
 * The whole UTC hours of the window that ended at least SETTLE_MS before
 * `now`: Logs Insights rows are per UTC hour, so only hours wholly inside the
 * window compare like with like, and metric periods aligned to hours match
 * them exactly. Null when there is no such hour.
 */
export function comparisonRange(window: ReportWindow, now: Date): ReportWindow | null {
  const startMs = Math.ceil(window.start.getTime() / HOUR_MS) * HOUR_MS;
  const endMs = floorTo(Math.min(window.end.getTime(), now.getTime() - SETTLE_MS), HOUR_MS);
  return endMs > startMs ? { start: new Date(startMs), end: new Date(endMs) } : null;
}

interface Side {
  ids: Set<string>;
  inputTokens: number;
  outputTokens: number;
  complete: boolean;
}

function sideOf(map: Map<string, Side>, id: string): Side {
  const key = canonicalModelId(id);
  let side = map.get(key);
  if (!side) {
    side = { ids: new Set(), inputTokens: 0, outputTokens: 0, complete: true };
    map.set(key, side);
  }
  side.ids.add(id);
  return side;
}

function compare(insights: number, metrics: number | null): TokenComparison {
  if (metrics === null) return { insights, metrics, difference: null, percent: null };
  const difference = insights - metrics;
  const percent = metrics === 0 ? (difference === 0 ? 0 : null) : Math.round((difference / metrics) * 10_000) / 100;
  return { insights, metrics, difference, percent };
}

function overThreshold(comparison: TokenComparison): boolean {
  if (comparison.metrics === null) return false;
  if (comparison.percent === null) return comparison.difference !== 0;
  return Math.abs(comparison.percent) > RECONCILIATION_THRESHOLD_PERCENT;
}

/**
 * Per model (canonical ID), the Insights token sums of the rows in `range`
 * against the metric totals for the same hours. Models neither side saw a
 * token of are left out.
 */
export function reconcileTokens(
  rows: readonly UsageRow[],
  metrics: readonly ModelTokenMetrics[],
  range: ReportWindow,
): Reconciliation {
  const logged = new Map<string, Side>();
  for (const row of rows) {
    if (row.hourStartMs < range.start.getTime() || row.hourStartMs >= range.end.getTime()) continue;
    const side = sideOf(logged, row.modelId);
    side.inputTokens += row.inputTokens;
    side.outputTokens += row.outputTokens;
  }
  const measured = new Map<string, Side>();
  for (const series of metrics) {
    // The logged IDs are asked for by name too; a series that holds nothing only adds noise.
    if (series.complete && series.inputTokens === 0 && series.outputTokens === 0) continue;
    const side = sideOf(measured, series.modelId);
    side.inputTokens += series.inputTokens;
    side.outputTokens += series.outputTokens;
    side.complete &&= series.complete;
  }

  const models: ModelReconciliation[] = [];
  for (const modelId of [...new Set([...logged.keys(), ...measured.keys()])].sort()) {
    const fromLogs = logged.get(modelId);
    const fromMetrics = measured.get(modelId);
    const metricOf = (kind: "inputTokens" | "outputTokens") =>
      fromMetrics === undefined ? 0 : fromMetrics.complete ? fromMetrics[kind] : null;
    const inputTokens = compare(fromLogs?.inputTokens ?? 0, metricOf("inputTokens"));
    const outputTokens = compare(fromLogs?.outputTokens ?? 0, metricOf("outputTokens"));
    if ([inputTokens, outputTokens].every((kind) => kind.insights === 0 && kind.metrics === 0)) continue;
    models.push({
      modelId,
      loggedModelIds: [...(fromLogs?.ids ?? [])].sort(),
      metricModelIds: [...(fromMetrics?.ids ?? [])].sort(),
      inputTokens,
      outputTokens,
      overThreshold: overThreshold(inputTokens) || overThreshold(outputTokens),
    });
  }
  return {
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    thresholdPercent: RECONCILIATION_THRESHOLD_PERCENT,
    models,
    modelsOverThreshold: models.filter((model) => model.overThreshold).map((model) => model.modelId),
  };
}

const count = (value: number) => value.toLocaleString("en-US");

function describeDifference(kind: string, comparison: TokenComparison): string {
  const counts = `${count(comparison.insights)} vs ${count(comparison.metrics ?? 0)}`;
  const percent = comparison.percent === null ? "" : `, ${comparison.percent > 0 ? "+" : ""}${comparison.percent}%`;
  return `${kind} ${counts}${percent}`;
}

/** What the report says about the cross-check: agreement, or the models over the threshold and what that means. */
export function reconciliationNotes(reconciliation: Reconciliation): string[] {
  const { start, end, thresholdPercent, models } = reconciliation;
  const over = `more than ${thresholdPercent}%`;
  const hours = `${start} to ${end}`;
  const notes: string[] = [];
  const unavailable = models.filter((model) => model.inputTokens.metrics === null);
  if (unavailable.length > 0) {
    const names = unavailable.map((model) => model.modelId).join(", ");
    notes.push(`CloudWatch could not return the token metrics of ${names}; they are not cross-checked.`);
  }
  const mismatched = models.filter((model) => model.overThreshold);
  if (mismatched.length === 0) {
    notes.push(
      models.length === 0
        ? `Cross-check over ${hours}: neither Logs Insights nor CloudWatch's token metrics saw any tokens.`
        : `Cross-check over ${hours}: Logs Insights token sums are within ${thresholdPercent}% of CloudWatch's ` +
            "InputTokenCount and OutputTokenCount for every model.",
    );
    return notes;
  }
  const details = mismatched.map((model) => {
    const kinds = [
      ["input", model.inputTokens],
      ["output", model.outputTokens],
    ] as const;
    const differing = kinds.filter(([, comparison]) => overThreshold(comparison));
    const differences = differing.map(([kind, comparison]) => describeDifference(kind, comparison));
    return `${model.modelId} (${differences.join("; ")})`;
  });
  notes.push(
    `TOKEN MISMATCH over ${hours}: Logs Insights and CloudWatch's InputTokenCount/OutputTokenCount differ ` +
      `by ${over} for ${details.join(", ")} (Insights vs metrics). Logs Insights counts 0 tokens for a record ` +
      "it cannot parse (more than 200 fields, such as a long streaming response) and misses records whose " +
      "delivery failed: where Insights is lower, the metrics are the better token figure and the cost shown " +
      "for that model is understated.",
  );
  return notes;
}
