/**
 * Athena named queries mirroring the saved Logs Insights queries
 * (kernel/queries.ts), over the archive table (shared kernel: pure strings).
 * Each reads the last 7 days of hour folders, so a click in the console scans
 * a week, not the archive.
 */
import { COST_PROXY_WEIGHTS, SAVED_QUERIES } from "../queries";

const LAST_WEEK =
  "dt >= date_format(current_timestamp - INTERVAL '7' DAY, '%Y/%m/%d/%H')" +
  " AND NOT regexp_like(\"$path\", '/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9]{2}/data/')" +
  // A line that is not a record reads as a row of nulls (ignore.malformed.json): left out, as Logs Insights would.
  " AND modelid IS NOT NULL";
const RECORDS =
  'SELECT try(from_iso8601_timestamp("timestamp")) AS event_time, modelid, requestid, identity.arn AS caller, errorcode,' +
  " coalesce(input.inputtokencount, 0) AS input_tokens, coalesce(output.outputtokencount, 0) AS output_tokens," +
  " coalesce(input.cachereadinputtokencount, 0) AS cache_read_tokens," +
  " coalesce(input.cachewriteinputtokencount, 0) AS cache_write_tokens, output.outputbodyjson AS body";
const USAGE =
  "count(*) AS invocations, count_if(errorcode IS NOT NULL) AS errors, sum(input_tokens) AS input_tokens," +
  " sum(output_tokens) AS output_tokens, sum(cache_read_tokens) AS cache_read_input_tokens," +
  " sum(cache_write_tokens) AS cache_write_input_tokens";
const LATENCY =
  'coalesce(try_cast(regexp_extract(body, \'"latencyMs":\\s*"?([0-9]+)\', 1) AS double),' +
  ' try_cast(regexp_extract(body, \'"invocationLatency":\\s*"?([0-9]+)\', 1) AS double))';
const COST_PROXY =
  `input_tokens * ${COST_PROXY_WEIGHTS.input} + output_tokens * ${COST_PROXY_WEIGHTS.output}` +
  ` + cache_write_tokens * ${COST_PROXY_WEIGHTS.cacheWrite} + cache_read_tokens * ${COST_PROXY_WEIGHTS.cacheRead}`;

/** The SQL of each saved query, by its stable name. */
function sqlFor(name: string, table: string): string {
  const records = `WITH records AS (${RECORDS} FROM ${table} WHERE ${LAST_WEEK})`;
  switch (name) {
    case "usage-hourly":
      return `${records} SELECT date_trunc('hour', event_time) AS hour, modelid, ${USAGE} FROM records GROUP BY 1, 2 ORDER BY input_tokens DESC`;
    case "usage-daily":
      return `${records} SELECT date_trunc('day', event_time) AS day, modelid, ${USAGE} FROM records GROUP BY 1, 2 ORDER BY input_tokens DESC`;
    case "expensive-requests":
      return `${records} SELECT event_time, requestid, modelid, caller, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, ${COST_PROXY} AS cost_proxy_input_tokens FROM records ORDER BY cost_proxy_input_tokens DESC LIMIT 100`;
    case "latency-by-model":
      return `${records} SELECT modelid, count(latency_ms) AS samples, avg(latency_ms) AS avg_ms, approx_percentile(latency_ms, 0.5) AS p50_ms, approx_percentile(latency_ms, 0.9) AS p90_ms, approx_percentile(latency_ms, 0.99) AS p99_ms, max(latency_ms) AS max_ms FROM (SELECT modelid, ${LATENCY} AS latency_ms FROM records) WHERE latency_ms IS NOT NULL GROUP BY modelid ORDER BY p99_ms DESC`;
    case "errors-by-code":
      return `${records} SELECT errorcode, modelid, count(*) AS errors FROM records WHERE errorcode IS NOT NULL GROUP BY 1, 2 ORDER BY errors DESC`;
    case "usage-by-caller":
      return `${records} SELECT caller, modelid, ${USAGE} FROM records GROUP BY 1, 2 ORDER BY input_tokens DESC`;
    case "usage-by-metadata":
      // One text per whole requestMetadata map, as the Insights query groups: Athena casts a map to JSON
      // (https://docs.aws.amazon.com/athena/latest/ug/converting-native-data-types-to-json.html) and Trino's
      // json_format gives the JSON's text (https://trino.io/docs/current/functions/json.html).
      return `${records.replace(" AS body", " AS body, requestmetadata")} SELECT coalesce(json_format(CAST(requestmetadata AS JSON)), '(none)') AS request_metadata, modelid, ${USAGE} FROM records GROUP BY 1, 2 ORDER BY input_tokens DESC`;
    case "recent-invocations":
      return `${records} SELECT event_time, modelid, caller, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, errorcode FROM records ORDER BY event_time DESC LIMIT 50`;
    default:
      throw new Error(`no Athena SQL for the saved query ${name}`);
  }
}

export interface AthenaNamedQuery {
  name: string;
  displayName: string;
  description: string;
  sql: string;
}

/** One named query per saved Logs Insights query, same name and description, over `"<database>"."<table>"`. */
export function athenaNamedQueries(database: string, table: string): AthenaNamedQuery[] {
  const qualified = `"${database}"."${table}"`;
  return SAVED_QUERIES.map((query) => ({
    name: query.name,
    displayName: query.displayName,
    description: `${query.description} Last 7 days of the S3 archive.`.slice(0, 1024),
    sql: sqlFor(query.name, qualified),
  }));
}
