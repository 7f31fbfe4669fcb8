/**
 * The one order of UsageRows: by hour, model, caller, context class and
 * metadata values, whatever thread read which file, so sums of costs come out
 * the same to the last bit.
 */
import { HOUR_MS } from "../kernel/time";
import type { ContextClass, UsageRow } from "./usage";

/** Context classes by the number RowColumns gives them. */
export const CONTEXTS: readonly ContextClass[] = ["standard", "long", "unknown"];

/** What rows of one series share: model, caller and metadata values (as JSON; null without). */
export interface SeriesKey {
  modelId: string;
  caller: string | null;
  metadata: string | null;
}

/** Rows in one order whatever thread read which file, so sums of costs come out the same to the last bit. */
export function compareRows(a: UsageRow, b: UsageRow): number {
  return (
    a.hourStartMs - b.hourStartMs ||
    compareText(a.modelId, b.modelId) ||
    compareText(a.caller ?? "", b.caller ?? "") ||
    compareText(a.context, b.context) ||
    compareText(metadataText(a), metadataText(b))
  );
}

/** A row's metadata values as one text, to order rows that differ only there. */
function metadataText(row: UsageRow): string {
  return row.metadata === undefined ? "" : JSON.stringify(row.metadata);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** compareRows for a series in one context class: all but the hour. */
function compareSeries(a: SeriesKey, aContext: ContextClass, b: SeriesKey, bContext: ContextClass): number {
  return (
    compareText(a.modelId, b.modelId) ||
    compareText(a.caller ?? "", b.caller ?? "") ||
    compareText(aContext, bContext) ||
    compareText(a.metadata ?? "", b.metadata ?? "")
  );
}

/**
 * The indexes of rows held as columns (the first `size` of each), in the
 * order compareRows puts those rows in, rows it finds equal in index order
 * (as a stable sort of the rows in index order). Comparing model IDs (long
 * shared prefixes) and callers as text, ~300,000 times for the benchmark
 * archive's 20,000 rows, was ~20 ms of the report's serial tail. Instead the
 * few series (model, caller, metadata) are ranked once in each context class
 * and the hours numbered in order (hourRanks), and each row gets one number
 * from its hour's and its series' rank, times the row count plus its index,
 * which a typed array's own numeric sort orders (no comparator call per
 * comparison). Null when that number would not fit a double exactly: then
 * sort the rows with compareRows.
 */
export function rowOrder(
  series: readonly SeriesKey[],
  seriesIndexes: Uint32Array,
  hourStartMs: Float64Array,
  contexts: Uint8Array,
  size: number,
): Float64Array | null {
  const hours = hourRanks(hourStartMs, size);

  // Each series in each context class (series index * CONTEXTS.length + class), ranked, equal ones alike.
  const pairs = Array.from({ length: series.length * CONTEXTS.length }, (_, pair) => pair);
  const seriesOf = (pair: number) => series[Math.floor(pair / CONTEXTS.length)];
  const contextOf = (pair: number) => CONTEXTS[pair % CONTEXTS.length];
  const comparePairs = (a: number, b: number) => compareSeries(seriesOf(a), contextOf(a), seriesOf(b), contextOf(b));
  pairs.sort(comparePairs);
  const pairRanks = new Uint32Array(pairs.length);
  let rank = 0;
  pairs.forEach((pair, at) => {
    if (at > 0 && comparePairs(pairs[at - 1], pair) !== 0) rank += 1;
    pairRanks[pair] = rank;
  });

  const ranked = rank + 1;
  if (hours.count * ranked * size > Number.MAX_SAFE_INTEGER) return null;
  const keys = new Float64Array(size);
  // Per row, a function of its own rather than a loop body, so that V8 optimizes it within the first rows.
  const setKey = (index: number) => {
    const pairRank = pairRanks[seriesIndexes[index] * CONTEXTS.length + contexts[index]];
    keys[index] = ((hours.ranks[index] - hours.lowest) * ranked + pairRank) * size + index;
  };
  for (let index = 0; index < size; index += 1) setKey(index);
  keys.sort();
  const toIndex = (at: number) => {
    keys[at] %= size;
  };
  for (let at = 0; at < size; at += 1) toIndex(at);
  return keys;
}

/**
 * Each row's hour as a number in the hours' order (less `lowest`), and how
 * many such numbers there can be. When every row starts a whole number of
 * hours after the first (as the log readers' rows do), its number of hours
 * from the first row's: no sort. Otherwise its place among the distinct
 * hours, sorted.
 */
function hourRanks(hourStartMs: Float64Array, size: number): { ranks: Float64Array; lowest: number; count: number } {
  const ranks = new Float64Array(size);
  const first = hourStartMs[0];
  let lowest = 0;
  let highest = 0;
  let whole = true;
  const offset = (index: number) => {
    const hour = hourStartMs[index];
    const hours = (hour - first) / HOUR_MS;
    // Exact only if it leads back to the same start: then no other start has the same number.
    if (Number.isInteger(hours) && first + hours * HOUR_MS === hour) {
      ranks[index] = hours;
      lowest = Math.min(lowest, hours);
      highest = Math.max(highest, hours);
    } else whole = false;
  };
  for (let index = 0; index < size && whole; index += 1) offset(index);
  if (whole) return { ranks, lowest, count: highest - lowest + 1 };
  const distinct = distinctSorted(hourStartMs.slice(0, size).sort());
  for (let index = 0; index < size; index += 1) ranks[index] = rankIn(distinct, hourStartMs[index]);
  return { ranks, lowest: 0, count: distinct.length };
}

/** Sorted numbers without repeats (0 and -0 count as one, as in a Set). */
function distinctSorted(sorted: Float64Array): Float64Array {
  let kept = 0;
  for (let at = 0; at < sorted.length; at += 1) {
    if (kept === 0 || sorted[at] !== sorted[kept - 1]) {
      sorted[kept] = sorted[at];
      kept += 1;
    }
  }
  return sorted.subarray(0, kept);
}

/**
 * Where `value` is among `sorted` distinct numbers, by binary search: a Map
 * from hour to rank boxed each hour looked up, ~20,000 of them.
 */
function rankIn(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
