/** The series the HTML report's charts draw, in the report model: daily usage by family, and the latency histogram. */
import { expect } from "chai";
import fc from "fast-check";
import { buildReport } from "../../../reporting/src/model/report";
import { LATENCY_BINS, LatencyCounts } from "../../../reporting/src/model/stats";
import { summarizeUsage } from "../../../reporting/src/model/summary";
import type { ReportWindow, UsageRow } from "../../../reporting/src/model/usage";
import { CHART_SIZES } from "../../../reporting/src/render/chart-style";
import { chartSpecs } from "../../../reporting/src/render/charts";
import { renderOutput } from "../../../reporting/src/render/formats";
import { sourceResult } from "../../helpers/source-results";

const WINDOW: ReportWindow = { start: new Date("2026-11-18T00:00:00Z"), end: new Date("2026-11-21T00:00:00Z") };
const MODELS = [
  "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "global.anthropic.claude-haiku-4-5-20251001-v1:0",
  "us.anthropic.claude-opus-4-5-20251101-v1:0",
  "us.anthropic.claude-sonnet-9-20300101-v1:0",
];

const rowArbitrary = fc.record({
  hourStartMs: fc.integer({ min: 0, max: 71 }).map((hour) => WINDOW.start.getTime() + hour * 3_600_000),
  modelId: fc.constantFrom(...MODELS),
  caller: fc.constant("arn:aws:iam::123456789012:role/app"),
  context: fc.constant("standard" as const),
  invocations: fc.integer({ min: 1, max: 50 }),
  errors: fc.constant(0),
  inputTokens: fc.integer({ min: 0, max: 100_000 }),
  outputTokens: fc.integer({ min: 0, max: 10_000 }),
  cacheReadInputTokens: fc.integer({ min: 0, max: 100_000 }),
  cacheWriteInputTokens: fc.integer({ min: 0, max: 10_000 }),
});

describe("daily usage by family", () => {
  it("adds up, day by day, to the daily series, and family by family to the families' totals", () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary, { minLength: 1, maxLength: 60 }), (rows: UsageRow[]) => {
        const summary = summarizeUsage(rows, WINDOW);
        for (const day of summary.daily) {
          const points = summary.dailyByFamily.filter((point) => point.start === day.start);
          const sum = (key: "invocations" | "costUsd" | "outputTokens") =>
            points.reduce((total, point) => total + point[key], 0);
          expect(sum("invocations")).to.equal(day.invocations);
          expect(sum("outputTokens")).to.equal(day.outputTokens);
          expect(sum("costUsd")).to.be.closeTo(day.costUsd, 1e-9);
        }
        for (const family of summary.byFamily) {
          const points = summary.dailyByFamily.filter((point) => point.family === family.family);
          expect(points.reduce((total, point) => total + point.invocations, 0)).to.equal(family.invocations);
        }
        const order = summary.dailyByFamily.map((point) => point.startMs);
        expect(order).to.deep.equal([...order].sort((a, b) => a - b));
      }),
      { numRuns: 50 },
    );
  });

  it("shows a day of an unpriced model as unpriced (null) in the report, not $0", () => {
    const row = (modelId: string): UsageRow => ({
      hourStartMs: WINDOW.start.getTime(),
      modelId,
      caller: null,
      context: "standard",
      invocations: 2,
      errors: 0,
      inputTokens: 100,
      outputTokens: 10,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    });
    const report = buildReport(
      sourceResult([row(MODELS[0]), row("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc")]),
      { window: WINDOW, groupBy: "model" },
    );
    expect(report.dailyByFamily.map((point) => [point.family, point.costUsd === null])).to.deep.equal([
      ["Sonnet", false],
      ["Other", true],
    ]);
  });
});

describe("the latency histogram", () => {
  it("counts every sample once, in equal bins of 1, 2 or 5 x 10^n ms, at most LATENCY_BINS + 2 of them", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 1, maxLength: 300 }), (samples) => {
        const counts = new LatencyCounts();
        for (const sample of samples) counts.add(sample);
        const bins = counts.histogram();
        expect(bins.reduce((total, bin) => total + bin.count, 0)).to.equal(samples.length);
        expect(bins.length).to.be.at.most(LATENCY_BINS + 2);
        const width = bins[0].toMs - bins[0].fromMs;
        expect(String(width)).to.match(/^[125]0*$/);
        for (const [index, bin] of bins.entries()) {
          expect(bin.toMs - bin.fromMs).to.equal(width);
          if (index > 0) expect(bin.fromMs).to.equal(bins[index - 1].toMs);
          const inside = samples.filter((sample) => sample >= bin.fromMs && sample < bin.toMs).length;
          expect(bin.count).to.equal(inside);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("bins fractions, negatives and whole milliseconds merged from several threads as one list of them", () => {
    const sample = fc.oneof(
      fc.integer({ min: 0, max: 600_000 }),
      fc.integer({ min: -1_000_000, max: 1_000_000 }).map((micros) => micros / 1_000),
      fc.constantFrom(0, -0),
    );
    fc.assert(
      fc.property(fc.array(fc.array(sample, { maxLength: 100 }), { minLength: 1, maxLength: 3 }), (parts) => {
        const merged = new LatencyCounts();
        for (const part of parts) {
          const counts = new LatencyCounts();
          for (const value of part) counts.add(value);
          merged.merge(counts.tally());
        }
        const samples = parts.flat();
        const bins = merged.histogram();
        if (samples.length === 0) {
          expect(bins).to.deep.equal([]);
          return;
        }
        expect(bins[0].fromMs).to.be.at.most(Math.min(...samples));
        expect(bins[bins.length - 1].toMs).to.be.above(Math.max(...samples));
        for (const bin of bins)
          expect(bin.count).to.equal(samples.filter((value) => value >= bin.fromMs && value < bin.toMs).length);
      }),
      { numRuns: 200 },
    );
  });

  it("is empty without samples, and null in the report when the source gave only percentiles", async () => {
    expect(new LatencyCounts().histogram()).to.deep.equal([]);
    const report = buildReport(
      sourceResult([], {
        source: "metrics",
        latency: { samples: 40, avg: 900, p50: 800, p90: 1500, p99: 2400, max: 3000, from: "metrics" },
      }),
      { window: WINDOW, groupBy: "model" },
    );
    expect(report.latencyHistogram).to.equal(null);
    // The chart then shows the percentile markers alone.
    const latency = chartSpecs(report, CHART_SIZES[0]).find((chart) => chart.id === "latency");
    expect(latency?.summary).to.include("p50 800 ms, p90 1,500 ms, p99 2,400 ms (the source gives percentiles only");
    expect(latency?.spec.layer).to.have.length(1);
    expect(await renderOutput(report, "html", false)).to.include('data-chart="latency"');
  });
});
