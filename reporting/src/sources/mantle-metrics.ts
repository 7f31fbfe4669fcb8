/**
 * Token and inference counts of the bedrock-mantle endpoint for the report's
 * window, per `Model`, from CloudWatch (names and their confirmation status:
 * kernel/mantle-metrics.ts). The models come from ListMetrics (series with the
 * one dimension `Model`: the per-model level, not the Project copies of the
 * same traffic); each (model, metric) is summed over hourly points covering
 * the window's whole hours (metric-sums.ts).
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { MANTLE_METRICS, MANTLE_MODEL_DIMENSION, MANTLE_NAMESPACE } from "../kernel/mantle-metrics";
import { floorTo, HOUR_MS } from "../kernel/time";
import type { MantleModelMetrics } from "../model/unlogged-traffic";
import type { ReportWindow } from "../model/usage";
import { listDimensionValues, sumSeries, type SeriesFamily } from "./metric-sums";

type Kind = keyof typeof MANTLE_METRICS;
const KIND_OF_METRIC = new Map<string, Kind>(
  Object.entries(MANTLE_METRICS).map(([kind, name]) => [name, kind as Kind]),
);
const MANTLE_SERIES: SeriesFamily = {
  namespace: MANTLE_NAMESPACE,
  dimension: MANTLE_MODEL_DIMENSION,
  description: `metrics in ${MANTLE_NAMESPACE}`,
};

export interface MantleMetricsOptions {
  cloudwatch: CloudWatchClient;
  window: ReportWindow;
  signal?: AbortSignal;
  retryDelayMs?: number;
}

/** Every bedrock-mantle model's counts over the window's hours; an empty list when the endpoint was not used. */
export async function readMantleMetrics(options: MantleMetricsOptions): Promise<MantleModelMetrics[]> {
  const metricNames = Object.values(MANTLE_METRICS);
  const models = await listDimensionValues(options, MANTLE_SERIES, metricNames);
  const sums = await sumSeries(options, MANTLE_SERIES, {
    values: models,
    metricNames,
    start: new Date(floorTo(options.window.start.getTime(), HOUR_MS)),
    end: new Date(floorTo(options.window.end.getTime() - 1, HOUR_MS) + HOUR_MS),
    periodSeconds: HOUR_MS / 1000,
  });
  const totals = new Map<string, MantleModelMetrics>(
    models.map((model) => [
      model,
      { model, inferences: 0, clientErrors: 0, inputTokens: 0, outputTokens: 0, complete: true },
    ]),
  );
  for (const { value, metricName, sum, complete } of sums) {
    const total = totals.get(value)!;
    total[KIND_OF_METRIC.get(metricName)!] += sum;
    total.complete &&= complete;
  }
  return [...totals.values()];
}
