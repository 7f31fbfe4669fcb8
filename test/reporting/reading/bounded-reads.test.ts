/**
 * Memory stays bounded whatever the input: a line past the line limit (one
 * endless line, a small gzip that inflates to a gigabyte) is cut off,
 * counted as oversizedLine, and the file or object named as not read in
 * full; the records around it are read. Locally and from S3 alike.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { readArchive } from "../../../reporting/src/sources/archive";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import { RecordCollector } from "../../../reporting/src/reading/record-collector";
import { readRecordStream } from "../../../reporting/src/reading/record-input";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { asJsonLines, FIXTURE_WINDOW, fixtureRecords } from "../../helpers/log-fixtures";
import { LocalS3 } from "../../helpers/local-s3";

const ROOT = resolve(__dirname, "..", "..", "..");
const MIB = 1024 * 1024;
const invocations = (result: SourceResult) => result.rows.reduce((sum, row) => sum + row.invocations, 0);

/**
 * gzip that inflates to `members` x `memberBytes` bytes of `byte`, with no
 * line break: gzip members one after another, which gunzip reads as one
 * stream; a few hundred KB on disk.
 */
function gzipBomb(memberBytes: number, members: number, byte = 0x78): Buffer {
  const member = gzipSync(Buffer.alloc(memberBytes, byte), { level: 9 });
  return Buffer.concat(Array.from({ length: members }, () => member));
}

/** Records, then a line of `bomb` between two more records: a gzip whose second line is endless. */
function recordsAround(bomb: Buffer): Buffer {
  const [first, second, third] = fixtureRecords(3).map((record) => `${JSON.stringify(record)}\n`);
  return Buffer.concat([gzipSync(first), bomb, gzipSync(`\n${second}${third}`)]);
}

describe("bounded memory: the line limit", function () {
  this.timeout(120_000);
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-bounded-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("cuts off a line past the limit in a local file, in this thread and on workers, counts it and names the file", async () => {
    const records = fixtureRecords(4);
    const text = `${JSON.stringify(records[0])}\n${"x".repeat(5000)}\n${asJsonLines(records.slice(1))}`;
    await writeFile(join(root, "long-line.jsonl"), text);
    await writeFile(join(root, "long-line.json.gz"), gzipSync(text));
    for (const inlineBytes of [Number.MAX_SAFE_INTEGER, 0]) {
      const result = await readLogFiles({ paths: [root], window: FIXTURE_WINDOW, maxLineBytes: 2048, inlineBytes });
      expect(invocations(result)).to.equal(8);
      expect(result.skipped.oversizedLine).to.equal(2);
      expect(result.complete).to.equal(false);
      expect(result.notes).to.include(
        "Could not read all of long-line.jsonl (1 line(s) longer than the 2048 bytes limit cut off and counted as oversizedLine); records on those lines are missing from this report.",
      );
    }
  });

  it("cuts off a line past the limit however the stream is chunked", async () => {
    const line = `${JSON.stringify(fixtureRecords(1)[0])}\n`;
    const long = "y".repeat(3000);
    for (const chunkBytes of [1, 7, 100, 4096]) {
      const data = Buffer.from(`${line}${long}\n${line}${long}`);
      const chunks = Array.from({ length: Math.ceil(data.length / chunkBytes) }, (_, index) =>
        data.subarray(index * chunkBytes, (index + 1) * chunkBytes),
      );
      const collector = new RecordCollector(FIXTURE_WINDOW);
      const failure = await readRecordStream(Readable.from(chunks), collector, { maxLineBytes: 1000 }).catch(
        (error: NodeJS.ErrnoException) => error.code,
      );
      expect(failure, `chunks of ${chunkBytes}`).to.equal("OVERSIZED_LINES");
      expect(collector.recordsUsed).to.equal(2);
      expect(collector.result().skipped.oversizedLine).to.equal(2);
    }
  });

  it("reads a gzip that inflates to 1 GiB without a line break in bounded memory (a child process; peak RSS measured)", async () => {
    const bombPath = join(root, "bomb.json.gz");
    await writeFile(bombPath, recordsAround(gzipBomb(64 * MIB, 16)));
    const script = `
      const { readLogFiles } = require("./reporting/src/sources/logfiles");
      readLogFiles({ paths: [${JSON.stringify(bombPath)}], window: { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-11T00:00:00Z") }, maxLineBytes: ${4 * MIB}, inlineBytes: Number.MAX_SAFE_INTEGER })
        .then((result) => process.stdout.write(JSON.stringify({ peakRssMb: process.resourceUsage().maxRSS / 1024, result })));
    `;
    const output = execFileSync(process.execPath, ["-r", "tsx/cjs", "-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 16 * MIB,
    });
    const { peakRssMb, result } = JSON.parse(output) as { peakRssMb: number; result: SourceResult };
    expect(invocations(result)).to.equal(3);
    expect(result.skipped.oversizedLine).to.equal(1);
    expect(result.complete).to.equal(false);
    // Node, tsx and the sources take ~150 MB; the 1 GiB line must add little to that.
    expect(peakRssMb).to.be.below(400);
  });

  describe("from the S3 archive (s3rver on 127.0.0.1)", () => {
    let s3: LocalS3;
    let client: S3Client;
    const hour = "AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/10/13/";

    before(async () => {
      s3 = await LocalS3.start();
      client = s3.client();
      await s3.upload("archive-bounded", [
        { key: `${hour}bomb.json.gz`, body: recordsAround(gzipBomb(64 * MIB, 8)) },
        { key: `${hour}good.json.gz`, body: gzipSync(asJsonLines(fixtureRecords(2, 10))) },
      ]);
    });
    after(async () => {
      client.destroy();
      await s3.close();
    });

    it("cuts off a 512 MiB line, counts it, reads the rest, names the object, and holds little memory meanwhile", async () => {
      let peakBytes = 0;
      const sampler = setInterval(() => (peakBytes = Math.max(peakBytes, process.memoryUsage().arrayBuffers)), 5);
      const before = process.memoryUsage().arrayBuffers;
      const result = await readArchive({
        s3: client,
        locations: [{ bucket: "archive-bounded", prefix: "" }],
        window: FIXTURE_WINDOW,
        maxLineBytes: 4 * MIB,
      }).finally(() => clearInterval(sampler));
      expect(invocations(result)).to.equal(5);
      expect(result.skipped.oversizedLine).to.equal(1);
      expect(result.complete).to.equal(false);
      expect(
        result.notes.some((note) =>
          note.startsWith(
            `Could not read all of s3://archive-bounded/${hour}bomb.json.gz (1 line(s) longer than the 4 MiB limit`,
          ),
        ),
      ).to.equal(true);
      expect((peakBytes - before) / MIB).to.be.below(128);
    });
  });
});
