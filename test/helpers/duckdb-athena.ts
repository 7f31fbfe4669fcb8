/**
 * The Athena table, on DuckDB over local archive files: a view with the Glue
 * table's columns (kernel/athena/table.ts), built the way the OpenX SerDe
 * reads a line (a line that is not a JSON object is a row of nulls; a nested
 * object in a string column is its JSON text), plus `dt` from the hour folder
 * and `"$path"`. A few macros give Trino's names to the DuckDB functions that
 * do the same thing; everything else in the query runs as written.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { TABLE_COLUMNS, type StructField } from "../../reporting/src/kernel/athena/table";

/** Trino function -> DuckDB's equivalent (https://duckdb.org/docs/sql/functions/overview). */
export const TRINO_SHIM = [
  "CREATE MACRO regexp_like(text, pattern) AS regexp_matches(text, pattern)",
  // A list by position (1-based, -1 the last) or a map by key; a missing key or position gives NULL, as in Trino.
  "CREATE MACRO element_at(items, place) AS items[place]",
  "CREATE MACRO approx_percentile(value, fraction) AS approx_quantile(value, fraction)",
  "CREATE MACRO from_iso8601_timestamp(text) AS CAST(text AS TIMESTAMPTZ)",
  "CREATE MACRO to_unixtime(instant) AS epoch(instant)",
  "CREATE MACRO date_format(instant, format) AS strftime(instant, format)",
  "CREATE MACRO json_format(value) AS CAST(value AS VARCHAR)",
];

const DUCKDB_TYPES: Record<string, string> = {
  string: "VARCHAR",
  bigint: "BIGINT",
  "map<string,string>": "MAP(VARCHAR, VARCHAR)",
};

function jsonSpec(type: string, fields?: readonly StructField[]): unknown {
  if (fields) return Object.fromEntries(fields.map(([, fieldType, key]) => [key, jsonSpec(fieldType)]));
  const duck = DUCKDB_TYPES[type];
  if (!duck) throw new Error(`no DuckDB type for ${type}`);
  return duck;
}

/** A column of the parsed record `r`, renamed to the Glue names (struct fields too). */
function columnSql(column: (typeof TABLE_COLUMNS)[number]): string {
  const source = `r."${column.jsonKey}"`;
  if (!column.fields) return `${source} AS "${column.name}"`;
  const members = column.fields.map(([name, , key]) => `"${name}" := ${source}."${key}"`).join(", ");
  return `CASE WHEN ${source} IS NULL THEN NULL ELSE struct_pack(${members}) END AS "${column.name}"`;
}

/** A DuckDB connection with `"<database>"."<table>"` over the archive under `root`, and the shim. */
export async function athenaTableOnDuckDb(root: string, database: string, table: string): Promise<DuckDBConnection> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  for (const macro of TRINO_SHIM) await connection.run(macro);
  const spec = JSON.stringify(
    Object.fromEntries(TABLE_COLUMNS.map((column) => [column.jsonKey, jsonSpec(column.type, column.fields)])),
  );
  const files = `${root.replace(/'/g, "''")}/**/*.json.gz`;
  await connection.run(`CREATE SCHEMA "${database}"`);
  await connection.run(
    [
      `CREATE VIEW "${database}"."${table}" AS`,
      `SELECT ${TABLE_COLUMNS.map(columnSql).join(", ")}, "$path", dt`,
      "FROM (",
      `  SELECT CASE WHEN json_type(j) = 'OBJECT' THEN from_json(j, '${spec}') END AS r, "$path",`,
      String.raw`    regexp_extract("$path", 'BedrockModelInvocationLogs/[^/]+/(\d{4}/\d{2}/\d{2}/\d{2})/', 1) AS dt`,
      "  FROM (",
      `    SELECT try_cast(line AS JSON) AS j, filename AS "$path"`,
      `    FROM read_csv('${files}', columns = {'line': 'VARCHAR'}, header = false, delim = chr(31), quote = '',`,
      "      escape = '', auto_detect = false, filename = true, compression = 'gzip', max_line_size = 100000000)",
      "  )",
      ")",
    ].join("\n"),
  );
  return connection;
}

/** Runs SQL and returns each row's values as Athena would: text, or null. */
export async function rowsAsText(
  connection: DuckDBConnection,
  sql: string,
): Promise<Array<Record<string, string | null>>> {
  const reader = await connection.runAndReadAll(sql);
  return reader
    .getRowObjectsJson()
    .map((row) =>
      Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? null : String(value)])),
    );
}
