/**
 * Claude on-demand prices on Bedrock, USD per 1M tokens (shared kernel: plain
 * data, no I/O). The report prices with it, and infra builds the dashboard's
 * cost widget and the cost estimator from it.
 */

/** The families costs are broken down by, in the order the report and the dashboard show them. */
export const MODEL_FAMILIES = ["Opus", "Sonnet", "Haiku", "Other"] as const;
export type ModelFamily = (typeof MODEL_FAMILIES)[number];

/**
 * USD per 1M tokens. A null cache rate means the model offers no prompt
 * caching on Bedrock: cache tokens for it cannot be priced, so they are never
 * treated as free.
 */
export interface TokenRates {
  input: number;
  output: number;
  cacheWrite: number | null;
  cacheRead: number | null;
}

/** Rates that apply to a whole request once input + cache read + cache write exceed the threshold. */
export interface LongContextRates {
  thresholdTokens: number;
  global: TokenRates | null;
  regional: TokenRates;
}

export interface CatalogModel {
  baseModelId: string;
  name: string;
  family: ModelFamily;
  /** Rates through a `global.` inference profile; null where no global profile exists. */
  global: TokenRates | null;
  /** Rates through a geographic profile (`us.`, `eu.`, ...) and for bare in-region IDs. */
  regional: TokenRates;
  longContext: LongContextRates | null;
  /** False when the sources disagree; the report flags every cost computed from it. */
  confirmed: boolean;
  note?: string;
  /**
   * 1-hour cache write rates, where the source lists them. Kept for the record: the log
   * does not say which TTL a write used, so the report prices writes at the 5-minute rate.
   */
  cacheWrite1h?: { global: number | null; regional: number | null };
  /** Batch inference rates, where the source lists them (the report does not tell batch requests apart). */
  batch?: { global: TokenRates | null; regional: TokenRates | null };
  /** Where each rate came from (e.g. the Price List usage type and SKU), by rate (`regional.input`). */
  rateSources?: Record<string, string>;
}

export interface PriceCatalog {
  /** Date the rates were taken from their sources (YYYY-MM-DD). */
  asOf: string;
  currency: "USD";
  unit: "per 1M tokens";
  sources: string[];
  /** Cache writes are logged without their TTL, so every write is priced at the 5-minute rate. */
  assumptions: string[];
  models: CatalogModel[];
  /** Claude models on Bedrock with no confirmed price: reported as such, never priced. */
  unconfirmedModels?: Array<{ baseModelId: string; name: string; family: ModelFamily; note: string }>;
}

/** Input + cache read + cache write tokens above which Sonnet 4 / 4.5 requests are long-context. */
export const LONG_CONTEXT_THRESHOLD_TOKENS = 200_000;

function rates(
  input: number,
  output: number,
  cacheWrite: number | null = null,
  cacheRead: number | null = null,
): TokenRates {
  return { input, output, cacheWrite, cacheRead };
}

const OPUS_4_5_GLOBAL = rates(5, 25, 6.25, 0.5);
const OPUS_4_5_REGIONAL = rates(5.5, 27.5, 6.875, 0.55);
const OPUS_4_LEGACY = rates(15, 75, 18.75, 1.5);
const SONNET_4_5_GLOBAL = rates(3, 15, 3.75, 0.3);
const SONNET_4_5_REGIONAL = rates(3.3, 16.5, 4.125, 0.33);
const SONNET_4_STANDARD = rates(3, 15, 3.75, 0.3);
const SONNET_LONG_GLOBAL = rates(6, 22.5, 7.5, 0.6);
const SONNET_LONG_REGIONAL = rates(6.6, 24.75, 8.25, 0.66);
const HAIKU_4_5_GLOBAL = rates(1, 5, 1.25, 0.1);
const HAIKU_4_5_REGIONAL = rates(1.1, 5.5, 1.375, 0.11);

const NEWER_FULL_CONTEXT_NOTE = "Takes the 4.5 rates; the full 1M context is billed at the standard price.";

/**
 * Opus 4.8 and Opus 5: $5 / $25, cache write 6.25 (5-minute) and 10 (1-hour),
 * cache read 0.50 on Anthropic's price list (https://platform.claude.com/docs/en/about-claude/pricing,
 * as quoted in github.com/braintrustdata/braintrust-proxy/pull/1018 and github.com/Portkey-AI/models/pull/862);
 * the geographic rate is 10% more, as for Opus 4.5-4.7 (Vertex AI lists 5.50 / 27.50 for Opus 5).
 */
const OPUS_5_GLOBAL = rates(5, 25, 6.25, 0.5);
const OPUS_5_REGIONAL = rates(5.5, 27.5, 6.875, 0.55);
const OPUS_5_CACHE_WRITE_1H = { global: 10, regional: 11 };
/**
 * Sonnet 5: $2 / $10, cache write 2.50, cache read 0.20 on Anthropic's price list; one source
 * (github.com/pollinations/pollinations/pull/12133) calls that an introductory rate before $3 / $15,
 * later ones (github.com/phuryn/claude-usage/pull/181) say the rise was cancelled: unconfirmed.
 */
const SONNET_5_GLOBAL = rates(2, 10, 2.5, 0.2);
const SONNET_5_REGIONAL = rates(2.2, 11, 2.75, 0.22);

/** Both Claude 3.5 Sonnet versions: the sources disagree on the rate, so the catalog says so. */
const CLAUDE_3_5_SONNET_UNCONFIRMED = {
  family: "Sonnet",
  global: null,
  regional: rates(3, 15),
  longContext: null,
  confirmed: false,
  note: "Listed at 3 / 15 by one source and 6 / 30 by another (2026); set the rate you pay with --pricing.",
} as const satisfies Omit<CatalogModel, "baseModelId" | "name">;

export const PRICE_CATALOG: PriceCatalog = {
  asOf: "2026-11-30",
  currency: "USD",
  unit: "per 1M tokens",
  sources: [
    "AWS Price List API, service code AmazonBedrockFoundationModels, Anthropic models (public pricing table generated 2026-04-16)",
    "AWS Bedrock user guide: cross-region inference (global vs geographic profiles)",
    "Anthropic pricing page (long-context, cache write and cache read rates)",
    "Claude Opus 4.8, Opus 5 and Sonnet 5 (added 2026-11-30): Bedrock IDs from AWS's model cards and SDKs " +
      "(anthropic.claude-opus-4-8, anthropic.claude-opus-5, anthropic.claude-sonnet-5), rates from Anthropic's price list; " +
      "Haiku 5.5, Sonnet 5.5 and Opus 5.5 have no confirmed Bedrock price yet and stay unpriced " +
      "(run `pricing --refresh` for AWS's own list)",
  ],
  assumptions: [
    "Cache writes are priced at the 5-minute rate: the log does not say whether a write used the 1-hour TTL (2x input).",
    "Geographic (us./eu./apac./jp./au.) and bare in-region IDs share one rate; global. profiles take the global rate.",
    "Sonnet 4 and 4.5 requests above 200,000 input + cache tokens are billed entirely at the long-context rate.",
    "Sonnet 4 has no regional premium, so its long-context rate is the same for global and regional routes.",
    "Batch inference (50% off) and GovCloud (+20%) are not modelled; use --pricing for them.",
  ],
  unconfirmedModels: [
    {
      baseModelId: "anthropic.claude-haiku-5-5",
      name: "Claude Haiku 5.5",
      family: "Haiku",
      note: "On Bedrock as anthropic.claude-haiku-5-5 (github.com/vercel/ai, @ai-sdk/amazon-bedrock 4.0.192); no price found.",
    },
    {
      baseModelId: "anthropic.claude-opus-5-5",
      name: "Claude Opus 5.5",
      family: "Opus",
      note:
        "Sources disagree on its price (10 / 50 in github.com/BerriAI/litellm/pull/42488, " +
        "an average of 12 per 1M in github.com/eltmon/overdeck/pull/3985) and on its Bedrock ID.",
    },
  ],
  models: [
    {
      baseModelId: "anthropic.claude-opus-5",
      name: "Claude Opus 5",
      family: "Opus",
      global: OPUS_5_GLOBAL,
      regional: OPUS_5_REGIONAL,
      longContext: null,
      cacheWrite1h: OPUS_5_CACHE_WRITE_1H,
      confirmed: true,
      note: "The full 1M context is billed at the standard price.",
    },
    {
      baseModelId: "anthropic.claude-opus-4-8",
      name: "Claude Opus 4.8",
      family: "Opus",
      global: OPUS_5_GLOBAL,
      regional: OPUS_5_REGIONAL,
      longContext: null,
      cacheWrite1h: OPUS_5_CACHE_WRITE_1H,
      confirmed: true,
      note: "The full 1M context is billed at the standard price.",
    },
    {
      baseModelId: "anthropic.claude-sonnet-5",
      name: "Claude Sonnet 5",
      family: "Sonnet",
      global: SONNET_5_GLOBAL,
      regional: SONNET_5_REGIONAL,
      longContext: null,
      cacheWrite1h: { global: 4, regional: 4.4 },
      confirmed: false,
      note:
        "Listed at 2 / 10 (global) by Anthropic; one source calls that introductory before 3 / 15. " +
        "Set the rate you pay with --pricing.",
    },
    {
      baseModelId: "anthropic.claude-opus-4-7",
      name: "Claude Opus 4.7",
      family: "Opus",
      global: OPUS_4_5_GLOBAL,
      regional: OPUS_4_5_REGIONAL,
      longContext: null,
      confirmed: true,
      note: NEWER_FULL_CONTEXT_NOTE,
    },
    {
      baseModelId: "anthropic.claude-opus-4-6-v1",
      name: "Claude Opus 4.6",
      family: "Opus",
      global: OPUS_4_5_GLOBAL,
      regional: OPUS_4_5_REGIONAL,
      longContext: null,
      confirmed: true,
      note: NEWER_FULL_CONTEXT_NOTE,
    },
    {
      baseModelId: "anthropic.claude-opus-4-5-20251101-v1:0",
      name: "Claude Opus 4.5",
      family: "Opus",
      global: OPUS_4_5_GLOBAL,
      regional: OPUS_4_5_REGIONAL,
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-opus-4-1-20250805-v1:0",
      name: "Claude Opus 4.1",
      family: "Opus",
      global: null,
      regional: OPUS_4_LEGACY,
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-opus-4-20250514-v1:0",
      name: "Claude Opus 4",
      family: "Opus",
      global: null,
      regional: OPUS_4_LEGACY,
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-sonnet-4-6",
      name: "Claude Sonnet 4.6",
      family: "Sonnet",
      global: SONNET_4_5_GLOBAL,
      regional: SONNET_4_5_REGIONAL,
      longContext: null,
      confirmed: true,
      note: NEWER_FULL_CONTEXT_NOTE,
    },
    {
      baseModelId: "anthropic.claude-sonnet-4-5-20250929-v1:0",
      name: "Claude Sonnet 4.5",
      family: "Sonnet",
      global: SONNET_4_5_GLOBAL,
      regional: SONNET_4_5_REGIONAL,
      longContext: {
        thresholdTokens: LONG_CONTEXT_THRESHOLD_TOKENS,
        global: SONNET_LONG_GLOBAL,
        regional: SONNET_LONG_REGIONAL,
      },
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-sonnet-4-20250514-v1:0",
      name: "Claude Sonnet 4",
      family: "Sonnet",
      global: SONNET_4_STANDARD,
      regional: SONNET_4_STANDARD,
      longContext: {
        thresholdTokens: LONG_CONTEXT_THRESHOLD_TOKENS,
        global: SONNET_LONG_GLOBAL,
        regional: SONNET_LONG_GLOBAL,
      },
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-haiku-4-5-20251001-v1:0",
      name: "Claude Haiku 4.5",
      family: "Haiku",
      global: HAIKU_4_5_GLOBAL,
      regional: HAIKU_4_5_REGIONAL,
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-3-7-sonnet-20250219-v1:0",
      name: "Claude 3.7 Sonnet",
      family: "Sonnet",
      global: null,
      regional: rates(3, 15, 3.75, 0.3),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-3-5-sonnet-20241022-v2:0",
      name: "Claude 3.5 Sonnet v2",
      ...CLAUDE_3_5_SONNET_UNCONFIRMED,
    },
    {
      baseModelId: "anthropic.claude-3-5-sonnet-20240620-v1:0",
      name: "Claude 3.5 Sonnet",
      ...CLAUDE_3_5_SONNET_UNCONFIRMED,
    },
    {
      baseModelId: "anthropic.claude-3-5-haiku-20241022-v1:0",
      name: "Claude 3.5 Haiku",
      family: "Haiku",
      global: null,
      regional: rates(0.8, 4, 1, 0.08),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-3-opus-20240229-v1:0",
      name: "Claude 3 Opus",
      family: "Opus",
      global: null,
      regional: rates(15, 75),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-3-sonnet-20240229-v1:0",
      name: "Claude 3 Sonnet",
      family: "Sonnet",
      global: null,
      regional: rates(3, 15),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-3-haiku-20240307-v1:0",
      name: "Claude 3 Haiku",
      family: "Haiku",
      global: null,
      regional: rates(0.25, 1.25),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-v2:1",
      name: "Claude 2.1",
      family: "Other",
      global: null,
      regional: rates(8, 24),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-v2",
      name: "Claude 2",
      family: "Other",
      global: null,
      regional: rates(8, 24),
      longContext: null,
      confirmed: true,
    },
    {
      baseModelId: "anthropic.claude-instant-v1",
      name: "Claude Instant",
      family: "Other",
      global: null,
      regional: rates(0.8, 2.4),
      longContext: null,
      confirmed: true,
    },
  ],
};
