/**
 * A window that holds no records says where the records are: the first and
 * last record times (or dated folders) the source saw outside it and the
 * `--start/--end` that covers them, on stderr and in the notes. Online, an
 * empty log group asks whether logging is on in the region.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readArchive } from "../../../reporting/src/sources/archive";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";
import { asJsonLines, fixtureRecords } from "../../helpers/log-fixtures";
import { LocalS3 } from "../../helpers/local-s3";

const SAMPLE = join(__dirname, "..", "..", "..", "reporting", "samples", "bedrock-logs");
const LATER_WEEK = ["--start", "2026-11-23T00:00:00Z", "--end", "2026-11-30T00:00:00Z"];
const notesOf = (stdout: string): string[] => JSON.parse(stdout).notes;

describe("an empty window", () => {
  describe("on local files", () => {
    let folder: string;
    // fixtureRecord(n) is logged at 2026-11-10T13:<n>:<n % 7>Z: records 0..9 span 13:00:00 to 13:09:02.
    const hint =
      "No records in the window 2026-11-20T00:00:00Z to 2026-11-21T00:00:00Z, but the files hold records from " +
      "2026-11-10T13:00:00Z to 2026-11-10T13:09:02Z: --start 2026-11-10 --end 2026-11-11 covers them.";

    before(async () => {
      folder = await mkdtemp(join(tmpdir(), "empty-window-"));
      await writeFile(join(folder, "late.jsonl"), asJsonLines(fixtureRecords(5, 5)));
      await writeFile(join(folder, "early.jsonl"), asJsonLines(fixtureRecords(5)));
    });
    after(() => rm(folder, { recursive: true, force: true }));

    it("names the first and last record times and the window that covers them, on stderr and in the notes", async () => {
      const { code, stdout, stderr } = await run([
        ...["--logs", folder, "--start", "2026-11-20", "--end", "2026-11-21", "--format", "json"],
      ]);
      expect(code, stderr).to.equal(0);
      expect(stderr).to.include(`\nnote: ${hint}\n`);
      expect(notesOf(stdout)).to.include(hint);
      const covered = await run(["--logs", folder, "--start", "2026-11-10", "--end", "2026-11-11", "--format", "json"]);
      expect(JSON.parse(covered.stdout).totals.invocations).to.equal(10);
    });

    it("gives the same times when the parse workers read the files", async () => {
      const window = { start: new Date("2026-11-20T00:00:00Z"), end: new Date("2026-11-21T00:00:00Z") };
      const inline = await readLogFiles({ paths: [folder], window });
      const pooled = await readLogFiles({ paths: [folder], window, inlineBytes: 0 });
      expect(pooled.emptyWindowHint).to.equal(hint);
      expect(inline.emptyWindowHint).to.equal(hint);
    });

    it("names the first and last dated folders it skipped (the bundled sample, a week too late)", async () => {
      const { code, stdout, stderr } = await run(["--logs", SAMPLE, ...LATER_WEEK, "--format", "json"]);
      expect(code, stderr).to.equal(0);
      const sampleHint =
        "No records in the window 2026-11-23T00:00:00Z to 2026-11-30T00:00:00Z, but the files hold dated folders " +
        "from 2026-11-13 to 2026-11-19: --start 2026-11-13 --end 2026-11-20 covers them.";
      expect(stderr).to.include(`note: ${sampleHint}\n`);
      expect(notesOf(stdout)).to.include(sampleHint);
    });

    it("says nothing when the window holds records", async () => {
      const { stdout, stderr } = await run(["--logs", SAMPLE, "--hours", "24", "--format", "json"]);
      expect(stderr).to.not.include("No records in the window");
      expect(notesOf(stdout).join("\n")).to.not.include("No records in the window");
    });
  });

  describe("on the S3 archive (s3rver on 127.0.0.1)", function () {
    this.timeout(30_000);
    let s3: LocalS3;
    let client: S3Client;
    const region = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/";

    before(async () => {
      s3 = await LocalS3.start();
      client = s3.client();
      const object = (hour: string, from: number) => ({
        key: `${region}${hour}/123456789012_BedrockModelInvocationLogs_us-east-1_${from}.json.gz`,
        body: gzipSync(asJsonLines(fixtureRecords(3, from))),
      });
      await s3.upload("empty-window", [
        object("2026/11/10/13", 0),
        object("2026/11/12/08", 3),
        object("2026/11/11/02", 6),
      ]);
    });
    after(async () => {
      client.destroy();
      await s3.close();
    });

    it("names the archive's first and last dated folders and the window that covers them", async () => {
      const { code, stdout, stderr } = await run(
        ["--logs", "s3://empty-window/", "--start", "2026-11-20", "--end", "2026-11-21", "--format", "json"],
        {
          createAwsClients: ({ region }) => ({ region, s3: client }) as never,
          readArchive: (options) => readArchive(options),
        },
      );
      expect(code, stderr).to.equal(0);
      const hint =
        "No records in the window 2026-11-20T00:00:00Z to 2026-11-21T00:00:00Z, but the archive holds dated folders " +
        "from 2026-11-10 to 2026-11-12: --start 2026-11-10 --end 2026-11-13 covers them.";
      expect(stderr).to.include(`note: ${hint}\n`);
      expect(notesOf(stdout)).to.include(hint);
      // Listings only: nothing was downloaded for the hint.
      expect(s3.requests.filter((request) => request.method === "GET" && request.key !== "")).to.have.length(0);
    });
  });

  describe("on Logs Insights", () => {
    const emptyUsage: SourceResult = {
      source: "insights",
      rows: [],
      latency: null,
      metricErrors: null,
      scan: { queries: 1, bytesScanned: 0, recordsScanned: 0, recordsMatched: 0 },
      skipped: { malformed: 0 },
      complete: true,
      notes: [],
    };
    const metrics = {
      latency: { samples: 0, avg: null, p50: null, p90: null, p99: null, max: null, from: "metrics" as const },
      metricErrors: { invocations: 0, clientErrors: 0, serverErrors: 0, throttles: 0, errorRate: null },
      notes: [],
    };

    it("asks whether logging is on in the region", async () => {
      const { code, stdout, stderr } = await run(["--outputs", "o.json", "--region", "eu-west-1", "--format", "json"], {
        loadStackOutputs: async () => FAKE_OUTPUTS,
        readUsageFromInsights: async () => emptyUsage,
        readMetrics: async () => metrics,
      });
      expect(code, stderr).to.equal(0);
      const hint =
        "No invocations logged in this window in /aws/bedrock/modelinvocations: is logging on in this region (eu-west-1)?";
      expect(stderr).to.include(`note: ${hint}\n`);
      expect(notesOf(stdout)).to.include(hint);
    });
  });
});
