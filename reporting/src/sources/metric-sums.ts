/**
 * Sums of CloudWatch metric series by one dimension, for the readers that
 * total a namespace's counts per model (token-metrics, mantle-metrics): the
 * dimension's values from ListMetrics, and each (value, metric) as one
 * MetricStat query of `Sum`, in GetMetricData calls of at most 500 queries,
 * each followed through its NextToken pages. Both limits: the GetMetricData
 * and ListMetrics API references,
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

/** MetricDataQuery structures one GetMetricData call accepts. */
export const MAX_QUERIES_PER_CALL = 500;

export interface MetricSumsOptions {
  cloudwatch: CloudWatchClient;
  signal?: AbortSignal;
  /** First wait after a throttled call; doubles on each retry. */
  retryDelayMs?: number;
}

/** Where the series live. */
export interface SeriesFamily {
  namespace: string;
  /** What a failure names (`token metrics in AWS/Bedrock`). */
  description: string;
  /** The one dimension the series are split by (`ModelId`, `Model`). */
  dimension: string;
}

/** One series to sum: a metric of the family at one value of its dimension. */
export interface SeriesSum {
  value: string;
  metricName: string;
  sum: number;
  /** False when CloudWatch answered Forbidden or InternalError for the series: its sum is a lower bound. */
  complete: boolean;
}

async function call<T>(
  options: MetricSumsOptions,
  family: SeriesFamily,
  permission: string,
  send: () => Promise<T>,
): Promise<T> {
  try {
    const baseDelayMs = options.retryDelayMs ?? 1_000;
    return await retryThrottled(send, { baseDelayMs, retries: 4, signal: options.signal });
  } catch (error) {
    const region = await options.cloudwatch.config.region().catch(() => undefined);
    throw describeAwsFailure(error, { permission, resource: family.description, region });
  }
}

/** The dimension's values of the series of `metricNames` that have that one dimension, through every ListMetrics page. */
export async function listDimensionValues(
  options: MetricSumsOptions,
  family: SeriesFamily,
  metricNames: readonly string[],
): Promise<string[]> {
  const values = new Set<string>();
  for (const metricName of metricNames) {
    let nextToken: string | undefined;
    do {
      const request = {
        Namespace: family.namespace,
        MetricName: metricName,
        Dimensions: [{ Name: family.dimension }],
        NextToken: nextToken,
      };
      const response = await call(options, family, "cloudwatch:ListMetrics", () =>
        options.cloudwatch.send(new ListMetricsCommand(request), { abortSignal: options.signal }),
      );
      for (const metric of response.Metrics ?? []) {
        const [dimension, ...others] = metric.Dimensions ?? [];
        if (others.length === 0 && dimension?.Name === family.dimension && dimension.Value) values.add(dimension.Value);
      }
      nextToken = response.NextToken;
    } while (nextToken);
  }
  return [...values].sort();
}

/**
 * The `Sum` of every (value, metric) over `[start, end)`, one data point per
 * `periodSeconds`, added up; in the order of `values`, then of `metricNames`.
 */
export async function sumSeries(
  options: MetricSumsOptions,
  family: SeriesFamily,
  request: { values: readonly string[]; metricNames: readonly string[]; start: Date; end: Date; periodSeconds: number },
): Promise<SeriesSum[]> {
  const sums: SeriesSum[] = request.values.flatMap((value) =>
    request.metricNames.map((metricName) => ({ value, metricName, sum: 0, complete: true })),
  );
  for (let first = 0; first < sums.length; first += MAX_QUERIES_PER_CALL) {
    const batch = new Map(
      sums.slice(first, first + MAX_QUERIES_PER_CALL).map((sum, index) => [`q${first + index}`, sum]),
    );
    const queries: MetricDataQuery[] = [...batch].map(([id, { value, metricName }]) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: family.namespace,
          MetricName: metricName,
          Dimensions: [{ Name: family.dimension, Value: value }],
        },
        Period: request.periodSeconds,
        Stat: "Sum",
      },
      ReturnData: true,
    }));
    let nextToken: string | undefined;
    do {
      const input = {
        MetricDataQueries: queries,
        StartTime: request.start,
        EndTime: request.end,
        NextToken: nextToken,
      };
      const response = await call(options, family, "cloudwatch:GetMetricData", () =>
        options.cloudwatch.send(new GetMetricDataCommand(input), { abortSignal: options.signal }),
      );
      for (const result of response.MetricDataResults ?? []) {
        const sum = result.Id === undefined ? undefined : batch.get(result.Id);
        if (!sum) continue;
        sum.sum += (result.Values ?? []).reduce((total, value) => total + value, 0);
        if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") sum.complete = false;
      }
      nextToken = response.NextToken;
    } while (nextToken);
  }
  return sums;
}
