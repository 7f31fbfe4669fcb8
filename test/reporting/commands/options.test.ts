import { expect } from "chai";
import { MAX_WINDOW_HOURS, resolveWindow } from "../../../reporting/src/commands/options";
import { UsageError } from "../../../reporting/src/kernel/errors";
import { parseIsoDate, parseIsoTime } from "../../../reporting/src/kernel/time";
import { buildReport } from "../../../reporting/src/model/report";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { parsePricingOverrides } from "../../../reporting/src/kernel/pricing/overrides";
import { scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { parseRecordLine } from "../../../reporting/src/reading/records";
import { run } from "../../helpers/cli-helpers";
import { converseRecord } from "../../helpers/record-shapes";
import { sourceResult } from "../../helpers/source-results";

const NOW = new Date("2026-11-20T00:00:00Z");

function timeOf(text: string): string {
  const parsed = parseIsoTime(text);
  if (!parsed.ok) throw new Error(`${text}: ${parsed.problem}`);
  return parsed.time.toISOString();
}

function problemOf(text: string): string {
  const parsed = parseIsoTime(text);
  if (parsed.ok) throw new Error(`${text} was read as ${parsed.time.toISOString()}`);
  return parsed.problem;
}

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected a UsageError");
}

/** Runs `body` with the process in another time zone: local time must not leak into any result. */
function inTimeZone(zone: string, body: () => void): void {
  const saved = process.env.TZ;
  process.env.TZ = zone;
  try {
    expect(new Date(2026, 10, 10, 10).getTimezoneOffset(), "the zone took effect").to.not.equal(0);
    body();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

describe("window options", () => {
  it("read a time without a zone as UTC, whatever the machine's zone", () => {
    for (const zone of ["America/New_York", "Asia/Kolkata"]) {
      inTimeZone(zone, () => {
        expect(timeOf("2026-11-10T10:00")).to.equal("2026-11-10T10:00:00.000Z");
        expect(timeOf("2026-11-10T10:00:30.5")).to.equal("2026-11-10T10:00:30.500Z");
        expect(timeOf("2026-11-10")).to.equal("2026-11-10T00:00:00.000Z");
        const window = resolveWindow({ start: "2026-11-10T10:00", end: "2026-11-10T12:00:00" }, NOW);
        expect([window.start.toISOString(), window.end.toISOString()]).to.deep.equal([
          "2026-11-10T10:00:00.000Z",
          "2026-11-10T12:00:00.000Z",
        ]);
      });
    }
  });

  it("honour a zone or offset when one is given", () => {
    expect(timeOf("2026-11-10T10:00:00Z")).to.equal("2026-11-10T10:00:00.000Z");
    expect(timeOf("2026-11-10T10:00:00+05:30")).to.equal("2026-11-10T04:30:00.000Z");
    expect(timeOf("2026-11-10T01:00-0800")).to.equal("2026-11-10T09:00:00.000Z");
    expect(timeOf("0050-01-01")).to.equal("0050-01-01T00:00:00.000Z");
  });

  it("refuse impossible dates and times instead of rolling them over", () => {
    expect(problemOf("2026-02-30")).to.equal("February 2026 has no day 30 (it has 28 days)");
    expect(problemOf("2025-02-29")).to.equal("February 2025 has no day 29 (it has 28 days)");
    expect(timeOf("2024-02-29")).to.equal("2024-02-29T00:00:00.000Z");
    expect(problemOf("2026-13-01")).to.equal("month 13 does not exist");
    expect(problemOf("2026-04-31T10:00Z")).to.match(/April 2026 has no day 31/);
    expect(problemOf("2026-11-10T24:00Z")).to.equal("the time 24:00 does not exist");
    expect(problemOf("2026-11-10T10:00+24:00")).to.equal("the offset +24:00 does not exist");
    expect(problemOf("2026-11-10T10:61:00Z")).to.equal("the time 10:61:00 does not exist");
    for (const text of ["Nov 10 2026", "2026-11-10 10:00", "20261110", "1763000000000", "2026-11-10T10", ""])
      expect(problemOf(text)).to.equal("not an ISO-8601 date or time");
    expect(usageError(() => resolveWindow({ start: "2026-02-30" }, NOW))).to.match(
      /^--start 2026-02-30: February 2026 has no day 30 \(it has 28 days\); use a date or time such as/,
    );
    expect(parseIsoDate("2026-02-30")).to.deep.equal({
      ok: false,
      problem: "February 2026 has no day 30 (it has 28 days)",
    });
    expect(parseIsoDate("2026-02-28T00:00Z")).to.deep.equal({ ok: false, problem: 'not a date "YYYY-MM-DD"' });
  });

  it("refuse windows longer than 3,653 days, before anything is allocated for them", () => {
    expect(usageError(() => resolveWindow({ hours: "1000000000" }, NOW))).to.equal(
      "--hours 1000000000: at most 87,672 hours (3,653 days)",
    );
    expect(usageError(() => resolveWindow({ hours: "99999999999" }, NOW))).to.equal(
      "--hours 99999999999: at most 87,672 hours (3,653 days)",
    );
    expect(usageError(() => resolveWindow({ start: "1970-01-01", end: "9999-12-31" }, NOW))).to.match(
      /^--start 1970-01-01T00:00:00.000Z to --end 9999-12-31T00:00:00.000Z is 70,.* hours: at most 87,672 hours \(3,653 days\)/,
    );
    const longest = resolveWindow({ hours: String(MAX_WINDOW_HOURS) }, NOW);
    expect((NOW.getTime() - longest.start.getTime()) / 3_600_000).to.equal(MAX_WINDOW_HOURS);
    expect(buildReport(sourceResult([]), { window: longest, groupBy: "model" }).hourly).to.have.length(
      MAX_WINDOW_HOURS,
    );
  });

  it("exit 2 with one line for a window that would not fit, never a stack trace", async () => {
    for (const argv of [
      ["--hours", "99999999999"],
      ["--hours", "1000000000"],
      ["--start", "1970-01-01", "--end", "9999-12-31"],
      ["--end", "2026-02-30"],
    ]) {
      const { code, stdout, stderr } = await run([...argv, "--logs", "/nonexistent"]);
      expect(code, argv.join(" ")).to.equal(2);
      expect(stdout).to.equal("");
      expect(stderr.trim().split("\n"), stderr).to.have.length(1);
      expect(stderr).to.match(/^error: --(hours|start|end) /);
    }
  });
});

describe("numbers that overflow", () => {
  it("make a record malformed, on both record readers, rather than an Infinity that prints as a null cost", () => {
    const line = JSON.stringify(converseRecord({ inputTokens: 1e308 }));
    expect(parseRecordLine(line)).to.deep.equal({ ok: false, reason: "malformed" });
    expect(scanRecordLine(Buffer.from(line), 0, Buffer.byteLength(line))).to.equal(null);
    expect(parseRecordLine(JSON.stringify(converseRecord({ inputTokens: Number.MAX_SAFE_INTEGER }))).ok).to.equal(true);
  });

  it("in a --pricing file are refused with one line", () => {
    for (const [rate, where] of [
      ["1e308", "input"],
      ["1e7", "output"],
    ]) {
      const text = `{"models": {"anthropic.claude-v2": {"regional": {"input": ${where === "input" ? rate : 1}, "output": ${where === "output" ? rate : 1}}}}}`;
      expect(usageError(() => parsePricingOverrides(text, "p.json"))).to.equal(
        `--pricing p.json: models["anthropic.claude-v2"].regional.${where} must be a non-negative number of at most 1,000,000 (USD per 1M tokens)`,
      );
    }
    expect(
      usageError(() =>
        parsePricingOverrides(
          `{"models": {"anthropic.claude-v2": {"longContext": {"thresholdTokens": 1e308, "regional": {"input": 1, "output": 1}}}}}`,
          "p.json",
        ),
      ),
    ).to.match(/thresholdTokens must be a positive whole number/);
  });

  it("a priced model's cost stays a number at the largest counts and rates allowed", () => {
    const huge: UsageRow = {
      hourStartMs: NOW.getTime() - 3_600_000,
      modelId: "anthropic.claude-new-v1",
      caller: null,
      context: "standard",
      invocations: 1,
      errors: 0,
      inputTokens: Number.MAX_SAFE_INTEGER,
      outputTokens: Number.MAX_SAFE_INTEGER,
      cacheReadInputTokens: Number.MAX_SAFE_INTEGER,
      cacheWriteInputTokens: Number.MAX_SAFE_INTEGER,
    };
    const window = { start: new Date(NOW.getTime() - 24 * 3_600_000), end: NOW };
    const dearest = { input: 1_000_000, output: 1_000_000, cacheWrite: 1_000_000, cacheRead: 1_000_000 };
    const overrides = parsePricingOverrides(
      JSON.stringify({ models: { "anthropic.claude-new-v1": { regional: dearest } } }),
      "p.json",
    );
    const rows = Array.from({ length: 1000 }, () => huge);
    const report = buildReport(sourceResult(rows), { window, groupBy: "model", overrides });
    const parsed = JSON.parse(JSON.stringify(report));
    for (const cost of [parsed.totals.costUsd, parsed.byModel[0].costUsd, parsed.projection.linearMonthlyCostUsd])
      expect(cost).to.be.a("number").and.satisfy(Number.isFinite);
  });
});
