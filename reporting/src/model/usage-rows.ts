/**
 * Building UsageRows: from single requests (the log readers) or from rows
 * others built (a worker thread's share, Logs Insights' result rows), merged
 * by hour, model, caller and context class. One builder does both, so rows
 * merge the same way whatever the source.
 */
import { isLongContextRequest } from "../kernel/pricing/rules";
import { floorTo, HOUR_MS } from "../kernel/time";
import type { InvocationFacts } from "../reading/records";
import type { UsageCounts, UsageRow } from "./usage";
import { compareRows, CONTEXTS, rowOrder, type SeriesKey } from "./row-order";

export function emptyCounts(): UsageCounts {
  return {
    invocations: 0,
    errors: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    guardrailInterventions: 0,
    cacheWriteInvocations: 0,
  };
}

export function addCounts(target: UsageCounts, source: UsageCounts): void {
  target.invocations += source.invocations;
  target.errors += source.errors;
  target.inputTokens += source.inputTokens;
  target.outputTokens += source.outputTokens;
  target.cacheReadInputTokens += source.cacheReadInputTokens;
  target.cacheWriteInputTokens += source.cacheWriteInputTokens;
  if (target.cacheWriteInvocations !== undefined) {
    const writes = source.cacheWriteInvocations;
    target.cacheWriteInvocations = writes === undefined ? undefined : target.cacheWriteInvocations + writes;
  }
  // Unknown stays unknown: a sum over rows of which some could not count interventions is no count.
  if (target.guardrailInterventions === undefined) return;
  const guardrails = source.guardrailInterventions;
  target.guardrailInterventions = guardrails === undefined ? undefined : target.guardrailInterventions + guardrails;
}

export function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/** A context class as a number (its index in CONTEXTS), to make one map key with the hour. */
const CONTEXT_SLOT: Record<UsageRow["context"], number> = { standard: 0, long: 1, unknown: 2 };

/**
 * Numbers a row takes in RowColumns.counts: invocations, errors, input, output,
 * cache read and cache write tokens, guardrail interventions, cache-write
 * invocations. NaN stands for a count the source could not make (undefined):
 * a sum with NaN is NaN, which is how an unknown count keeps a sum unknown.
 */
const COUNTS_PER_ROW = 8;
const GUARDRAILS = 6;
const CACHE_WRITES = 7;

/** Rows before a builder's columns first grow. */
const FIRST_CAPACITY = 64;

/** The caller level of the builder's maps: rows of other metadata values are told apart there, the values in its key. */
function callerKey(caller: string | null, metadataJson: string | undefined): string | null {
  return metadataJson === undefined ? caller : `${caller}\u0000${metadataJson}`;
}

/** The rows of one model, caller and set of metadata values, by hour and context class. */
interface Series extends SeriesKey {
  index: number;
  /** The metadata values as the first row of the series had them (undefined without). */
  values: Record<string, string> | undefined;
  /** Row indexes by slotOf key. */
  rows: Map<number | string, number>;
}

/**
 * UsageRows as a few typed arrays and a list of series, so a worker thread's
 * rows cross to the main thread as moved buffers: posted as objects, the
 * ~15,000 rows a worker holds at the end of the benchmark archive took
 * ~40 ms more to copy and rebuild, on the one thread left running once the
 * read is done (measured).
 */
export interface RowColumns {
  /** Model, caller and metadata of the rows, each combination once. */
  series: SeriesKey[];
  /** Per row: indexes into `series`. */
  seriesIndexes: Uint32Array;
  hourStartMs: Float64Array;
  /** CONTEXT_SLOT numbers. */
  contexts: Uint8Array;
  /** COUNTS_PER_ROW numbers a row. */
  counts: Float64Array;
}

/** The buffers of RowColumns, to move rather than copy them to another thread. */
export function columnBuffers(columns: RowColumns): ArrayBuffer[] {
  const { seriesIndexes, hourStartMs, contexts, counts } = columns;
  return [seriesIndexes, hourStartMs, contexts, counts].map((column) => column.buffer as ArrayBuffer);
}

/** A typed array of `length` holding `from`'s elements first. */
function grown<T extends Float64Array | Uint32Array | Uint8Array>(from: T, length: number): T {
  const to = new (from.constructor as new (length: number) => T)(length);
  to.set(from);
  return to;
}

/**
 * Turns single requests into UsageRows, classing each request as standard or
 * long context, and merges rows made elsewhere. Rows are held as columns of
 * numbers (RowColumns) and become objects only when asked for: the main
 * thread merges a worker's rows into its own without making an object of
 * either, and makes each row once, in report order (sortedRows). Called once
 * per record, so it finds a row through nested maps (model, caller, then hour
 * and class as one number) instead of building a key string per request:
 * that string was most of the cost of a large report.
 */
export class UsageRowBuilder {
  private readonly byModel = new Map<string, Map<string | null, Series>>();
  private readonly series: Series[] = [];
  private size = 0;
  private seriesIndexes = new Uint32Array(FIRST_CAPACITY);
  private hourStartMs = new Float64Array(FIRST_CAPACITY);
  private contexts = new Uint8Array(FIRST_CAPACITY);
  private counts = new Float64Array(FIRST_CAPACITY * COUNTS_PER_ROW);

  /** `metadataKeys`: the `requestMetadata` keys rows are split by (none: one row whatever the metadata). */
  constructor(private readonly metadataKeys: readonly string[] = []) {}

  add(facts: InvocationFacts): void {
    const values = this.metadataKeys.length === 0 ? undefined : pickMetadata(facts.requestMetadata, this.metadataKeys);
    const series = this.seriesOf(facts.modelId, facts.caller, values && JSON.stringify(values), values);
    const context = isLongContextRequest(facts) ? CONTEXT_SLOT.long : CONTEXT_SLOT.standard;
    const at = this.rowOf(series, floorTo(facts.timestampMs, HOUR_MS), context) * COUNTS_PER_ROW;
    const counts = this.counts;
    counts[at] += 1;
    if (facts.errorCode !== null) counts[at + 1] += 1;
    counts[at + 2] += facts.inputTokens;
    counts[at + 3] += facts.outputTokens;
    counts[at + 4] += facts.cacheReadInputTokens;
    counts[at + 5] += facts.cacheWriteInputTokens;
    if (facts.guardrailIntervened) counts[at + GUARDRAILS] += 1;
    if (facts.cacheWriteInputTokens > 0) counts[at + CACHE_WRITES] += 1;
  }

  /** Adds a row's counts to the row of the same hour, model, caller and context (as addCounts), or starts that row. */
  addRow(source: UsageRow): void {
    const { metadata } = source;
    const series = this.seriesOf(source.modelId, source.caller, metadata && JSON.stringify(metadata), metadata);
    const at = this.rowOf(series, source.hourStartMs, CONTEXT_SLOT[source.context]) * COUNTS_PER_ROW;
    const counts = this.counts;
    counts[at] += source.invocations;
    counts[at + 1] += source.errors;
    counts[at + 2] += source.inputTokens;
    counts[at + 3] += source.outputTokens;
    counts[at + 4] += source.cacheReadInputTokens;
    counts[at + 5] += source.cacheWriteInputTokens;
    counts[at + GUARDRAILS] += source.guardrailInterventions ?? NaN;
    counts[at + CACHE_WRITES] += source.cacheWriteInvocations ?? NaN;
  }

  /**
   * Adds every row of `columns` as addRow would, without making objects:
   * each series is looked up once, then each row by its hour and class.
   */
  addColumns(columns: RowColumns): void {
    const { seriesIndexes } = columns;
    const series = columns.series.map(({ modelId, caller, metadata }) =>
      this.seriesOf(modelId, caller, metadata ?? undefined, undefined),
    );
    for (let index = 0; index < seriesIndexes.length; index += 1) this.mergeRow(series, columns, index);
  }

  /** The rows in the order they were first seen. */
  rows(): UsageRow[] {
    const rows: UsageRow[] = [];
    for (let index = 0; index < this.size; index += 1) rows.push(this.rowAt(index));
    return rows;
  }

  /** The rows in compareRows order, each row object made once. */
  sortedRows(): UsageRow[] {
    const order = rowOrder(this.series, this.seriesIndexes, this.hourStartMs, this.contexts, this.size);
    if (order === null) return this.rows().sort(compareRows);
    const rows: UsageRow[] = [];
    for (let at = 0; at < order.length; at += 1) rows.push(this.rowAt(order[at]));
    return rows;
  }

  /** The rows as RowColumns, copied out of the builder's own. */
  columns(): RowColumns {
    const { size } = this;
    return {
      series: this.series.map(({ modelId, caller, metadata }) => ({ modelId, caller, metadata })),
      seriesIndexes: this.seriesIndexes.slice(0, size),
      hourStartMs: this.hourStartMs.slice(0, size),
      contexts: this.contexts.slice(0, size),
      counts: this.counts.slice(0, size * COUNTS_PER_ROW),
    };
  }

  /**
   * addColumns for row `index` of `columns`: a method of its own rather than
   * a loop body, so that V8 optimizes it within the first rows; a loop in a
   * function called once runs mostly unoptimized, boxing every number it reads.
   */
  private mergeRow(series: Series[], columns: RowColumns, index: number): void {
    const { hourStartMs, contexts } = columns;
    const at = this.rowOf(series[columns.seriesIndexes[index]], hourStartMs[index], contexts[index]) * COUNTS_PER_ROW;
    // Read after rowOf, which may have grown the columns.
    const counts = this.counts;
    const from = columns.counts;
    const source = index * COUNTS_PER_ROW;
    for (let count = 0; count < COUNTS_PER_ROW; count += 1) counts[at + count] += from[source + count];
  }

  /**
   * The row at `index` as an object; a count that is unknown (NaN) is left
   * out, as the sources leave it out. Every field is in the one literal when
   * both counts are known (every row the log readers make), none added later.
   */
  private rowAt(index: number): UsageRow {
    const series = this.series[this.seriesIndexes[index]];
    const { counts } = this;
    const at = index * COUNTS_PER_ROW;
    const row: UsageRow = {
      hourStartMs: this.hourStartMs[index],
      modelId: series.modelId,
      caller: series.caller,
      context: CONTEXTS[this.contexts[index]],
      invocations: small(counts[at]),
      errors: small(counts[at + 1]),
      inputTokens: small(counts[at + 2]),
      outputTokens: small(counts[at + 3]),
      cacheReadInputTokens: small(counts[at + 4]),
      cacheWriteInputTokens: small(counts[at + 5]),
      guardrailInterventions: small(counts[at + GUARDRAILS]),
      cacheWriteInvocations: small(counts[at + CACHE_WRITES]),
    };
    if (series.values !== undefined) row.metadata = series.values;
    if (!Number.isNaN(row.guardrailInterventions) && !Number.isNaN(row.cacheWriteInvocations)) return row;
    const { guardrailInterventions, cacheWriteInvocations, ...known } = row;
    return {
      ...known,
      ...(!Number.isNaN(guardrailInterventions) && { guardrailInterventions }),
      ...(!Number.isNaN(cacheWriteInvocations) && { cacheWriteInvocations }),
    };
  }

  /** The series of these values, made on first sight; `values` are parsed from the JSON if not given. */
  private seriesOf(
    modelId: string,
    caller: string | null,
    metadataJson: string | undefined,
    values: Record<string, string> | undefined,
  ): Series {
    const byCaller = getOrCreate(this.byModel, modelId, () => new Map<string | null, Series>());
    const key = callerKey(caller, metadataJson);
    let series = byCaller.get(key);
    if (series === undefined) {
      series = {
        index: this.series.length,
        modelId,
        caller,
        metadata: metadataJson ?? null,
        values:
          values ?? (metadataJson === undefined ? undefined : (JSON.parse(metadataJson) as Record<string, string>)),
        rows: new Map(),
      };
      byCaller.set(key, series);
      this.series.push(series);
    }
    return series;
  }

  /** The index of the series' row of this hour and class, made (all counts 0) on first sight. */
  private rowOf(series: Series, hourStartMs: number, context: number): number {
    const slot = slotOf(hourStartMs, context);
    let index = series.rows.get(slot);
    if (index === undefined) {
      index = this.size;
      if (index === this.hourStartMs.length) this.grow();
      this.seriesIndexes[index] = series.index;
      this.hourStartMs[index] = hourStartMs;
      this.contexts[index] = context;
      series.rows.set(slot, index);
      this.size += 1;
    }
    return index;
  }

  private grow(): void {
    const capacity = this.hourStartMs.length * 2;
    this.seriesIndexes = grown(this.seriesIndexes, capacity);
    this.hourStartMs = grown(this.hourStartMs, capacity);
    this.contexts = grown(this.contexts, capacity);
    this.counts = grown(this.counts, capacity * COUNTS_PER_ROW);
  }
}

/** The values of `keys` the request carries, in the order of `keys` (so equal values make equal JSON). */
function pickMetadata(metadata: Record<string, string> | null, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  if (metadata === null) return picked;
  for (const key of keys) if (Object.hasOwn(metadata, key)) picked[key] = metadata[key];
  return picked;
}

/** The range of V8's small integers (Smis: 31 bits with pointer compression, as in Node.js). */
const SMALL_INTEGER = 2 ** 30;

/**
 * A count as V8 stores a small integer, where it is one: read from a
 * Float64Array, every number is a heap-allocated double, and a row object
 * built from those kept each count as a double of its own; ~5 MB of the
 * serial tail's ~20 MB of allocations for the benchmark archive's 20,000
 * rows, and slower sums after (measured with V8's sampling heap profiler).
 * `| 0` gives the same number as a 32-bit integer, which V8 keeps in place.
 */
function small(count: number): number {
  return Number.isInteger(count) && count < SMALL_INTEGER && count >= -SMALL_INTEGER ? count | 0 : count;
}

/** Beyond this many hours from 1970 (~30,000 years), hour * 3 + class is no longer a small integer (a V8 Smi). */
const SMALL_HOURS = 2 ** 28;

/**
 * An hour and context class as one Map key: for a whole UTC hour a small
 * integer (the hour's number, times 3, plus the class), which a Map finds
 * about twice as fast as the large double `hourStartMs * 3 + class` was
 * (measured); for any other start, a text, which no number equals.
 */
function slotOf(hourStartMs: number, context: number): number | string {
  const hour = hourStartMs / HOUR_MS;
  const whole = Number.isInteger(hour) && hour * HOUR_MS === hourStartMs && Math.abs(hour) < SMALL_HOURS;
  return whole ? hour * 3 + context : `${hourStartMs}/${context}`;
}
