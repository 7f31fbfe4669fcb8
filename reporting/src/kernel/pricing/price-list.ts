/**
 * Claude rates from the AWS Price List (shared kernel: pure, it takes the
 * GetProducts responses' `PriceList` entries). Two offers carry them:
 *
 * - `AmazonBedrockFoundationModels`, the current Claude models: attribute
 *   `servicename` "Claude Sonnet 4.5 (Amazon Bedrock Edition)", usage types
 *   `USE1-MP:USE1_InputTokenCount-Units`, `..._Global-Units` for the global
 *   route, `CacheReadInputTokenCount`, `CacheWriteInputTokenCount`,
 *   `CacheWrite1hInputTokenCount`; newer models spell them
 *   `USE1_input_tokens_standard-Units`, `..._global_standard`,
 *   `cache_write_tokens_1h_standard`, `input_tokens_long_ctx_standard`;
 *   batch as `..._Batch-Units` or `MillionBatchInputTokens`; reserved
 *   throughput (`Reserved_1Month_InputTPM_Geo`) is no token rate. Priced per
 *   1M tokens. (Usage types as public Price List readers record them in
 *   their tests; the tests of this module name theirs.)
 * - `AmazonBedrock`, older models: attribute `model` "Claude 2.0",
 *   `inferenceType` "Input tokens", usage type `USE1-Claude2.0-input-tokens`,
 *   unit "1K tokens" (github.com/aws/aws-cli/issues/9567 shows the response).
 *
 * Names in the Price List are not model IDs: they are matched to the
 * catalog's model names, and what matches nothing is reported, never guessed.
 */
import { LONG_CONTEXT_THRESHOLD_TOKENS, type CatalogModel, type PriceCatalog, type TokenRates } from "./catalog";

export const PRICE_LIST_SERVICE_CODES = ["AmazonBedrockFoundationModels", "AmazonBedrock"] as const;
export type PriceListServiceCode = (typeof PRICE_LIST_SERVICE_CODES)[number];

/** One GetProducts response's products, with the offer they came from. */
export interface PriceListPage {
  serviceCode: PriceListServiceCode;
  /** GetProducts' `PriceList`: each product as JSON text (the SDK may hand it over parsed). */
  priceList: unknown[];
}

type TokenKind = "input" | "output" | "cacheRead" | "cacheWrite" | "cacheWrite1h";
type Route = "global" | "regional";

/** One token rate the Price List gives, in USD per 1M tokens. */
export interface PriceListRate {
  modelName: string;
  kind: TokenKind;
  route: Route;
  batch: boolean;
  longContext: boolean;
  usdPerMillion: number;
  /** The usage type and SKU, the rate's source. */
  source: string;
}

interface Product {
  product?: { sku?: string; attributes?: Record<string, string> };
  terms?: {
    OnDemand?: Record<
      string,
      { priceDimensions?: Record<string, { unit?: string; description?: string; pricePerUnit?: { USD?: string } }> }
    >;
  };
  publicationDate?: string;
}

function productOf(entry: unknown): Product | null {
  try {
    const value = typeof entry === "string" ? JSON.parse(entry) : entry;
    return typeof value === "object" && value !== null ? (value as Product) : null;
  } catch {
    return null;
  }
}

/** "Claude Sonnet 4.5 (Amazon Bedrock Edition)" -> "Claude Sonnet 4.5"; older products name the model in `model`. */
function modelNameOf(attributes: Record<string, string>): string | null {
  const name = (attributes.model ?? attributes.servicename ?? "").replace(/\s*\(Amazon Bedrock Edition\)\s*$/i, "");
  return /claude/i.test(name) ? name.trim() : null;
}

const NOT_TOKEN_RATES = /reserved|provisioned|tpm|customi[sz]ation|storage|image|audio|video|search|latency/i;

/**
 * What a usage type prices: the token kind, the route (`_Global`, `global`;
 * geographic and in-region share the regional rate), batch, long context.
 * Null for what is not a token rate.
 */
export function classifyUsageType(
  usageType: string,
  inferenceType = "",
): Omit<PriceListRate, "modelName" | "usdPerMillion" | "source"> | null {
  // The part after the region code: `USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units` -> `CacheWriteInputTokenCount_Global`.
  const tail = usageType
    .replace(/^[A-Z0-9]+-MP:[A-Z0-9]+_/, "")
    .replace(/^[A-Z0-9]+-/, "")
    .replace(/-Units$/, "");
  if (NOT_TOKEN_RATES.test(tail)) return null;
  const text = `${tail} ${inferenceType}`.toLowerCase().replace(/[-_\s]/g, "");
  let kind: TokenKind;
  if (/cacheread/.test(text)) kind = "cacheRead";
  else if (/cachewrite(inputtokencount)?1h|cachewritetokens1h|cachewrite1h/.test(text)) kind = "cacheWrite1h";
  else if (/cachewrite/.test(text)) kind = "cacheWrite";
  else if (/input/.test(text)) kind = "input";
  else if (/output|response/.test(text)) kind = "output";
  else return null;
  return {
    kind,
    route: /global/.test(text) ? "global" : "regional",
    batch: /batch/.test(text),
    longContext: /longctx|lctx|longcontext/.test(text),
  };
}

/** Tokens a rate's unit is for: "1K tokens" (the older offer) or "1M tokens"; by offer when the unit does not say. */
function tokensPerUnit(unit: string, description: string, serviceCode: PriceListServiceCode): number {
  const text = `${unit} ${description}`.toLowerCase();
  if (/1k\b|1,000 |thousand/.test(text)) return 1_000;
  if (/1m\b|million/.test(text)) return 1_000_000;
  return serviceCode === "AmazonBedrock" ? 1_000 : 1_000_000;
}

/** Every Claude token rate of one region in the pages, with what was left out and why. */
export function ratesFromPriceList(
  pages: PriceListPage[],
  regionCode: string,
): { rates: PriceListRate[]; unreadable: number; publicationDates: string[] } {
  const rates: PriceListRate[] = [];
  const dates = new Set<string>();
  let unreadable = 0;
  for (const page of pages) {
    for (const entry of page.priceList) {
      const product = productOf(entry);
      const attributes = product?.product?.attributes;
      if (!product || !attributes) {
        unreadable += 1;
        continue;
      }
      const modelName = modelNameOf(attributes);
      if (modelName === null || (attributes.regionCode ?? regionCode) !== regionCode) continue;
      const usageType = attributes.usagetype ?? "";
      const kind = classifyUsageType(usageType, attributes.inferenceType);
      if (kind === null) continue;
      if (product.publicationDate) dates.add(product.publicationDate.slice(0, 10));
      for (const term of Object.values(product.terms?.OnDemand ?? {})) {
        for (const dimension of Object.values(term.priceDimensions ?? {})) {
          const usd = Number(dimension.pricePerUnit?.USD);
          if (!Number.isFinite(usd) || usd < 0) {
            unreadable += 1;
            continue;
          }
          const perUnit = tokensPerUnit(dimension.unit ?? "", dimension.description ?? "", page.serviceCode);
          rates.push({
            modelName,
            ...kind,
            // Rounded to a millionth of a dollar: per-1K prices times 1,000 carry float noise.
            usdPerMillion: Math.round(((usd * 1_000_000) / perUnit) * 1e6) / 1e6,
            source: `${page.serviceCode} ${usageType}${product.product?.sku ? ` (SKU ${product.product.sku})` : ""}`,
          });
        }
      }
    }
  }
  return { rates, unreadable, publicationDates: [...dates].sort() };
}

/** Names as the Price List writes them that differ from the catalog's: "Claude 2.0" is Claude 2. */
const NAME_ALIASES: Record<string, string> = { claude20: "claude2", claudeinstant12: "claudeinstant" };

function nameKey(name: string): string {
  const key = name.toLowerCase().replace(/[^a-z0-9]/g, "");
  return NAME_ALIASES[key] ?? key;
}

type RateTable = Partial<Record<TokenKind, { usd: number; source: string }>>;

function tokenRates(table: RateTable): TokenRates | null {
  if (!table.input || !table.output) return null;
  return {
    input: table.input.usd,
    output: table.output.usd,
    cacheWrite: table.cacheWrite?.usd ?? null,
    cacheRead: table.cacheRead?.usd ?? null,
  };
}

/** Stands for rates until the Price List's replace it (a model is only listed with regional rates). */
const PLACEHOLDER: TokenRates = { input: 0, output: 0, cacheWrite: null, cacheRead: null };

export interface RefreshedCatalog {
  catalog: PriceCatalog;
  /** Price List model names that match no catalog model: left out, not guessed. */
  unmatchedNames: string[];
  unreadable: number;
}

/**
 * A catalog from the Price List rates: every catalog model the Price List
 * names gets its rates from there (each with its source); the others keep
 * the rates of `base`, marked as carried over.
 */
export function catalogFromPriceList(
  pages: PriceListPage[],
  base: PriceCatalog,
  options: { regionCode: string; asOf: string },
): RefreshedCatalog {
  const { rates, unreadable, publicationDates } = ratesFromPriceList(pages, options.regionCode);
  const unconfirmed = base.unconfirmedModels ?? [];
  const byName = new Map([...base.models, ...unconfirmed].map((model) => [nameKey(model.name), model]));
  const tables = new Map<string, Record<string, RateTable>>();
  const unmatched = new Set<string>();
  for (const rate of rates) {
    const model = byName.get(nameKey(rate.modelName));
    if (!model) {
      unmatched.add(rate.modelName);
      continue;
    }
    const slot = `${rate.batch ? "batch." : ""}${rate.longContext ? "longContext." : ""}${rate.route}`;
    let slots = tables.get(model.baseModelId);
    if (slots === undefined) tables.set(model.baseModelId, (slots = {}));
    const table = (slots[slot] ??= {});
    // On-demand first: a second rate of the same slot (another SKU) does not replace it.
    table[rate.kind] ??= { usd: rate.usdPerMillion, source: rate.source };
  }
  // A model without a confirmed price joins the catalog once the Price List gives its regional rates.
  const listed = unconfirmed
    .filter((model) => tokenRates(tables.get(model.baseModelId)?.regional ?? {}) !== null)
    .map((model): CatalogModel => ({
      ...model,
      global: null,
      regional: PLACEHOLDER,
      longContext: null,
      confirmed: false,
    }));
  const models = [...listed, ...base.models].map((model): CatalogModel => {
    const slots = tables.get(model.baseModelId);
    if (!slots) {
      return {
        ...model,
        rateSources: { "*": `carried over from the catalog as of ${base.asOf} (not in the Price List)` },
      };
    }
    const regional = tokenRates(slots.regional ?? {});
    const global = tokenRates(slots.global ?? {});
    const longRegional = tokenRates(slots["longContext.regional"] ?? {});
    const rateSources: Record<string, string> = {};
    for (const [slot, table] of Object.entries(slots))
      for (const [kind, rate] of Object.entries(table)) rateSources[`${slot}.${kind}`] = rate.source;
    const refreshed: CatalogModel = {
      baseModelId: model.baseModelId,
      name: model.name,
      family: model.family,
      global,
      regional: regional ?? model.regional,
      longContext: longRegional
        ? {
            thresholdTokens: model.longContext?.thresholdTokens ?? LONG_CONTEXT_THRESHOLD_TOKENS,
            regional: longRegional,
            global: tokenRates(slots["longContext.global"] ?? {}),
          }
        : model.longContext,
      // Rates AWS lists are the rates AWS bills.
      confirmed: regional !== null || model.confirmed,
      ...(model.note ? { note: model.note } : {}),
      rateSources,
    };
    const oneHour = {
      global: slots.global?.cacheWrite1h?.usd ?? null,
      regional: slots.regional?.cacheWrite1h?.usd ?? null,
    };
    if (oneHour.global !== null || oneHour.regional !== null) refreshed.cacheWrite1h = oneHour;
    const batchRegional = tokenRates(slots["batch.regional"] ?? {});
    const batchGlobal = tokenRates(slots["batch.global"] ?? {});
    if (batchRegional || batchGlobal) refreshed.batch = { global: batchGlobal, regional: batchRegional };
    if (!regional) rateSources["*"] = `regional rates carried over from the catalog as of ${base.asOf}`;
    return refreshed;
  });
  return {
    catalog: {
      asOf: options.asOf,
      currency: "USD",
      unit: "per 1M tokens",
      sources: [
        `AWS Price List API (GetProducts, ${PRICE_LIST_SERVICE_CODES.join(" and ")}, ${options.regionCode}` +
          `${publicationDates.length > 0 ? `, published ${publicationDates.join(", ")}` : ""}), read ${options.asOf}`,
        `Models the Price List does not name: the catalog as of ${base.asOf}`,
      ],
      assumptions: base.assumptions,
      models,
      unconfirmedModels: unconfirmed.filter(
        (model) => !listed.some((entry) => entry.baseModelId === model.baseModelId),
      ),
    },
    unmatchedNames: [...unmatched].sort(),
    unreadable,
  };
}
