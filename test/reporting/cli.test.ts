import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  generateLogArchive,
  SAMPLE_APPLICATION_PROFILE,
  SAMPLE_UNKNOWN_MODEL,
  writeLogArchive,
  type GeneratedArchive,
} from "../../scripts/gen-logs";
import { OperationalError } from "../../reporting/src/kernel/errors";
import { readLogFiles } from "../../reporting/src/sources/logfiles";
import type { ReportWindow } from "../../reporting/src/model/usage";
import type { SourceResult } from "../../reporting/src/sources/contract";
import { FAKE_NOW, FAKE_OUTPUTS, run } from "../helpers/cli-helpers";
import { HOUR_MS } from "../../reporting/src/kernel/time";

const ANSI_ESCAPE = String.fromCharCode(27) + "[";

describe("report CLI", () => {
  let root: string;
  let archive: GeneratedArchive;
  let logs: string;

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-cli-"));
    logs = join(root, "logs");
    archive = generateLogArchive({ seed: 3, end: FAKE_NOW, hours: 96, requestsPerHour: 6 });
    await writeLogArchive(archive, logs);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe("offline report (--logs)", () => {
    it("prints the JSON contract on a clean stdout, progress on stderr", async () => {
      const { code, stdout, stderr } = await run(["--hours", "72", "--logs", logs, "--format", "json"]);
      expect(code).to.equal(0);
      expect(stderr).to.include("Reading log records");
      const report = JSON.parse(stdout);
      expect(report.window).to.deep.equal({
        start: new Date(FAKE_NOW.getTime() - 72 * HOUR_MS).toISOString(),
        end: FAKE_NOW.toISOString(),
        hours: 72,
      });
      expect(report.source).to.equal("logs");
      expect(report.pricing.asOf).to.match(/^\d{4}-\d{2}-\d{2}$/);
      const totalsFields = [
        "invocations",
        "errors",
        "inputTokens",
        "outputTokens",
        "cacheReadInputTokens",
        "cacheWriteInputTokens",
        "costUsd",
        "unpricedInvocations",
      ];
      expect(report.totals).to.include.keys(totalsFields);
      for (const family of report.byFamily) expect(family).to.include.keys(["family", ...totalsFields]);
      for (const model of report.byModel)
        expect(model).to.include.keys(["modelId", "family", "priced", ...totalsFields]);
      expect(report.latencyMs).to.include.keys(["samples", "avg", "p50", "p90", "p99", "max"]);
      expect(report.projection).to.include.keys(["linearMonthlyCostUsd", "trendMonthlyCostUsd"]);
      expect(report.skipped).to.have.property("malformed").that.is.a("number");
    });

    it("totals every record of the window: invocations (failed included), errors and all four token kinds", async () => {
      const { stdout } = await run(["--hours", "96", "--logs", logs, "--format", "json"]);
      const report = JSON.parse(stdout);
      const start = FAKE_NOW.getTime() - 96 * HOUR_MS;
      const inWindow = archive.records.filter((record) => Date.parse(record.timestamp as string) >= start);
      const total = (section: string, field: string) =>
        inWindow.reduce(
          (sum, record) =>
            sum + (((record[section] as Record<string, number> | undefined)?.[field] as number | undefined) ?? 0),
          0,
        );
      expect(report.totals).to.include({
        invocations: inWindow.length,
        errors: inWindow.filter((record) => record.errorCode !== undefined).length,
        inputTokens: total("input", "inputTokenCount"),
        outputTokens: total("output", "outputTokenCount"),
        cacheReadInputTokens: total("input", "cacheReadInputTokenCount"),
        cacheWriteInputTokens: total("input", "cacheWriteInputTokenCount"),
      });
      expect(report.skipped.malformed).to.equal(archive.malformedLines);
    });

    it("shows unknown models and unmapped application profiles as unpriced, and prices them once mapped with --pricing", async () => {
      const before = JSON.parse((await run(["--hours", "72", "--logs", logs, "--format", "json"])).stdout);
      const unpriced = before.byModel
        .filter((model: { priced: boolean }) => !model.priced)
        .map((model: { modelId: string }) => model.modelId);
      // Haiku 5.5 is on Bedrock, but no source confirms its price yet.
      expect(unpriced).to.have.members([
        SAMPLE_UNKNOWN_MODEL,
        SAMPLE_APPLICATION_PROFILE,
        "global.anthropic.claude-haiku-5-5",
      ]);
      expect(before.totals.unpricedInvocations).to.be.greaterThan(0);

      const pricing = JSON.stringify({
        applicationProfiles: { [SAMPLE_APPLICATION_PROFILE]: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" },
      });
      const after = JSON.parse(
        (
          await run(["--hours", "72", "--logs", logs, "--format", "json", "--pricing", "p.json"], {
            readTextFile: async () => pricing,
          })
        ).stdout,
      );
      const profile = after.byModel.find((model: { modelId: string }) => model.modelId === SAMPLE_APPLICATION_PROFILE);
      expect(profile).to.include({ priced: true, family: "Sonnet" });
      expect(after.totals.costUsd).to.be.greaterThan(before.totals.costUsd);
      expect(after.pricing.overrides.file).to.equal("p.json");
    });

    it("uses --start/--end as the half-open window", async () => {
      const { stdout } = await run([
        "--start",
        "2026-11-18T00:00:00Z",
        "--end",
        "2026-11-19T00:00:00Z",
        "--logs",
        logs,
        "--format",
        "json",
      ]);
      const report = JSON.parse(stdout);
      expect(report.window.hours).to.equal(24);
      const expected = archive.records.filter(
        (record) =>
          (record.timestamp as string) >= "2026-11-18T00:00:00Z" &&
          (record.timestamp as string) < "2026-11-19T00:00:00Z",
      );
      expect(report.totals.invocations).to.equal(expected.length);
    });

    it("defaults to the last 24 hours ending now", async () => {
      const report = JSON.parse((await run(["--logs", logs, "--format", "json"])).stdout);
      expect(report.window.end).to.equal(FAKE_NOW.toISOString());
      expect(report.window.hours).to.equal(24);
    });

    it("groups by caller with the session name stripped", async () => {
      const report = JSON.parse(
        (await run(["--hours", "72", "--logs", logs, "--format", "json", "--group-by", "caller"])).stdout,
      );
      const callers = report.byCaller.map((entry: { caller: string }) => entry.caller);
      expect(callers).to.include("arn:aws:sts::123456789012:assumed-role/ChatBackend");
      for (const caller of callers) expect(caller).to.not.match(/assumed-role\/[^/]+\//);
    });

    it("writes CSV with one row per model and an empty cost for unpriced models", async () => {
      const { stdout } = await run(["--hours", "72", "--logs", logs, "--format", "csv"]);
      const [header, ...lines] = stdout.trim().split("\n");
      expect(header.split(",")).to.include.members([
        "modelId",
        "family",
        "priced",
        "invocations",
        "costUsd",
        "unpricedInvocations",
      ]);
      const costColumn = header.split(",").indexOf("costUsd");
      const unknownLine = lines.find((line) => line.includes(SAMPLE_UNKNOWN_MODEL)) as string;
      expect(unknownLine.split(",")[costColumn]).to.equal("");
    });

    it("renders Markdown with the breakdowns and notes", async () => {
      const { stdout } = await run(["--hours", "72", "--logs", logs, "--format", "markdown"]);
      for (const heading of [
        "# Bedrock usage report",
        "## By family",
        "## By model",
        "## Latency",
        "## Monthly projection",
        "## Skipped",
        "## Notes",
      ]) {
        expect(stdout).to.include(heading);
      }
    });

    it("colours the table only on a TTY and never with NO_COLOR", async () => {
      const args = ["--hours", "72", "--logs", logs];
      expect((await run(args, { stdoutIsTTY: true })).stdout).to.include(ANSI_ESCAPE);
      expect((await run(args, { stdoutIsTTY: true, env: { NO_COLOR: "1" } })).stdout).to.not.include(ANSI_ESCAPE);
      expect((await run(args, { stdoutIsTTY: false })).stdout).to.not.include(ANSI_ESCAPE);
    });

    it("writes to --out instead of stdout", async () => {
      const written: Record<string, string> = {};
      const { code, stdout } = await run(["--hours", "72", "--logs", logs, "--format", "json", "--out", "r.json"], {
        writeTextFile: async (path, text) => {
          written[path] = text;
        },
      });
      expect(code).to.equal(0);
      expect(stdout).to.equal("");
      expect(JSON.parse(written["r.json"]).source).to.equal("logs");
    });

    it("prints an incomplete report marked as such and exits 1", async () => {
      const readPartially = async (options: { paths: string[]; window: ReportWindow }): Promise<SourceResult> => ({
        ...(await readLogFiles(options)),
        complete: false,
        notes: ["Could not read x.json.gz"],
      });
      const { code, stdout, stderr } = await run(["--hours", "72", "--logs", logs, "--format", "json"], {
        readLogFiles: readPartially,
      });
      expect(code).to.equal(1);
      expect(JSON.parse(stdout).complete).to.equal(false);
      expect(stderr).to.include("incomplete");
    });
  });

  describe("bad input exits 2 with one line", () => {
    const cases: Array<[string, string[], RegExp]> = [
      ["--hours 0", ["--hours", "0"], /--hours 0: must be a positive number/],
      ["--hours -5", ["--hours", "-5"], /--hours -5: must be a positive number/],
      ["--hours abc", ["--hours", "abc"], /--hours abc: must be a positive number/],
      ["an unknown format", ["--format", "xml"], /--format xml: unknown format; allowed: table, json, csv, markdown/],
      [
        "an unknown grouping",
        ["--group-by", "team"],
        /--group-by team: unknown grouping; allowed: model, family, caller/,
      ],
      ["--hours with --start", ["--hours", "3", "--start", "2026-11-01"], /--hours and --start cannot be combined/],
      ["end before start", ["--start", "2026-11-10", "--end", "2026-11-01"], /is not after --start/],
      ["an impossible date", ["--end", "2026-02-30"], /--end 2026-02-30: February 2026 has no day 30/],
      ["a time that is not ISO-8601", ["--end", "Nov 10 2026"], /--end Nov 10 2026: not an ISO-8601 date or time/],
      ["--hours beyond any window", ["--hours", "99999999999"], /--hours 99999999999: at most 87,672 hours/],
      ["an unknown option", ["--bogus"], /Unknown argument: bogus/],
    ];
    for (const [what, argv, message] of cases) {
      it(`rejects ${what}`, async () => {
        const { code, stdout, stderr } = await run(argv);
        expect(code).to.equal(2);
        expect(stdout).to.equal("");
        expect(stderr).to.match(message);
        expect(stderr.trim().split("\n")).to.have.length(1);
      });
    }

    it("rejects an unreadable --logs path", async () => {
      const { code, stderr } = await run(["--logs", join(root, "nope")]);
      expect(code).to.equal(2);
      expect(stderr).to.match(/error: --logs .*nope: cannot be read/);
    });

    it("rejects a malformed --profiles file before reading any data", async () => {
      let read = false;
      const { code, stdout, stderr } = await run(["--logs", logs, "--profiles", "profiles.json"], {
        readTextFile: async () => `{"not": "an array"}`,
        readLogFiles: async () => {
          read = true;
          throw new Error("no record should be read");
        },
      });
      expect(code).to.equal(2);
      expect(stdout).to.equal("");
      expect(read).to.equal(false);
      expect(stderr.trim().split("\n")).to.have.length(1);
      expect(stderr).to.match(/^error: --profiles profiles.json: not an array/);
    });

    it("writes out control characters an error message quotes from the user's file", async () => {
      const { code, stderr } = await run(["--logs", logs, "--profiles", "profiles.json"], {
        readTextFile: async () => "[\u001b[31m\u001b]0;title\u0007",
      });
      expect(code).to.equal(2);
      const controls = [...stderr].filter((character) => character < " " && character !== "\n");
      expect(controls).to.deep.equal([]);
      expect(stderr).to.include("\\u001b[31m");
      expect(stderr.trim().split("\n")).to.have.length(1);
    });

    it("rejects a malformed --pricing file before reading any data", async () => {
      const { code, stderr } = await run(["--logs", logs, "--pricing", "p.json"], {
        readTextFile: async () => `{"discountPercent": "ten"}`,
      });
      expect(code).to.equal(2);
      expect(stderr.trim()).to.equal(
        "error: --pricing p.json: discountPercent must be a number from 0 to below 100 (percent off)",
      );
    });
  });

  describe("online report", () => {
    const usage: SourceResult = {
      source: "insights",
      rows: [
        {
          hourStartMs: FAKE_NOW.getTime() - HOUR_MS,
          modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          caller: null,
          context: "unknown",
          invocations: 10,
          errors: 1,
          inputTokens: 1000,
          outputTokens: 100,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 0,
        },
      ],
      latency: null,
      metricErrors: null,
      scan: { queries: 1, bytesScanned: 2 * 1024 ** 3, recordsScanned: 10, recordsMatched: 10 },
      skipped: {},
      complete: true,
      notes: [],
    };
    const metrics = {
      latency: { samples: 10, avg: 900, p50: 800, p90: 1500, p99: 2100, max: 2500, from: "metrics" as const },
      metricErrors: { invocations: 10, clientErrors: 1, serverErrors: 0, throttles: 2, errorRate: 0.1 },
      notes: [],
    };

    it("reads stack outputs, then Insights and metrics with the region given, into the same report", async () => {
      const calls: Record<string, unknown> = {};
      const { code, stdout } = await run(
        ["--stack", "dev", "--region", "eu-west-1", "--format", "json", "--group-by", "caller"],
        {
          loadStackOutputs: async (options) => ((calls.outputs = options), FAKE_OUTPUTS),
          createAwsClients: (options) =>
            ((calls.clients = options), { region: options.region, logs: {}, cloudwatch: {} }) as never,
          readUsageFromInsights: async (options) => ((calls.insights = options), usage),
          readMetrics: async () => metrics,
        },
      );
      expect(code).to.equal(0);
      expect(calls.outputs).to.include({ stack: "dev" });
      expect(calls.clients).to.deep.equal({ region: "eu-west-1", profile: undefined });
      expect(calls.insights).to.include({ logGroupName: FAKE_OUTPUTS.logGroupName, byCaller: true });
      const report = JSON.parse(stdout);
      expect(report.source).to.equal("insights");
      expect(report.latencyMs).to.include({ p99: 2100, from: "metrics" });
      expect(report.metricErrors).to.deep.equal({
        invocations: 10,
        clientErrors: 1,
        serverErrors: 0,
        throttles: 2,
        errorRate: 0.1,
      });
      expect(report.scan.costUsd).to.be.closeTo(0.01, 1e-9);
      expect(report.longContext.invocationsWithoutRequestDetail).to.equal(10);
      expect(report.notes.join(" ")).to.match(/Long-context rates could not be applied/);
    });

    it("stops the metrics read when the Insights scan fails, and exits 1 with what happened and what to do", async () => {
      let metricsSignal: AbortSignal | undefined;
      const { code, stdout, stderr } = await run(["--outputs", "o.json"], {
        loadStackOutputs: async () => FAKE_OUTPUTS,
        readUsageFromInsights: async () => {
          throw new OperationalError(
            "Access denied to logs:StartQuery on log group /aws/bedrock/modelinvocations.",
            "Grant logs:StartQuery to your role.",
          );
        },
        readMetrics: (options) => {
          metricsSignal = options.signal;
          return new Promise(() => undefined);
        },
      });
      expect(code).to.equal(1);
      expect(stdout).to.equal("");
      expect(stderr).to.match(/\nerror: Access denied/);
      expect(stderr.slice(stderr.indexOf("error:"))).to.equal(
        "error: Access denied to logs:StartQuery on log group /aws/bedrock/modelinvocations.\n  Grant logs:StartQuery to your role.\n",
      );
      expect(metricsSignal?.aborted).to.equal(true);
    });

    it("on Ctrl-C, aborts the signal the running Insights queries and metrics read were given", async () => {
      const interrupt = new AbortController();
      const signals: AbortSignal[] = [];
      const waitForAbort = (signal: AbortSignal | undefined) =>
        new Promise<never>((_resolve, reject) => {
          signals.push(signal as AbortSignal);
          signal?.addEventListener("abort", () =>
            reject(new OperationalError("Interrupted: the running queries were stopped.")),
          );
          if (signals.length === 2) interrupt.abort();
        });
      const { code, stderr } = await run(["--outputs", "o.json"], {
        signal: interrupt.signal,
        loadStackOutputs: async () => FAKE_OUTPUTS,
        readUsageFromInsights: (options) => waitForAbort(options.signal),
        readMetrics: (options) => waitForAbort(options.signal),
      });
      expect(code).to.equal(1);
      expect(signals.map((signal) => signal.aborted)).to.deep.equal([true, true]);
      expect(stderr).to.include("Interrupted");
    });

    it("passes on a stack-outputs failure without a stack trace", async () => {
      const { code, stderr } = await run([], {
        loadStackOutputs: async () => {
          throw new OperationalError(
            "Cannot read the outputs of the selected stack: the Pulumi CLI is not installed.",
            "Pass --stack <name> ... or --outputs <file> ...",
          );
        },
      });
      expect(code).to.equal(1);
      expect(stderr).to.not.match(/\n\s+at /);
      expect(stderr).to.include("--outputs <file>");
    });
  });

  describe("subcommands", () => {
    it("pricing prints the catalog with its as-of date and sources", async () => {
      const { code, stdout } = await run(["pricing", "--format", "json"]);
      expect(code).to.equal(0);
      const catalog = JSON.parse(stdout);
      expect(catalog.asOf).to.match(/^\d{4}-\d{2}-\d{2}$/);
      expect(catalog.sources.length).to.be.greaterThan(0);
      expect(
        catalog.prices.find(
          (row: { baseModelId: string; route: string }) =>
            row.baseModelId === "anthropic.claude-haiku-4-5-20251001-v1:0" && row.route === "global",
        ),
      ).to.include({ input: 1, output: 5 });
      const table = await run(["pricing"]);
      expect(table.stdout).to.include(`as of ${catalog.asOf}`);
      expect(table.stdout).to.include("UNCONFIRMED");
    });

    it("query runs the named saved query over the window and prints its rows", async () => {
      let seen: { window: ReportWindow; query: { name: string } } | undefined;
      const { code, stdout } = await run(
        ["query", "usage-hourly", "--hours", "6", "--outputs", "o.json", "--format", "csv"],
        {
          loadStackOutputs: async () => FAKE_OUTPUTS,
          runSavedQuery: async (options) => {
            seen = options;
            return [{ "bin(1h)": "2026-11-19 23:00:00.000", modelId: "m", invocations: "3" }];
          },
        },
      );
      expect(code).to.equal(0);
      expect(seen?.query.name).to.equal("usage-hourly");
      expect(seen?.window.start.toISOString()).to.equal(new Date(FAKE_NOW.getTime() - 6 * HOUR_MS).toISOString());
      expect(stdout.trim().split("\n")).to.deep.equal(["bin(1h),modelId,invocations", "2026-11-19 23:00:00.000,m,3"]);
    });

    it("query rejects an unknown name, listing the saved ones", async () => {
      const { code, stderr } = await run(["query", "everything"]);
      expect(code).to.equal(2);
      expect(stderr).to.match(/no such saved query; allowed: .*usage-hourly/);
    });

    it("commands prints the AWS CLI commands from the stack outputs", async () => {
      const { code, stdout } = await run(["commands", "--outputs", "o.json"], {
        loadStackOutputs: async () => FAKE_OUTPUTS,
      });
      expect(code).to.equal(0);
      expect(stdout).to.include(`# invocationsLastHour\n${FAKE_OUTPUTS.cliCommands.invocationsLastHour}\n`);
    });

    it("commands exits 1 with advice when the stack exports none", async () => {
      const { code, stderr } = await run(["commands", "--outputs", "o.json"], {
        loadStackOutputs: async () => ({ ...FAKE_OUTPUTS, cliCommands: undefined }),
      });
      expect(code).to.equal(1);
      expect(stderr).to.match(/no cliCommands[\s\S]*pulumi up/);
    });

    it("--help goes to stdout and exits 0", async () => {
      const { code, stdout } = await run(["--help"]);
      expect(code).to.equal(0);
      expect(stdout).to.include("--group-by");
    });
  });
});
