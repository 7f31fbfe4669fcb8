/** Which source the report reads (--source, --logs, the log group's retention), and saying why; progress and --quiet. */
import { expect } from "chai";
import type { CliDeps } from "../../../reporting/src/commands/context";
import { planOnlineSource } from "../../../reporting/src/sources/report-source";
import type { ReadArchiveOptions } from "../../../reporting/src/sources/archive";
import type { StackOutputs } from "../../../reporting/src/aws/stack-outputs";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { FAKE_NOW, FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";
import { DAY_MS } from "../../../reporting/src/kernel/time";
import { sourceResult } from "../../helpers/source-results";

const OUTPUTS: StackOutputs = {
  ...FAKE_OUTPUTS,
  archivePrefix: "bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/",
  logRetentionDays: 30,
  archiveRetentionDays: 90,
};
const daysBefore = (days: number) => new Date(FAKE_NOW.getTime() - days * DAY_MS);

const emptyResult = (source: SourceResult["source"], note: string): SourceResult =>
  sourceResult([], { source, skipped: { malformed: 0 }, notes: [note] });
const metrics = {
  latency: { samples: 0, avg: null, p50: null, p90: null, p99: null, max: null, from: "metrics" as const },
  metricErrors: { invocations: 0, clientErrors: 0, serverErrors: 0, throttles: 0, errorRate: null },
  notes: [],
};

/** Fakes for both online sources, recording which one ran and with what. */
function online(outputs: StackOutputs = OUTPUTS) {
  const calls: { insights: number; archive: ReadArchiveOptions[]; clientRegions: string[] } = {
    insights: 0,
    archive: [],
    clientRegions: [],
  };
  const deps: Partial<CliDeps> = {
    loadStackOutputs: async () => outputs,
    createAwsClients: ({ region }) =>
      (calls.clientRegions.push(region), { region, logs: {}, cloudwatch: {}, s3: { fake: region } }) as never,
    readUsageFromInsights: async () => ((calls.insights += 1), emptyResult("insights", "Insights note.")),
    readMetrics: async () => metrics,
    readArchive: async (options) => {
      calls.archive.push(options);
      options.onProgress?.({
        objectsDone: 3,
        bytesDone: 3_000,
        objectsExpected: 10,
        bytesExpected: 10_000,
        totalKnown: false,
      });
      return emptyResult("archive", "Archive note.");
    },
  };
  return { calls, deps };
}

describe("report source selection", () => {
  describe("planOnlineSource", () => {
    it("uses Logs Insights for a window inside the log group's retention", () => {
      const plan = planOnlineSource("auto", { start: daysBefore(29), end: FAKE_NOW }, FAKE_NOW, OUTPUTS);
      expect(plan).to.deep.equal({
        kind: "insights",
        reason: "the window lies within the log group's 30-day retention",
      });
    });

    it("uses the archive for a window that starts before the retention, however short", () => {
      const plan = planOnlineSource("auto", { start: daysBefore(40), end: daysBefore(39) }, FAKE_NOW, OUTPUTS);
      expect(plan.kind).to.equal("archive");
      expect(plan.reason).to.equal(
        "the window starts 2026-10-11T00:00Z, before the log group's 30-day retention (records since 2026-10-21T00:00Z)",
      );
    });

    it("takes the retention from the stack outputs, and says when it assumed 30 days", () => {
      const window = { start: daysBefore(45), end: FAKE_NOW };
      expect(planOnlineSource("auto", window, FAKE_NOW, { ...OUTPUTS, logRetentionDays: 60 }).kind).to.equal(
        "insights",
      );
      expect(planOnlineSource("auto", window, FAKE_NOW, { ...OUTPUTS, logRetentionDays: undefined }).reason).to.match(
        /30-day retention \(assumed; the stack outputs do not say\)/,
      );
    });

    it("does what --source insights or --source archive asks, whatever the window", () => {
      expect(planOnlineSource("insights", { start: daysBefore(80), end: FAKE_NOW }, FAKE_NOW, OUTPUTS)).to.deep.equal({
        kind: "insights",
        reason: "--source insights asked for it",
      });
      expect(planOnlineSource("archive", { start: daysBefore(1), end: FAKE_NOW }, FAKE_NOW, OUTPUTS).kind).to.equal(
        "archive",
      );
    });
  });

  describe("through the CLI", () => {
    it("auto: a week ending now goes to Logs Insights, and the first note says why", async () => {
      const { calls, deps } = online();
      const { code, stdout } = await run(["--hours", "168", "--outputs", "o.json", "--format", "json"], deps);
      expect(code).to.equal(0);
      expect(calls.insights).to.equal(1);
      expect(calls.archive).to.deep.equal([]);
      const report = JSON.parse(stdout);
      expect(report.source).to.equal("insights");
      expect(report.notes[0]).to.equal(
        "Source: Logs Insights on /aws/bedrock/modelinvocations, because the window lies within the log group's 30-day retention.",
      );
    });

    it("auto: a quarter goes to the stack's archive bucket and prefix, in the stack's region, and says why and what the archive no longer holds", async () => {
      const { calls, deps } = online();
      const { code, stdout } = await run(
        ["--start", "2026-08-01", "--end", "2026-11-01", "--outputs", "o.json", "--format", "json"],
        deps,
      );
      expect(code).to.equal(0);
      expect(calls.insights).to.equal(0);
      expect(calls.archive).to.have.length(1);
      expect(calls.archive[0].locations).to.deep.equal([{ bucket: OUTPUTS.bucketName, prefix: OUTPUTS.archivePrefix }]);
      expect(calls.archive[0].s3).to.deep.equal({ fake: "us-east-1" });
      const report = JSON.parse(stdout);
      expect(report.source).to.equal("archive");
      expect(report.notes[0]).to.equal(
        `Source: the S3 archive s3://${OUTPUTS.bucketName}/${OUTPUTS.archivePrefix}, because the window starts 2026-08-01T00:00Z, before the log group's 30-day retention (records since 2026-10-21T00:00Z).`,
      );
      expect(report.notes[1]).to.equal(
        "The archive keeps 90 days: records before 2026-08-22T00:00Z are gone from it, so this report covers less than its window.",
      );
    });

    it("--source insights on an old window reads Insights and warns that the log group no longer holds its start", async () => {
      const { calls, deps } = online();
      const { stdout } = await run(
        ["--start", "2026-09-01", "--outputs", "o.json", "--source", "insights", "--format", "json"],
        deps,
      );
      expect(calls.insights).to.equal(1);
      expect(JSON.parse(stdout).notes[1]).to.match(
        /^The log group keeps 30 days: records before 2026-10-21T00:00Z are gone from it.* --source archive reads them from S3\.$/,
      );
    });

    it("--source archive with no bucket in the stack outputs exits 1 saying what is missing and what to do", async () => {
      const { deps } = online({ ...OUTPUTS, bucketName: undefined });
      const { code, stderr } = await run(["--outputs", "o.json", "--source", "archive"], deps);
      expect(code).to.equal(1);
      expect(stderr).to.equal(
        "error: The stack outputs name no archive bucket (bucketName), so the S3 archive cannot be read (--source archive asked for it).\n" +
          "  Run `pulumi up` so the stack exports bucketName, or pass --logs s3://<bucket>/<prefix>; --source insights reads what the log group still holds.\n",
      );
    });

    it("--logs s3://... reads that location as the archive, signing in --region, else AWS_REGION, else us-east-1", async () => {
      const { calls, deps } = online();
      const first = await run(["--logs", "s3://other-logs/bedrock", "--format", "json"], deps);
      await run(["--logs", "s3://other-logs/bedrock", "--region", "eu-west-1"], deps);
      await run(["--logs", "s3://other-logs/bedrock"], { ...deps, env: { AWS_REGION: "ap-south-1" } });
      expect(calls.archive[0].locations).to.deep.equal([{ bucket: "other-logs", prefix: "bedrock/" }]);
      expect(calls.clientRegions).to.deep.equal(["us-east-1", "eu-west-1", "ap-south-1"]);
      expect(JSON.parse(first.stdout).notes[0]).to.equal("Source: the S3 archive s3://other-logs/bedrock/ (--logs).");
    });

    for (const [what, argv, message] of [
      [
        "an unknown --source",
        ["--source", "cloud"],
        "error: --source cloud: unknown source; allowed: auto, insights, archive, athena, logs\n",
      ],
      [
        "--source logs without --logs",
        ["--source", "logs"],
        "error: --source logs reads the files given with --logs <path>: add --logs, or use --source auto, insights or archive\n",
      ],
      [
        "--source insights with --logs",
        ["--source", "insights", "--logs", "s3://my-logs/"],
        "error: --source insights cannot be combined with --logs s3://my-logs/: --logs is read as the S3 archive (--source archive); drop --source or --logs\n",
      ],
      [
        "--logs mixing s3:// and local paths",
        ["--logs", "s3://my-logs/", "./logs"],
        "error: --logs s3://my-logs/ ./logs: mixes s3:// URLs and local paths; give either local files and folders or s3://<bucket>/<prefix> URLs\n",
      ],
      [
        "a malformed s3:// URL",
        ["--logs", "s3://My_Logs/"],
        /^error: --logs s3:\/\/My_Logs\/: not an S3 URL of a bucket; use s3:\/\/<bucket>\/<prefix>, .*\n$/,
      ],
    ] as const) {
      it(`exits 2 with one line on ${what}`, async () => {
        const { code, stderr } = await run([...argv], online().deps);
        expect(code).to.equal(2);
        if (typeof message === "string") expect(stderr).to.equal(message);
        else expect(stderr).to.match(message);
      });
    }
  });

  describe("progress on stderr", () => {
    const archiveRun = (overrides: Partial<CliDeps>, ...extra: string[]) =>
      run(["--logs", "s3://my-logs/", "--format", "json", ...extra], { ...online().deps, ...overrides });

    it("draws objects, bytes, rate and ETA on a terminal", async () => {
      const { stderr } = await archiveRun({ stderrIsTTY: true });
      expect(stderr).to.include("Reading the S3 archive s3://my-logs/...\n");
      expect(stderr).to.match(/\rS3 archive: 3\/~10 objects, 3\.0 KB\/~10\.0 KB/);
    });

    it("is silent when stderr is not a terminal", async () => {
      const { stderr } = await archiveRun({ stderrIsTTY: false });
      expect(stderr).to.equal("Reading the S3 archive s3://my-logs/...\n");
    });

    it("draws the Logs Insights queries done, records and bytes scanned and time elapsed on a terminal", async () => {
      let clockMs = FAKE_NOW.getTime();
      const { stderr } = await run(["--hours", "24", "--outputs", "o.json", "--format", "json"], {
        ...online().deps,
        stderrIsTTY: true,
        now: () => new Date(clockMs),
        readUsageFromInsights: async (options) => {
          clockMs += 20 * 60_000;
          options.onProgress?.({
            queriesStarted: 2,
            queriesCompleted: 1,
            recordsScanned: 1_234_567,
            bytesScanned: 5_000_000,
          });
          return emptyResult("insights", "Insights note.");
        },
      });
      expect(stderr).to.match(
        /\rLogs Insights: 1\/2 queries done, 1,234,567 records \(5\.0 MB\) scanned, 20:00 elapsed/,
      );
    });

    it("is silent with --quiet, status lines included; the report still goes to stdout", async () => {
      const { code, stdout, stderr } = await archiveRun({ stderrIsTTY: true }, "--quiet");
      expect(code).to.equal(0);
      expect(stderr).to.equal("");
      expect(JSON.parse(stdout).source).to.equal("archive");
    });
  });
});
