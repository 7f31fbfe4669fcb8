/**
 * The hourly cost estimator's Lambda handler. Alarms cannot evaluate SEARCH
 * expressions, so this function evaluates the dashboard's cost expressions
 * for the last full hour with GetMetricData and publishes the result as a
 * plain metric the daily budget alarm can watch.
 *
 * It is deployed as a single transpiled file next to `estimator-config.json`;
 * it may import nothing but the AWS SDK the Lambda runtime provides.
 */
import {
  CloudWatchClient,
  GetMetricDataCommand,
  PutMetricDataCommand,
  type MetricDataQuery,
  type MetricDatum,
} from "@aws-sdk/client-cloudwatch";

export interface EstimatorConfig {
  namespace: string;
  metricName: string;
  /** The cost slices (hidden) and one summing expression per family. */
  queries: MetricDataQuery[];
  /** Query ID of each family's summing expression -> family name. */
  familyQueryIds: Record<string, string>;
}

export interface HourEstimate {
  hourStart: string;
  byFamily: Record<string, number>;
  totalUsd: number;
}

const HOUR_MS = 3_600_000;

/** Estimates the last complete UTC hour and publishes it, per family and in total. */
export async function publishLastHourEstimate(
  client: CloudWatchClient,
  config: EstimatorConfig,
  now: Date,
): Promise<HourEstimate> {
  const end = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  const start = new Date(end.getTime() - HOUR_MS);
  const byFamily: Record<string, number> = Object.fromEntries(
    Object.values(config.familyQueryIds).map((family) => [family, 0]),
  );

  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new GetMetricDataCommand({
        StartTime: start,
        EndTime: end,
        MetricDataQueries: config.queries,
        NextToken: nextToken,
        ScanBy: "TimestampAscending",
      }),
    );
    for (const result of page.MetricDataResults ?? []) {
      const family = result.Id === undefined ? undefined : config.familyQueryIds[result.Id];
      if (family === undefined) continue;
      byFamily[family] += (result.Values ?? []).reduce((sum, value) => sum + value, 0);
    }
    nextToken = page.NextToken;
  } while (nextToken !== undefined);

  const totalUsd = Object.values(byFamily).reduce((sum, value) => sum + value, 0);
  // Zeros are published too, so a quiet hour reads as $0 rather than as missing data.
  const data: MetricDatum[] = [
    { MetricName: config.metricName, Timestamp: start, Value: totalUsd, Unit: "None" },
    ...Object.entries(byFamily).map(([family, usd]) => ({
      MetricName: config.metricName,
      Dimensions: [{ Name: "Family", Value: family }],
      Timestamp: start,
      Value: usd,
      Unit: "None" as const,
    })),
  ];
  await client.send(new PutMetricDataCommand({ Namespace: config.namespace, MetricData: data }));
  return { hourStart: start.toISOString(), byFamily, totalUsd };
}

export async function handler(): Promise<HourEstimate> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the deployment places the config beside this file
  const config = require("./estimator-config.json") as EstimatorConfig;
  return publishLastHourEstimate(new CloudWatchClient({}), config, new Date());
}
