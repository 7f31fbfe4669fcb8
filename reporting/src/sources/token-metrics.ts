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
 * MetricStat query summed over one period spanning the compared hours; a
 * GetMetricData call takes at most 500 of them, so they go in batches, each
 * followed through its NextToken pages. Both limits: the GetMetricData and
 * ListMetrics API references,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html and
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { describeAwsFailure, retryThrottled } from "../aws/clients";
import type { ModelTokenMetrics } from "../model/reconciliation";
import type { ReportWindow } from "../model/usage";

const NAMESPACE = "AWS/Bedrock";
const DIMENSION = "ModelId";
const TOKEN_METRICS = { inputTokens: "InputTokenCount", outputTokens: "OutputTokenCount" } as const;
type TokenKind = keyof typeof TOKEN_METRICS;
/** MetricDataQuery structures one GetMetricData call accepts. */
export const MAX_QUERIES_PER_CALL = 500;

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
  const listed = await Promise.all(Object.values(TOKEN_METRICS).map((metricName) => listModelIds(options, metricName)));
  const modelIds = [...new Set([...options.modelIds, ...listed.flat()])].sort();
  const totals = new Map<string, ModelTokenMetrics>();
  for (const modelId of modelIds) totals.set(modelId, { modelId, inputTokens: 0, outputTokens: 0, complete: true });
  const kinds = Object.keys(TOKEN_METRICS) as TokenKind[];
  const wanted = modelIds.flatMap((modelId) => kinds.map((kind) => ({ modelId, kind })));
  for (let first = 0; first < wanted.length; first += MAX_QUERIES_PER_CALL) {
    const batch = wanted.slice(first, first + MAX_QUERIES_PER_CALL);
    await addBatch(options, new Map(batch.map((entry, index) => [`q${first + index}`, entry])), totals);
  }
  return [...totals.values()];
}

/** One GetMetricData call's queries (ID -> model and token kind), through its NextToken pages, into the totals. */
async function addBatch(
  options: TokenMetricsOptions,
  batch: Map<string, { modelId: string; kind: TokenKind }>,
  totals: Map<string, ModelTokenMetrics>,
): Promise<void> {
  const { start, end } = options.range;
  const queries: MetricDataQuery[] = [...batch].map(([id, { modelId, kind }]) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: NAMESPACE,
        MetricName: TOKEN_METRICS[kind],
        Dimensions: [{ Name: DIMENSION, Value: modelId }],
      },
      Period: (end.getTime() - start.getTime()) / 1000,
      Stat: "Sum",
    },
    ReturnData: true,
  }));
  let nextToken: string | undefined;
  do {
    const request = { MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: nextToken };
    const response = await call(options, "cloudwatch:GetMetricData", () =>
      options.cloudwatch.send(new GetMetricDataCommand(request), { abortSignal: options.signal }),
    );
    for (const result of response.MetricDataResults ?? []) {
      const entry = result.Id === undefined ? undefined : batch.get(result.Id);
      const total = entry && totals.get(entry.modelId);
      if (!entry || !total) continue;
      total[entry.kind] += (result.Values ?? []).reduce((sum, value) => sum + value, 0);
      if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") total.complete = false;
    }
    nextToken = response.NextToken;
  } while (nextToken);
}

/** The ModelId values of the metric's series that have that one dimension, through every ListMetrics page. */
async function listModelIds(options: TokenMetricsOptions, metricName: string): Promise<string[]> {
  const modelIds: string[] = [];
  let nextToken: string | undefined;
  do {
    const dimensions = [{ Name: DIMENSION }];
    const request = { Namespace: NAMESPACE, MetricName: metricName, Dimensions: dimensions, NextToken: nextToken };
    const response = await call(options, "cloudwatch:ListMetrics", () =>
      options.cloudwatch.send(new ListMetricsCommand(request), { abortSignal: options.signal }),
    );
    for (const metric of response.Metrics ?? []) {
      const [dimension, ...others] = metric.Dimensions ?? [];
      if (others.length === 0 && dimension?.Name === DIMENSION && dimension.Value) modelIds.push(dimension.Value);
    }
    nextToken = response.NextToken;
  } while (nextToken);
  return modelIds;
}

async function call<T>(options: TokenMetricsOptions, permission: string, send: () => Promise<T>): Promise<T> {
  try {
    const baseDelayMs = options.retryDelayMs ?? 1_000;
    return await retryThrottled(send, { baseDelayMs, retries: 4, signal: options.signal });
  } catch (error) {
    const region = await options.cloudwatch.config.region().catch(() => undefined);
    throw describeAwsFailure(error, { permission, resource: `token metrics in ${NAMESPACE}`, region });
  }
}
