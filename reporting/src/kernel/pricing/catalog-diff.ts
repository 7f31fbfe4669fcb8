/** What changed between two catalogs (shared kernel: pure): models added and removed, rates changed. */
import type { CatalogModel, PriceCatalog, TokenRates } from "./catalog";

export interface CatalogChange {
  kind: "added" | "removed" | "changed";
  baseModelId: string;
  /** For a changed rate: which (`regional.input`, `global.cacheRead`, `longContext.regional.output`). */
  rate?: string;
  before?: number | null;
  after?: number | null;
}

const KINDS = ["input", "output", "cacheWrite", "cacheRead"] as const;

function rateCells(prefix: string, rates: TokenRates | null): Array<[string, number | null]> {
  return KINDS.map((kind) => [`${prefix}.${kind}`, rates ? rates[kind] : null]);
}

function cells(model: CatalogModel): Map<string, number | null> {
  return new Map([
    ...rateCells("regional", model.regional),
    ...rateCells("global", model.global),
    ...rateCells("longContext.regional", model.longContext?.regional ?? null),
    ...rateCells("longContext.global", model.longContext?.global ?? null),
  ]);
}

export function diffCatalogs(before: PriceCatalog, after: PriceCatalog): CatalogChange[] {
  const old = new Map(before.models.map((model) => [model.baseModelId, model]));
  const changes: CatalogChange[] = [];
  for (const model of after.models) {
    const previous = old.get(model.baseModelId);
    old.delete(model.baseModelId);
    if (!previous) {
      changes.push({ kind: "added", baseModelId: model.baseModelId });
      continue;
    }
    const was = cells(previous);
    for (const [rate, value] of cells(model)) {
      if (was.get(rate) !== value)
        changes.push({ kind: "changed", baseModelId: model.baseModelId, rate, before: was.get(rate), after: value });
    }
  }
  for (const baseModelId of old.keys()) changes.push({ kind: "removed", baseModelId });
  return changes;
}

export function describeChange(change: CatalogChange): string {
  if (change.kind !== "changed") return `${change.kind}: ${change.baseModelId}`;
  const show = (value: number | null | undefined) => (value === null || value === undefined ? "none" : String(value));
  return `changed: ${change.baseModelId} ${change.rate} ${show(change.before)} -> ${show(change.after)}`;
}
