/**
 * Cost attribution beyond the caller: usage grouped by any list of
 * dimensions (`--group-by metadata:team --group-by model`). A dimension is
 * the model, its family, the caller, the application inference profile's
 * name or one of its tags, or one key of the record's `requestMetadata`.
 * Requests without a value for a dimension fall under `(none)`.
 */
import { canonicalModelId, isApplicationProfileArn } from "../kernel/pricing/model-ids";
import { costOf, ratesForContext, type PriceQuote } from "../kernel/pricing/rules";
import type { Breakdown } from "./summary";
import type { UsageCounts, UsageRow } from "./usage";
import { addCounts, emptyCounts, getOrCreate } from "./usage-rows";

export const CLASSIC_GROUPS = ["model", "family", "caller"] as const;
export type GroupKey = (typeof CLASSIC_GROUPS)[number] | "profile" | `tag:${string}` | `metadata:${string}`;

/** The value of a dimension a request does not have. */
export const NO_VALUE = "(none)";

/** What GetInferenceProfile (or a saved response of it) says about one application inference profile. */
export interface ApplicationProfile {
  arn: string;
  name: string;
  /** The model or system profile ID it routes to, as priced (`us.anthropic.claude-...`). */
  modelId: string;
  /** Its tags (cost-allocation tags among them), by key. */
  tags: Record<string, string>;
}

export interface GroupEntry extends Breakdown {
  /** The group's value for each dimension, by dimension (`"metadata:team": "search"`). */
  values: Record<string, string>;
}

interface GroupTotals extends UsageCounts {
  values: Record<string, string>;
  costUsd: number;
  unpricedInvocations: number;
}

function valueOf(
  key: GroupKey,
  row: UsageRow,
  quote: PriceQuote,
  profiles: ReadonlyMap<string, ApplicationProfile>,
): string {
  if (key === "model") return canonicalModelId(row.modelId);
  if (key === "family") return quote.family;
  if (key === "caller") return row.caller ?? NO_VALUE;
  const profile = profiles.get(row.modelId);
  if (key === "profile") return profile?.name ?? (isApplicationProfileArn(row.modelId) ? row.modelId : NO_VALUE);
  if (key.startsWith("tag:")) return profile?.tags[key.slice("tag:".length)] ?? NO_VALUE;
  return row.metadata?.[key.slice("metadata:".length)] ?? NO_VALUE;
}

/** Usage and cost per combination of the dimensions' values, dearest first. */
export function groupUsage(
  rows: UsageRow[],
  keys: readonly GroupKey[],
  quoteOf: (modelId: string) => PriceQuote,
  profiles: ReadonlyMap<string, ApplicationProfile>,
): GroupEntry[] {
  const groups = new Map<string, GroupTotals>();
  for (const row of rows) {
    const quote = quoteOf(canonicalModelId(row.modelId));
    const values: Record<string, string> = {};
    for (const key of keys) values[key] = valueOf(key, row, quote, profiles);
    const group = getOrCreate(groups, JSON.stringify(keys.map((key) => values[key])), () => ({
      values,
      ...emptyCounts(),
      costUsd: 0,
      unpricedInvocations: 0,
    }));
    addCounts(group, row);
    const costUsd = quote.priced ? costOf(row, ratesForContext(quote, row.context)) : null;
    if (costUsd === null) group.unpricedInvocations += row.invocations;
    else group.costUsd += costUsd;
  }
  const entries = [...groups.entries()].map(([text, group]) => ({
    ...group,
    text,
    errorRate: group.invocations === 0 ? null : group.errors / group.invocations,
  }));
  entries.sort(
    (a, b) =>
      b.costUsd - a.costUsd || b.invocations - a.invocations || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0),
  );
  return entries.map(({ text: _text, ...entry }) => entry);
}
