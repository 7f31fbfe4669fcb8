/**
 * Token counts per model ID from CloudWatch metrics (namespace AWS/Bedrock,
 * `InputTokenCount` and `OutputTokenCount` by dimension `ModelId`:
 * https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html),
 * for the online report's cross-check of its Logs Insights sums.
 *
 * The model IDs are those the logs name plus those ListMetrics finds, so a
 * model whose records never reached the log group still shows up. ListMetrics
 * only lists metrics that reported data in the past two weeks, which is why
 * the logged IDs are asked for by name as well. Each (model, metric) is one
 * series summed over one period spanning the compared hours (metric-sums.ts).
 */
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { ModelTokenMetrics } from "../model/reconciliation";
import type { ReportWindow } from "../model/usage";
import { listDimensionValues, sumSeries, type SeriesFamily } from "./metric-sums";

const TOKEN_SERIES: SeriesFamily = {
  namespace: "AWS/Bedrock",
  dimension: "ModelId",
  description: "token metrics in AWS/Bedrock",
};
const TOKEN_METRICS = { inputTokens: "InputTokenCount", outputTokens: "OutputTokenCount" } as const;
type TokenKind = keyof typeof TOKEN_METRICS;
const KIND_OF_METRIC = new Map<string, TokenKind>(
  Object.entries(TOKEN_METRICS).map(([kind, name]) => [name, kind as TokenKind]),
);

export interface TokenMetricsOptions {
  cloudwatch: CloudWatchClient;
  /** Whole UTC hours; one data point spans all of them. */
  range: ReportWindow;
  /** The model IDs as logged: asked for even when ListMetrics no longer lists them. */
  modelIds: readonly string[];
  signal?: AbortSignal;
  /** First wait after a throttled call; doubles on each retry. */
  retryDelayMs?: number;
}

/** Input and output token sums over the range for every ModelId value the logs or ListMetrics name. */
export async function readTokenMetrics(options: TokenMetricsOptions): Promise<ModelTokenMetrics[]> {
  const metricNames = Object.values(TOKEN_METRICS);
  const listed = await listDimensionValues(options, TOKEN_SERIES, metricNames);
  const modelIds = [...new Set([...options.modelIds, ...listed])].sort();
  const { start, end } = options.range;
  const sums = await sumSeries(options, TOKEN_SERIES, {
    values: modelIds,
    metricNames,
    start,
    end,
    periodSeconds: (end.getTime() - start.getTime()) / 1000,
  });
  const totals = new Map<string, ModelTokenMetrics>();
  for (const modelId of modelIds) totals.set(modelId, { modelId, inputTokens: 0, outputTokens: 0, complete: true });
  for (const { value, metricName, sum, complete } of sums) {
    const total = totals.get(value)!;
    total[KIND_OF_METRIC.get(metricName)!] += sum;
    total.complete &&= complete;
  }
  return [...totals.values()];
}
