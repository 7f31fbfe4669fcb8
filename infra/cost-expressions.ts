/**
 * CloudWatch metric math that turns Bedrock's per-model token metrics into an
 * estimated cost in dollars, from the same price catalog the report uses.
 * Pure functions of plain data: no Pulumi here.
 */
import type { ModelFamily, PriceCatalog, TokenRates } from "../reporting/src/pricing/catalog";
import { GEO_PROFILE_PREFIXES } from "../reporting/src/pricing";

export const FAMILIES: readonly ModelFamily[] = ["Opus", "Sonnet", "Haiku", "Other"];

type TokenKind = keyof TokenRates;

/**
 * Metric names per token kind. AWS documents the cache metrics as
 * `Cache...InputTokens`, while some accounts see `...TokenCount`: matching
 * either keeps the estimate working whichever name Bedrock publishes.
 */
export const TOKEN_METRICS: Record<TokenKind, readonly string[]> = {
  input: ["InputTokenCount"],
  output: ["OutputTokenCount"],
  cacheWrite: ["CacheWriteInputTokens", "CacheWriteInputTokenCount"],
  cacheRead: ["CacheReadInputTokens", "CacheReadInputTokenCount"],
};

/** SEARCH queries are limited to 1,024 characters; stay below with room for the schema and metric terms. */
const MAX_SEARCH_QUERY_CHARS = 1000;

/** One priced slice of the token metrics: these model IDs, this token kind, this rate. */
export interface CostTerm {
  family: ModelFamily;
  tokenKind: TokenKind;
  /** USD per 1M tokens. */
  ratePerMillion: number;
  modelIds: string[];
  /** A metric math expression returning the slice's cost in USD per period, one series per model ID in use. */
  expression: string;
}

/** Every model ID a catalog entry can be logged under, with the rates that apply to it. */
function routesOf(model: PriceCatalog["models"][number]): { modelIds: string[]; rates: TokenRates }[] {
  const regionalIds = [model.baseModelId, ...GEO_PROFILE_PREFIXES.map((prefix) => `${prefix}.${model.baseModelId}`)];
  const routes = [{ modelIds: regionalIds, rates: model.regional }];
  if (model.global !== null) routes.push({ modelIds: [`global.${model.baseModelId}`], rates: model.global });
  return routes;
}

function searchQuery(tokenKind: TokenKind, modelIds: string[]): string {
  const metrics = TOKEN_METRICS[tokenKind].map((name) => `MetricName="${name}"`).join(" OR ");
  const models = modelIds.map((id) => `ModelId="${id}"`).join(" OR ");
  return `{AWS/Bedrock,ModelId} (${metrics}) (${models})`;
}

/** Splits model IDs into runs whose SEARCH query stays within CloudWatch's length limit. */
function chunkForSearch(tokenKind: TokenKind, modelIds: string[]): string[][] {
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const id of modelIds) {
    if (current.length > 0 && searchQuery(tokenKind, [...current, id]).length > MAX_SEARCH_QUERY_CHARS) {
      chunks.push(current);
      current = [];
    }
    current.push(id);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/**
 * The priced slices of the catalog, grouped by family, token kind and rate so
 * that models sharing a rate share one SEARCH. Unconfirmed prices are left
 * out (the report flags them; a dashboard cannot), and so are rates the model
 * does not have (no prompt caching).
 */
export function costTerms(catalog: PriceCatalog, periodSeconds: number): CostTerm[] {
  const groups = new Map<string, { family: ModelFamily; tokenKind: TokenKind; ratePerMillion: number; modelIds: string[] }>();
  for (const model of catalog.models.filter((m) => m.confirmed)) {
    for (const route of routesOf(model)) {
      for (const tokenKind of Object.keys(TOKEN_METRICS) as TokenKind[]) {
        const rate = route.rates[tokenKind];
        if (rate === null) continue;
        const key = `${model.family}|${tokenKind}|${rate}`;
        const group = groups.get(key) ?? { family: model.family, tokenKind, ratePerMillion: rate, modelIds: [] };
        group.modelIds.push(...route.modelIds);
        groups.set(key, group);
      }
    }
  }
  return [...groups.values()].flatMap((group) =>
    chunkForSearch(group.tokenKind, group.modelIds).map((modelIds) => ({
      ...group,
      modelIds,
      expression: `SEARCH('${searchQuery(group.tokenKind, modelIds)}', 'Sum', ${periodSeconds}) * ${group.ratePerMillion} / 1000000`,
    })),
  );
}

export interface FamilyCostQueries {
  /** The priced slices, referenced by id from the family sums. */
  slices: { id: string; expression: string }[];
  /** One expression per family with priced models: the sum of its slices, USD per period. */
  families: { id: string; family: ModelFamily; expression: string }[];
}

/**
 * Cost per family as metric math: each family's line is `SUM([...])` over its
 * slices, so a slice whose models are not in use adds nothing instead of
 * blanking the whole line.
 */
export function familyCostQueries(catalog: PriceCatalog, periodSeconds: number): FamilyCostQueries {
  const terms = costTerms(catalog, periodSeconds);
  const slices = terms.map((term, index) => ({ id: `c${index}`, expression: term.expression }));
  const families = FAMILIES.flatMap((family) => {
    const ids = terms.flatMap((term, index) => (term.family === family ? [`c${index}`] : []));
    return ids.length === 0 ? [] : [{ id: `family${family}`, family, expression: `SUM([${ids.join(", ")}])` }];
  });
  return { slices, families };
}
