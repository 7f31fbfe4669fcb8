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
 */

export interface AlarmThresholds {
  inputTokensPerHour: number;
  errorsPer5Minutes: number;
  throttlesPer5Minutes: number;
  invocationsPerHour: number;
  averageLatencyMs: number;
  /** Estimated dollars in a rolling 24 hours; undefined turns the cost alarm off. */
  dailyCostBudgetUsd?: number;
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

function insightsAlarm(
  key: string,
  description: string,
  query: string,
  period: number,
  threshold: number,
  periods = 1,
): AlarmSpec {
  return {
    key,
    description,
    threshold,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: periods,
    datapointsToAlarm: periods,
    treatMissingData: "notBreaching",
    queries: [{ id: "q1", expression: query, period, returnData: true, label: key }],
  };
}

export const DELIVERY_FAILURE_METRICS = [
  "ModelInvocationLogsCloudWatchDeliveryFailure",
  "ModelInvocationLogsS3DeliveryFailure",
  "ModelInvocationLargeDataS3DeliveryFailure",
] as const;

export function alarmSpecs(thresholds: AlarmThresholds): AlarmSpec[] {
  const specs: AlarmSpec[] = [
    insightsAlarm(
      "high-input-tokens",
      `Input tokens across all Bedrock models exceeded ${thresholds.inputTokensPerHour} in one hour.`,
      sumOverModels("InputTokenCount"),
      HOUR,
      thresholds.inputTokensPerHour,
    ),
    insightsAlarm(
      "unusual-invocations",
      `Bedrock invocations across all models exceeded ${thresholds.invocationsPerHour} in one hour.`,
      sumOverModels("Invocations"),
      HOUR,
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
