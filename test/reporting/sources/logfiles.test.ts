import { expect } from "chai";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { generateLogArchive, writeLogArchive } from "../../../scripts/gen-logs";
import { UsageError } from "../../../reporting/src/kernel/errors";
import { datedFolderSpan } from "../../../reporting/src/reading/log-tree";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import { RecordCollector } from "../../../reporting/src/reading/record-collector";
import { readRecordStream } from "../../../reporting/src/reading/record-input";
import type { ReportWindow, UsageRow } from "../../../reporting/src/model/usage";
import { HOUR_MS } from "../../../reporting/src/kernel/time";

const END = new Date("2026-11-20T00:00:00Z");

function sum(
  rows: UsageRow[],
  field: keyof Pick<
    UsageRow,
    "invocations" | "errors" | "inputTokens" | "outputTokens" | "cacheReadInputTokens" | "cacheWriteInputTokens"
  >,
): number {
  return rows.reduce((total, row) => total + row[field], 0);
}

function recordField(record: Record<string, unknown>, section: "input" | "output", field: string): number {
  const value = (record[section] as Record<string, unknown> | undefined)?.[field];
  return typeof value === "number" ? value : 0;
}

function inWindow(record: Record<string, unknown>, window: ReportWindow): boolean {
  const time = Date.parse(record.timestamp as string);
  return time >= window.start.getTime() && time < window.end.getTime();
}

describe("log-file source", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-logs-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads a generated S3-layout archive: every record in the window counted, bodies and malformed lines skipped and counted", async () => {
    const archive = generateLogArchive({ seed: 7, end: END, hours: 30, requestsPerHour: 8 });
    await writeLogArchive(archive, root);
    const window = { start: new Date(END.getTime() - 28 * HOUR_MS), end: END };
    const expected = archive.records.filter((record) => inWindow(record, window));
    // Hour folders that end before the window starts are not read, only counted.
    const folderHourMs = (key: string) =>
      Date.parse(key.replace(/^.*\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/.*$/, "$1-$2-$3T$4:00:00Z"));
    const read = archive.files.filter((file) => folderHourMs(file.key) + HOUR_MS > window.start.getTime());
    const readRecords = read
      .filter((file) => !file.key.includes("/data/"))
      .flatMap((file) =>
        file.lines.flatMap((line) => {
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
      );
    const readLines = read
      .filter((file) => !file.key.includes("/data/"))
      .reduce((total, file) => total + file.lines.length, 0);

    const result = await readLogFiles({ paths: [root], window });

    expect(result.source).to.equal("logs");
    expect(result.complete).to.equal(true);
    expect(sum(result.rows, "invocations")).to.equal(expected.length);
    expect(sum(result.rows, "errors")).to.equal(
      expected.filter((record) => typeof record.errorCode === "string").length,
    );
    expect(sum(result.rows, "inputTokens")).to.equal(
      expected.reduce((total, record) => total + recordField(record, "input", "inputTokenCount"), 0),
    );
    expect(sum(result.rows, "outputTokens")).to.equal(
      expected.reduce((total, record) => total + recordField(record, "output", "outputTokenCount"), 0),
    );
    expect(sum(result.rows, "cacheReadInputTokens")).to.equal(
      expected.reduce((total, record) => total + recordField(record, "input", "cacheReadInputTokenCount"), 0),
    );
    expect(sum(result.rows, "cacheWriteInputTokens")).to.equal(
      expected.reduce((total, record) => total + recordField(record, "input", "cacheWriteInputTokenCount"), 0),
    );
    expect(result.skipped.outsideWindow ?? 0).to.equal(
      readRecords.filter((record) => !inWindow(record, window)).length,
    );
    expect(result.skipped.malformed).to.equal(readLines - readRecords.length);
    expect(result.skipped.bodyObject)
      .to.equal(read.filter((file) => file.key.includes("/data/")).length)
      .and.be.greaterThan(0);
    expect(result.skipped.objectOutsideWindow).to.equal(archive.files.length - read.length);
    expect(result.skipped.objectOutsideWindow).to.be.greaterThan(0);
    expect(result.latency?.from).to.equal("logs");
    expect(result.latency?.samples).to.be.greaterThan(0);
  });

  it("splits rows into standard and long context per request", async () => {
    const archive = generateLogArchive({ seed: 11, end: END, hours: 48, requestsPerHour: 20 });
    await writeLogArchive(archive, root);
    const window = { start: new Date(END.getTime() - 48 * HOUR_MS), end: END };
    const isLong = (record: Record<string, unknown>) =>
      recordField(record, "input", "inputTokenCount") +
        recordField(record, "input", "cacheReadInputTokenCount") +
        recordField(record, "input", "cacheWriteInputTokenCount") >
      200_000;
    const expectedLong = archive.records.filter((record) => inWindow(record, window) && isLong(record)).length;
    expect(expectedLong, "the generator should produce long-context requests").to.be.greaterThan(0);

    const result = await readLogFiles({ paths: [root], window });
    expect(
      sum(
        result.rows.filter((row) => row.context === "long"),
        "invocations",
      ),
    ).to.equal(expectedLong);
  });

  it("reads .jsonl and one pretty-printed .json record, counts records outside the window, and ignores other file types", async () => {
    const record = {
      schemaType: "ModelInvocationLog",
      timestamp: "2026-11-19T10:00:00Z",
      modelId: "anthropic.claude-3-haiku-20240307-v1:0",
      input: { inputTokenCount: 5 },
      output: { outputTokenCount: 6 },
    };
    const earlier = { ...record, timestamp: "2026-11-18T23:59:59Z" };
    await writeFile(
      join(root, "a.jsonl"),
      `${JSON.stringify(record)}\n\n${JSON.stringify(record)}\nnot json\n${JSON.stringify(earlier)}\n`,
    );
    await writeFile(join(root, "b.json"), JSON.stringify(record, null, 2));
    await writeFile(join(root, "notes.txt"), "hello");
    const result = await readLogFiles({ paths: [root], window: { start: new Date("2026-11-19T00:00:00Z"), end: END } });
    expect(sum(result.rows, "invocations")).to.equal(3);
    expect(result.skipped).to.include({ malformed: 1, unsupportedFile: 1, outsideWindow: 1 });
  });

  it("marks the result incomplete, naming the file, when a gzip object is corrupt", async () => {
    const folder = join(root, "2026", "11", "19", "10");
    await mkdir(folder, { recursive: true });
    await writeFile(
      join(folder, "broken.json.gz"),
      Buffer.concat([gzipSync("{}\n").subarray(0, 10), Buffer.from("garbage")]),
    );
    const result = await readLogFiles({ paths: [root], window: { start: new Date("2026-11-19T00:00:00Z"), end: END } });
    expect(result.complete).to.equal(false);
    expect(result.skipped.unreadableFile).to.equal(1);
    expect(result.notes.join(" ")).to.include("broken.json.gz");
  });

  it("rejects a path that does not exist with a UsageError naming it", async () => {
    const missing = join(root, "missing");
    const error = await readLogFiles({ paths: [missing], window: { start: new Date(0), end: END } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).to.be.instanceOf(UsageError);
    expect((error as Error).message).to.include(missing);
  });

  it("reads any stream, so the S3 source can feed object bodies to the same collector", async () => {
    const window = { start: new Date("2026-11-19T00:00:00Z"), end: END };
    const collector = new RecordCollector(window);
    const line = JSON.stringify({ timestamp: "2026-11-19T01:00:00Z", modelId: "m", input: { inputTokenCount: 1 } });
    await readRecordStream(Readable.from([gzipSync(`${line}\n${line}\n`)]), collector);
    expect(sum(collector.result().rows, "invocations")).to.equal(2);
  });

  it("knows the span of each dated folder of the S3 layout, and no other", () => {
    const base = "/x/AWSLogs/1/BedrockModelInvocationLogs/us-east-1";
    expect(datedFolderSpan(`${base}/2026/11/19/23`)).to.deep.equal({
      startMs: Date.parse("2026-11-19T23:00:00Z"),
      endMs: Date.parse("2026-11-20T00:00:00Z"),
    });
    expect(datedFolderSpan(`${base}/2026/11/30`)).to.deep.equal({
      startMs: Date.parse("2026-11-30T00:00:00Z"),
      endMs: Date.parse("2026-12-01T00:00:00Z"),
    });
    expect(datedFolderSpan(`${base}/2026/12`)).to.deep.equal({
      startMs: Date.parse("2026-12-01T00:00:00Z"),
      endMs: Date.parse("2027-01-01T00:00:00Z"),
    });
    expect(datedFolderSpan(`${base}/2026`)).to.deep.equal({
      startMs: Date.parse("2026-01-01T00:00:00Z"),
      endMs: Date.parse("2027-01-01T00:00:00Z"),
    });
    expect(datedFolderSpan("/backups/2026/11/19")).to.equal(null);
  });
});
