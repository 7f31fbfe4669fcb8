/**
 * Claude rates from the AWS Price List, on GetProducts responses of the real shape
 * (aws-sdk-client-mock; the shapes and their public sources: test/helpers/price-list-fixtures.ts).
 */
import { GetProductsCommand, PricingClient } from "@aws-sdk/client-pricing";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { PRICE_CATALOG } from "../../../../reporting/src/kernel/pricing/catalog";
import {
  catalogFromPriceList,
  classifyUsageType,
  ratesFromPriceList,
} from "../../../../reporting/src/kernel/pricing/price-list";
import { readPriceList } from "../../../../reporting/src/sources/price-list";
import { describeChange, diffCatalogs } from "../../../../reporting/src/kernel/pricing/catalog-diff";
import { OperationalError } from "../../../../reporting/src/kernel/errors";
import { FOUNDATION_MODELS, OLDER_MODELS } from "../../../helpers/price-list-fixtures";
import { priceFor } from "../../../../reporting/src/kernel/pricing/rules";

describe("the AWS Price List, read with GetProducts", () => {
  const pricing = mockClient(PricingClient);
  beforeEach(() => pricing.reset());

  it("reads every page of both offers from the us-east-1 endpoint, filtered to the region", async () => {
    pricing
      .on(GetProductsCommand, { ServiceCode: "AmazonBedrockFoundationModels" })
      .resolvesOnce({ FormatVersion: "aws_v1", PriceList: FOUNDATION_MODELS.slice(0, 8), NextToken: "page2" })
      .resolves({ FormatVersion: "aws_v1", PriceList: FOUNDATION_MODELS.slice(8) });
    pricing.on(GetProductsCommand, { ServiceCode: "AmazonBedrock" }).resolves({ PriceList: OLDER_MODELS });

    const pages = await readPriceList({ regionCode: "us-east-1", client: new PricingClient({ region: "us-east-1" }) });

    expect(pages.map((page) => [page.serviceCode, page.priceList.length])).to.deep.equal([
      ["AmazonBedrockFoundationModels", 8],
      ["AmazonBedrockFoundationModels", FOUNDATION_MODELS.length - 8],
      ["AmazonBedrock", OLDER_MODELS.length],
    ]);
    const calls = pricing.commandCalls(GetProductsCommand).map((call) => call.args[0].input);
    expect(calls[1]).to.include({ ServiceCode: "AmazonBedrockFoundationModels", NextToken: "page2" });
    expect(calls[0].Filters).to.deep.equal([{ Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }]);
  });

  it("turns access denied into one error naming pricing:GetProducts", async () => {
    const denied = Object.assign(new Error("no"), { name: "AccessDeniedException" });
    pricing.on(GetProductsCommand).rejects(denied);
    const failure = await readPriceList({ regionCode: "us-east-1", client: new PricingClient({}) }).catch((e) => e);
    expect(failure).to.be.instanceOf(OperationalError);
    expect((failure as Error).message).to.include("pricing:GetProducts");
  });
});

describe("Price List usage types", () => {
  it("tell token kind, route, batch and long context apart in both spellings, and skip reserved throughput", () => {
    expect(classifyUsageType("USE1-MP:USE1_CacheWriteInputTokenCount_Global-Units")).to.deep.equal({
      kind: "cacheWrite",
      route: "global",
      batch: false,
      longContext: false,
    });
    expect(classifyUsageType("USE1-MP:USE1_CacheWrite1hInputTokenCount-Units")?.kind).to.equal("cacheWrite1h");
    expect(classifyUsageType("USW2-MP:USW2_cache_write_tokens_1h_global_standard-Units")).to.include({
      kind: "cacheWrite1h",
      route: "global",
    });
    expect(classifyUsageType("USW2-MP:USW2_input_tokens_long_ctx_standard-Units")).to.include({
      kind: "input",
      longContext: true,
    });
    expect(classifyUsageType("APN1-MP:APN1_MillionBatchInputTokens-Units")).to.include({ kind: "input", batch: true });
    expect(classifyUsageType("USE1-Claude2.0-output-tokens", "Output tokens")?.kind).to.equal("output");
    expect(classifyUsageType("USE1-MP:USE1_Reserved_1Month_InputTPM_Geo-Units")).to.equal(null);
  });

  it("per-1K prices become per-1M, and only the asked region counts", () => {
    const { rates } = ratesFromPriceList(
      [
        { serviceCode: "AmazonBedrock", priceList: OLDER_MODELS },
        { serviceCode: "AmazonBedrockFoundationModels", priceList: FOUNDATION_MODELS },
      ],
      "us-east-1",
    );
    expect(rates.find((rate) => rate.modelName === "Claude 2.0" && rate.kind === "input")?.usdPerMillion).to.equal(8);
    expect(rates.filter((rate) => rate.usdPerMillion === 3.6)).to.deep.equal([]);
    expect(rates.some((rate) => /Llama/.test(rate.modelName))).to.equal(false);
  });
});

describe("a catalog from the Price List", () => {
  const pages = [
    { serviceCode: "AmazonBedrockFoundationModels" as const, priceList: FOUNDATION_MODELS },
    { serviceCode: "AmazonBedrock" as const, priceList: OLDER_MODELS },
  ];
  const result = catalogFromPriceList(pages, PRICE_CATALOG, { regionCode: "us-east-1", asOf: "2026-12-01" });
  const model = (id: string) => result.catalog.models.find((entry) => entry.baseModelId === id);

  it("prices each catalog model the Price List names, by route, with the source of every rate", () => {
    const sonnet = model("anthropic.claude-sonnet-4-5-20250929-v1:0");
    expect(sonnet?.regional).to.deep.equal({ input: 3.3, output: 16.5, cacheWrite: 4.125, cacheRead: 0.33 });
    expect(sonnet?.global).to.deep.equal({ input: 3, output: 15, cacheWrite: null, cacheRead: null });
    expect(sonnet?.cacheWrite1h).to.deep.equal({ global: null, regional: 6.6 });
    expect(sonnet?.batch?.regional).to.deep.equal({ input: 1.65, output: 8.25, cacheWrite: null, cacheRead: null });
    expect(sonnet?.rateSources?.["regional.input"]).to.equal(
      "AmazonBedrockFoundationModels USE1-MP:USE1_InputTokenCount-Units (SKU USE1-MP:USE1_Inp)",
    );
    expect(model("anthropic.claude-opus-5")?.global).to.deep.equal({
      input: 5,
      output: 25,
      cacheWrite: null,
      cacheRead: null,
    });
    // "Claude 2.0" in the Price List is the catalog's "Claude 2".
    expect(model("anthropic.claude-v2")?.regional).to.deep.equal({
      input: 8,
      output: 24,
      cacheWrite: null,
      cacheRead: null,
    });
    expect(result.catalog.asOf).to.equal("2026-12-01");
  });

  it("keeps models the Price List does not name, marked as carried over; names it cannot map are listed, not guessed", () => {
    expect(model("anthropic.claude-3-haiku-20240307-v1:0")?.rateSources).to.deep.equal({
      "*": `carried over from the catalog as of ${PRICE_CATALOG.asOf} (not in the Price List)`,
    });
    expect(result.unmatchedNames).to.deep.equal(["Claude Fable 5"]);
  });

  it("gives a model on Bedrock without a confirmed price the Price List's rates, and the report then prices it", () => {
    expect(priceFor("global.anthropic.claude-haiku-5-5")).to.deep.include({
      priced: false,
      reason: "noConfirmedPrice",
    });
    expect(model("anthropic.claude-haiku-5-5")).to.deep.include({
      regional: { input: 1.1, output: 5.5, cacheWrite: null, cacheRead: null },
      confirmed: true,
    });
    expect(result.catalog.unconfirmedModels?.map((entry) => entry.name)).to.deep.equal(["Claude Opus 5.5"]);
    expect(priceFor("anthropic.claude-haiku-5-5", undefined, result.catalog).priced).to.equal(true);
  });

  it("--check's diff names the changed rates, and added and removed models", () => {
    const changes = diffCatalogs(PRICE_CATALOG, result.catalog).map(describeChange);
    expect(changes).to.include("changed: anthropic.claude-sonnet-4-5-20250929-v1:0 global.cacheWrite 3.75 -> none");
    const fewer = { ...PRICE_CATALOG, models: PRICE_CATALOG.models.slice(1) };
    expect(diffCatalogs(fewer, PRICE_CATALOG).map(describeChange)).to.deep.equal([
      `added: ${PRICE_CATALOG.models[0].baseModelId}`,
    ]);
    expect(diffCatalogs(PRICE_CATALOG, fewer).map(describeChange)).to.deep.equal([
      `removed: ${PRICE_CATALOG.models[0].baseModelId}`,
    ]);
  });
});
