/**
 * The archive source against a real S3 API: s3rver on 127.0.0.1, through the
 * AWS SDK's S3Client. No request leaves the loopback interface.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { generateLogArchive, writeLogArchive } from "../../../scripts/gen-logs";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { readArchive } from "../../../reporting/src/sources/archive";
import type { ArchiveLocation } from "../../../reporting/src/sources/s3-url";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import type { ReportWindow, UsageRow } from "../../../reporting/src/model/usage";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { run } from "../../helpers/cli-helpers";
import { LocalS3 } from "../../helpers/local-s3";

const REGION_FOLDER = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/";

/** A minimal invocation record at `timestamp`. */
function record(timestamp: string, inputTokens = 100): string {
  return JSON.stringify({
    schemaType: "ModelInvocationLog",
    timestamp,
    modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    identity: { arn: "arn:aws:iam::123456789012:user/ci-bot" },
    input: { inputTokenCount: inputTokens },
    output: { outputTokenCount: 10 },
  });
}

const gzipLines = (...lines: string[]) => gzipSync(`${lines.join("\n")}\n`);
const windowOf = (start: string, end: string): ReportWindow => ({ start: new Date(start), end: new Date(end) });
const sortedRows = (rows: UsageRow[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const total = (result: SourceResult, field: "invocations" | "inputTokens") =>
  result.rows.reduce((sum, row) => sum + row[field], 0);

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("S3 archive source against s3rver on 127.0.0.1", function () {
  this.timeout(30_000);
  let s3: LocalS3;
  let client: S3Client;
  const read = (
    locations: ArchiveLocation[],
    window: ReportWindow,
    extra: Partial<Parameters<typeof readArchive>[0]> = {},
  ) => readArchive({ s3: client, locations, window, ...extra });

  before(async () => {
    s3 = await LocalS3.start();
    client = s3.client();
  });
  after(async () => {
    client.destroy();
    await s3.close();
  });
  beforeEach(() => s3.resetLog());

  describe("on a generated archive, next to the local reader", () => {
    let root: string;
    const window = windowOf("2026-11-18T05:00:00Z", "2026-11-19T05:00:00Z");

    before(async () => {
      root = await mkdtemp(join(tmpdir(), "archive-same-"));
      const archive = generateLogArchive({
        seed: 11,
        end: new Date("2026-11-20T00:00:00Z"),
        hours: 72,
        requestsPerHour: 8,
        prefix: "bedrock/",
        recordsPerObject: 4,
      });
      await writeLogArchive(archive, root);
      // The very bytes the local reader reads.
      await s3.upload(
        "archive-sample",
        await Promise.all(archive.files.map(async ({ key }) => ({ key, body: await readFile(join(root, key)) }))),
      );
    });
    after(() => rm(root, { recursive: true, force: true }));

    it("gives the local reader's rows, latency and skip counts on the same objects", async () => {
      const local = await readLogFiles({ paths: [root], window });
      const remote = await read([{ bucket: "archive-sample", prefix: "bedrock/" }], window);
      expect(total(remote, "invocations")).to.be.greaterThan(100);
      expect(sortedRows(remote.rows)).to.deep.equal(sortedRows(local.rows));
      expect(remote.latency).to.deep.equal(local.latency);
      // The local reader counts the objects of folders it skips; the archive reader never lists them.
      const { objectOutsideWindow, ...readLocally } = local.skipped;
      expect(objectOutsideWindow).to.be.greaterThan(0);
      expect(remote.skipped).to.deep.equal(readLocally);
      expect(remote.skipped.malformed).to.equal(1);
      expect(remote).to.include({ source: "archive", complete: true });
    });

    it("through the CLI, `--logs s3://...` prints the same report as `--logs <folder>`, marked as read from the archive", async () => {
      const window = ["--start", "2026-11-18T05:00:00Z", "--end", "2026-11-19T05:00:00Z", "--format", "json"];
      const fromFolder = JSON.parse((await run(["--logs", root, ...window])).stdout);
      const archiveRun = await run(["--logs", "s3://archive-sample/bedrock", ...window], {
        createAwsClients: ({ region }) => ({ region, s3: client }) as never,
        readArchive,
      });
      expect(archiveRun.code).to.equal(0);
      const fromArchive = JSON.parse(archiveRun.stdout);
      expect(fromArchive.source).to.equal("archive");
      for (const section of ["totals", "byFamily", "byModel", "latencyMs", "daily", "projection"])
        expect(fromArchive[section]).to.deep.equal(fromFolder[section], section);
    });

    it("finds the account and region folders under a key prefix by listing with a delimiter", async () => {
      const result = await read([{ bucket: "archive-sample", prefix: "bedrock/" }], window);
      const listed = s3.listedPrefixes("archive-sample");
      expect(listed.slice(0, 2)).to.deep.equal([
        "bedrock/AWSLogs/|/",
        "bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/|/",
      ]);
      expect(result.notes.at(-1)).to.match(/under s3:\/\/archive-sample\/bedrock\/ \(region folder\(s\) us-east-1\)/);
    });

    it("never downloads data/ body objects, and counts them as bodyObject", async () => {
      // The generator writes a body object in the fourth hour of the archive.
      const result = await read(
        [{ bucket: "archive-sample", prefix: `bedrock/${REGION_FOLDER}` }],
        windowOf("2026-11-17T00:00:00Z", "2026-11-17T12:00:00Z"),
      );
      expect(result.skipped.bodyObject).to.be.greaterThan(0);
      const downloads = s3.requests.filter((request) => request.method === "GET" && request.key !== "");
      expect(downloads.length).to.be.greaterThan(0);
      expect(downloads.filter((request) => request.key.includes("/data/"))).to.deep.equal([]);
    });
  });

  describe("an hour folder of 1,100 objects", () => {
    const hour = `${REGION_FOLDER}2026/11/05/10/`;
    const window = windowOf("2026-11-05T10:00:00Z", "2026-11-05T11:00:00Z");

    before(async () => {
      const objects = Array.from({ length: 1_100 }, (_, index) => ({
        key: `${hour}20261105T1005Z_${String(index).padStart(6, "0")}.json.gz`,
        body: gzipLines(record(`2026-11-05T10:${String(index % 60).padStart(2, "0")}:00Z`, index)),
      }));
      await s3.upload("archive-paging", objects);
    });

    it("reads every object, following ListObjectsV2 continuation tokens past the 1,000-key page", async () => {
      const result = await read([{ bucket: "archive-paging", prefix: REGION_FOLDER }], window);
      expect(total(result, "invocations")).to.equal(1_100);
      expect(total(result, "inputTokens")).to.equal((1_099 * 1_100) / 2);
      const hourListings = s3.requests.filter(
        (request) => request.query.get("list-type") === "2" && request.query.get("prefix") === hour,
      );
      expect(hourListings).to.have.length(2);
      expect(hourListings[1].query.get("continuation-token")).to.be.a("string").and.not.equal("");
    });

    it("keeps at most `concurrency` downloads in flight, and more than one", async () => {
      await read([{ bucket: "archive-paging", prefix: REGION_FOLDER }], window, { concurrency: 4 });
      expect(s3.maxDownloadsInFlight).to.be.within(2, 4);
    });

    it("reports objects and bytes done against the expected totals as it goes", async () => {
      const seen: Array<{ objectsDone: number; objectsExpected: number | null; totalKnown: boolean }> = [];
      await read([{ bucket: "archive-paging", prefix: REGION_FOLDER }], window, {
        onProgress: (progress) => seen.push(progress),
      });
      expect(seen).to.have.length.of.at.least(1_100);
      expect(seen.at(-1)).to.include({ objectsDone: 1_100, objectsExpected: 1_100, totalKnown: true });
    });

    it("stops on Ctrl-C with 'Interrupted', and starts no further downloads", async () => {
      const controller = new AbortController();
      const error = await rejectionOf(
        read([{ bucket: "archive-paging", prefix: REGION_FOLDER }], window, {
          signal: controller.signal,
          onProgress: ({ objectsDone }) => (objectsDone === 20 ? controller.abort() : undefined),
        }),
      );
      expect(error).to.be.instanceOf(OperationalError);
      expect(error.message).to.match(/^Interrupted/);
      const downloads = s3.requests.filter((request) => request.method === "GET" && request.key !== "").length;
      expect(downloads).to.be.lessThan(40);
    });
  });

  describe("a window across midnight and a month boundary", () => {
    const objects: Array<[string, string[]]> = [
      ["2026/10/31/21", ["2026-10-31T21:30:00Z"]],
      ["2026/10/31/22", ["2026-10-31T21:59:00Z", "2026-10-31T22:30:00Z"]],
      ["2026/10/31/23", ["2026-10-31T23:30:00Z"]],
      ["2026/11/01/00", ["2026-11-01T00:30:00Z"]],
      ["2026/11/01/01", ["2026-11-01T01:30:00Z"]],
      ["2026/11/01/02", ["2026-11-01T01:59:00Z", "2026-11-01T02:30:00Z"]],
      // Delivered late: within the one-day margin after the window, and past it.
      ["2026/11/02/01", ["2026-11-01T01:45:00Z"]],
      ["2026/11/02/02", ["2026-11-01T01:50:00Z"]],
    ];
    const window = windowOf("2026-10-31T22:00:00Z", "2026-11-01T02:00:00Z");

    before(async () => {
      await s3.upload(
        "archive-boundary",
        objects.map(([hour, timestamps]) => ({
          key: `${REGION_FOLDER}${hour}/obj.json.gz`,
          body: gzipLines(...timestamps.map((timestamp) => record(timestamp))),
        })),
      );
    });

    it("lists only the hour folders from the window's first hour to a day after its end", async () => {
      const result = await read([{ bucket: "archive-boundary", prefix: REGION_FOLDER }], window);
      const expected = Array.from({ length: 28 }, (_, index) => {
        const hour = new Date(Date.parse("2026-10-31T22:00:00Z") + index * 3_600_000).toISOString();
        return `${REGION_FOLDER}${hour.slice(0, 4)}/${hour.slice(5, 7)}/${hour.slice(8, 10)}/${hour.slice(11, 13)}/`;
      });
      expect(expected[2]).to.equal(`${REGION_FOLDER}2026/11/01/00/`);
      expect(expected.at(-1)).to.equal(`${REGION_FOLDER}2026/11/02/01/`);
      expect(s3.listedPrefixes("archive-boundary")).to.have.members(expected).and.have.length(28);
      expect(total(result, "invocations")).to.equal(6);
      expect(result.skipped.outsideWindow).to.equal(2);
    });
  });

  describe("failures", () => {
    const hour = `${REGION_FOLDER}2026/11/10/12/`;
    const window = windowOf("2026-11-10T12:00:00Z", "2026-11-10T13:00:00Z");
    const inWindow = (minute: number) => record(`2026-11-10T12:${String(minute).padStart(2, "0")}:00Z`);
    const location = { bucket: "archive-broken", prefix: REGION_FOLDER };
    const broken = ["corrupt.json.gz", "truncated.json.gz", "spreadsheet.json.gz"];

    before(async () => {
      const whole = gzipLines(inWindow(1), inWindow(2), inWindow(3));
      await s3.upload("archive-broken", [
        { key: `${hour}good.json.gz`, body: gzipLines(inWindow(10), "{not json", inWindow(11)) },
        { key: `${hour}plain.json`, body: Buffer.from(`${inWindow(12)}\n`) },
        { key: `${hour}corrupt.json.gz`, body: Buffer.from("this is not gzip at all") },
        { key: `${hour}truncated.json.gz`, body: whole.subarray(0, Math.floor(whole.length / 2)) },
        { key: `${hour}spreadsheet.json.gz`, body: gzipLines("timestamp,modelId", "2026-11-10T12:00:00Z,x") },
        { key: `${hour}pretty.json.gz`, body: gzipSync(JSON.stringify(JSON.parse(inWindow(4)), null, 2)) },
        { key: `${hour}data/0a1b_input.json.gz`, body: gzipLines('{"messages":[]}') },
        { key: `${hour}README.txt`, body: Buffer.from("not a log object") },
      ]);
    });

    it("counts a truncated gzip and objects that hold no log records as unreadable, names each, reads the rest (a pretty-printed record too), and is incomplete", async () => {
      const result = await read([location], window);
      expect(result.complete).to.equal(false);
      expect(result.skipped).to.include({ unreadableObject: 3, malformed: 1, bodyObject: 1, unsupportedFile: 1 });
      const named = result.notes
        .map((note) => note.match(/^Could not read (s3:\/\/\S+) \(/)?.[1])
        .filter((url) => url !== undefined);
      expect(named).to.deep.equal([...broken].sort().map((key) => `s3://archive-broken/${hour}${key}`));
      expect(result.notes.find((note) => note.includes("corrupt.json.gz"))).to.match(/holds no log records/);
      expect(result.notes.find((note) => note.includes("truncated.json.gz"))).to.match(/not valid gzip/);
      expect(result.notes.find((note) => note.includes("spreadsheet.json.gz"))).to.match(/holds no log records/);
      // good.json.gz, plain.json and pretty.json.gz, plus whatever whole lines the truncated object yielded before it broke off.
      expect(total(result, "invocations")).to.be.within(4, 6);
    });

    it("stops with an OperationalError when the bucket does not exist", async () => {
      const error = await rejectionOf(read([{ bucket: "no-such-archive-bucket", prefix: REGION_FOLDER }], window));
      expect(error).to.be.instanceOf(OperationalError);
      expect(error.message).to.equal(
        "Not found: bucket no-such-archive-bucket (arn:aws:s3:::no-such-archive-bucket) (no such bucket).",
      );
      expect((error as OperationalError).hint).to.match(/bucketName.*--logs s3:\/\//);
    });

    it("stops on AccessDenied when listing, naming s3:ListBucket on the bucket's ARN and what the report needs", async () => {
      s3.deny = (request) => request.query.get("list-type") === "2";
      const error = await rejectionOf(read([location], window)).finally(() => (s3.deny = null));
      expect(error).to.be.instanceOf(OperationalError);
      expect(error.message).to.equal(
        "Access denied: the caller may not s3:ListBucket on bucket archive-broken (arn:aws:s3:::archive-broken).",
      );
      expect((error as OperationalError).hint).to.include(
        `s3:GetObject on arn:aws:s3:::archive-broken/${REGION_FOLDER}*`,
      );
    });

    it("stops on AccessDenied when downloading, naming s3:GetObject on the object's ARN", async () => {
      s3.deny = (request) => request.method === "GET" && request.key.endsWith("good.json.gz");
      const error = await rejectionOf(read([location], window)).finally(() => (s3.deny = null));
      expect(error).to.be.instanceOf(OperationalError);
      expect(error.message).to.equal(
        `Access denied: the caller may not s3:GetObject on arn:aws:s3:::archive-broken/${hour}good.json.gz.`,
      );
      expect((error as OperationalError).hint).to.include("s3:ListBucket on arn:aws:s3:::archive-broken");
    });
  });
});
