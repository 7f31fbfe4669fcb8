/** Latency percentiles and cost projections. Pure functions. */
import { DAY_MS, floorTo, HOUR_MS } from "../kernel/time";
import type { ReportWindow } from "./usage";

/** Latency over a window, in milliseconds; null figures when there were no samples. */
export interface LatencySummary {
  samples: number;
  avg: number | null;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  /** Where the figures came from: the `InvocationLatency` metric, or latencies read from log record bodies. */
  from: "metrics" | "logs";
}

/** The month length AWS bills with (8,760 hours / 12). */
export const HOURS_PER_MONTH = 730;
/** Days that show less than this are too partial to stand for a whole day in the trend fit. */
const MIN_HOURS_FOR_TREND_DAY = 12;
const MIN_DAYS_FOR_TREND = 3;

/** Nearest rank (1-based) of the p-th percentile among n samples: the smallest sample with at least p% of samples at or below it. */
function nearestRank(samples: number, percent: number): number {
  return Math.max(1, Math.ceil((percent / 100) * samples));
}

export function summarizeLatency(samples: readonly number[], from: LatencySummary["from"]): LatencySummary {
  const counts = new LatencyCounts();
  for (const sample of samples) counts.add(sample);
  return counts.summarize(from);
}

/** One bar of the latency distribution: how many samples fell in `[fromMs, toMs)`. */
export interface LatencyBin {
  fromMs: number;
  toMs: number;
  count: number;
}

/** About this many bars (at most two more): the report's size depends on it, not on the number of requests. */
export const LATENCY_BINS = 24;

/** The smallest 1, 2 or 5 times a power of ten (at least 1 ms) that is at least `raw`: bin edges a reader can read. */
function roundBinWidth(raw: number): number {
  if (raw <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((step) => step * power).find((width) => width >= raw) as number;
}

/** LatencyCounts in a form that crosses threads: typed arrays, moved rather than copied. */
export interface LatencyTally {
  /** How often each whole millisecond was seen, by value. */
  whole: Float64Array;
  /** Every other distinct value once, with how often it was seen. */
  values: Float64Array;
  counts: Float64Array;
}

/**
 * Whole milliseconds below this are counted in an array indexed by the
 * value (at most 4 MB, for latencies up to ~8.7 minutes); any other value in
 * a Map.
 */
const WHOLE_MS_LIMIT = 2 ** 19;

/**
 * Latency samples as how often each value was seen: memory grows with the
 * largest latency in milliseconds and the number of other distinct values,
 * not with the number of requests, and the summary is the same as
 * summarizeLatency over every sample, to the last bit. Logged latencies are
 * whole milliseconds, counted by index in a typed array: walked in index
 * order they come out sorted, where a Map of ~12,000 values (the benchmark
 * archive's) had to be sorted and looked up value by value, ~20 ms of the
 * report's serial tail.
 */
export class LatencyCounts {
  /** Counts of whole milliseconds by value, grown as larger ones come. */
  private whole = new Float64Array(0);
  /** Counts of every other value: fractions, negatives, very large. */
  private readonly others = new Map<number, number>();
  /** A Map key cannot tell -0 from 0; counted apart so the summary still can. */
  private negativeZeros = 0;
  private samples = 0;
  /** The largest whole millisecond counted; -1 before any. */
  private highest = -1;

  add(value: number, count = 1): void {
    this.samples += count;
    if (Object.is(value, -0)) this.negativeZeros += count;
    else if (value >= 0 && value < WHOLE_MS_LIMIT && Number.isInteger(value)) {
      if (value >= this.whole.length) this.growTo(value);
      this.whole[value] += count;
      this.highest = Math.max(this.highest, value);
    } else this.others.set(value, (this.others.get(value) ?? 0) + count);
  }

  tally(): LatencyTally {
    const size = this.others.size + (this.negativeZeros > 0 ? 1 : 0);
    const values = new Float64Array(size);
    const counts = new Float64Array(size);
    let at = 0;
    this.others.forEach((count, value) => {
      values[at] = value;
      counts[at] = count;
      at += 1;
    });
    if (this.negativeZeros > 0) {
      values[at] = -0;
      counts[at] = this.negativeZeros;
    }
    return { whole: this.whole.slice(0, this.highest + 1), values, counts };
  }

  merge(tally: LatencyTally): void {
    const { whole } = tally;
    if (whole.length > this.whole.length) this.growTo(whole.length - 1);
    const into = this.whole;
    let samples = 0;
    for (let ms = 0; ms < whole.length; ms += 1) {
      into[ms] += whole[ms];
      samples += whole[ms];
    }
    this.samples += samples;
    this.highest = Math.max(this.highest, whole.length - 1);
    tally.values.forEach((value, index) => this.add(value, tally.counts[index]));
  }

  /** Equal-width bins from the lowest to the highest sample, empty bins included; none without samples. */
  histogram(): LatencyBin[] {
    if (this.samples === 0) return [];
    // The ends without a walk over every value: the other values, and the first and last whole millisecond.
    let min = Infinity;
    let max = -Infinity;
    const widen = (value: number) => {
      min = Math.min(min, value);
      max = Math.max(max, value);
    };
    this.others.forEach((_, value) => widen(value));
    if (this.negativeZeros > 0) widen(-0);
    if (this.highest >= 0) {
      let lowest = 0;
      while (lowest < this.highest && this.whole[lowest] === 0) lowest += 1;
      widen(lowest);
      widen(this.highest);
    }
    const width = roundBinWidth((max - min) / LATENCY_BINS);
    const firstMs = Math.floor(min / width) * width;
    const bins = Array.from({ length: Math.floor((max - firstMs) / width) + 1 }, (_, index) => ({
      fromMs: firstMs + index * width,
      toMs: firstMs + (index + 1) * width,
      count: 0,
    }));
    this.ascending((value, count) => {
      bins[Math.floor((value - firstMs) / width)].count += count;
    });
    return bins;
  }

  summarize(from: LatencySummary["from"]): LatencySummary {
    const { samples } = this;
    const ranks = [50, 90, 99].map((percent) => nearestRank(samples, percent));
    const atRank: Array<number | null> = ranks.map(() => null);
    let seen = 0;
    // Adding each sample in ascending order, one by one, as a sorted array's sum does: the same float rounding.
    let sum = 0;
    let max: number | null = null;
    this.ascending((value, count) => {
      const added = value * count;
      // Whole milliseconds (as logged) add up exactly while every sum on the way is a safe integer (it lies
      // between the first and the last): then one step gives what `count` steps do, with no loop over the samples.
      const exact = Number.isInteger(value) && Number.isSafeInteger(sum) && Number.isSafeInteger(added);
      if (exact && Number.isSafeInteger(sum + added)) sum += added;
      else for (let step = 0; step < count; step += 1) sum += value;
      seen += count;
      for (let at = 0; at < ranks.length; at += 1) if (atRank[at] === null && seen >= ranks[at]) atRank[at] = value;
      max = value;
    });
    const [p50, p90, p99] = atRank;
    return { samples, avg: samples === 0 ? null : sum / samples, p50, p90, p99, max, from };
  }

  /**
   * Every distinct value with its count, in ascending order, -0 after the
   * negatives and before 0 (where a numeric sort puts it): the other values,
   * sorted, merged into the walk over the whole milliseconds.
   */
  private ascending(visit: (value: number, count: number) => void): void {
    const others = new Float64Array(this.others.size + (this.negativeZeros > 0 ? 1 : 0));
    let filled = 0;
    this.others.forEach((_, value) => {
      others[filled] = value;
      filled += 1;
    });
    if (this.negativeZeros > 0) others[filled] = -0;
    others.sort();
    const countOf = (value: number) => (Object.is(value, -0) ? this.negativeZeros : (this.others.get(value) as number));
    let next = 0;
    const { whole, highest } = this;
    for (let ms = 0; ms <= highest; ms += 1) {
      while (next < others.length && (others[next] < ms || Object.is(others[next], -0))) {
        visit(others[next], countOf(others[next]));
        next += 1;
      }
      if (whole[ms] !== 0) visit(ms, whole[ms]);
    }
    for (; next < others.length; next += 1) visit(others[next], countOf(others[next]));
  }

  /** Room for `value`: at least doubled, so a growing maximum costs few copies. */
  private growTo(value: number): void {
    const grown = new Float64Array(Math.min(WHOLE_MS_LIMIT, Math.max(value + 1, this.whole.length * 2, 1024)));
    grown.set(this.whole);
    this.whole = grown;
  }
}

/** Least-squares line y = intercept + slope * x; null with fewer than two distinct x. */
export function fitLine(points: ReadonlyArray<{ x: number; y: number }>): { intercept: number; slope: number } | null {
  const n = points.length;
  if (n < 2) return null;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) ** 2;
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { intercept: meanY - slope * meanX, slope };
}

export interface HourlyCost {
  startMs: number;
  costUsd: number;
}

export interface MonthEndEstimate {
  /** Calendar month (UTC) of the window's end, `YYYY-MM`. */
  month: string;
  /** Cost seen in the window within that month. */
  observedCostUsd: number;
  /** Trend-line cost for the parts of the month the window does not cover. */
  estimatedRestUsd: number;
  totalUsd: number;
}

export interface Projection {
  /** Window cost / window hours x 730. */
  linearMonthlyCostUsd: number | null;
  /** The next 730 hours along a least-squares line through daily cost (negative days count as 0). */
  trendMonthlyCostUsd: number | null;
  /** Trend slope, USD per day per day. */
  trendSlopeUsdPerDay: number | null;
  /** Number of days the trend was fitted on. */
  trendDays: number;
  monthEnd: MonthEndEstimate | null;
  notes: string[];
}

export function linearMonthlyCost(costUsd: number, windowHours: number): number | null {
  return windowHours > 0 ? (costUsd / windowHours) * HOURS_PER_MONTH : null;
}

/** Daily cost normalised to a full day, so a partly covered first or last day does not bend the line. */
function dailyRates(hourly: readonly HourlyCost[]): Array<{ dayStartMs: number; hours: number; costPerDay: number }> {
  const days = new Map<number, { hours: number; cost: number }>();
  for (const hour of hourly) {
    const dayStartMs = floorTo(hour.startMs, DAY_MS);
    const day = days.get(dayStartMs) ?? { hours: 0, cost: 0 };
    day.hours += 1;
    day.cost += hour.costUsd;
    days.set(dayStartMs, day);
  }
  return [...days.entries()]
    .filter(([, day]) => day.hours >= MIN_HOURS_FOR_TREND_DAY)
    .map(([dayStartMs, day]) => ({ dayStartMs, hours: day.hours, costPerDay: (day.cost * 24) / day.hours }))
    .sort((a, b) => a.dayStartMs - b.dayStartMs);
}

/** Cost over [fromMs, toMs) along a daily-rate line, summed hour by hour, never below zero. */
function costAlongLine(line: { intercept: number; slope: number }, fromMs: number, toMs: number): number {
  let total = 0;
  for (let startMs = fromMs; startMs < toMs; startMs += HOUR_MS) {
    const hours = Math.min(HOUR_MS, toMs - startMs) / HOUR_MS;
    const midDay = (startMs + (hours * HOUR_MS) / 2) / DAY_MS;
    total += (Math.max(0, line.intercept + line.slope * midDay) / 24) * hours;
  }
  return total;
}

/**
 * The two monthly figures the report shows: a linear extrapolation of the
 * window, and a trend line fitted over daily cost with the month-end estimate.
 */
export function projectCost(hourly: readonly HourlyCost[], window: ReportWindow, totalCostUsd: number): Projection {
  const windowHours = (window.end.getTime() - window.start.getTime()) / HOUR_MS;
  const days = dailyRates(hourly);
  const notes: string[] = [];
  // x is the day midpoint in days since the epoch, so the line can be evaluated at any instant.
  const line =
    days.length >= MIN_DAYS_FOR_TREND
      ? fitLine(days.map((day) => ({ x: (day.dayStartMs + DAY_MS / 2) / DAY_MS, y: day.costPerDay })))
      : null;
  if (!line) {
    notes.push(
      `The trend projection needs at least ${MIN_DAYS_FOR_TREND} days with ${MIN_HOURS_FOR_TREND_DAY}+ hours of data; use --hours 72 or more.`,
    );
  }
  const endMs = window.end.getTime();
  let monthEnd: MonthEndEstimate | null = null;
  if (line) {
    const lastInstant = new Date(endMs - 1);
    const monthStartMs = Date.UTC(lastInstant.getUTCFullYear(), lastInstant.getUTCMonth(), 1);
    const nextMonthStartMs = Date.UTC(lastInstant.getUTCFullYear(), lastInstant.getUTCMonth() + 1, 1);
    const observedCostUsd = hourly
      .filter((hour) => hour.startMs >= monthStartMs)
      .reduce((sum, hour) => sum + hour.costUsd, 0);
    const firstObservedMs = Math.max(monthStartMs, window.start.getTime());
    const estimatedRestUsd =
      costAlongLine(line, monthStartMs, firstObservedMs) + costAlongLine(line, endMs, nextMonthStartMs);
    monthEnd = {
      month: new Date(monthStartMs).toISOString().slice(0, 7),
      observedCostUsd,
      estimatedRestUsd,
      totalUsd: observedCostUsd + estimatedRestUsd,
    };
  }
  return {
    linearMonthlyCostUsd: linearMonthlyCost(totalCostUsd, windowHours),
    trendMonthlyCostUsd: line ? costAlongLine(line, endMs, endMs + HOURS_PER_MONTH * HOUR_MS) : null,
    trendSlopeUsdPerDay: line ? line.slope : null,
    trendDays: line ? days.length : 0,
    monthEnd,
    notes,
  };
}
