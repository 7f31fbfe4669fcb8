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
    // Rows of other metadata values are told apart by the caller level of the maps, with the values in its key.
    const caller = metadata === undefined ? facts.caller : `${facts.caller}\u0000${JSON.stringify(metadata)}`;
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
    const caller =
      source.metadata === undefined ? source.caller : `${source.caller}\u0000${JSON.stringify(source.metadata)}`;
    const slots = this.slotsOf(source.modelId, caller);
    const slot = slotOf(source.hourStartMs, source.context);
    const row = slots.get(slot);
    if (row === undefined) this.keep(slots, slot, { ...source });
    else addCounts(row, source);
  }

  rows(): UsageRow[] {
    return [...this.inOrder];
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
