import { expect } from "chai";
import fc from "fast-check";
import {
  fitLine,
  LatencyCounts,
  linearMonthlyCost,
  projectCost,
  summarizeLatency,
  type HourlyCost,
} from "../../../reporting/src/model/stats";
import { HOUR_MS } from "../../../reporting/src/kernel/time";

function hourlyCosts(startIso: string, hours: number, costOfHour: (index: number) => number): HourlyCost[] {
  const startMs = Date.parse(startIso);
  return Array.from({ length: hours }, (_, index) => ({
    startMs: startMs + index * HOUR_MS,
    costUsd: costOfHour(index),
  }));
}

describe("latency percentiles", () => {
  it("uses nearest rank, not interpolation", () => {
    expect(summarizeLatency([40, 15, 35, 20], "logs")).to.include({ p50: 20, p90: 40, p99: 40, max: 40 });
    expect(summarizeLatency([15, 20, 35, 40, 50], "logs")).to.include({ p50: 35, p90: 50 });
  });

  it("gives the same summary from counts merged across threads as from every sample in one list, to the last bit", () => {
    const latency = fc.oneof(
      fc.integer({ min: 0, max: 2_000 }),
      // Whole milliseconds either side of where they stop being counted by index.
      fc.integer({ min: 2 ** 19 - 2, max: 2 ** 19 + 2 }),
      fc.double({ min: 0, max: 1e6, noNaN: true }),
      fc.constantFrom(0, -0, 0.1, 0.2, 0.3),
      // Never a latency read from a record, but the order must hold for any number: -0 after them, before 0.
      fc.constantFrom(-1, -0.5, -2_000),
      // Whole numbers whose sum leaves the doubles' exact integers, where adding them one by one rounds.
      fc.constantFrom(2 ** 52 + 1, 2 ** 53 - 1, 2 ** 53 + 2, 3 * 2 ** 51 + 1),
    );
    fc.assert(
      fc.property(fc.array(fc.array(latency, { maxLength: 30 }), { maxLength: 4 }), (parts) => {
        const merged = new LatencyCounts();
        for (const part of parts) {
          const counts = new LatencyCounts();
          for (const value of part) counts.add(value);
          merged.merge(counts.tally());
        }
        const expected = Float64Array.from(parts.flat()).sort();
        const summary = merged.summarize("logs");
        expect(summary).to.deep.equal(summarizeLatency(parts.flat(), "logs"));
        expect(summary.samples).to.equal(expected.length);
        if (expected.length > 0) {
          expect(Object.is(summary.max, expected[expected.length - 1])).to.equal(true);
          expect(
            Object.is(summary.avg, expected.reduce((total, value) => total + value, 0) / expected.length),
          ).to.equal(true);
          expect(Object.is(summary.p50, expected[Math.max(1, Math.ceil(0.5 * expected.length)) - 1])).to.equal(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("summarises avg, p50, p90, p99 and max over all samples (p99 is not the max of averages)", () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(summarizeLatency(samples, "logs")).to.deep.equal({
      samples: 100,
      avg: 50.5,
      p50: 50,
      p90: 90,
      p99: 99,
      max: 100,
      from: "logs",
    });
  });

  it("has no figures without samples", () => {
    expect(summarizeLatency([], "logs")).to.deep.equal({
      samples: 0,
      avg: null,
      p50: null,
      p90: null,
      p99: null,
      max: null,
      from: "logs",
    });
  });

  it("every percentile is one of the samples and percentiles never decrease", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60_000 }), { minLength: 1 }), (samples) => {
        const summary = summarizeLatency(samples, "logs");
        for (const value of [summary.p50, summary.p90, summary.p99]) expect(samples).to.include(value);
        expect(summary.p50 as number).to.be.at.most(summary.p90 as number);
        expect(summary.p90 as number).to.be.at.most(summary.p99 as number);
        expect(summary.p99 as number).to.be.at.most(summary.max as number);
      }),
    );
  });
});

describe("projection", () => {
  it("extrapolates linearly: window cost / window hours x 730", () => {
    expect(linearMonthlyCost(16.8, 168)).to.be.closeTo(73, 1e-9);
  });

  it("fits a least-squares line", () => {
    const line = fitLine([
      { x: 0, y: 1 },
      { x: 1, y: 3 },
      { x: 2, y: 5 },
    ]);
    expect(line?.slope).to.be.closeTo(2, 1e-12);
    expect(line?.intercept).to.be.closeTo(1, 1e-12);
  });

  it("projects a flat daily cost to the same month as the linear projection", () => {
    const window = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-17T00:00:00Z") };
    const hourly = hourlyCosts("2026-11-10T00:00:00Z", 168, () => 0.5);
    const projection = projectCost(hourly, window, 84);
    expect(projection.linearMonthlyCostUsd).to.be.closeTo(365, 1e-9);
    expect(projection.trendMonthlyCostUsd).to.be.closeTo(365, 1e-6);
    expect(projection.trendDays).to.equal(7);
    expect(projection.monthEnd?.month).to.equal("2026-11");
    // 30 days of November at $12/day: 7 observed, 23 along the (flat) trend.
    expect(projection.monthEnd?.observedCostUsd).to.be.closeTo(84, 1e-9);
    expect(projection.monthEnd?.totalUsd).to.be.closeTo(360, 1e-6);
  });

  it("projects a growing daily cost above the linear projection", () => {
    const window = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-17T00:00:00Z") };
    const hourly = hourlyCosts("2026-11-10T00:00:00Z", 168, (index) => (Math.floor(index / 24) + 1) / 24);
    const total = hourly.reduce((sum, hour) => sum + hour.costUsd, 0);
    const projection = projectCost(hourly, window, total);
    expect(projection.trendSlopeUsdPerDay).to.be.closeTo(1, 1e-9);
    expect(projection.trendMonthlyCostUsd as number).to.be.greaterThan(projection.linearMonthlyCostUsd as number);
  });

  it("never lets a falling trend go below zero", () => {
    const window = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-15T00:00:00Z") };
    const hourly = hourlyCosts("2026-11-10T00:00:00Z", 120, (index) => Math.max(0, 5 - Math.floor(index / 24)) / 24);
    expect(projectCost(hourly, window, 15).trendMonthlyCostUsd).to.be.at.least(0);
  });

  it("declines a trend on less than three days, and says why", () => {
    const window = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-11T00:00:00Z") };
    const projection = projectCost(
      hourlyCosts("2026-11-10T00:00:00Z", 24, () => 1),
      window,
      24,
    );
    expect(projection.trendMonthlyCostUsd).to.equal(null);
    expect(projection.monthEnd).to.equal(null);
    expect(projection.notes.join(" ")).to.match(/at least 3 days/);
  });
});
