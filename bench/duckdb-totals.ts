/**
 * The benchmark's peer: one process that sums the same archive with DuckDB's
 * JSON reader, as an analyst would with a query instead of this project.
 *
 *   node bench/.cache/build/duckdb-totals.js <archive-dir> <start-ISO> <end-ISO>
 *
 * Prints the totals as one JSON object.
 */
import { DuckDBInstance } from "@duckdb/node-api";

/** Only the fields the sums need: DuckDB then skips the rest of each record, bodies included. */
const COLUMNS = `{
  "timestamp": 'TIMESTAMP',
  modelId: 'VARCHAR',
  errorCode: 'VARCHAR',
  input: 'STRUCT(inputTokenCount BIGINT, cacheReadInputTokenCount BIGINT, cacheWriteInputTokenCount BIGINT)',
  output: 'STRUCT(outputTokenCount BIGINT)'
}`;

function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

async function main(): Promise<void> {
  const [root, start, end] = process.argv.slice(2);
  if (!root || !start || !end) throw new Error("usage: duckdb-totals <archive-dir> <start-ISO> <end-ISO>");
  // Record objects sit directly in the hour folders; `data/` below them holds bodies, not records.
  const glob = `${root}/AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json.gz`;
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const reader = await connection.runAndReadAll(`
    SELECT
      count(*)::BIGINT AS invocations,
      count(*) FILTER (WHERE errorCode <> '')::BIGINT AS errors,
      coalesce(sum(input.inputTokenCount), 0)::BIGINT AS inputTokens,
      coalesce(sum(output.outputTokenCount), 0)::BIGINT AS outputTokens,
      coalesce(sum(input.cacheReadInputTokenCount), 0)::BIGINT AS cacheReadInputTokens,
      coalesce(sum(input.cacheWriteInputTokenCount), 0)::BIGINT AS cacheWriteInputTokens
    FROM read_ndjson(${quoted(glob)}, columns = ${COLUMNS})
    WHERE modelId <> '' AND "timestamp" >= ${quoted(start)}::TIMESTAMPTZ AND "timestamp" < ${quoted(end)}::TIMESTAMPTZ`);
  const [totals] = reader.getRowObjectsJson();
  process.stdout.write(
    `${JSON.stringify(Object.fromEntries(Object.entries(totals).map(([name, value]) => [name, Number(value)])))}\n`,
  );
}

main().catch((error: Error) => {
  process.stderr.write(`duckdb-totals: ${error.message}\n`);
  process.exitCode = 1;
});
