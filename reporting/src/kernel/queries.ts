/**
 * The CloudWatch Logs Insights queries over Bedrock model invocation logs
 * (shared kernel: pure data and string building, no AWS SDK, no I/O). The
 * infra program turns `SAVED_QUERIES` into `aws.cloudwatch.QueryDefinition`s
 * and a dashboard log widget; the report runs `buildScanQuery` and, for
 * `query <name>`, the same saved texts, so the console and the CLI always agree.
 */
import { LONG_CONTEXT_THRESHOLD_TOKENS } from "./pricing/catalog";

/** One saved query, as the console's query library shows it. */
export interface SavedQuery {
  /** Stable identifier, used by `report query <name>`. */
  name: string;
  /** Folder-style name: the console files it under `Bedrock/`. */
  displayName: string;
  description: string;
  queryString: string;
}

/**
 * Weights of the cost proxy, in input-token equivalents. Every Claude model on
 * Bedrock with cache pricing has output = 5x input, 5-minute cache write =
 * 1.25x input and cache read = 0.1x input, so within one model the proxy ranks
 * requests exactly as dollars would; across models it ignores the base rate,
 * which is why the query calls itself a proxy and the report prices exactly.
 */
export const COST_PROXY_WEIGHTS = { input: 1, output: 5, cacheWrite: 1.25, cacheRead: 0.1 } as const;

/**
 * Regexes that read a value straight from the raw event. Logs Insights
 * discovers only a limited number of fields in one JSON event
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_AnalyzeLogData-discoverable-fields.html),
 * and the token counts come after the request/response bodies in the record,
 * so a long inline body can hide them; the queries fall back to these. The
 * fallback is not complete either: `parse` only works on JSON events of at
 * most 200 fields (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Parse.html),
 * so the report cross-checks its token sums against CloudWatch's token
 * metrics (model/reconciliation.ts). Each capture group name is the fallback
 * field's name. The leftmost match wins, so a pattern must not match
 * look-alikes in a body: JSON inside text is escaped
 * (`\"inputTokenCount\"`), and the error code only takes AWS exception names,
 * since a tool call's input may well carry its own `"errorCode": "E42"`.
 */
export const RAW_FALLBACK_PATTERNS = {
  inputTokens: String.raw`/"inputTokenCount":\s*(?<rawInputTokens>\d+)/`,
  outputTokens: String.raw`/"outputTokenCount":\s*(?<rawOutputTokens>\d+)/`,
  cacheReadTokens: String.raw`/"cacheReadInputTokenCount":\s*(?<rawCacheReadTokens>\d+)/`,
  cacheWriteTokens: String.raw`/"cacheWriteInputTokenCount":\s*(?<rawCacheWriteTokens>\d+)/`,
  errorCode: String.raw`/"errorCode":\s*"(?<rawErrorCode>[A-Z][A-Za-z]*Exception)"/`,
  converseLatencyMs: String.raw`/"metrics":\s*\{\s*"latencyMs":\s*(?<rawConverseLatencyMs>\d+)/`,
  streamLatencyMs: String.raw`/"amazon-bedrock-invocationMetrics":\s*\{[^}]*"invocationLatency":\s*(?<rawStreamLatencyMs>\d+)/`,
  /** The whole top-level string map: its values are strings, so the first `}` closes it. */
  requestMetadata: String.raw`/"requestMetadata":\s*(?<requestMetadataJson>\{[^}]*\})/`,
} as const;

/**
 * Normalised per-record counts every usage query starts from: the extracted
 * field when present, else the raw fallback, else 0 (cache fields are optional).
 * Defines inTok, outTok, cacheReadTok, cacheWriteTok and errorCodeValue.
 */
const NORMALISED_COUNTS = [
  `parse @message ${RAW_FALLBACK_PATTERNS.inputTokens}`,
  `parse @message ${RAW_FALLBACK_PATTERNS.outputTokens}`,
  `parse @message ${RAW_FALLBACK_PATTERNS.cacheReadTokens}`,
  `parse @message ${RAW_FALLBACK_PATTERNS.cacheWriteTokens}`,
  `parse @message ${RAW_FALLBACK_PATTERNS.errorCode}`,
  "fields coalesce(input.inputTokenCount, rawInputTokens, 0) as inTok," +
    " coalesce(output.outputTokenCount, rawOutputTokens, 0) as outTok," +
    " coalesce(input.cacheReadInputTokenCount, rawCacheReadTokens, 0) as cacheReadTok," +
    " coalesce(input.cacheWriteInputTokenCount, rawCacheWriteTokens, 0) as cacheWriteTok," +
    " coalesce(errorCode, rawErrorCode) as errorCodeValue",
];

const USAGE_STATS =
  "stats count(*) as invocations, count(errorCodeValue) as errors," +
  " sum(inTok) as inputTokens, sum(outTok) as outputTokens," +
  " sum(cacheReadTok) as cacheReadInputTokens, sum(cacheWriteTok) as cacheWriteInputTokens";

/** The scan also counts requests that wrote to the cache: least(tokens, 1) is 1 for any write, 0 without. */
const SCAN_STATS = `${USAGE_STATS}, sum(least(cacheWriteTok, 1)) as cacheWriteInvocations`;

const pipeline = (...commands: string[]): string => commands.join("\n| ");

/** Result columns of the scan query, as GetQueryResults names them. */
export const SCAN_COLUMNS = {
  hour: "bin(1h)",
  modelId: "modelId",
  caller: "identity.arn",
  /** "1" when input + cache tokens exceeded the long-context threshold, "0" otherwise. */
  longContext: "longContext",
  invocations: "invocations",
  errors: "errors",
  inputTokens: "inputTokens",
  outputTokens: "outputTokens",
  cacheReadInputTokens: "cacheReadInputTokens",
  cacheWriteInputTokens: "cacheWriteInputTokens",
  cacheWriteInvocations: "cacheWriteInvocations",
} as const;

export interface ScanQueryOptions {
  /** Also group by `identity.arn` (only for `--group-by caller`: it multiplies the rows). */
  byCaller: boolean;
  /** Also group by these `requestMetadata` keys (`--group-by metadata:<key>`); letters, digits and `_` only. */
  metadataKeys?: readonly string[];
  /** Half-open bounds in epoch ms (see withWindowFilter). */
  startMs?: number;
  endMs?: number;
}

/**
 * The report's single scan: usage per UTC hour, model (and caller), split by
 * long context. Logs Insights documents no conditional function, so the class
 * is computed arithmetically: floor(total / (threshold + 1)) is 0 up to the
 * threshold and at least 1 above it; least(..., 1) caps it at 1.
 */
export function buildScanQuery(options: ScanQueryOptions): string {
  const groups = [
    "bin(1h)",
    "modelId",
    "longContext",
    ...(options.byCaller ? ["identity.arn"] : []),
    ...(options.metadataKeys ?? []).map(metadataColumn),
  ];
  const query = pipeline(
    ...NORMALISED_COUNTS,
    `fields least(floor((inTok + cacheReadTok + cacheWriteTok) / ${LONG_CONTEXT_THRESHOLD_TOKENS + 1}), 1) as longContext`,
    `${SCAN_STATS} by ${groups.join(", ")}`,
  );
  return withWindowFilter(query, options.startMs, options.endMs);
}

/**
 * The scan's column for one `requestMetadata` key: the record's top-level
 * `requestMetadata` object, reached by dot path like any nested JSON field.
 */
export function metadataColumn(key: string): string {
  return `requestMetadata.${key}`;
}

/**
 * The query restricted to events in `[startMs, endMs)`. StartQuery's own range
 * is whole seconds, inclusive at both ends, so on its own it would count an
 * event on the boundary of two adjacent sub-windows twice.
 */
export function withWindowFilter(queryString: string, startMs?: number, endMs?: number): string {
  const bounds: string[] = [];
  if (startMs !== undefined) bounds.push(`toMillis(@timestamp) >= ${startMs}`);
  if (endMs !== undefined) bounds.push(`toMillis(@timestamp) < ${endMs}`);
  return bounds.length > 0 ? pipeline(`filter ${bounds.join(" and ")}`, queryString) : queryString;
}

const costProxy =
  `inTok * ${COST_PROXY_WEIGHTS.input} + outTok * ${COST_PROXY_WEIGHTS.output}` +
  ` + cacheWriteTok * ${COST_PROXY_WEIGHTS.cacheWrite} + cacheReadTok * ${COST_PROXY_WEIGHTS.cacheRead}`;

/** The saved queries, in the order the console and the README list them. */
export const SAVED_QUERIES: readonly SavedQuery[] = [
  {
    name: "usage-hourly",
    displayName: "Bedrock/Usage by model (hourly)",
    description: "Invocations, errors, input, output, cache read and cache write tokens per model and UTC hour.",
    queryString: pipeline(...NORMALISED_COUNTS, `${USAGE_STATS} by bin(1h), modelId`, "sort inputTokens desc"),
  },
  {
    name: "usage-daily",
    displayName: "Bedrock/Usage by model (daily)",
    description: "Invocations, errors, input, output, cache read and cache write tokens per model and UTC day.",
    queryString: pipeline(...NORMALISED_COUNTS, `${USAGE_STATS} by bin(1d), modelId`, "sort inputTokens desc"),
  },
  {
    name: "expensive-requests",
    displayName: "Bedrock/Most expensive requests (cost proxy)",
    description:
      "The 100 requests with the highest cost proxy: input + 5 x output + 1.25 x cache write + 0.1 x cache read tokens " +
      "(input-token equivalents; exact within a model, not across models). The report computes exact dollars.",
    queryString: pipeline(
      ...NORMALISED_COUNTS,
      `fields ${costProxy} as costProxyInputTokens`,
      "sort costProxyInputTokens desc",
      "limit 100",
      "display @timestamp, requestId, modelId, identity.arn, inTok, outTok, cacheReadTok, cacheWriteTok, costProxyInputTokens",
    ),
  },
  {
    name: "latency-by-model",
    displayName: "Bedrock/Latency by model",
    description:
      "Latency in ms from the record bodies: Converse metrics.latencyMs and the streaming amazon-bedrock-invocationMetrics " +
      "invocationLatency. Plain InvokeModel records carry none; the InvocationLatency metric covers every call.",
    queryString: pipeline(
      `parse @message ${RAW_FALLBACK_PATTERNS.converseLatencyMs}`,
      `parse @message ${RAW_FALLBACK_PATTERNS.streamLatencyMs}`,
      "fields coalesce(output.outputBodyJson.metrics.latencyMs, rawConverseLatencyMs, rawStreamLatencyMs) as latencyMs",
      "filter ispresent(latencyMs)",
      "stats count(*) as samples, avg(latencyMs) as avgMs, pct(latencyMs, 50) as p50Ms, pct(latencyMs, 90) as p90Ms," +
        " pct(latencyMs, 99) as p99Ms, max(latencyMs) as maxMs by modelId",
      "sort p99Ms desc",
    ),
  },
  {
    name: "errors-by-code",
    displayName: "Bedrock/Errors by error code and model",
    description: "Failed requests (records with an errorCode) per error code and model.",
    queryString: pipeline(
      `parse @message ${RAW_FALLBACK_PATTERNS.errorCode}`,
      "fields coalesce(errorCode, rawErrorCode) as errorCodeValue",
      "filter ispresent(errorCodeValue)",
      "stats count(*) as errors by errorCodeValue, modelId",
      "sort errors desc",
    ),
  },
  {
    name: "usage-by-caller",
    displayName: "Bedrock/Usage by caller",
    description: "Invocations and tokens per caller (identity.arn) and model.",
    queryString: pipeline(...NORMALISED_COUNTS, `${USAGE_STATS} by identity.arn, modelId`, "sort inputTokens desc"),
  },
  {
    name: "usage-by-metadata",
    displayName: "Bedrock/Usage by request metadata",
    description:
      "Invocations and tokens per requestMetadata map (the tags callers set on Converse or with the " +
      "X-Amzn-Bedrock-Request-Metadata header) and model; requests without one under (none). " +
      "For one key, `npm run report -- --group-by metadata:<key>` prices it.",
    queryString: pipeline(
      ...NORMALISED_COUNTS,
      `parse @message ${RAW_FALLBACK_PATTERNS.requestMetadata}`,
      'fields coalesce(requestMetadataJson, "(none)") as requestMetadata',
      `${USAGE_STATS} by requestMetadata, modelId`,
      "sort inputTokens desc",
    ),
  },
  {
    name: "recent-invocations",
    displayName: "Bedrock/Recent invocations",
    description:
      "The 50 most recent invocations: time, model, caller, tokens and error code (the dashboard's log widget).",
    queryString: pipeline(
      ...NORMALISED_COUNTS,
      "sort @timestamp desc",
      "limit 50",
      "display @timestamp, modelId, identity.arn, inTok, outTok, cacheReadTok, cacheWriteTok, errorCodeValue",
    ),
  },
];

/** The saved query with this stable name, if any. */
export function findSavedQuery(name: string): SavedQuery | undefined {
  return SAVED_QUERIES.find((query) => query.name === name);
}
