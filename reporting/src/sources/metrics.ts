/**
 * Latency and error counts from CloudWatch metrics (namespace AWS/Bedrock),
 * which the log records do not carry reliably: plain InvokeModel records have
 * no latency, and throttled requests may never be logged.
 *
 * Series: the DIMENSIONLESS ones, not SEARCH over `{AWS/Bedrock,ModelId}`.
 * Bedrock publishes every metric both per ModelId and without dimensions; the
 * dimensionless series aggregates every invocation in the account and region,
 * whatever ID the caller used (base ID, `us.`/`global.` profile, application
 * inference profile ARN), so it covers all models with no list to maintain.
 * It is also the only way to a true p99 over all requests: CloudWatch computes
 * the percentile over the whole population of the series, whereas per-model
 * percentiles from SEARCH cannot be combined into an overall one (their maximum
 * is the slowest model's p99, not the p99 of all requests). SEARCH stays right
 * for per-model charts on the dashboard.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { describeAwsFailure, retryThrottled } from "../aws/clients";
import type { LatencySummary } from "../model/stats";
import type { ReportWindow } from "../model/usage";
import type { MetricErrorCounts } from "./contract";

const NAMESPACE = "AWS/Bedrock";
const DAY_S = 86_400;

export interface MetricsReadOptions {
  cloudwatch: CloudWatchClient;
  window: ReportWindow;
  /**
   * Length of one data point. By default one period spans the whole window
   * (aligned to the finest resolution CloudWatch still keeps for it), because
   * only a single period gives an exact p99 over the window.
   */
  periodSeconds?: number;
  signal?: AbortSignal;
  /** First wait after a throttled call; doubles on each retry. */
  retryDelayMs?: number;
  /** The current time, for the retention rules. */
  now?: Date;
}

export interface MetricsResult {
  latency: LatencySummary;
  metricErrors: MetricErrorCounts;
  /** What the report must say about these figures (alignment, retention, partial data). */
  notes: string[];
}

/** The statistics fetched in the one GetMetricData call: query ID -> metric and statistic. */
const QUERIES = {
  latencyAvg: ["InvocationLatency", "Average"],
  latencyP50: ["InvocationLatency", "p50"],
  latencyP90: ["InvocationLatency", "p90"],
  latencyP99: ["InvocationLatency", "p99"],
  latencyMax: ["InvocationLatency", "Maximum"],
  latencySamples: ["InvocationLatency", "SampleCount"],
  invocations: ["Invocations", "Sum"],
  clientErrors: ["InvocationClientErrors", "Sum"],
  serverErrors: ["InvocationServerErrors", "Sum"],
  throttles: ["InvocationThrottles", "Sum"],
} as const satisfies Record<string, readonly [string, string]>;

type QueryId = keyof typeof QUERIES;

/**
 * The resolution CloudWatch keeps for data that old: 1-minute points for 15
 * days, 5-minute for 63 days, 1-hour for 455 days (older data is gone).
 */
export function retainedResolutionSeconds(start: Date, now: Date): number {
  const ageDays = (now.getTime() - start.getTime()) / 1000 / DAY_S;
  if (ageDays <= 15) return 60;
  if (ageDays <= 63) return 300;
  return 3_600;
}

/**
 * Latency (avg, p50, p90, p99, max: real statistics of the `InvocationLatency`
 * metric), invocations, client/server error and throttle counts and the error
 * rate for the window, from one batched GetMetricData call (following
 * NextToken pages).
 */
export async function readMetrics(options: MetricsReadOptions): Promise<MetricsResult> {
  const now = options.now ?? new Date();
  const resolution = retainedResolutionSeconds(options.window.start, now);
  const startS = Math.floor(options.window.start.getTime() / 1000 / resolution) * resolution;
  const endS = Math.ceil(options.window.end.getTime() / 1000 / resolution) * resolution;
  // A period that is not a multiple of the retained resolution returns no data points at all.
  const period =
    options.periodSeconds !== undefined
      ? Math.ceil(options.periodSeconds / resolution) * resolution
      : Math.max(resolution, endS - startS);
  const notes: string[] = [];
  if (startS * 1000 !== options.window.start.getTime() || endS * 1000 !== options.window.end.getTime()) {
    notes.push(
      `CloudWatch metrics cover ${new Date(startS * 1000).toISOString()} to ${new Date(endS * 1000).toISOString()}: the window widened to whole ${resolution / 60}-minute periods.`,
    );
  }
  if ((now.getTime() / 1000 - startS) / DAY_S > 455) {
    notes.push(
      "CloudWatch keeps metrics for 455 days; the part of the window before that has no latency or error metrics.",
    );
  }

  const series = await fetchAllPages(options, toQueries(period), new Date(startS * 1000), new Date(endS * 1000), notes);
  const sum = (id: QueryId) => series[id].reduce((total, point) => total + point.value, 0);
  const samples = sum("latencySamples");
  const single = (id: QueryId): number | null => {
    const points = series[id];
    if (samples === 0 || points.length === 0) return null;
    if (points.length === 1) return points[0].value;
    // Percentiles of several periods cannot be merged exactly; leave them out rather than approximate.
    return null;
  };
  if (samples > 0 && series.latencyP99.length > 1) {
    notes.push(
      "Latency percentiles are unavailable: the metric came back in several periods, which cannot be combined exactly.",
    );
  }

  return {
    latency: {
      samples,
      avg: samples > 0 ? weightedAverage(series.latencyAvg, series.latencySamples) : null,
      p50: single("latencyP50"),
      p90: single("latencyP90"),
      p99: single("latencyP99"),
      max:
        samples > 0 && series.latencyMax.length > 0 ? Math.max(...series.latencyMax.map((point) => point.value)) : null,
      from: "metrics",
    },
    metricErrors: metricErrorCounts(sum("invocations"), sum("clientErrors"), sum("serverErrors"), sum("throttles")),
    notes,
  };
}

/**
 * The error rate as (client + server errors) / Invocations. AWS's metrics page
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html)
 * now says `Invocations` counts the requests Bedrock accepted for processing,
 * including those that later failed with a client or server error (throttled
 * requests are in neither), so adding the errors to it again would count each
 * failure twice.
 */
function metricErrorCounts(
  invocations: number,
  clientErrors: number,
  serverErrors: number,
  throttles: number,
): MetricErrorCounts {
  const errorRate = invocations > 0 ? (clientErrors + serverErrors) / invocations : null;
  return { invocations, clientErrors, serverErrors, throttles, errorRate };
}

function toQueries(period: number): MetricDataQuery[] {
  return Object.entries(QUERIES).map(([id, [metricName, stat]]) => ({
    Id: id,
    MetricStat: { Metric: { Namespace: NAMESPACE, MetricName: metricName }, Period: period, Stat: stat },
    ReturnData: true,
  }));
}

interface Point {
  timestampMs: number;
  value: number;
}

async function fetchAllPages(
  options: MetricsReadOptions,
  queries: MetricDataQuery[],
  start: Date,
  end: Date,
  notes: string[],
): Promise<Record<QueryId, Point[]>> {
  const series = Object.fromEntries(Object.keys(QUERIES).map((id) => [id, [] as Point[]])) as Record<QueryId, Point[]>;
  let nextToken: string | undefined;
  do {
    const token = nextToken;
    const response = await callGetMetricData(options, () =>
      options.cloudwatch.send(
        new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start, EndTime: end, NextToken: token }),
        { abortSignal: options.signal },
      ),
    );
    for (const result of response.MetricDataResults ?? []) collect(series, result, notes);
    nextToken = response.NextToken;
  } while (nextToken);
  return series;
}

function collect(series: Record<QueryId, Point[]>, result: MetricDataResult, notes: string[]): void {
  const points = result.Id && result.Id in series ? series[result.Id as QueryId] : undefined;
  if (!points) return;
  const timestamps = result.Timestamps ?? [];
  (result.Values ?? []).forEach((value, index) =>
    points.push({ timestampMs: timestamps[index]?.getTime() ?? 0, value }),
  );
  if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") {
    notes.push(
      `CloudWatch could not return ${result.Label ?? result.Id} (${result.StatusCode}); that figure is incomplete.`,
    );
  }
}

/** The average over several periods, weighted by each period's sample count. */
function weightedAverage(averages: Point[], counts: Point[]): number | null {
  const countAt = new Map(counts.map((point) => [point.timestampMs, point.value]));
  let weighted = 0;
  let total = 0;
  for (const point of averages) {
    const count = countAt.get(point.timestampMs) ?? 0;
    weighted += point.value * count;
    total += count;
  }
  return total > 0 ? weighted / total : null;
}

async function callGetMetricData<T>(options: MetricsReadOptions, send: () => Promise<T>): Promise<T> {
  try {
    return await retryThrottled(send, {
      baseDelayMs: options.retryDelayMs ?? 1_000,
      retries: 4,
      signal: options.signal,
    });
  } catch (error) {
    const region = await options.cloudwatch.config.region().catch(() => undefined);
    throw describeAwsFailure(error, {
      permission: "cloudwatch:GetMetricData",
      resource: `metrics in ${NAMESPACE}`,
      region,
    });
  }
}
