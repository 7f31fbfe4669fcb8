import { expect } from "chai";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { generateLogArchive, writeLogArchive } from "../../../scripts/gen-logs";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import { prestartParseWorkers, RecordParsePool } from "../../../reporting/src/reading/parse-pool";
import { logsArguments, readsLocalLogs } from "../../../reporting/src/prestart";
import { RecordCollector } from "../../../reporting/src/reading/record-collector";
import { readRecordBytes, readRecordStream } from "../../../reporting/src/reading/record-input";
import { HOUR_MS } from "../../../reporting/src/kernel/time";

const END = new Date("2026-11-20T00:00:00Z");
const WINDOW = { start: new Date(END.getTime() - 40 * HOUR_MS), end: END };

/** How a read failed: zlib's code and the message, which the S3 archive source tells apart. */
async function rejection(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => "resolved",
    (error: NodeJS.ErrnoException) => `${error.code}: ${error.message}`,
  );
}

describe("parse pool (worker threads)", function () {
  // Workers load the sources through tsx here, which takes a moment.
  this.timeout(60_000);
  let root: string;
  let gzipped: Buffer[];

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-pool-"));
    const archive = generateLogArchive({
      seed: 21,
      end: END,
      hours: 48,
      requestsPerHour: 15,
      bodyBytes: 600,
      recordsPerObject: 7,
    });
    await writeLogArchive(archive, join(root, "archive"));
    gzipped = archive.files
      .filter((file) => !file.key.includes("/data/"))
      .map((file) => gzipSync(`${file.lines.join("\n")}\n`));
    const broken = join(
      root,
      "archive",
      "AWSLogs",
      "1",
      "BedrockModelInvocationLogs",
      "us-east-1",
      "2026",
      "11",
      "19",
      "12",
    );
    await mkdir(broken, { recursive: true });
    // A readable start, then damage: the records before it count, the file is reported.
    await writeFile(join(broken, "truncated.json.gz"), gzipped[5].subarray(0, Math.floor(gzipped[5].length * 0.8)));
    await writeFile(join(broken, "plain.jsonl"), `${archive.files[3].lines.join("\r\n")}\n\n`);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("gives readLogFiles the same result on worker threads as in one thread: rows, latency, skipped counts, notes", async () => {
    const inline = await readLogFiles({ paths: [root], window: WINDOW, inlineBytes: Number.MAX_SAFE_INTEGER });
    const pooled = await readLogFiles({ paths: [root], window: WINDOW, inlineBytes: 0 });
    const mixed = await readLogFiles({ paths: [root], window: WINDOW, inlineBytes: 20_000 });
    // One file queued per worker: this thread reads most of the files, the workers the rest.
    const shared = await readLogFiles({ paths: [root], window: WINDOW, inlineBytes: 0, queuePerWorker: 1 });
    expect(inline.complete).to.equal(false);
    expect(inline.skipped.unreadableFile).to.equal(1);
    expect(inline.rows.length).to.be.greaterThan(50);
    expect(pooled).to.deep.equal(inline);
    expect(mixed).to.deep.equal(inline);
    expect(shared).to.deep.equal(inline);
  });

  it("splits rows by the requestMetadata keys grouped by on worker threads as in one thread", async () => {
    const byTeam = { ...WINDOW, metadataKeys: ["team"] };
    const inline = await readLogFiles({ paths: [root], window: byTeam, inlineBytes: Number.MAX_SAFE_INTEGER });
    const pooled = await readLogFiles({ paths: [root], window: byTeam, inlineBytes: 0 });
    expect(pooled).to.deep.equal(inline);
    const teams = new Set(inline.rows.map((row) => row.metadata?.team ?? "(none)"));
    expect([...teams].sort()).to.deep.equal(["(none)", "analytics", "search", "support"]);
  });

  it("reads object bodies handed over as bytes (the S3 archive's way), owned or views on a shared buffer, like readRecordStream", async () => {
    const reference = new RecordCollector(WINDOW);
    for (const bytes of gzipped) await readRecordStream(Readable.from([bytes]), reference);

    const pool = new RecordParsePool(WINDOW, 2);
    const shared = Buffer.concat(gzipped);
    let offset = 0;
    const reads = gzipped.map((bytes, index) => {
      const view = shared.subarray(offset, offset + bytes.length);
      offset += bytes.length;
      return pool.readBytes(index % 2 === 0 ? new Uint8Array(bytes) : view);
    });
    await Promise.all(reads);
    const collector = new RecordCollector(WINDOW);
    await pool.finish(collector);
    expect(collector.result()).to.deep.equal(reference.result());
  });

  it("takes prestarted workers, which learn the report window from the pool, and reads the same as new ones", async () => {
    const reference = new RecordCollector(WINDOW);
    for (const bytes of gzipped) await readRecordStream(Readable.from([bytes]), reference);
    prestartParseWorkers(1);
    // One prestarted worker and one started by the pool.
    const pool = new RecordParsePool(WINDOW, 2);
    await Promise.all(gzipped.map((bytes) => pool.readBytes(Buffer.from(bytes))));
    const collector = new RecordCollector(WINDOW);
    await pool.finish(collector);
    expect(collector.result()).to.deep.equal(reference.result());
  });

  it("rejects a damaged object with the stream's own error and code, after counting what preceded the damage", async () => {
    const last = gzipped[gzipped.length - 3];
    const damaged = last.subarray(0, Math.floor(last.length * 0.7));
    const streamed = new RecordCollector(WINDOW);
    const streamError = await rejection(readRecordStream(Readable.from([damaged]), streamed));
    const whole = new RecordCollector(WINDOW);
    const wholeError = await rejection(readRecordBytes(damaged, whole));
    const pool = new RecordParsePool(WINDOW, 1);
    const poolError = await rejection(pool.readBytes(Buffer.from(damaged)));
    const pooled = new RecordCollector(WINDOW);
    await pool.finish(pooled);

    expect(streamError).to.equal("Z_BUF_ERROR: unexpected end of file");
    expect(streamed.recordsUsed, "records before the damage").to.be.greaterThan(0);
    expect(wholeError).to.equal(streamError);
    expect(poolError).to.equal(streamError);
    expect(whole.result()).to.deep.equal(streamed.result());
    expect(pooled.result()).to.deep.equal(streamed.result());
  });
});

describe("prestarting parse workers", () => {
  it("finds the --logs values as yargs reads them", () => {
    expect(logsArguments(["--hours", "24", "--logs", "a", "b", "--format", "json"])).to.deep.equal(["a", "b"]);
    expect(logsArguments(["--logs=a", "--logs", "s3://bucket/x"])).to.deep.equal(["a", "s3://bucket/x"]);
    expect(logsArguments(["--logs"])).to.deep.equal([]);
    expect(logsArguments(["--source", "archive"])).to.deep.equal([]);
  });

  it("starts workers only for local files, not for an S3 archive or no --logs", () => {
    expect(readsLocalLogs(["--logs", "./archive"])).to.equal(true);
    expect(readsLocalLogs(["--logs", "s3://bucket/prefix"])).to.equal(false);
    expect(readsLocalLogs(["--logs", "s3://bucket/prefix", "local"])).to.equal(true);
    expect(readsLocalLogs(["--hours", "24"])).to.equal(false);
  });
});
