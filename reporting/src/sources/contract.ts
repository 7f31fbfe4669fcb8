/**
 * The contract between the data sources (Logs Insights, CloudWatch metrics,
 * log files, the S3 archive) and the calculation. Every source reduces what it
 * reads to UsageRows; pricing, totals, grouping and projection only ever see
 * UsageRows, so one data path serves every source and every renderer.
 */

/** Counts that add up across any split of the data (by time, file or model). */
export interface UsageCounts {
  /** Every logged request, failed ones included. */
  invocations: number;
  /** Requests whose record carries an `errorCode`. */
  errors: number;
  /** `input.inputTokenCount`: excludes cache tokens. */
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  /**
   * Requests a guardrail blocked: successes (not errors) whose response body
   * says `stopReason: "guardrail_intervened"` or `amazon-bedrock-guardrailAction: "INTERVENED"`.
   * Absent when the source does not read response bodies (Logs Insights'
   * usage query): unknown, which is not the same as none.
   */
  guardrailInterventions?: number;
}

/**
 * Whether the requests of a row crossed the 200,000-token long-context
 * threshold (input + cache read + cache write). Sources that see single
 * requests split rows into `standard` and `long`; sources that only see
 * aggregates say `unknown`, and the report says long-context rates could not
 * be applied there.
 */
export type ContextClass = "standard" | "long" | "unknown";

/** Usage of one model ID by one caller in one UTC hour. */
export interface UsageRow extends UsageCounts {
  /** Start of the UTC hour, epoch milliseconds. */
  hourStartMs: number;
  /** The model ID exactly as logged: base ID, `us.`/`global.` profile, the ARN of either, or an application inference profile ARN. */
  modelId: string;
  /** IAM role or user from `identity.arn` with the session name stripped; null when the source did not group by caller. */
  caller: string | null;
  context: ContextClass;
}

/** `logs`: local log files; `archive`: the same records read from the S3 archive. */
export type SourceName = "insights" | "metrics" | "logs" | "archive";

export interface LatencySummary {
  samples: number;
  avg: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  /** Where the figures came from: the `InvocationLatency` metric, or latencies read from log record bodies. */
  from: "metrics" | "logs";
}

/** Errors that only CloudWatch metrics count reliably. */
export interface MetricErrorCounts {
  /** The `Invocations` metric: requests Bedrock accepted, failed ones included, throttled ones not. */
  invocations: number;
  clientErrors: number;
  serverErrors: number;
  throttles: number;
  /** (client + server errors) / invocations; null without invocations. */
  errorRate: number | null;
}

/** What Logs Insights scanned, for the cost-of-the-report line. */
export interface ScanStatistics {
  queries: number;
  bytesScanned: number;
  recordsScanned: number;
  recordsMatched: number;
}

/** Everything one source produced for one report window. */
export interface SourceResult {
  source: SourceName;
  rows: UsageRow[];
  latency: LatencySummary | null;
  metricErrors: MetricErrorCounts | null;
  scan: ScanStatistics | null;
  /** Records or objects that could not be used, by reason (`malformed`, `notARecord`, `outsideWindow`, ...). Never silently dropped. */
  skipped: Record<string, number>;
  /** False when part of the window could not be read; the report then marks itself incomplete. */
  complete: boolean;
  /** Human-readable remarks the report must show (why a source was chosen, what could not be read). */
  notes: string[];
  /** Logs Insights' token sums checked against CloudWatch's token metrics; online reports only. */
  reconciliation?: Reconciliation;
}

/** The half-open report window `[start, end)`. */
export interface ReportWindow {
  start: Date;
  end: Date;
}

/** One token kind of one model: Logs Insights' sum against CloudWatch's metric over the same hours. */
export interface TokenComparison {
  insights: number;
  /** Null when CloudWatch could not return the metric. */
  metrics: number | null;
  /** insights - metrics. */
  difference: number | null;
  /** difference / metrics x 100, to two decimals; null when the metric is 0 or missing. */
  percent: number | null;
}

export interface ModelReconciliation {
  /** The model ID, a system inference-profile or foundation-model ARN resolved to the ID it names. */
  modelId: string;
  /** The IDs as logged, and as CloudWatch's ModelId dimension holds them, that were summed under modelId. */
  loggedModelIds: string[];
  metricModelIds: string[];
  inputTokens: TokenComparison;
  outputTokens: TokenComparison;
  /** Input or output tokens differ by more than the threshold (or the metric saw none of what was logged). */
  overThreshold: boolean;
}

/** Logs Insights' token sums per model against CloudWatch's InputTokenCount and OutputTokenCount. */
export interface Reconciliation {
  /** The whole UTC hours compared: inside the window, and ended long enough ago for metrics and logs to be in. */
  start: string;
  end: string;
  thresholdPercent: number;
  models: ModelReconciliation[];
  /** The modelId of every model over the threshold. */
  modelsOverThreshold: string[];
}
