/**
 * The SQL the report sends to Athena, run on DuckDB over a generated archive
 * in the S3 key layout, against the local archive reader on the same files:
 * counts and tokens equal exactly, latency percentiles within the rank error
 * of an approximate percentile.
 */
import type { DuckDBConnection } from "@duckdb/node-api";
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateLogArchive, writeLogArchive } from "../../../scripts/gen-logs";
import {
  buildAthenaUsageQuery,
  USAGE_QUERY_COLUMNS,
  usageQueryColumns,
} from "../../../reporting/src/kernel/athena/usage-query";
import { HOUR_MS, MINUTE_MS } from "../../../reporting/src/kernel/time";
import type { ReportWindow, UsageRow } from "../../../reporting/src/model/usage";
import { UsageRowBuilder } from "../../../reporting/src/model/usage-rows";
import { usageFromAthenaRows } from "../../../reporting/src/sources/athena-rows";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import { athenaTableOnDuckDb, rowsAsText } from "../../helpers/duckdb-athena";
import { converseRecord, invokeModelRecord, streamRecord } from "../../helpers/record-shapes";

const DATABASE = "bedrock_monitoring_dev";
const TABLE = "invocation_logs";
const END = new Date("2026-11-20T00:00:00Z");

/** Shapes the generator does not write, in one object of an hour folder inside the window. */
const EXTRA_TIME = "2026-11-18T18:10:00Z";
const EXTRA_RECORDS = [
  // Metadata the generator does not write: one key of two, an empty value, a key the report is not grouped by.
  { ...converseRecord({ timestamp: EXTRA_TIME }), requestMetadata: { team: "search" } },
  { ...converseRecord({ timestamp: EXTRA_TIME }), requestMetadata: { team: "", app: "web-search" } },
  { ...converseRecord({ timestamp: EXTRA_TIME }), requestMetadata: { traceId: "trace-1" } },
  converseRecord({ timestamp: EXTRA_TIME, stopReason: "guardrail_intervened" }),
  invokeModelRecord({ timestamp: EXTRA_TIME, guardrailAction: "INTERVENED" }),
  invokeModelRecord({ timestamp: EXTRA_TIME, guardrailAction: "NONE" }),
  streamRecord({ timestamp: EXTRA_TIME, blocked: true }),
  streamRecord({ timestamp: EXTRA_TIME, blocked: false }),
];
const EXTRA_LINES = [
  ...EXTRA_RECORDS.map((record) => JSON.stringify(record)),
  JSON.stringify({ schemaType: "SomethingElse", timestamp: EXTRA_TIME }),
  JSON.stringify({ ...converseRecord({ timestamp: EXTRA_TIME }), modelId: "" }),
];

const rowKey = (row: UsageRow) =>
  `${row.hourStartMs} ${row.modelId} ${row.caller} ${row.context} ${JSON.stringify(row.metadata ?? null)}`;
const byKey = (rows: UsageRow[]) => [...rows].sort((a, b) => rowKey(a).localeCompare(rowKey(b)));

/** The rows without callers, merged as a source that does not group by caller reports them. */
function withoutCallers(rows: UsageRow[]): UsageRow[] {
  const builder = new UsageRowBuilder();
  for (const row of rows) builder.addRow({ ...row, caller: null });
  return builder.rows();
}

/** Samples' values at ranks within `fraction` +- `rankError` of n: where an approximate percentile may land. */
function percentileBounds(sorted: number[], fraction: number, rankError: number): [number, number] {
  const n = sorted.length;
  const low = Math.max(0, Math.floor((fraction - rankError) * n) - 1);
  const high = Math.min(n - 1, Math.ceil((fraction + rankError) * n));
  return [sorted[low], sorted[high]];
}

describe("the Athena usage query on DuckDB, against the archive reader", function () {
  this.timeout(60_000);
  let root: string;
  let duck: DuckDBConnection;
  // Not on hour boundaries: the exact timestamp bounds must cut inside an hour folder.
  const window: ReportWindow = {
    start: new Date(END.getTime() - 60 * HOUR_MS + 25 * MINUTE_MS),
    end: new Date(END.getTime() - 20 * HOUR_MS - 10 * MINUTE_MS),
  };
  let local: SourceResult;
  let latencies: number[];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "athena-duckdb-"));
    const archive = generateLogArchive({
      seed: 23,
      end: END,
      hours: 72,
      requestsPerHour: 20,
      prefix: "bedrock/",
      recordsPerObject: 6,
    });
    expect(archive.malformedLines, "the archive has broken lines to count").to.be.greaterThan(0);
    expect(archive.bodyObjects, "and body objects under data/ to leave out").to.be.greaterThan(0);
    const extraKey = `bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2026/11/18/18/extra.json.gz`;
    archive.files.push({ key: extraKey, lines: EXTRA_LINES });
    await writeLogArchive(archive, root);
    duck = await athenaTableOnDuckDb(root, DATABASE, TABLE);
    local = await readLogFiles({ paths: [root], window });
    latencies = [];
    for (const record of [...archive.records, ...EXTRA_RECORDS]) {
      const time = Date.parse(record.timestamp as string);
      if (time < window.start.getTime() || time >= window.end.getTime()) continue;
      const body = (record.output as { outputBodyJson?: unknown } | undefined)?.outputBodyJson;
      const text = JSON.stringify(body ?? null);
      const match = /"(?:latencyMs|invocationLatency)":(\d+)/.exec(text);
      if (match) latencies.push(Number(match[1]));
    }
    latencies.sort((a, b) => a - b);
  });

  after(async () => {
    duck?.closeSync();
    await rm(root, { recursive: true, force: true });
  });

  const query = (groupBy: Array<"caller">, metadataKeys?: string[]) =>
    buildAthenaUsageQuery({
      database: DATABASE,
      table: TABLE,
      startMs: window.start.getTime(),
      endMs: window.end.getTime(),
      groupBy,
      metadataKeys,
    });

  it("returns the columns the report reads, in order", async () => {
    const reader = await duck.runAndReadAll(query([]));
    expect(reader.columnNames()).to.deep.equal([...USAGE_QUERY_COLUMNS]);
    const byMetadata = await duck.runAndReadAll(query([], ["team", "app"]));
    expect(byMetadata.columnNames()).to.deep.equal(usageQueryColumns(2));
  });

  it("grouped by caller: every usage row equals the archive reader's, tokens, errors and guardrails included", async () => {
    const athena = usageFromAthenaRows(await rowsAsText(duck, query(["caller"])), true);
    expect(local.rows.length).to.be.greaterThan(50);
    const sum = (field: "errors" | "guardrailInterventions" | "cacheWriteInvocations") =>
      local.rows.reduce((n, row) => n + (row[field] ?? 0), 0);
    expect(sum("errors"), "the archive has failed requests").to.be.greaterThan(0);
    expect(sum("guardrailInterventions"), "and guardrail blocks").to.be.greaterThan(0);
    expect(
      local.rows.some((row) => row.context === "long"),
      "and long-context requests",
    ).to.equal(true);
    expect(new Set(local.rows.map((row) => row.caller)).size, "and several callers").to.be.greaterThan(2);
    expect(sum("cacheWriteInvocations"), "and cache writes").to.be.greaterThan(0);
    expect(byKey(athena.rows)).to.deep.equal(byKey(local.rows));
  });

  it("without callers: the same rows merged over callers, as Logs Insights' rows are", async () => {
    const athena = usageFromAthenaRows(await rowsAsText(duck, query([])), false);
    expect(athena.rows.every((row) => row.caller === null)).to.equal(true);
    expect(byKey(athena.rows)).to.deep.equal(byKey(withoutCallers(local.rows)));
  });

  it("grouped by metadata keys and caller: the archive reader's rows, a key a request lacked left out", async () => {
    const metadataKeys = ["team", "app"];
    const byMetadata = await readLogFiles({ paths: [root], window: { ...window, metadataKeys } });
    const athena = usageFromAthenaRows(await rowsAsText(duck, query(["caller"], metadataKeys)), true, metadataKeys);
    const shapes = new Set(byMetadata.rows.map((row) => JSON.stringify(row.metadata)));
    for (const shape of [
      "{}",
      '{"team":"search"}',
      '{"team":"","app":"web-search"}',
      '{"team":"search","app":"web-search"}',
    ])
      expect(shapes, "the archive has requests with both keys, one, an empty value and none").to.include(shape);
    expect(byKey(athena.rows)).to.deep.equal(byKey(byMetadata.rows));
  });

  it("counts the broken lines and the records outside the window as the archive reader does", async () => {
    const athena = usageFromAthenaRows(await rowsAsText(duck, query([])), false);
    expect(athena.skipped.malformed).to.be.greaterThan(0);
    expect(athena.skipped.outsideWindow).to.be.greaterThan(0);
    expect(athena.skipped.notARecord).to.equal(1);
    for (const reason of ["malformed", "notARecord", "outsideWindow"]) {
      expect(athena.skipped[reason] ?? 0, reason).to.equal(local.skipped[reason] ?? 0);
    }
  });

  it("summarises latency: samples and max exactly, the average to float rounding, percentiles within 1% of rank", async () => {
    const athena = usageFromAthenaRows(await rowsAsText(duck, query([])), false).latency;
    const exact = local.latency!;
    expect(latencies.length, "the generated bodies carry latencies").to.equal(exact.samples);
    expect(athena.samples).to.equal(exact.samples);
    expect(athena.max).to.equal(exact.max);
    expect(athena.avg).to.be.closeTo(exact.avg!, 1e-6);
    // Presto documents approx_percentile's default maximum rank error as 0.01
    // (https://prestodb.io/docs/current/functions/aggregate.html); the stand-in's estimate is held to that bound.
    for (const [name, fraction] of [
      ["p50", 0.5],
      ["p90", 0.9],
      ["p99", 0.99],
    ] as const) {
      const [low, high] = percentileBounds(latencies, fraction, 0.01);
      expect(athena[name], name).to.be.within(low, high);
    }
  });
});
