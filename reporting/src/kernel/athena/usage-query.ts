/**
 * The report's one Athena query over the archive table (shared kernel: pure
 * string building). It reads each record once and returns, in one result:
 * usage per UTC hour, model, long-context class (and caller), the latency
 * summary of the whole window, and the records it could not use, by reason.
 *
 * Only functions Athena engine version 3 documents (Trino's:
 * https://docs.aws.amazon.com/athena/latest/ug/functions-env3.html,
 * https://trino.io/docs/current/functions/list.html): from_iso8601_timestamp,
 * date_trunc, to_unixtime, try, regexp_like, regexp_extract,
 * regexp_extract_all, element_at, coalesce, nullif, count_if, approx_percentile,
 * grouping and GROUPING SETS. One GROUP BY with grouping sets, not a UNION of
 * several SELECTs: Trino inlines a WITH query where it is used, so each
 * SELECT of a union would scan (and bill) the archive again.
 */
import { LONG_CONTEXT_THRESHOLD_TOKENS } from "../pricing/catalog";
import { DAY_MS, floorTo, HOUR_MS } from "../time";
import { hourPartition } from "./table";

/**
 * Bedrock delivers a record minutes after the request, so a record of the
 * window can sit in an hour folder after it; the query reads a day of folders
 * past the window's end, as the archive reader does (reading/log-tree.ts).
 */
export const DELIVERY_DELAY_MARGIN_MS = DAY_MS;

/** Grouping dimensions beyond hour, model and context class: the SQL that computes each from a record. */
export const GROUP_DIMENSIONS = {
  /**
   * `callerFromArn` in SQL: an assumed-role session ARN without the session
   * part, `(unknown)` when absent. regexp_extract gives NULL (Trino) or ''
   * (others) without a match; nullif makes both NULL.
   */
  caller:
    "CASE WHEN identity.arn IS NULL OR identity.arn = '' THEN '(unknown)' ELSE coalesce(nullif(regexp_extract(" +
    "identity.arn, '^(arn:aws[a-z-]*:sts::[0-9]*:assumed-role/[^/]+)/.', 1), ''), identity.arn) END",
} as const;
export type GroupDimension = keyof typeof GROUP_DIMENSIONS;

/** What a result row is. */
export const ROW_KINDS = { usage: "usage", latency: "latency", skipped: "skipped" } as const;

/** Result columns, in order. */
export const USAGE_QUERY_COLUMNS = [
  "row_kind",
  "record_kind",
  "hour_start",
  "model_id",
  "caller",
  "long_context",
  "invocations",
  "errors",
  "input_tokens",
  "output_tokens",
  "cache_read_input_tokens",
  "cache_write_input_tokens",
  "cache_write_invocations",
  "guardrail_interventions",
  "latency_samples",
  "latency_avg_ms",
  "latency_p50_ms",
  "latency_p90_ms",
  "latency_p99_ms",
  "latency_max_ms",
] as const;
export type UsageQueryColumn = (typeof USAGE_QUERY_COLUMNS)[number];

/** The column of the n-th (from 1) `requestMetadata` key grouped by: the key itself is no safe column name. */
export type MetadataColumn = `metadata_${number}`;
export const metadataColumn = (index: number): MetadataColumn => `metadata_${index + 1}`;

/** Result columns, in order, for a query grouped by `metadataKeyCount` metadata keys: theirs follow `caller`. */
export function usageQueryColumns(metadataKeyCount: number): Array<UsageQueryColumn | MetadataColumn> {
  const metadata = Array.from({ length: metadataKeyCount }, (_, index) => metadataColumn(index));
  const afterCaller = USAGE_QUERY_COLUMNS.indexOf("caller") + 1;
  return [...USAGE_QUERY_COLUMNS.slice(0, afterCaller), ...metadata, ...USAGE_QUERY_COLUMNS.slice(afterCaller)];
}

/**
 * Put before each `requestMetadata` value the query returns, so an empty value
 * still reads as present where a result API shows NULL and '' alike; athena-rows takes it off.
 */
export const METADATA_VALUE_PREFIX = "=";

/** Percentiles approx_percentile estimates (an approximation: the report says so). */
export const LATENCY_PERCENTILES = { p50: 0.5, p90: 0.9, p99: 0.99 } as const;

/**
 * Latency and guardrail facts from the response body's JSON text, as the
 * archive reader takes them (reading/records.ts): a Converse body's
 * `metrics.latencyMs`, else the last stream event's
 * `amazon-bedrock-invocationMetrics.invocationLatency`. Patterns, not JSON
 * paths, because the body is an object or a list of events. A number may come
 * quoted: the OpenX SerDe writes the numbers of an object it turns into text as
 * strings (https://github.com/rcongiu/Hive-JSON-Serde/issues/204). JSON inside
 * a text field is escaped (`\"metrics\"`), so it cannot match.
 */
export const BODY_PATTERNS = {
  converseLatencyMs: String.raw`"metrics":\s*\{[^{}]*"latencyMs":\s*"?([0-9]+(?:\.[0-9]+)?)`,
  streamLatencyMs: String.raw`"amazon-bedrock-invocationMetrics":\s*\{[^{}]*"invocationLatency":\s*"?([0-9]+(?:\.[0-9]+)?)`,
  guardrailIntervened: String.raw`"stopReason":\s*"guardrail_intervened"|"amazon-bedrock-guardrailAction":\s*"INTERVENED"`,
} as const;

export interface UsageQueryOptions {
  database: string;
  table: string;
  /** Half-open window, epoch milliseconds. */
  startMs: number;
  endMs: number;
  /** Extra grouping dimensions (`caller` for `--group-by caller`). */
  groupBy: readonly GroupDimension[];
  /** `requestMetadata` keys to group by (`--group-by metadata:<key>`), in order. */
  metadataKeys?: readonly string[];
}

/** The first and last `dt` the query reads: the hour the window starts in to a day of delivery delay after its end. */
export function partitionRange(startMs: number, endMs: number): { first: string; last: string } {
  const lastHourMs = floorTo(endMs + DELIVERY_DELAY_MARGIN_MS - 1, HOUR_MS);
  return { first: hourPartition(startMs), last: hourPartition(lastHourMs) };
}

/** Hour folders the query reads. */
export function partitionCount(startMs: number, endMs: number): number {
  return (floorTo(endMs + DELIVERY_DELAY_MARGIN_MS - 1, HOUR_MS) - floorTo(startMs, HOUR_MS)) / HOUR_MS + 1;
}

const sqlString = (text: string) => `'${text.replace(/'/g, "''")}'`;
/** A double-quoted identifier; Glue names are lowercase letters, digits and underscores, checked by the stack. */
const identifier = (name: string) => `"${name.replace(/"/g, '""')}"`;
const isoInstant = (ms: number) => new Date(ms).toISOString();
/**
 * A `requestMetadata` key's value behind the prefix, NULL when the record lacks
 * the key (element_at gives NULL for a missing map key, where `map[key]` fails:
 * https://trino.io/docs/current/functions/map.html). The key is looked up as
 * written: Trino's OpenX JSON reader keeps map keys' case, the original SerDe
 * lowercased them (https://github.com/trinodb/trino/issues/20400).
 */
function metadataValue(key: string): string {
  const value = `element_at(requestmetadata, ${sqlString(key)})`;
  return `CASE WHEN ${value} IS NOT NULL THEN ${sqlString(METADATA_VALUE_PREFIX)} || ${value} END`;
}
const lastMatch = (text: string, pattern: string) =>
  `try_cast(element_at(regexp_extract_all(${text}, ${sqlString(pattern)}, 1), -1) AS double)`;

/**
 * The query. `record_kind` says what each record is: `used`, or why it was
 * left out (`malformed`: no usable time, model or token count; `notARecord`:
 * another JSON document; `outsideWindow`: in a folder read, but timed outside
 * the window), the names the archive reader counts them under.
 */
export function buildAthenaUsageQuery(options: UsageQueryOptions): string {
  const { first, last } = partitionRange(options.startMs, options.endMs);
  const callerSql = options.groupBy.includes("caller") ? GROUP_DIMENSIONS.caller : "CAST(NULL AS varchar)";
  const metadataKeys = options.metadataKeys ?? [];
  const metadataColumns = metadataKeys.map((_, index) => metadataColumn(index));
  const tokens = (field: string) => `coalesce(${field}, 0)`;
  const tokenSum =
    `${tokens("input.inputtokencount")} + ${tokens("input.cachereadinputtokencount")}` +
    ` + ${tokens("input.cachewriteinputtokencount")}`;
  const negativeTokens = [
    "input.inputtokencount",
    "output.outputtokencount",
    "input.cachereadinputtokencount",
    "input.cachewriteinputtokencount",
  ]
    .map((field) => `${field} < 0`)
    .join(" OR ");
  const used = "record_kind = 'used'";
  const ifUsed = (sql: string) => `CASE WHEN ${used} THEN ${sql} END`;
  const body = "output.outputbodyjson";
  const records = [
    "SELECT",
    "  CASE",
    "    WHEN schematype IS NOT NULL AND schematype <> 'ModelInvocationLog' THEN 'notARecord'",
    `    WHEN event_time IS NULL OR modelid IS NULL OR modelid = '' OR ${negativeTokens} THEN 'malformed'`,
    `    WHEN event_time < from_iso8601_timestamp(${sqlString(isoInstant(options.startMs))})`,
    `      OR event_time >= from_iso8601_timestamp(${sqlString(isoInstant(options.endMs))}) THEN 'outsideWindow'`,
    "    ELSE 'used'",
    "  END AS record_kind,",
    "  *",
    "FROM (",
    `  SELECT *, try(from_iso8601_timestamp("timestamp")) AS event_time`,
    `  FROM ${identifier(options.database)}.${identifier(options.table)}`,
    `  WHERE dt BETWEEN ${sqlString(first)} AND ${sqlString(last)}`,
    // Bodies too large for the record sit in `.../HH/data/`: documents of another kind, not records.
    `    AND NOT regexp_like("$path", '/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2}/data/')`,
    ")",
  ];
  const facts = [
    "SELECT",
    "  record_kind,",
    `  ${ifUsed("CAST(to_unixtime(date_trunc('hour', event_time)) AS bigint)")} AS hour_start,`,
    `  ${ifUsed("modelid")} AS model_id,`,
    `  ${ifUsed(callerSql)} AS caller,`,
    ...metadataKeys.map((key, index) => `  ${ifUsed(metadataValue(key))} AS ${metadataColumns[index]},`),
    `  ${ifUsed(`CASE WHEN ${tokenSum} > ${LONG_CONTEXT_THRESHOLD_TOKENS} THEN 1 ELSE 0 END`)} AS long_context,`,
    "  errorcode IS NOT NULL AND errorcode <> '' AS failed,",
    `  ${tokens("input.inputtokencount")} AS input_tokens,`,
    `  ${tokens("output.outputtokencount")} AS output_tokens,`,
    `  ${tokens("input.cachereadinputtokencount")} AS cache_read_input_tokens,`,
    `  ${tokens("input.cachewriteinputtokencount")} AS cache_write_input_tokens,`,
    `  coalesce(regexp_like(${body}, ${sqlString(BODY_PATTERNS.guardrailIntervened)}), false) AS guardrail,`,
    `  ${ifUsed(
      `coalesce(${lastMatch(body, BODY_PATTERNS.converseLatencyMs)}, ${lastMatch(body, BODY_PATTERNS.streamLatencyMs)})`,
    )} AS latency_ms`,
    "FROM (",
    ...records.map((line) => `  ${line}`),
    ")",
  ];
  const detail = ["record_kind, hour_start, model_id, caller", ...metadataColumns, "long_context"].join(", ");
  const percentile = (fraction: number) => `approx_percentile(latency_ms, ${fraction})`;
  return [
    "SELECT",
    `  CASE WHEN grouping(hour_start) = 1 THEN CASE WHEN ${used} THEN '${ROW_KINDS.latency}' ELSE '${ROW_KINDS.skipped}' END`,
    `    ELSE '${ROW_KINDS.usage}' END AS row_kind,`,
    `  ${detail},`,
    "  count(*) AS invocations,",
    "  count_if(failed) AS errors,",
    "  sum(input_tokens) AS input_tokens,",
    "  sum(output_tokens) AS output_tokens,",
    "  sum(cache_read_input_tokens) AS cache_read_input_tokens,",
    "  sum(cache_write_input_tokens) AS cache_write_input_tokens,",
    // As the archive reader counts them: requests that wrote to the cache, each priced at the 5-minute rate.
    "  count_if(cache_write_input_tokens > 0) AS cache_write_invocations,",
    "  count_if(guardrail) AS guardrail_interventions,",
    "  count(latency_ms) AS latency_samples,",
    "  avg(latency_ms) AS latency_avg_ms,",
    `  ${percentile(LATENCY_PERCENTILES.p50)} AS latency_p50_ms,`,
    `  ${percentile(LATENCY_PERCENTILES.p90)} AS latency_p90_ms,`,
    `  ${percentile(LATENCY_PERCENTILES.p99)} AS latency_p99_ms,`,
    "  max(latency_ms) AS latency_max_ms",
    "FROM (",
    ...facts.map((line) => `  ${line}`),
    ")",
    // Per usage row: the detail; per record kind: the totals (for `used`, the window's latency summary).
    `GROUP BY GROUPING SETS ((${detail}), (record_kind))`,
    // A `used` row of the detail set is a usage row; any other kind is counted once, in the totals set.
    `HAVING grouping(hour_start) = 1 OR ${used}`,
  ].join("\n");
}
