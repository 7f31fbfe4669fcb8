/**
 * Token and inference counts of the bedrock-mantle endpoint for the report's
 * window, per `Model`, from CloudWatch (names and their confirmation status:
 * kernel/mantle-metrics.ts). The models come from ListMetrics (series with the
 * one dimension `Model`: the per-model level, not the Project copies of the
 * same traffic); each (model, metric) is summed over hourly points covering
 * the window's whole hours, in GetMetricData calls of at most 500 queries.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  ListMetricsCommand,
  type MetricDataQuery,
} from "@aws-sdk/client-cloudwatch";
import { describeAwsFailure, retryThrottled } from "../aws/clients";
import { MANTLE_METRICS, MANTLE_MODEL_DIMENSION, MANTLE_NAMESPACE } from "../kernel/mantle-metrics";
import { floorTo, HOUR_MS } from "../kernel/time";
import type { MantleModelMetrics } from "../model/unlogged-traffic";
import type { ReportWindow } from "../model/usage";
import { MAX_QUERIES_PER_CALL } from "./token-metrics";

type Kind = keyof typeof MANTLE_METRICS;
const KINDS = Object.keys(MANTLE_METRICS) as Kind[];

export interface MantleMetricsOptions {
  cloudwatch: CloudWatchClient;
  window: ReportWindow;
  signal?: AbortSignal;
  retryDelayMs?: number;
}

async function call<T>(options: MantleMetricsOptions, permission: string, send: () => Promise<T>): Promise<T> {
  try {
    return await retryThrottled(send, {
      baseDelayMs: options.retryDelayMs ?? 1_000,
      retries: 4,
      signal: options.signal,
    });
  } catch (error) {
    const region = await options.cloudwatch.config.region().catch(() => undefined);
    throw describeAwsFailure(error, { permission, resource: `metrics in ${MANTLE_NAMESPACE}`, region });
  }
}

async function listModels(options: MantleMetricsOptions): Promise<string[]> {
  const models = new Set<string>();
  for (const metricName of Object.values(MANTLE_METRICS)) {
    let nextToken: string | undefined;
    do {
      const request = {
        Namespace: MANTLE_NAMESPACE,
        MetricName: metricName,
        Dimensions: [{ Name: MANTLE_MODEL_DIMENSION }],
        NextToken: nextToken,
      };
      const response = await call(options, "cloudwatch:ListMetrics", () =>
        options.cloudwatch.send(new ListMetricsCommand(request), { abortSignal: options.signal }),
      );
      for (const metric of response.Metrics ?? []) {
        const [dimension, ...others] = metric.Dimensions ?? [];
        if (others.length === 0 && dimension?.Name === MANTLE_MODEL_DIMENSION && dimension.Value)
          models.add(dimension.Value);
      }
      nextToken = response.NextToken;
    } while (nextToken);
  }
  return [...models].sort();
}

/** Every bedrock-mantle model's counts over the window's hours; an empty list when the endpoint was not used. */
export async function readMantleMetrics(options: MantleMetricsOptions): Promise<MantleModelMetrics[]> {
  const models = await listModels(options);
  const totals = new Map<string, MantleModelMetrics>(
    models.map((model) => [
      model,
      { model, inferences: 0, clientErrors: 0, inputTokens: 0, outputTokens: 0, complete: true },
    ]),
  );
  const start = new Date(floorTo(options.window.start.getTime(), HOUR_MS));
  const end = new Date(floorTo(options.window.end.getTime() - 1, HOUR_MS) + HOUR_MS);
  const wanted = models.flatMap((model) => KINDS.map((kind) => ({ model, kind })));
  for (let first = 0; first < wanted.length; first += MAX_QUERIES_PER_CALL) {
    const batch = new Map(
      wanted.slice(first, first + MAX_QUERIES_PER_CALL).map((entry, index) => [`m${first + index}`, entry]),
    );
    const queries: MetricDataQuery[] = [...batch].map(([id, { model, kind }]) => ({
      Id: id,
      MetricStat: {
        Metric: {
          Namespace: MANTLE_NAMESPACE,
          MetricName: MANTLE_METRICS[kind],
          Dimensions: [{ Name: MANTLE_MODEL_DIMENSION, Value: model }],
        },
        Period: HOUR_MS / 1000,
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
        const total = entry && totals.get(entry.model);
        if (!entry || !total) continue;
        total[entry.kind] += (result.Values ?? []).reduce((sum, value) => sum + value, 0);
        if (result.StatusCode === "Forbidden" || result.StatusCode === "InternalError") total.complete = false;
      }
      nextToken = response.NextToken;
    } while (nextToken);
  }
  return [...totals.values()];
}
