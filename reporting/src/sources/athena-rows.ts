/**
 * The usage query's result rows (kernel/athena/usage-query.ts) turned into
 * what every source produces: UsageRows, the latency summary and the skip
 * counts. Pure: the Athena source feeds it GetQueryResults' rows, the DuckDB
 * test the same query's rows from local files.
 */
import { OperationalError } from "../kernel/errors";
import {
  METADATA_VALUE_PREFIX,
  metadataColumn,
  ROW_KINDS,
  type MetadataColumn,
  type UsageQueryColumn,
} from "../kernel/athena/usage-query";
import type { LatencySummary } from "../model/stats";
import type { UsageRow } from "../model/usage";
import { UsageRowBuilder } from "../model/usage-rows";

/** One result row: each column's text as Athena returns it (VarCharValue), null for SQL NULL. */
export type AthenaRow = Partial<Record<UsageQueryColumn | MetadataColumn, string | null>>;

export interface AthenaUsage {
  rows: UsageRow[];
  latency: LatencySummary;
  skipped: Record<string, number>;
}

function count(row: AthenaRow, column: UsageQueryColumn): number {
  const text = row[column];
  const value = text === null || text === undefined ? 0 : Number(text);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new OperationalError(`Athena returned ${JSON.stringify(text)} for ${column}, not a count.`);
  }
  return value;
}

function milliseconds(row: AthenaRow, column: UsageQueryColumn): number | null {
  const text = row[column];
  if (text === null || text === undefined || text === "") return null;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new OperationalError(`Athena returned ${JSON.stringify(text)} for ${column}.`);
  return value;
}

/** The values of the keys the request carried, as the archive reader picks them: a key it lacked is left out. */
function metadataOf(row: AthenaRow, metadataKeys: readonly string[]): Record<string, string> {
  const metadata: Record<string, string> = {};
  metadataKeys.forEach((key, index) => {
    const text = row[metadataColumn(index)];
    if (typeof text !== "string" || text === "") return;
    if (!text.startsWith(METADATA_VALUE_PREFIX))
      throw new OperationalError(`Athena returned ${JSON.stringify(text)} for the metadata key ${key}.`);
    metadata[key] = text.slice(METADATA_VALUE_PREFIX.length);
  });
  return metadata;
}

function usageRow(row: AthenaRow, byCaller: boolean, metadataKeys: readonly string[]): UsageRow {
  const modelId = row.model_id;
  if (typeof modelId !== "string" || modelId === "")
    throw new OperationalError("Athena returned a usage row without a model.");
  return {
    hourStartMs: count(row, "hour_start") * 1000,
    modelId,
    caller: byCaller ? (row.caller ?? null) : null,
    context: row.long_context === "1" ? "long" : "standard",
    ...(metadataKeys.length > 0 && { metadata: metadataOf(row, metadataKeys) }),
    invocations: count(row, "invocations"),
    errors: count(row, "errors"),
    inputTokens: count(row, "input_tokens"),
    outputTokens: count(row, "output_tokens"),
    cacheReadInputTokens: count(row, "cache_read_input_tokens"),
    cacheWriteInputTokens: count(row, "cache_write_input_tokens"),
    cacheWriteInvocations: count(row, "cache_write_invocations"),
    guardrailInterventions: count(row, "guardrail_interventions"),
  };
}

const NO_LATENCY: LatencySummary = { samples: 0, avg: null, p50: null, p90: null, p99: null, max: null, from: "logs" };

/**
 * Rows of the usage query to UsageRows (in hour, model order), the window's
 * latency and the skip counts. `metadataKeys`: the keys the query grouped by, in its order.
 */
export function usageFromAthenaRows(
  results: readonly AthenaRow[],
  byCaller: boolean,
  metadataKeys: readonly string[] = [],
): AthenaUsage {
  const rows = new UsageRowBuilder();
  const skipped: Record<string, number> = { malformed: 0 };
  let latency = NO_LATENCY;
  for (const row of results) {
    if (row.row_kind === ROW_KINDS.usage) rows.addRow(usageRow(row, byCaller, metadataKeys));
    else if (row.row_kind === ROW_KINDS.skipped) {
      const kind = row.record_kind ?? "malformed";
      skipped[kind] = (skipped[kind] ?? 0) + count(row, "invocations");
    } else if (row.row_kind === ROW_KINDS.latency) {
      const samples = count(row, "latency_samples");
      latency = {
        samples,
        avg: milliseconds(row, "latency_avg_ms"),
        p50: milliseconds(row, "latency_p50_ms"),
        p90: milliseconds(row, "latency_p90_ms"),
        p99: milliseconds(row, "latency_p99_ms"),
        max: milliseconds(row, "latency_max_ms"),
        from: "logs",
      };
    } else throw new OperationalError(`Athena returned a row of unknown kind ${JSON.stringify(row.row_kind)}.`);
  }
  const sorted = rows.rows().sort((a, b) => a.hourStartMs - b.hourStartMs || a.modelId.localeCompare(b.modelId));
  return { rows: sorted, latency, skipped };
}
