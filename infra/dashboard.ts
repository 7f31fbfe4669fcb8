/**
 * The CloudWatch dashboard body, built from plain data so it can be checked
 * without Pulumi. Every per-model series comes from a SEARCH expression over
 * the ModelId dimension, never from a list of model IDs: new models and
 * `us.`/`global.` inference profiles appear as soon as they are used.
 */
import {
  ESTIMATED_TPM_QUOTA_USAGE,
  MANTLE_METRICS,
  MANTLE_MODEL_DIMENSION,
  MANTLE_NAMESPACE,
} from "../reporting/src/kernel/mantle-metrics";
import type { PriceCatalog } from "../reporting/src/kernel/pricing/catalog";
import type { TpmQuota } from "./alarm-specs";
import { findSavedQuery } from "../reporting/src/kernel/queries";
import { familyCostQueries, TOKEN_METRICS } from "./cost-expressions";

export const GRID_COLUMNS = 24;

export interface DashboardSpec {
  partition: string;
  region: string;
  accountId: string;
  logGroupName: string;
  /** Seconds per data point on the metric graphs. */
  periodSeconds: number;
  /** How far back the dashboard looks when opened. */
  rangeHours: number;
  catalog: PriceCatalog;
  /** Drawn as horizontal lines on the quota-headroom graph. */
  tpmQuotas?: TpmQuota[];
}

export interface MetricExpression {
  expression: string;
  id: string;
  label?: string;
  visible?: boolean;
}

export interface Widget {
  type: "metric" | "log" | "text";
  x: number;
  y: number;
  width: number;
  height: number;
  properties: Record<string, unknown>;
}

export interface DashboardBody {
  start: string;
  periodOverride: "inherit" | "auto";
  widgets: Widget[];
}

const NAMESPACE_BY_MODEL = "{AWS/Bedrock,ModelId}";
// Delivery metrics are published without dimensions ("across all model IDs").
const NAMESPACE_DIMENSIONLESS = "{AWS/Bedrock}";

/** One series per model ID in use. */
export function perModel(metric: string, statistic: string, periodSeconds: number): string {
  return `SEARCH('${NAMESPACE_BY_MODEL} MetricName="${metric}"', '${statistic}', ${periodSeconds})`;
}

/** The sum over every model of one metric: a single series. */
function allModels(metric: string, periodSeconds: number): string {
  return `SUM(${perModel(metric, "Sum", periodSeconds)})`;
}

/**
 * One line of cache tokens over all models, whichever of the kind's metric
 * names Bedrock publishes: a hidden total per name and the larger of them at
 * each point, never their sum (see TOKEN_METRICS).
 */
function cacheTokens(names: readonly string[], id: string, label: string, periodSeconds: number): MetricExpression[] {
  const totals = names.map((name, index) => ({
    id: `${id}_${index}`,
    expression: allModels(name, periodSeconds),
    visible: false,
  }));
  const filled = totals.map((total) => `FILL(${total.id}, 0)`).join(", ");
  return [...totals, { id, expression: `MAX([${filled}])`, label }];
}

interface Placement {
  width: number;
  height: number;
}

/** Lays widgets out left to right, wrapping at the 24-column grid. */
function layout(items: { placement: Placement; widget: Omit<Widget, "x" | "y" | "width" | "height"> }[]): Widget[] {
  const widgets: Widget[] = [];
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  for (const { placement, widget } of items) {
    if (x + placement.width > GRID_COLUMNS) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    widgets.push({ ...widget, x, y, width: placement.width, height: placement.height });
    x += placement.width;
    rowHeight = Math.max(rowHeight, placement.height);
  }
  return widgets;
}

function graph(spec: DashboardSpec, title: string, metrics: MetricExpression[], extra: Record<string, unknown> = {}) {
  return {
    type: "metric" as const,
    properties: {
      title,
      region: spec.region,
      view: "timeSeries",
      stacked: false,
      period: spec.periodSeconds,
      metrics: metrics.map((metric) => [metric]),
      ...extra,
    },
  };
}

const THIRD: Placement = { width: 8, height: 6 };

/** One series per model the bedrock-mantle endpoint served (the Model dimension). */
function perMantleModel(metric: string, periodSeconds: number): string {
  return `SEARCH('{${MANTLE_NAMESPACE},${MANTLE_MODEL_DIMENSION}} MetricName="${metric}"', 'Sum', ${periodSeconds})`;
}

/**
 * The row for traffic the invocation logs never see (bedrock-mantle calls)
 * and the quota headroom: Bedrock's estimate of tokens-per-minute quota used
 * per model, its 1-minute maximum, against the quotas the stack config names.
 */
function unloggedTrafficAndQuotaRow(spec: DashboardSpec) {
  const period = spec.periodSeconds;
  const quotaLines = (spec.tpmQuotas ?? []).map((quota) => ({
    label: `${quota.modelId} quota`,
    value: quota.tokensPerMinute,
  }));
  return [
    {
      placement: { width: GRID_COLUMNS, height: 2 },
      widget: {
        type: "text" as const,
        properties: {
          markdown:
            "## Not in the invocation logs: bedrock-mantle, and quota headroom\n" +
            "Calls through the bedrock-mantle endpoint (Anthropic Messages, OpenAI Responses and Chat Completions APIs) " +
            `write no invocation logs; ${MANTLE_NAMESPACE} counts them. Quota headroom is Bedrock's ${ESTIMATED_TPM_QUOTA_USAGE} per model (tokens per minute).`,
        },
      },
    },
    {
      placement: THIRD,
      widget: graph(spec, "bedrock-mantle inferences and client errors", [
        { expression: perMantleModel(MANTLE_METRICS.inferences, period), id: "mantleInferences", label: "" },
        { expression: perMantleModel(MANTLE_METRICS.clientErrors, period), id: "mantleClientErrors", label: "errors" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(spec, "bedrock-mantle tokens", [
        { expression: perMantleModel(MANTLE_METRICS.inputTokens, period), id: "mantleInput", label: "input" },
        { expression: perMantleModel(MANTLE_METRICS.outputTokens, period), id: "mantleOutput", label: "output" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(
        spec,
        "Quota headroom: estimated TPM quota used, per model",
        [{ expression: perModel(ESTIMATED_TPM_QUOTA_USAGE, "Maximum", 60), id: "tpmUsed", label: "" }],
        { period: 60, ...(quotaLines.length > 0 ? { annotations: { horizontal: quotaLines } } : {}) },
      ),
    },
  ];
}

export function buildDashboardBody(spec: DashboardSpec): DashboardBody {
  const period = spec.periodSeconds;
  const costPeriod = 3600;
  const cost = familyCostQueries(spec.catalog, costPeriod, spec);
  const costMetrics: MetricExpression[] = [
    ...cost.slices.map((slice) => ({ ...slice, visible: false })),
    ...cost.families.map(({ id, family, expression }) => ({ id, expression, label: `${family} (USD per hour)` })),
  ];
  const recentInvocations = findSavedQuery("recent-invocations");
  if (recentInvocations === undefined)
    throw new Error("the saved query 'recent-invocations' is missing from reporting/src/kernel/queries.ts");

  const errorsId = (name: string) => allModels(name, period);
  const widgets = layout([
    {
      placement: { width: GRID_COLUMNS, height: 2 },
      widget: {
        type: "text",
        properties: {
          markdown:
            `## Claude on Bedrock\nInvocations, tokens, latency and errors per model ID, from the AWS/Bedrock metrics. ` +
            `Estimated cost uses the catalog as of ${spec.catalog.asOf} at standard rates (no long-context premium, unconfirmed and unknown models excluded); ` +
            "`npm run report` computes exact costs.",
        },
      },
    },
    {
      placement: THIRD,
      widget: graph(
        spec,
        "Invocations",
        [
          { expression: allModels("Invocations", period), id: "total", label: "All models" },
          { expression: perModel("Invocations", "Sum", period), id: "byModel", label: "" },
        ],
        { stat: "Sum" },
      ),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Input tokens", [
        { expression: perModel("InputTokenCount", "Sum", period), id: "input", label: "" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Output tokens", [
        { expression: perModel("OutputTokenCount", "Sum", period), id: "output", label: "" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Latency, average and p99 (ms)", [
        { expression: perModel("InvocationLatency", "Average", period), id: "avgLatency", label: "avg" },
        { expression: perModel("InvocationLatency", "p99", period), id: "p99Latency", label: "p99" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Errors and throttles", [
        { expression: errorsId("InvocationClientErrors"), id: "clientErrors", label: "Client errors" },
        { expression: errorsId("InvocationServerErrors"), id: "serverErrors", label: "Server errors" },
        { expression: errorsId("InvocationThrottles"), id: "throttles", label: "Throttles" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(
        spec,
        "Error rate (%)",
        [
          { expression: errorsId("InvocationClientErrors"), id: "client", visible: false },
          { expression: errorsId("InvocationServerErrors"), id: "server", visible: false },
          { expression: allModels("Invocations", period), id: "invocations", visible: false },
          // Invocations counts every request Bedrock accepted, including those that later failed with a client or
          // server error (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html),
          // so it is the whole denominator: adding the errors to it would count each failure twice.
          {
            expression: "100 * (FILL(client, 0) + FILL(server, 0)) / invocations",
            id: "errorRate",
            label: "Errors / invocations (%)",
          },
        ],
        { yAxis: { left: { min: 0, max: 100 } } },
      ),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Prompt cache tokens (all models)", [
        ...cacheTokens(TOKEN_METRICS.cacheRead, "cacheRead", "read", period),
        ...cacheTokens(TOKEN_METRICS.cacheWrite, "cacheWrite", "write", period),
      ]),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Time to first token (ms, streaming)", [
        { expression: perModel("TimeToFirstToken", "Average", period), id: "ttftAvg", label: "avg" },
        { expression: perModel("TimeToFirstToken", "p99", period), id: "ttftP99", label: "p99" },
      ]),
    },
    {
      placement: THIRD,
      widget: graph(spec, "Invocation log delivery failures", [
        {
          expression: `SEARCH('${NAMESPACE_DIMENSIONLESS} (MetricName="ModelInvocationLogsCloudWatchDeliveryFailure" OR MetricName="ModelInvocationLogsS3DeliveryFailure" OR MetricName="ModelInvocationLargeDataS3DeliveryFailure")', 'Sum', ${period})`,
          id: "deliveryFailures",
          label: "",
        },
      ]),
    },
    ...unloggedTrafficAndQuotaRow(spec),
    {
      placement: { width: GRID_COLUMNS, height: 6 },
      widget: graph(spec, "Estimated cost by model family (USD per hour)", costMetrics, {
        period: costPeriod,
        stacked: true,
      }),
    },
    {
      placement: { width: GRID_COLUMNS, height: 8 },
      widget: {
        type: "log",
        properties: {
          title: "Most recent invocations",
          region: spec.region,
          view: "table",
          query: `SOURCE '${spec.logGroupName}' | ${recentInvocations.queryString.replace(/\n/g, " ")}`,
        },
      },
    },
  ]);
  return { start: `-PT${spec.rangeHours}H`, periodOverride: "inherit", widgets };
}
