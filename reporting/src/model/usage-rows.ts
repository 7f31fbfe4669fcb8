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

/** A context class as a number, to make one map key with the hour. */
const CONTEXT_SLOT: Record<UsageRow["context"], number> = { standard: 0, long: 1, unknown: 2 };
/** CONTEXT_SLOT's numbers back to classes. */
const CONTEXTS: readonly UsageRow["context"][] = ["standard", "long", "unknown"];

/**
 * Numbers a row takes in RowColumns.counts: invocations, errors, input, output,
 * cache read and cache write tokens, guardrail interventions, cache-write invocations.
 */
const COUNTS_PER_ROW = 8;
/** A caller or metadata index for a row without one. */
const NONE = -1;

/** The caller level of the builder's maps: rows of other metadata values are told apart there, the values in its key. */
function callerKey(caller: string | null, metadataJson: string | undefined): string | null {
  return metadataJson === undefined ? caller : `${caller}\u0000${metadataJson}`;
}

/**
 * UsageRows as a few typed arrays and one list of texts, so a worker thread's
 * rows cross to the main thread as moved buffers: posted as objects, the
 * ~15,000 rows a worker holds at the end of the benchmark archive took
 * ~40 ms more to copy and rebuild, on the one thread left running once the
 * read is done (measured).
 */
export interface RowColumns {
  hourStartMs: Float64Array;
  /** Indexes into `texts`. */
  modelIds: Uint32Array;
  /** Indexes into `texts`; -1 for a row not grouped by caller (null). */
  callers: Int32Array;
  /** Indexes into `texts` of the row's metadata as JSON; -1 for a row without (undefined). */
  metadata: Int32Array;
  /** CONTEXT_SLOT numbers. */
  contexts: Uint8Array;
  /** COUNTS_PER_ROW numbers a row; NaN for guardrail interventions or cache-write invocations not counted (undefined). */
  counts: Float64Array;
  texts: string[];
}

/** The buffers of RowColumns, to move rather than copy them to another thread. */
export function columnBuffers(columns: RowColumns): ArrayBuffer[] {
  const { hourStartMs, modelIds, callers, metadata, contexts, counts } = columns;
  return [hourStartMs, modelIds, callers, metadata, contexts, counts].map((column) => column.buffer as ArrayBuffer);
}

/**
 * Turns single requests into UsageRows, classing each request as standard or
 * long context, and merges rows made elsewhere. Rows come out in the order
 * they were first seen. Called once per record, so it looks rows up through
 * nested maps (model, caller, then hour and class as one number) instead of
 * building a key string per request: that string was most of the cost of a
 * large report.
 */
export class UsageRowBuilder {
  private readonly byModel = new Map<string, Map<string | null, Map<number, UsageRow>>>();
  private readonly inOrder: UsageRow[] = [];

  /** `metadataKeys`: the `requestMetadata` keys rows are split by (none: one row whatever the metadata). */
  constructor(private readonly metadataKeys: readonly string[] = []) {}

  add(facts: InvocationFacts): void {
    const { modelId } = facts;
    const metadata =
      this.metadataKeys.length === 0 ? undefined : pickMetadata(facts.requestMetadata, this.metadataKeys);
    const caller = callerKey(facts.caller, metadata && JSON.stringify(metadata));
    const context = isLongContextRequest(facts) ? "long" : "standard";
    const hourStartMs = floorTo(facts.timestampMs, HOUR_MS);
    const slots = this.slotsOf(modelId, caller);
    const slot = slotOf(hourStartMs, context);
    let row = slots.get(slot);
    row ??= this.keep(slots, slot, {
      hourStartMs,
      modelId,
      caller: facts.caller,
      context,
      ...(metadata && { metadata }),
      ...emptyCounts(),
    });
    row.invocations += 1;
    row.errors += facts.errorCode === null ? 0 : 1;
    row.inputTokens += facts.inputTokens;
    row.outputTokens += facts.outputTokens;
    row.cacheReadInputTokens += facts.cacheReadInputTokens;
    row.cacheWriteInputTokens += facts.cacheWriteInputTokens;
    if (facts.cacheWriteInputTokens > 0) row.cacheWriteInvocations = (row.cacheWriteInvocations ?? 0) + 1;
    if (facts.guardrailIntervened) row.guardrailInterventions = (row.guardrailInterventions ?? 0) + 1;
  }

  /** Adds a row's counts to the row of the same hour, model, caller and context; a first one is kept as a copy. */
  addRow(source: UsageRow): void {
    const caller = callerKey(source.caller, source.metadata && JSON.stringify(source.metadata));
    const slots = this.slotsOf(source.modelId, caller);
    const slot = slotOf(source.hourStartMs, source.context);
    const row = slots.get(slot);
    if (row === undefined) this.keep(slots, slot, { ...source });
    else addCounts(row, source);
  }

  /** Adds every row of `columns` as addRow would, without making an object of those already here. */
  addColumns(columns: RowColumns): void {
    const { hourStartMs, modelIds, callers, metadata, contexts, counts, texts } = columns;
    for (let index = 0; index < hourStartMs.length; index += 1) {
      const modelId = texts[modelIds[index]];
      const caller = callers[index] === NONE ? null : texts[callers[index]];
      const metadataJson = metadata[index] === NONE ? undefined : texts[metadata[index]];
      const context = CONTEXTS[contexts[index]];
      const slots = this.slotsOf(modelId, callerKey(caller, metadataJson));
      const slot = slotOf(hourStartMs[index], context);
      const at = index * COUNTS_PER_ROW;
      const guardrails = counts[at + 6];
      const cacheWrites = counts[at + 7];
      let row = slots.get(slot);
      if (row === undefined) {
        // Shaped as add() makes rows, so the code after the read sees one kind of row object.
        row = this.keep(slots, slot, {
          hourStartMs: hourStartMs[index],
          modelId,
          caller,
          context,
          ...(metadataJson !== undefined && { metadata: JSON.parse(metadataJson) as Record<string, string> }),
          ...emptyCounts(),
        });
        // As addRow's copy: a row that cannot count interventions (or cache writes) has no such field.
        if (Number.isNaN(guardrails)) delete row.guardrailInterventions;
        if (Number.isNaN(cacheWrites)) delete row.cacheWriteInvocations;
      }
      row.invocations += counts[at];
      row.errors += counts[at + 1];
      row.inputTokens += counts[at + 2];
      row.outputTokens += counts[at + 3];
      row.cacheReadInputTokens += counts[at + 4];
      row.cacheWriteInputTokens += counts[at + 5];
      // As addCounts: unknown stays unknown, and makes the sum unknown.
      if (row.guardrailInterventions !== undefined)
        row.guardrailInterventions = Number.isNaN(guardrails) ? undefined : row.guardrailInterventions + guardrails;
      if (row.cacheWriteInvocations !== undefined)
        row.cacheWriteInvocations = Number.isNaN(cacheWrites) ? undefined : row.cacheWriteInvocations + cacheWrites;
    }
  }

  rows(): UsageRow[] {
    return [...this.inOrder];
  }

  /** The rows as RowColumns. */
  columns(): RowColumns {
    const rows = this.inOrder;
    const textIndexes = new Map<string, number>();
    const indexOf = (text: string) => getOrCreate(textIndexes, text, () => textIndexes.size);
    const columns: RowColumns = {
      hourStartMs: new Float64Array(rows.length),
      modelIds: new Uint32Array(rows.length),
      callers: new Int32Array(rows.length),
      metadata: new Int32Array(rows.length),
      contexts: new Uint8Array(rows.length),
      counts: new Float64Array(rows.length * COUNTS_PER_ROW),
      texts: [],
    };
    const { counts } = columns;
    rows.forEach((row, index) => {
      columns.hourStartMs[index] = row.hourStartMs;
      columns.modelIds[index] = indexOf(row.modelId);
      columns.callers[index] = row.caller === null ? NONE : indexOf(row.caller);
      columns.metadata[index] = row.metadata === undefined ? NONE : indexOf(JSON.stringify(row.metadata));
      columns.contexts[index] = CONTEXT_SLOT[row.context];
      const at = index * COUNTS_PER_ROW;
      counts[at] = row.invocations;
      counts[at + 1] = row.errors;
      counts[at + 2] = row.inputTokens;
      counts[at + 3] = row.outputTokens;
      counts[at + 4] = row.cacheReadInputTokens;
      counts[at + 5] = row.cacheWriteInputTokens;
      counts[at + 6] = row.guardrailInterventions ?? NaN;
      counts[at + 7] = row.cacheWriteInvocations ?? NaN;
    });
    columns.texts = [...textIndexes.keys()];
    return columns;
  }

  private slotsOf(modelId: string, caller: string | null): Map<number, UsageRow> {
    const byCaller = getOrCreate(this.byModel, modelId, () => new Map<string | null, Map<number, UsageRow>>());
    return getOrCreate(byCaller, caller, () => new Map<number, UsageRow>());
  }

  private keep(slots: Map<number, UsageRow>, slot: number, row: UsageRow): UsageRow {
    slots.set(slot, row);
    this.inOrder.push(row);
    return row;
  }
}

/** The values of `keys` the request carries, in the order of `keys` (so equal values make equal JSON). */
function pickMetadata(metadata: Record<string, string> | null, keys: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  if (metadata === null) return picked;
  for (const key of keys) if (Object.hasOwn(metadata, key)) picked[key] = metadata[key];
  return picked;
}

function slotOf(hourStartMs: number, context: UsageRow["context"]): number {
  return hourStartMs * 3 + CONTEXT_SLOT[context];
}
