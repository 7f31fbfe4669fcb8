/**
 * What every source's records become, and the window they are read for:
 * usage rows per UTC hour, model, caller and context class, whose counts add
 * up across any split of the data.
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
  /**
   * Requests that wrote to the prompt cache. The log does not say which TTL a
   * write used, so each is priced at the 5-minute rate: this counts them.
   * Absent from sources that read only aggregates without it.
   */
  cacheWriteInvocations?: number;
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
  /**
   * The values of the `requestMetadata` keys the report groups by
   * (`--group-by metadata:<key>`), for the keys the requests carried; absent
   * when the report groups by none.
   */
  metadata?: Record<string, string>;
}

/** The half-open report window `[start, end)`. */
export interface ReportWindow {
  start: Date;
  end: Date;
  /**
   * The `requestMetadata` keys rows are split by, for `--group-by metadata:<key>`.
   * It travels with the window because every reader, its worker threads too, gets the window.
   */
  metadataKeys?: readonly string[];
}
