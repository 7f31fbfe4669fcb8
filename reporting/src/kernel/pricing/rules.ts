/**
 * The pricing rules (shared kernel: pure, no I/O): what one logged model ID
 * costs, from the catalog and the optional `--pricing` overrides, by route
 * and context class.
 */
import {
  LONG_CONTEXT_THRESHOLD_TOKENS,
  PRICE_CATALOG,
  type CatalogModel,
  type PriceCatalog,
  type LongContextRates,
  type ModelFamily,
  type TokenRates,
} from "./catalog";
import { canonicalModelId, isApplicationProfileArn, parseModelId, type PriceRoute } from "./model-ids";

export interface ModelOverride {
  name?: string;
  family?: ModelFamily;
  global?: TokenRates | null;
  regional?: TokenRates;
  longContext?: LongContextRates | null;
  /** Negotiated discount for this model, replacing the file-wide one. */
  discountPercent?: number;
}

/** A validated `--pricing` file (see overrides.ts). */
export interface PricingOverrides {
  /** Where the overrides came from, for the report. */
  label: string;
  asOf?: string;
  /** Negotiated discount applied to every rate unless a model sets its own. */
  discountPercent?: number;
  /**
   * By model ID as overridden: a base model ID (every route of the model) or
   * a system inference profile ID (that profile only, over the base entry).
   */
  models: Record<string, ModelOverride>;
  /** Application inference profile ARN -> the model ID it routes to (with its profile prefix, if any). */
  applicationProfiles: Record<string, string>;
}

export type UnpricedReason = "unknownModel" | "unmappedApplicationProfile" | "noGlobalRate" | "noConfirmedPrice";

export interface PricedQuote {
  priced: true;
  /** The ID as logged. */
  modelId: string;
  /** The ID the price was resolved from: a profile ARN's profile ID, an application profile's target. */
  resolvedModelId: string;
  baseModelId: string;
  route: PriceRoute;
  name: string;
  family: ModelFamily;
  rates: TokenRates;
  longContext: { thresholdTokens: number; rates: TokenRates } | null;
  confirmed: boolean;
  note?: string;
  /** True when a `--pricing` file changed this model's rates or added it. */
  overridden: boolean;
  discountPercent: number;
}

export interface UnpricedQuote {
  priced: false;
  modelId: string;
  family: ModelFamily;
  reason: UnpricedReason;
}

export type PriceQuote = PricedQuote | UnpricedQuote;

export interface TokenCounts {
  inputTokens: number;
  outputTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

const modelsByCatalog = new WeakMap<PriceCatalog, Map<string, CatalogModel>>();

/** A catalog's models by base model ID, made once per catalog. */
export function catalogModels(catalog: PriceCatalog): Map<string, CatalogModel> {
  let models = modelsByCatalog.get(catalog);
  if (models === undefined) {
    models = new Map(catalog.models.map((model) => [model.baseModelId, model]));
    modelsByCatalog.set(catalog, models);
  }
  return models;
}

function familyFromName(modelId: string): ModelFamily {
  const lower = modelId.toLowerCase();
  if (lower.includes("opus")) return "Opus";
  if (lower.includes("sonnet")) return "Sonnet";
  if (lower.includes("haiku")) return "Haiku";
  return "Other";
}

/** A model's price on one route, after the catalog and any overrides. */
interface RoutePrice {
  name: string;
  family: ModelFamily;
  /** Null when the model has no rate on this route (a global. profile of a model without one). */
  rates: TokenRates | null;
  longContext: LongContextRates | null;
  confirmed: boolean;
  note?: string;
  overridden: boolean;
  discountPercent: number;
}

/**
 * The catalog entry of the base model, then the override keyed by the base
 * ID, then the one keyed by the profile ID itself (`us.anthropic...`): each
 * later one wins for what it sets. Null when none of them knows the model.
 */
function routePrice(
  modelId: string,
  route: PriceRoute,
  baseModelId: string,
  overrides: PricingOverrides | undefined,
  catalog: PriceCatalog,
): RoutePrice | null {
  const catalogModel = catalogModels(catalog).get(baseModelId);
  const layers = [
    overrides?.models[baseModelId],
    modelId === baseModelId ? undefined : overrides?.models[modelId],
  ].filter((layer): layer is ModelOverride => layer !== undefined);
  if (!catalogModel && layers.length === 0) return null;
  const price: RoutePrice = {
    name: catalogModel?.name ?? baseModelId,
    family: catalogModel?.family ?? familyFromName(baseModelId),
    rates: catalogModel ? (route === "global" ? catalogModel.global : catalogModel.regional) : null,
    longContext: catalogModel?.longContext ?? null,
    confirmed: catalogModel?.confirmed ?? true,
    note: catalogModel?.note,
    overridden: false,
    discountPercent: overrides?.discountPercent ?? 0,
  };
  for (const layer of layers) {
    const layerRates = route === "global" ? layer.global : layer.regional;
    const changesRates = layerRates !== undefined || layer.longContext !== undefined;
    if (layerRates !== undefined) price.rates = layerRates;
    if (layer.longContext !== undefined) price.longContext = layer.longContext;
    if (changesRates) {
      // A user-supplied rate is the rate they pay: it settles an unconfirmed catalog entry.
      price.confirmed = true;
      price.note = `Rates from ${overrides?.label ?? "--pricing"}.`;
    }
    price.name = layer.name ?? price.name;
    price.family = layer.family ?? price.family;
    price.discountPercent = layer.discountPercent ?? price.discountPercent;
    price.overridden ||= changesRates || layer.discountPercent !== undefined;
  }
  return price;
}

function discounted(rates: TokenRates, discountPercent: number): TokenRates {
  if (discountPercent === 0) return rates;
  const factor = 1 - discountPercent / 100;
  const apply = (rate: number | null) => (rate === null ? null : rate * factor);
  return {
    input: rates.input * factor,
    output: rates.output * factor,
    cacheWrite: apply(rates.cacheWrite),
    cacheRead: apply(rates.cacheRead),
  };
}

/**
 * The price of one logged model ID. A system profile ARN is priced as its
 * profile ID; an application profile ARN as the model `--pricing` maps it to,
 * else the one `profileTargets` (GetInferenceProfile, `--profiles`) names. Unknown models and unmapped application profiles come back
 * unpriced: they are never priced at 0 or as another model.
 */
export function priceFor(
  modelId: string,
  overrides?: PricingOverrides,
  catalog = PRICE_CATALOG,
  profileTargets?: Readonly<Record<string, string>>,
): PriceQuote {
  let resolvedModelId = canonicalModelId(modelId);
  if (isApplicationProfileArn(resolvedModelId)) {
    // A mapping in --pricing wins over what Bedrock says the profile routes to.
    const target = overrides?.applicationProfiles[resolvedModelId] ?? profileTargets?.[resolvedModelId];
    if (!target) return { priced: false, modelId, family: "Other", reason: "unmappedApplicationProfile" };
    resolvedModelId = target;
  }
  const { route, baseModelId } = parseModelId(resolvedModelId);
  const price = routePrice(resolvedModelId, route, baseModelId, overrides, catalog);
  if (!price) {
    const known = catalog.unconfirmedModels?.find((model) => model.baseModelId === baseModelId);
    const reason = known ? "noConfirmedPrice" : "unknownModel";
    return { priced: false, modelId, family: known?.family ?? familyFromName(baseModelId), reason };
  }
  if (!price.rates) return { priced: false, modelId, family: price.family, reason: "noGlobalRate" };
  const longRates = price.longContext
    ? route === "global"
      ? price.longContext.global
      : price.longContext.regional
    : null;
  return {
    priced: true,
    modelId,
    resolvedModelId,
    baseModelId,
    route,
    name: price.name,
    family: price.family,
    rates: discounted(price.rates, price.discountPercent),
    longContext:
      price.longContext && longRates
        ? { thresholdTokens: price.longContext.thresholdTokens, rates: discounted(longRates, price.discountPercent) }
        : null,
    confirmed: price.confirmed,
    ...(price.note ? { note: price.note } : {}),
    overridden: price.overridden,
    discountPercent: price.discountPercent,
  };
}

/** Whether one request crosses the long-context threshold. */
export function isLongContextRequest(counts: TokenCounts, thresholdTokens = LONG_CONTEXT_THRESHOLD_TOKENS): boolean {
  return counts.inputTokens + counts.cacheReadInputTokens + counts.cacheWriteInputTokens > thresholdTokens;
}

/** The rates for requests of one context class: long-context rates apply only to requests known to be long. */
export function ratesForContext(quote: PricedQuote, context: "standard" | "long" | "unknown"): TokenRates {
  return context === "long" && quote.longContext ? quote.longContext.rates : quote.rates;
}

/**
 * USD for the four token counts (each at its own rate: leaving out cache
 * tokens undercounts cache-heavy traffic). Null when tokens of a kind the
 * model has no rate for are present.
 */
export function costOf(counts: TokenCounts, rates: TokenRates): number | null {
  // Called once per usage row (20,000 for a month of hourly rows): four plain steps, in this order, rather than an array of pairs per call.
  let microDollars = 0;
  if (counts.inputTokens !== 0) {
    if (rates.input === null) return null;
    microDollars += counts.inputTokens * rates.input;
  }
  if (counts.outputTokens !== 0) {
    if (rates.output === null) return null;
    microDollars += counts.outputTokens * rates.output;
  }
  if (counts.cacheReadInputTokens !== 0) {
    if (rates.cacheRead === null) return null;
    microDollars += counts.cacheReadInputTokens * rates.cacheRead;
  }
  if (counts.cacheWriteInputTokens !== 0) {
    if (rates.cacheWrite === null) return null;
    microDollars += counts.cacheWriteInputTokens * rates.cacheWrite;
  }
  return microDollars / 1_000_000;
}
