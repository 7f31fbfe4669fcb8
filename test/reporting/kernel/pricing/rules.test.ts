import { expect } from "chai";
import { PRICE_CATALOG } from "../../../../reporting/src/kernel/pricing/catalog";
import { parseModelId } from "../../../../reporting/src/kernel/pricing/model-ids";
import {
  costOf,
  isLongContextRequest,
  priceFor,
  ratesForContext,
  type PricedQuote,
  type PricingOverrides,
} from "../../../../reporting/src/kernel/pricing/rules";

const SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const SONNET_4 = "anthropic.claude-sonnet-4-20250514-v1:0";
const HAIKU_3 = "anthropic.claude-3-haiku-20240307-v1:0";
const PROFILE_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";

function priced(modelId: string, overrides?: PricingOverrides): PricedQuote {
  const quote = priceFor(modelId, overrides);
  if (!quote.priced) throw new Error(`expected ${modelId} to be priced, got ${quote.reason}`);
  return quote;
}

function noOverrides(partial: Partial<PricingOverrides>): PricingOverrides {
  return { label: "test.json", models: {}, applicationProfiles: {}, ...partial };
}

describe("pricing catalog", () => {
  it("carries its as-of date and sources with the data", () => {
    expect(PRICE_CATALOG.asOf).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(PRICE_CATALOG.sources.length).to.be.greaterThan(0);
  });

  it("keys every model by a unique exact base model ID", () => {
    const ids = PRICE_CATALOG.models.map((model) => model.baseModelId);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const id of ids) expect(id).to.match(/^anthropic\.claude-/);
  });

  it("lists the newer Opus 4.6 / 4.7 and Sonnet 4.6 IDs at the 4.5 rates without long-context rates", () => {
    const opus45 = priced("global.anthropic.claude-opus-4-5-20251101-v1:0");
    for (const id of ["anthropic.claude-opus-4-6-v1", "anthropic.claude-opus-4-7"]) {
      expect(priced(`global.${id}`).rates).to.deep.equal(opus45.rates);
      expect(priced(id).longContext).to.equal(null);
    }
    expect(priced("us.anthropic.claude-sonnet-4-6").rates).to.deep.equal(priced(`us.${SONNET_45}`).rates);
    expect(priced("us.anthropic.claude-sonnet-4-6").longContext).to.equal(null);
  });

  it("marks Claude 3.5 Sonnet as unconfirmed", () => {
    for (const id of ["anthropic.claude-3-5-sonnet-20240620-v1:0", "anthropic.claude-3-5-sonnet-20241022-v2:0"]) {
      const quote = priced(id);
      expect(quote.confirmed).to.equal(false);
      expect(quote.note).to.match(/3 \/ 15 .* 6 \/ 30/);
    }
  });
});

describe("pricing routes", () => {
  it("parses global, geographic and bare IDs", () => {
    expect(parseModelId(`global.${SONNET_45}`)).to.deep.equal({ route: "global", baseModelId: SONNET_45 });
    for (const prefix of ["us", "eu", "apac", "jp", "au"]) {
      expect(parseModelId(`${prefix}.${SONNET_45}`)).to.deep.equal({ route: "geo", baseModelId: SONNET_45 });
    }
    expect(parseModelId(SONNET_45)).to.deep.equal({ route: "in-region", baseModelId: SONNET_45 });
  });

  it("prices global. at the global rate and geo / in-region at the regional rate", () => {
    expect(priced(`global.${SONNET_45}`).rates).to.deep.equal({
      input: 3,
      output: 15,
      cacheWrite: 3.75,
      cacheRead: 0.3,
    });
    const regional = { input: 3.3, output: 16.5, cacheWrite: 4.125, cacheRead: 0.33 };
    for (const id of [
      `us.${SONNET_45}`,
      `eu.${SONNET_45}`,
      `apac.${SONNET_45}`,
      `jp.${SONNET_45}`,
      `au.${SONNET_45}`,
      SONNET_45,
    ]) {
      expect(priced(id).rates, id).to.deep.equal(regional);
    }
  });

  it("does not invent a global rate for models without a global profile", () => {
    const quote = priceFor(`global.${HAIKU_3}`);
    expect(quote).to.include({ priced: false, reason: "noGlobalRate", family: "Haiku" });
  });
});

describe("cost", () => {
  it("charges all four token kinds at their own rates", () => {
    const rates = priced(`us.${SONNET_45}`).rates;
    const cost = costOf(
      {
        inputTokens: 1_000_000,
        outputTokens: 100_000,
        cacheReadInputTokens: 2_000_000,
        cacheWriteInputTokens: 400_000,
      },
      rates,
    );
    expect(cost).to.be.closeTo(3.3 + 1.65 + 0.66 + 1.65, 1e-9);
  });

  it("refuses to price cache tokens for a model with no cache rate instead of treating them as free", () => {
    const rates = priced(HAIKU_3).rates;
    expect(
      costOf({ inputTokens: 10, outputTokens: 10, cacheReadInputTokens: 5, cacheWriteInputTokens: 0 }, rates),
    ).to.equal(null);
    expect(
      costOf({ inputTokens: 1_000_000, outputTokens: 0, cacheReadInputTokens: 0, cacheWriteInputTokens: 0 }, rates),
    ).to.equal(0.25);
  });
});

describe("long context", () => {
  it("classifies a request by input + cache read + cache write above 200,000", () => {
    expect(
      isLongContextRequest({
        inputTokens: 100_000,
        outputTokens: 900_000,
        cacheReadInputTokens: 100_000,
        cacheWriteInputTokens: 0,
      }),
    ).to.equal(false);
    expect(
      isLongContextRequest({
        inputTokens: 100_000,
        outputTokens: 0,
        cacheReadInputTokens: 100_000,
        cacheWriteInputTokens: 1,
      }),
    ).to.equal(true);
  });

  it("uses Sonnet 4.5 long-context rates per route, only for long requests", () => {
    expect(ratesForContext(priced(`global.${SONNET_45}`), "long")).to.deep.equal({
      input: 6,
      output: 22.5,
      cacheWrite: 7.5,
      cacheRead: 0.6,
    });
    expect(ratesForContext(priced(`us.${SONNET_45}`), "long")).to.deep.equal({
      input: 6.6,
      output: 24.75,
      cacheWrite: 8.25,
      cacheRead: 0.66,
    });
    expect(ratesForContext(priced(`us.${SONNET_45}`), "standard").input).to.equal(3.3);
    expect(ratesForContext(priced(`us.${SONNET_45}`), "unknown").input).to.equal(3.3);
  });

  it("has long-context rates for Sonnet 4 and not for Haiku", () => {
    expect(ratesForContext(priced(SONNET_4), "long").input).to.equal(6);
    expect(ratesForContext(priced("us.anthropic.claude-haiku-4-5-20251001-v1:0"), "long").input).to.equal(1.1);
  });
});

describe("unpriced models", () => {
  it("leaves a model missing from the catalog unpriced rather than pricing it as another model", () => {
    expect(priceFor("us.anthropic.claude-sonnet-9-20300101-v1:0")).to.deep.equal({
      priced: false,
      modelId: "us.anthropic.claude-sonnet-9-20300101-v1:0",
      family: "Sonnet",
      reason: "unknownModel",
    });
    expect(priceFor("amazon.nova-pro-v1:0")).to.include({ priced: false, family: "Other" });
  });

  it("leaves an application inference profile ARN without a mapping unpriced", () => {
    expect(priceFor(PROFILE_ARN)).to.include({ priced: false, reason: "unmappedApplicationProfile" });
  });
});

describe("pricing overrides", () => {
  it("maps an application inference profile ARN to the route and rates of its target", () => {
    const quote = priced(PROFILE_ARN, noOverrides({ applicationProfiles: { [PROFILE_ARN]: `global.${SONNET_45}` } }));
    expect(quote).to.include({ route: "global", baseModelId: SONNET_45, family: "Sonnet", modelId: PROFILE_ARN });
    expect(quote.rates.input).to.equal(3);
  });

  it("applies a file-wide negotiated discount, and a per-model one in its place", () => {
    const overrides = noOverrides({ discountPercent: 10, models: { [SONNET_4]: { discountPercent: 50 } } });
    expect(priced(`us.${SONNET_45}`, overrides).rates.input).to.be.closeTo(2.97, 1e-9);
    expect(priced(SONNET_4, overrides).rates.output).to.be.closeTo(7.5, 1e-9);
    expect(ratesForContext(priced(SONNET_4, overrides), "long").input).to.be.closeTo(3, 1e-9);
  });

  it("adds a model the catalog lacks and settles an unconfirmed price", () => {
    const custom = { input: 2, output: 8, cacheWrite: null, cacheRead: null };
    const overrides = noOverrides({
      models: {
        "anthropic.claude-sonnet-9-20300101-v1:0": { family: "Sonnet", regional: custom },
        "anthropic.claude-3-5-sonnet-20241022-v2:0": {
          regional: { input: 6, output: 30, cacheWrite: null, cacheRead: null },
        },
      },
    });
    expect(priced("us.anthropic.claude-sonnet-9-20300101-v1:0", overrides)).to.include({
      family: "Sonnet",
      overridden: true,
    });
    const settled = priced("anthropic.claude-3-5-sonnet-20241022-v2:0", overrides);
    expect(settled).to.include({ confirmed: true });
    expect(settled.rates.output).to.equal(30);
  });

  it("derives the family of profiles and unknown IDs", () => {
    expect(priceFor("global.anthropic.claude-opus-4-7").family).to.equal("Opus");
    expect(priceFor(PROFILE_ARN).family).to.equal("Other");
    expect(priceFor(PROFILE_ARN, noOverrides({ applicationProfiles: { [PROFILE_ARN]: HAIKU_3 } })).family).to.equal(
      "Haiku",
    );
  });
});
