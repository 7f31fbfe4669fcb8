/**
 * Catalog files (shared kernel: pure, it takes the text): what
 * `pricing --refresh` writes, read back by the report, the pricing command
 * and the infra program, and the choice of the newest catalog among them
 * and the built-in one.
 */
import { UsageError } from "../errors";
import { NOT_A_DATE, parseIsoDate } from "../time";
import { MODEL_FAMILIES, PRICE_CATALOG, type CatalogModel, type PriceCatalog, type TokenRates } from "./catalog";

/** A catalog and where it came from: `built-in`, or the file's path. */
export interface CatalogInUse {
  catalog: PriceCatalog;
  label: string;
}

export const BUILT_IN_CATALOG: CatalogInUse = { catalog: PRICE_CATALOG, label: "built-in" };

class CatalogFileError extends Error {}

type JsonObject = Record<string, unknown>;

function object(value: unknown, where: string): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new CatalogFileError(`${where} must be an object`);
  return value as JsonObject;
}

function rate(value: unknown, where: string, optional: boolean): number | null {
  if (optional && (value === null || value === undefined)) return null;
  if (typeof value !== "number" || !(value >= 0 && value < 1_000_000))
    throw new CatalogFileError(`${where} must be a non-negative number (USD per 1M tokens)`);
  return value;
}

function rates(value: unknown, where: string, nullable: boolean): TokenRates | null {
  if (nullable && value === null) return null;
  const rates = object(value, where);
  return {
    input: rate(rates.input, `${where}.input`, false) as number,
    output: rate(rates.output, `${where}.output`, false) as number,
    cacheWrite: rate(rates.cacheWrite, `${where}.cacheWrite`, true),
    cacheRead: rate(rates.cacheRead, `${where}.cacheRead`, true),
  };
}

function text(value: unknown, where: string): string {
  if (typeof value !== "string" || value === "") throw new CatalogFileError(`${where} must be a non-empty string`);
  return value;
}

function model(value: unknown, index: number): CatalogModel {
  const where = `models[${index}]`;
  const entry = object(value, where);
  const family = entry.family as CatalogModel["family"];
  if (!MODEL_FAMILIES.includes(family))
    throw new CatalogFileError(`${where}.family must be one of ${MODEL_FAMILIES.join(", ")}`);
  if (typeof entry.confirmed !== "boolean") throw new CatalogFileError(`${where}.confirmed must be true or false`);
  let longContext: CatalogModel["longContext"] = null;
  if (entry.longContext !== null && entry.longContext !== undefined) {
    const long = object(entry.longContext, `${where}.longContext`);
    const threshold = long.thresholdTokens;
    if (typeof threshold !== "number" || !Number.isSafeInteger(threshold) || threshold <= 0)
      throw new CatalogFileError(`${where}.longContext.thresholdTokens must be a positive whole number`);
    longContext = {
      thresholdTokens: threshold,
      regional: rates(long.regional, `${where}.longContext.regional`, false) as TokenRates,
      global: rates(long.global ?? null, `${where}.longContext.global`, true),
    };
  }
  // The record-keeping fields (1-hour writes, batch, sources) pass through as written: nothing prices with them.
  const { cacheWrite1h, batch, rateSources } = entry as Partial<CatalogModel>;
  return {
    baseModelId: text(entry.baseModelId, `${where}.baseModelId`),
    name: text(entry.name, `${where}.name`),
    family,
    global: rates(entry.global ?? null, `${where}.global`, true),
    regional: rates(entry.regional, `${where}.regional`, false) as TokenRates,
    longContext,
    confirmed: entry.confirmed,
    ...(typeof entry.note === "string" ? { note: entry.note } : {}),
    ...(cacheWrite1h ? { cacheWrite1h } : {}),
    ...(batch ? { batch } : {}),
    ...(rateSources ? { rateSources } : {}),
  };
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== "string"))
    throw new CatalogFileError(`${where} must be a list of strings`);
  return value as string[];
}

/** Parses a catalog file; any problem becomes one UsageError line naming the file and the field. */
export function parseCatalogFile(text: string, label: string): PriceCatalog {
  try {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new CatalogFileError(`not valid JSON (${(error as Error).message})`);
    }
    const top = object(document, "the top level");
    const asOf = typeof top.asOf === "string" ? parseIsoDate(top.asOf) : NOT_A_DATE;
    if (!asOf.ok) throw new CatalogFileError(`asOf ${JSON.stringify(top.asOf)}: ${asOf.problem}`);
    if (top.currency !== "USD" || top.unit !== "per 1M tokens")
      throw new CatalogFileError(`currency and unit must be "USD" and "per 1M tokens"`);
    if (!Array.isArray(top.models) || top.models.length === 0)
      throw new CatalogFileError("models must be a non-empty list");
    return {
      asOf: top.asOf as string,
      currency: "USD",
      unit: "per 1M tokens",
      sources: strings(top.sources, "sources"),
      assumptions: strings(top.assumptions ?? [], "assumptions"),
      models: top.models.map(model),
      ...(Array.isArray(top.unconfirmedModels)
        ? { unconfirmedModels: top.unconfirmedModels as PriceCatalog["unconfirmedModels"] }
        : {}),
    };
  } catch (error) {
    if (error instanceof CatalogFileError)
      throw new UsageError(
        `--catalog ${label}: ${error.message}; a catalog file is what \`pricing --refresh\` writes`,
        { cause: error },
      );
    throw error;
  }
}

/** The newest catalog by asOf; a file wins a tie with the built-in one, and a later file one with an earlier file. */
export function newestCatalog(given: CatalogInUse[], builtIn: CatalogInUse = BUILT_IN_CATALOG): CatalogInUse {
  return given.reduce(
    (newest, candidate) => (candidate.catalog.asOf >= newest.catalog.asOf ? candidate : newest),
    builtIn,
  );
}
