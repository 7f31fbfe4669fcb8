/**
 * CloudWatch metric math that turns Bedrock's per-model token metrics into an
 * estimated cost in dollars, from the same price catalog the report uses.
 * Pure functions of plain data: no Pulumi here.
 */
import {
  MODEL_FAMILIES,
  type ModelFamily,
  type PriceCatalog,
  type TokenRates,
} from "../reporting/src/kernel/pricing/catalog";
import { GEO_PROFILE_PREFIXES } from "../reporting/src/kernel/pricing/model-ids";
import type { AccountScope } from "./policies";

type TokenKind = keyof TokenRates;

/**
 * Metric names per token kind. Bedrock's runtime metrics page documents the
 * cache metrics as `CacheReadInputTokens` and `CacheWriteInputTokens`
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html),
 * while AWS's blog "Effectively use prompt caching on Amazon Bedrock"
 * (https://aws.amazon.com/blogs/machine-learning/effectively-use-prompt-caching-on-amazon-bedrock/)
 * graphs `CacheReadInputTokenCount`. Both names are read, but they are never
 * added up: if Bedrock publishes the same tokens under both, a sum would
 * count them twice. See `slicePricing` for how one figure is taken.
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
  /** One SEARCH per metric name of the token kind, each returning a series per model ID in use (token counts). */
  searches: string[];
}

/**
 * The ARN a caller may send as `modelId` instead of a system inference
 * profile's ID (`us.`, `eu.`, `global.` ...). Bedrock logs the ARN as sent,
 * and its metrics page does not say the ModelId dimension normalises it, so
 * the cost expressions match this form as well, at the profile's rate.
 */
export function systemProfileArn(scope: AccountScope, profileId: string): string {
  return `arn:${scope.partition}:bedrock:${scope.region}:${scope.accountId}:inference-profile/${profileId}`;
}

/** Every model ID a catalog entry can be logged under in this account and region, with the rates that apply to it. */
function routesOf(
  model: PriceCatalog["models"][number],
  scope: AccountScope,
): { modelIds: string[]; rates: TokenRates }[] {
  const withArn = (profileId: string) => [profileId, systemProfileArn(scope, profileId)];
  const geoIds = GEO_PROFILE_PREFIXES.flatMap((prefix) => withArn(`${prefix}.${model.baseModelId}`));
  const routes = [{ modelIds: [model.baseModelId, ...geoIds], rates: model.regional }];
  if (model.global !== null) routes.push({ modelIds: withArn(`global.${model.baseModelId}`), rates: model.global });
  return routes;
}

function searchQuery(metricName: string, modelIds: string[]): string {
  const models = modelIds.map((id) => `ModelId="${id}"`).join(" OR ");
  return `{AWS/Bedrock,ModelId} MetricName="${metricName}" (${models})`;
}

/** Splits model IDs into runs whose SEARCH queries (one per metric name) stay within CloudWatch's length limit. */
function chunkForSearch(tokenKind: TokenKind, modelIds: string[]): string[][] {
  const longestName = TOKEN_METRICS[tokenKind].reduce((a, b) => (b.length > a.length ? b : a));
  const chunks: string[][] = [];
  let current: string[] = [];
  for (const id of modelIds) {
    if (current.length > 0 && searchQuery(longestName, [...current, id]).length > MAX_SEARCH_QUERY_CHARS) {
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
export function costTerms(catalog: PriceCatalog, periodSeconds: number, scope: AccountScope): CostTerm[] {
  const groups = new Map<
    string,
    { family: ModelFamily; tokenKind: TokenKind; ratePerMillion: number; modelIds: string[] }
  >();
  for (const model of catalog.models.filter((m) => m.confirmed)) {
    for (const route of routesOf(model, scope)) {
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
      searches: TOKEN_METRICS[group.tokenKind].map(
        (name) => `SEARCH('${searchQuery(name, modelIds)}', 'Sum', ${periodSeconds})`,
      ),
    })),
  );
}

export interface MetricQuery {
  id: string;
  expression: string;
}

/**
 * The queries that price one slice; the last one is its cost in USD per
 * period. A kind published under one name is that SEARCH times the rate.
 * A kind with two names gets one hidden total per name and is priced on the
 * larger of the two at each point (`MAX` of an array of time series is one
 * series, the maximum at each timestamp), so tokens published under both
 * names count once. FILL turns a name that is never published (its SEARCH
 * finds nothing) into zeros, so the other name alone still prices the slice.
 * If, within one slice, some models published only one name and others only
 * the other, the larger total is taken, not their sum: an underestimate,
 * never a double count.
 */
function slicePricing(term: CostTerm, id: string): MetricQuery[] {
  const toUsd = `* ${term.ratePerMillion} / 1000000`;
  if (term.searches.length === 1) return [{ id, expression: `${term.searches[0]} ${toUsd}` }];
  const totals = term.searches.map((search, index) => ({ id: `${id}_${index}`, expression: `SUM(${search})` }));
  const filled = totals.map((total) => `FILL(${total.id}, 0)`).join(", ");
  return [...totals, { id, expression: `MAX([${filled}]) ${toUsd}` }];
}

export interface FamilyCostQueries {
  /** Hidden queries: per-name totals and the priced slices, referenced by id from the family sums. */
  slices: MetricQuery[];
  /** One expression per family with priced models: the sum of its priced slices, USD per period. */
  families: { id: string; family: ModelFamily; expression: string }[];
}

/**
 * Cost per family as metric math: each family's line is `SUM([...])` over its
 * priced slices, so a slice whose models are not in use adds nothing instead
 * of blanking the whole line.
 */
export function familyCostQueries(
  catalog: PriceCatalog,
  periodSeconds: number,
  scope: AccountScope,
): FamilyCostQueries {
  const terms = costTerms(catalog, periodSeconds, scope);
  const slices = terms.flatMap((term, index) => slicePricing(term, `c${index}`));
  const families = MODEL_FAMILIES.flatMap((family) => {
    const ids = terms.flatMap((term, index) => (term.family === family ? [`c${index}`] : []));
    return ids.length === 0 ? [] : [{ id: `family${family}`, family, expression: `SUM([${ids.join(", ")}])` }];
  });
  return { slices, families };
}
