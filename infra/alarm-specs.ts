/**
 * The alarms, as plain data built from the stack's thresholds.
 *
 * Usage alarms use Metrics Insights queries such as
 * `SELECT SUM(InputTokenCount) FROM SCHEMA("AWS/Bedrock", ModelId)`: Bedrock
 * documents its runtime metrics per ModelId, and summing those series at
 * evaluation time covers every model and inference profile (`us.`,
 * `global.`, Claude versions released after the deploy) without a list of IDs,
 * and counts exactly what the dashboard's SEARCH graphs show. `AVG` in Metrics
 * Insights averages the underlying observations, so the latency alarm is a
 * true request-weighted average, not an average of per-model averages.
 * Delivery failures are published only without dimensions ("across all model
 * IDs"), so that alarm reads those series directly.
 *
 * Calls through the bedrock-mantle endpoint are not in AWS/Bedrock: the token
 * and invocation alarms add the account-level AWS/BedrockMantle series with
 * metric math. A GetMetricData request, and so an alarm, may hold only one
 * Metrics Insights query but other metrics besides, and a query's single
 * series can feed a math expression
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-metrics-insights-math.html).
 */
import { ESTIMATED_TPM_QUOTA_USAGE, MANTLE_METRICS, MANTLE_NAMESPACE } from "../reporting/src/kernel/mantle-metrics";

/** A model's tokens-per-minute quota (Service Quotas), as the stack config gives it. */
export interface TpmQuota {
  /** The ModelId dimension value: a base model ID or an inference profile ID. */
  modelId: string;
  tokensPerMinute: number;
}

export interface AlarmThresholds {
  inputTokensPerHour: number;
  errorsPer5Minutes: number;
  throttlesPer5Minutes: number;
  invocationsPerHour: number;
  averageLatencyMs: number;
  /** Estimated dollars in a rolling 24 hours; undefined turns the cost alarm off. */
  dailyCostBudgetUsd?: number;
  /** Alarm when a model's EstimatedTPMQuotaUsage passes this percent of its quota; undefined turns it off. */
  tpmQuotaAlarm?: { percent: number; quotas: TpmQuota[] };
}

export interface AlarmQuery {
  id: string;
  label?: string;
  returnData: boolean;
  /** A Metrics Insights query or a metric math expression. */
  expression?: string;
  period?: number;
  metric?: { namespace: string; metricName: string; stat: string; period: number; dimensions?: Record<string, string> };
}

export interface AlarmSpec {
  /** Short stable key; the alarm's name is `<stack prefix>-<key>`. */
  key: string;
  description: string;
  threshold: number;
  comparisonOperator: "GreaterThanThreshold";
  evaluationPeriods: number;
  datapointsToAlarm: number;
  /** Quiet periods are normal for an API that is not always called. */
  treatMissingData: "notBreaching";
  queries: AlarmQuery[];
}

export const ESTIMATED_COST_NAMESPACE = "BedrockMonitoring";
export const ESTIMATED_COST_METRIC = "EstimatedCostUsd";

const HOUR = 3600;
const FIVE_MINUTES = 300;

function sumOverModels(metric: string): string {
  return `SELECT SUM(${metric}) FROM SCHEMA("AWS/Bedrock", ModelId)`;
}

/** An alarm when the query's returned series is above `threshold` for `periods` periods running. */
function aboveThreshold(
  key: string,
  description: string,
  threshold: number,
  periods: number,
  queries: AlarmQuery[],
): AlarmSpec {
  return {
    key,
    description,
    threshold,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    treatMissingData: "notBreaching",
    queries,
  };
}

function insightsAlarm(
  key: string,
  description: string,
  query: string,
  period: number,
  threshold: number,
  periods = 1,
): AlarmSpec {
  return aboveThreshold(key, description, threshold, periods, [
    { id: "q1", expression: query, period, returnData: true, label: key },
  ]);
}

/**
 * An hourly usage alarm over both endpoints: the AWS/Bedrock Metrics Insights
 * query plus the bedrock-mantle account-level series, each missing point as 0.
 */
function usageAlarm(
  key: string,
  description: string,
  bedrockMetric: string,
  mantleMetric: string,
  threshold: number,
): AlarmSpec {
  return aboveThreshold(key, description, threshold, 1, [
    { id: "bedrock", expression: sumOverModels(bedrockMetric), period: HOUR, returnData: false },
    {
      id: "mantle",
      returnData: false,
      metric: { namespace: MANTLE_NAMESPACE, metricName: mantleMetric, stat: "Sum", period: HOUR },
    },
    { id: "total", label: key, returnData: true, expression: "FILL(bedrock, 0) + FILL(mantle, 0)" },
  ]);
}

/** One alarm per configured model: its estimated TPM quota use above the percent, three minutes running. */
function quotaAlarms(alarm: NonNullable<AlarmThresholds["tpmQuotaAlarm"]>): AlarmSpec[] {
  return alarm.quotas.map((quota, index) =>
    aboveThreshold(
      `tpm-quota-${index + 1}`,
      `${quota.modelId} used more than ${alarm.percent}% of its ${quota.tokensPerMinute} tokens-per-minute quota (EstimatedTPMQuotaUsage) for 3 minutes: throttling is near; request a quota increase or spread the load.`,
      (quota.tokensPerMinute * alarm.percent) / 100,
      3,
      [
        {
          id: "quota",
          label: `${quota.modelId} estimated TPM`,
          returnData: true,
          metric: {
            namespace: "AWS/Bedrock",
            metricName: ESTIMATED_TPM_QUOTA_USAGE,
            stat: "Maximum",
            period: 60,
            dimensions: { ModelId: quota.modelId },
          },
        },
      ],
    ),
  );
}

export const DELIVERY_FAILURE_METRICS = [
  "ModelInvocationLogsCloudWatchDeliveryFailure",
  "ModelInvocationLogsS3DeliveryFailure",
  "ModelInvocationLargeDataS3DeliveryFailure",
] as const;

export function alarmSpecs(thresholds: AlarmThresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [
    usageAlarm(
      "high-input-tokens",
      `Input tokens across all Bedrock models (bedrock-mantle calls included) exceeded ${thresholds.inputTokensPerHour} in one hour.`,
      "InputTokenCount",
      MANTLE_METRICS.inputTokens,
      thresholds.inputTokensPerHour,
    ),
    usageAlarm(
      "unusual-invocations",
      `Bedrock invocations across all models (bedrock-mantle inferences included) exceeded ${thresholds.invocationsPerHour} in one hour.`,
      "Invocations",
      MANTLE_METRICS.inferences,
      thresholds.invocationsPerHour,
    ),
    // Server errors call for AWS support, client errors for the calling team: one alarm each, same threshold.
    insightsAlarm(
      "server-errors",
      `More than ${thresholds.errorsPer5Minutes} Bedrock server-side errors in 5 minutes.`,
      sumOverModels("InvocationServerErrors"),
      FIVE_MINUTES,
      thresholds.errorsPer5Minutes,
    ),
    insightsAlarm(
      "client-errors",
      `More than ${thresholds.errorsPer5Minutes} Bedrock client-side errors (bad requests, access, validation) in 5 minutes.`,
      sumOverModels("InvocationClientErrors"),
      FIVE_MINUTES,
      thresholds.errorsPer5Minutes,
    ),
    insightsAlarm(
      "throttles",
      `More than ${thresholds.throttlesPer5Minutes} Bedrock requests throttled in 5 minutes: quota reached.`,
      sumOverModels("InvocationThrottles"),
      FIVE_MINUTES,
      thresholds.throttlesPer5Minutes,
    ),
    insightsAlarm(
      "slow-responses",
      `Average Bedrock invocation latency above ${thresholds.averageLatencyMs} ms for two 5-minute periods in a row.`,
      `SELECT AVG(InvocationLatency) FROM SCHEMA("AWS/Bedrock", ModelId)`,
      FIVE_MINUTES,
      thresholds.averageLatencyMs,
      2,
    ),
    {
      key: "log-delivery-failing",
      description:
        "Bedrock could not deliver invocation logs to CloudWatch Logs or S3: monitoring and reports are going blind.",
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      queries: [
        ...DELIVERY_FAILURE_METRICS.map((metricName, index) => ({
          id: `m${index + 1}`,
          returnData: false,
          metric: { namespace: "AWS/Bedrock", metricName, stat: "Sum", period: FIVE_MINUTES },
        })),
        {
          id: "failures",
          label: "Delivery failures",
          returnData: true,
          expression: DELIVERY_FAILURE_METRICS.map((_, index) => `FILL(m${index + 1}, 0)`).join(" + "),
        },
      ],
    },
  ];
  if (thresholds.tpmQuotaAlarm !== undefined) specs.push(...quotaAlarms(thresholds.tpmQuotaAlarm));
  if (thresholds.dailyCostBudgetUsd !== undefined) {
    specs.push({
      key: "daily-cost-budget",
      description: `Estimated Claude spend on Bedrock in the last 24 hours is above $${thresholds.dailyCostBudgetUsd} (standard catalog rates; run npm run report for exact figures).`,
      threshold: thresholds.dailyCostBudgetUsd,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      treatMissingData: "notBreaching",
      queries: [
        {
          id: "cost",
          label: "Estimated cost (USD, 24 h)",
          returnData: true,
          metric: {
            namespace: ESTIMATED_COST_NAMESPACE,
            metricName: ESTIMATED_COST_METRIC,
            stat: "Sum",
            period: 24 * HOUR,
          },
        },
      ],
    });
  }
  return specs;
}
