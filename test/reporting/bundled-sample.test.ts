/**
 * What a report shows (totals, families, cost, latency and errors,
 * projections, the window in hours, models by cost, hourly and daily series),
 * each checked end to end on the committed sample archive through the real
 * CLI, so the README's offline example stays true.
 */
import { expect } from "chai";
import { join } from "node:path";
import { run } from "../helpers/cli-helpers";

const SAMPLE = join(__dirname, "..", "..", "reporting", "samples", "bedrock-logs");
const SAMPLE_END = "2026-11-20T00:00:00Z";

interface Entry {
  invocations: number;
  costUsd: number | null;
}

async function sampleReport(extra: string[] = []) {
  const { code, stdout, stderr } = await run([
    "--hours",
    "168",
    "--logs",
    SAMPLE,
    "--end",
    SAMPLE_END,
    "--format",
    "json",
    ...extra,
  ]);
  expect(code, stderr).to.equal(0);
  return JSON.parse(stdout);
}

describe("the report on the bundled sample shows", () => {
  it("total invocations and token usage for the requested period", async () => {
    const report = await sampleReport();
    expect(report.window).to.deep.equal({
      start: "2026-11-13T00:00:00.000Z",
      end: "2026-11-20T00:00:00.000Z",
      hours: 168,
    });
    expect(report.totals.invocations).to.be.greaterThan(1000);
    const byModelSum = report.byModel.reduce((sum: number, model: Entry) => sum + model.invocations, 0);
    expect(byModelSum).to.equal(report.totals.invocations);
    expect(report.totals.cacheReadInputTokens).to.be.greaterThan(0);
  });

  it("breakdown by model type Opus, Sonnet, Haiku (and Other)", async () => {
    const report = await sampleReport();
    expect(report.byFamily.map((family: { family: string }) => family.family)).to.deep.equal([
      "Opus",
      "Sonnet",
      "Haiku",
      "Other",
    ]);
    const familySum = report.byFamily.reduce((sum: number, family: Entry) => sum + family.invocations, 0);
    expect(familySum).to.equal(report.totals.invocations);
  });

  it("cost from the dated price catalog, with unpriced models reported, not guessed", async () => {
    const report = await sampleReport();
    expect(report.pricing.asOf).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(report.totals.costUsd).to.be.greaterThan(0);
    const pricedSum = report.byModel.reduce((sum: number, model: Entry) => sum + (model.costUsd ?? 0), 0);
    expect(pricedSum).to.be.closeTo(report.totals.costUsd, 1e-4);
    expect(report.unpricedModels.length).to.be.greaterThan(0);
    for (const model of report.byModel.filter((entry: { priced: boolean }) => !entry.priced))
      expect(model.costUsd).to.equal(null);
  });

  it("latency statistics and error counts", async () => {
    const report = await sampleReport();
    const { latencyMs, totals } = report;
    expect(latencyMs.samples).to.be.greaterThan(0);
    expect(latencyMs.p50).to.be.at.most(latencyMs.p90);
    expect(latencyMs.p90).to.be.at.most(latencyMs.p99);
    expect(latencyMs.p99).to.be.at.most(latencyMs.max);
    expect(totals.errors).to.be.greaterThan(0);
    expect(totals.errorRate).to.be.closeTo(totals.errors / totals.invocations, 1e-12);
  });

  it("monthly projections, linear and from the daily trend, with a month-end estimate", async () => {
    const { projection, totals, window } = await sampleReport();
    expect(projection.linearMonthlyCostUsd).to.be.closeTo((totals.costUsd / window.hours) * 730, 1e-3);
    expect(projection.trendDays).to.equal(7);
    // The sample's traffic grows through the week, so the trend must project above the flat extrapolation.
    expect(projection.trendSlopeUsdPerDay).to.be.greaterThan(0);
    expect(projection.trendMonthlyCostUsd).to.be.greaterThan(projection.linearMonthlyCostUsd);
    expect(projection.monthEnd.month).to.equal("2026-11");
    expect(projection.monthEnd.observedCostUsd).to.be.closeTo(totals.costUsd, 1e-4);
  });

  it("the period is given in hours", async () => {
    const report = await sampleReport();
    const short = JSON.parse(
      (await run(["--hours", "48", "--logs", SAMPLE, "--end", SAMPLE_END, "--format", "json"])).stdout,
    );
    expect(short.window.hours).to.equal(48);
    expect(short.totals.invocations).to.be.lessThan(report.totals.invocations);
    expect(short.totals.invocations).to.equal(
      short.daily.reduce((sum: number, day: Entry) => sum + day.invocations, 0),
    );
  });

  it("models are listed most expensive first", async () => {
    const costs = (await sampleReport()).byModel.map((model: Entry) => model.costUsd ?? -1);
    expect(costs).to.deep.equal([...costs].sort((a, b) => b - a));
  });

  it("hourly and daily aggregation", async () => {
    const report = await sampleReport();
    expect(report.hourly).to.have.length(168);
    expect(report.daily).to.have.length(7);
    const hourlySum = report.hourly.reduce((sum: number, hour: Entry) => sum + hour.invocations, 0);
    expect(hourlySum).to.equal(report.totals.invocations);
  });
});
