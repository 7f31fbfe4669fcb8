/**
 * One Bedrock model invocation log record (CloudWatch event or S3 line) reduced
 * to the facts the report needs. Bad input is returned as a reason, never
 * thrown: one broken line must not stop a report.
 */
import { parseRecordTimestamp } from "./record-timestamps";

export interface InvocationFacts {
  timestampMs: number;
  modelId: string;
  /** IAM role or user; see callerFromArn. */
  caller: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
  errorCode: string | null;
  /** From the inline response body; null for plain InvokeModel or bodies stored in S3. */
  latencyMs: number | null;
  /** A guardrail blocked the request or response (a success, not an error); see guardrailIntervenedIn. */
  guardrailIntervened: boolean;
  /** The record's `requestMetadata` string map (the caller's attribution tags); null when it has none. */
  requestMetadata: Record<string, string> | null;
}

/** `malformed`: not JSON, or a record without a usable timestamp, model ID or token count. `notARecord`: JSON of another kind. */
export type RecordRejection = "malformed" | "notARecord";

export type ParsedRecord = { ok: true; facts: InvocationFacts } | { ok: false; reason: RecordRejection };

export const UNKNOWN_CALLER = "(unknown)";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function child(value: unknown, key: string): unknown {
  return isObject(value) ? value[key] : undefined;
}

/**
 * The caller without the per-session part: an assumed-role ARN
 * `arn:aws:sts::<acct>:assumed-role/<Role>/<session>` becomes
 * `arn:aws:sts::<acct>:assumed-role/<Role>`, so every session of a role adds
 * up; user and other ARNs stay as they are.
 */
export function callerFromArn(arn: string): string {
  const match = /^(arn:aws[a-z-]*:sts::\d*:assumed-role\/[^/]+)\/.+$/.exec(arn);
  return match ? match[1] : arn;
}

/**
 * A token count: absent means zero (failed requests log no output); anything
 * but a non-negative integer is malformed, and so is one past 2^53 (1e308
 * tokens would make every sum and cost Infinity).
 */
function tokenCount(value: unknown): number | undefined {
  if (value === undefined || value === null) return 0;
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/** A latency: a non-negative number no larger than 2^53 - 1 (a larger one would overflow the averages). */
function nonNegativeNumber(value: unknown): number | null {
  return typeof value === "number" && value >= 0 && value <= Number.MAX_SAFE_INTEGER ? value : null;
}

function latencyOfEvent(event: unknown): number | null {
  return (
    nonNegativeNumber(child(child(event, "metrics"), "latencyMs")) ??
    nonNegativeNumber(child(child(event, "amazon-bedrock-invocationMetrics"), "invocationLatency"))
  );
}

/**
 * Converse bodies carry `metrics.latencyMs`; streamed bodies are a list of
 * events whose last one carries the invocation metrics, so search from the end.
 */
export function latencyFromOutputBody(body: unknown): number | null {
  if (Array.isArray(body)) {
    for (let index = body.length - 1; index >= 0; index -= 1) {
      const latency = latencyOfEvent(body[index]);
      if (latency !== null) return latency;
    }
    return null;
  }
  return latencyOfEvent(body);
}

function intervenedIn(event: unknown): boolean {
  return (
    child(event, "stopReason") === "guardrail_intervened" ||
    child(event, "amazon-bedrock-guardrailAction") === "INTERVENED"
  );
}

/**
 * Whether a guardrail intervened, from the inline response body: Converse
 * bodies say `stopReason: "guardrail_intervened"` (a value of the Converse
 * stop reason: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_MessageStopEvent.html);
 * InvokeModel bodies carry `"amazon-bedrock-guardrailAction": "INTERVENED"`
 * (the InvokeModel guardrail example: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html),
 * on any event of a streamed body.
 */
export function guardrailIntervenedIn(body: unknown): boolean {
  return Array.isArray(body) ? body.some(intervenedIn) : intervenedIn(body);
}

/**
 * `requestMetadata`: the string map a caller sets on Converse (`requestMetadata`)
 * or InvokeModel (the `X-Amzn-Bedrock-Request-Metadata` header), logged as a
 * top-level object (a public record: `"requestMetadata":{"traceId":"..."}`,
 * https://speakerdeck.com/licux, slide "Model Invocation Logの分析"). Values
 * other than strings are left out; a map with none is no map.
 */
export function requestMetadataOf(value: unknown): Record<string, string> | null {
  if (!isObject(value)) return null;
  let metadata: Record<string, string> | null = null;
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry === "string") (metadata ??= {})[key] = entry;
  }
  return metadata;
}

export function factsFromRecord(record: unknown): ParsedRecord {
  if (!isObject(record)) return { ok: false, reason: "malformed" };
  if (record.schemaType !== undefined && record.schemaType !== "ModelInvocationLog")
    return { ok: false, reason: "notARecord" };
  const timestampMs = typeof record.timestamp === "string" ? parseRecordTimestamp(record.timestamp) : NaN;
  const modelId = record.modelId;
  if (!Number.isFinite(timestampMs) || typeof modelId !== "string" || modelId === "")
    return { ok: false, reason: "malformed" };
  const input = record.input;
  const output = record.output;
  const inputTokens = tokenCount(child(input, "inputTokenCount"));
  const outputTokens = tokenCount(child(output, "outputTokenCount"));
  const cacheReadInputTokens = tokenCount(child(input, "cacheReadInputTokenCount"));
  const cacheWriteInputTokens = tokenCount(child(input, "cacheWriteInputTokenCount"));
  if (
    inputTokens === undefined ||
    outputTokens === undefined ||
    cacheReadInputTokens === undefined ||
    cacheWriteInputTokens === undefined
  ) {
    return { ok: false, reason: "malformed" };
  }
  const arn = child(record.identity, "arn");
  const errorCode = record.errorCode;
  return {
    ok: true,
    facts: {
      timestampMs,
      modelId,
      caller: typeof arn === "string" && arn !== "" ? callerFromArn(arn) : UNKNOWN_CALLER,
      inputTokens,
      outputTokens,
      cacheReadInputTokens,
      cacheWriteInputTokens,
      errorCode: typeof errorCode === "string" && errorCode !== "" ? errorCode : null,
      latencyMs: latencyFromOutputBody(child(output, "outputBodyJson")),
      guardrailIntervened: guardrailIntervenedIn(child(output, "outputBodyJson")),
      requestMetadata: requestMetadataOf(record.requestMetadata),
    },
  };
}

/** Parses one line (or one whole JSON document) of log text. */
export function parseRecordLine(line: string): ParsedRecord {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return { ok: false, reason: "malformed" };
  }
  return factsFromRecord(record);
}
