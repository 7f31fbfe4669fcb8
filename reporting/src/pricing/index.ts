/**
 * Pure pricing functions over the catalog (and optional `--pricing` overrides).
 * No I/O here: infra imports this module for the dashboard's cost widget.
 */
import { LONG_CONTEXT_THRESHOLD_TOKENS, PRICE_CATALOG, type CatalogModel, type LongContextRates, type ModelFamily, type TokenRates } from "./catalog";

export { LONG_CONTEXT_THRESHOLD_TOKENS, PRICE_CATALOG } from "./catalog";
export type { CatalogModel, LongContextRates, ModelFamily, PriceCatalog, TokenRates } from "./catalog";

/** Geographic cross-region inference profile prefixes; they share the in-region rate. */
export const GEO_PROFILE_PREFIXES = ["us", "eu", "apac", "jp", "au"] as const;

export type PriceRoute = "global" | "geo" | "in-region";

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
  models: Record<string, ModelOverride>;
  /** Application inference profile ARN -> the model ID it routes to (with its profile prefix, if any). */
  applicationProfiles: Record<string, string>;
}

export type UnpricedReason = "unknownModel" | "unmappedApplicationProfile" | "noGlobalRate";

export interface PricedQuote {
  priced: true;
  /** The ID as logged. */
  modelId: string;
  /** The ID the price was resolved from (differs from modelId for application profiles). */
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

const APPLICATION_PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[^:]*:\d*:application-inference-profile\//;

const catalogByBaseId = new Map<string, CatalogModel>(PRICE_CATALOG.models.map((model) => [model.baseModelId, model]));

export function isApplicationProfileArn(modelId: string): boolean {
  return APPLICATION_PROFILE_ARN.test(modelId);
}

/** Splits a logged model ID into its route (from the profile prefix) and base model ID. */
export function parseModelId(modelId: string): { route: PriceRoute; baseModelId: string } {
  const dot = modelId.indexOf(".");
  const prefix = dot > 0 ? modelId.slice(0, dot) : "";
  if (prefix === "global") return { route: "global", baseModelId: modelId.slice(dot + 1) };
  if ((GEO_PROFILE_PREFIXES as readonly string[]).includes(prefix)) return { route: "geo", baseModelId: modelId.slice(dot + 1) };
  return { route: "in-region", baseModelId: modelId };
}

function familyFromName(modelId: string): ModelFamily {
  const lower = modelId.toLowerCase();
  if (lower.includes("opus")) return "Opus";
  if (lower.includes("sonnet")) return "Sonnet";
  if (lower.includes("haiku")) return "Haiku";
  return "Other";
}

function findModel(baseModelId: string, overrides?: PricingOverrides): { model: CatalogModel; overridden: boolean; discountPercent: number } | null {
  const catalogModel = catalogByBaseId.get(baseModelId);
  const override = overrides?.models[baseModelId];
  const discountPercent = override?.discountPercent ?? overrides?.discountPercent ?? 0;
  if (!override) return catalogModel ? { model: catalogModel, overridden: false, discountPercent } : null;
  const base = catalogModel;
  const regional = override.regional ?? base?.regional;
  if (!regional) return null;
  const changesRates = override.regional !== undefined || override.global !== undefined || override.longContext !== undefined;
  const model: CatalogModel = {
    baseModelId,
    name: override.name ?? base?.name ?? baseModelId,
    family: override.family ?? base?.family ?? familyFromName(baseModelId),
    global: override.global !== undefined ? override.global : (base?.global ?? null),
    regional,
    longContext: override.longContext !== undefined ? override.longContext : (base?.longContext ?? null),
    // A user-supplied rate is the rate they pay: it settles an unconfirmed catalog entry.
    confirmed: changesRates || (base?.confirmed ?? true),
    note: changesRates ? `Rates from ${overrides?.label ?? "--pricing"}.` : base?.note,
  };
  return { model, overridden: changesRates || override.discountPercent !== undefined, discountPercent };
}

function discounted(rates: TokenRates, discountPercent: number): TokenRates {
  if (discountPercent === 0) return rates;
  const factor = 1 - discountPercent / 100;
  const apply = (rate: number | null) => (rate === null ? null : rate * factor);
  return { input: rates.input * factor, output: rates.output * factor, cacheWrite: apply(rates.cacheWrite), cacheRead: apply(rates.cacheRead) };
}

/**
 * The price of one logged model ID. Unknown models and unmapped application
 * profiles come back unpriced: they are never priced at 0 or as another model.
 */
export function priceFor(modelId: string, overrides?: PricingOverrides): PriceQuote {
  let resolvedModelId = modelId;
  if (isApplicationProfileArn(modelId)) {
    const target = overrides?.applicationProfiles[modelId];
    if (!target) return { priced: false, modelId, family: "Other", reason: "unmappedApplicationProfile" };
    resolvedModelId = target;
  }
  const { route, baseModelId } = parseModelId(resolvedModelId);
  const found = findModel(baseModelId, overrides);
  if (!found) return { priced: false, modelId, family: familyFromName(baseModelId), reason: "unknownModel" };
  const { model, overridden, discountPercent } = found;
  const routeRates = route === "global" ? model.global : model.regional;
  if (!routeRates) return { priced: false, modelId, family: model.family, reason: "noGlobalRate" };
  const longRates = model.longContext ? (route === "global" ? model.longContext.global : model.longContext.regional) : null;
  return {
    priced: true,
    modelId,
    resolvedModelId,
    baseModelId,
    route,
    name: model.name,
    family: model.family,
    rates: discounted(routeRates, discountPercent),
    longContext: model.longContext && longRates ? { thresholdTokens: model.longContext.thresholdTokens, rates: discounted(longRates, discountPercent) } : null,
    confirmed: model.confirmed,
    ...(model.note ? { note: model.note } : {}),
    overridden,
    discountPercent,
  };
}

/** Opus, Sonnet, Haiku or Other; for IDs outside the catalog, guessed from the name (family is not money). */
export function familyOf(modelId: string, overrides?: PricingOverrides): ModelFamily {
  return priceFor(modelId, overrides).family;
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
