/**
 * GetProducts `PriceList` entries of the real shape, for tests. Shapes, as public sources show them:
 * - AmazonBedrock (older models, per 1K tokens): the GetProducts output in
 *   https://github.com/aws/aws-cli/issues/9567 — `product.attributes` with `model` "Claude 2.0",
 *   `inferenceType` "Input tokens", `usagetype` "USE1-Claude2.0-input-tokens", `regionCode`; `terms.OnDemand.*.priceDimensions.*`
 *   with `unit` "1K tokens" and `pricePerUnit.USD` "0.0080000000"; `publicationDate`.
 * - AmazonBedrockFoundationModels (per 1M tokens): `servicename` "Claude Sonnet 4.5 (Amazon Bedrock Edition)"
 *   and usage types `USE1-MP:USE1_InputTokenCount-Units`, `..._Global-Units`, `CacheReadInputTokenCount`,
 *   `CacheWriteInputTokenCount`, `CacheWrite1hInputTokenCount`, `Reserved_1Month_InputTPM_Geo` (not a token rate),
 *   and the newer `USW2-MP:USW2_input_tokens_standard-Units`, `cache_write_tokens_1h_standard`,
 *   `input_tokens_long_ctx_standard` with unit "1M tokens": the spellings Price List readers' own tests record
 *   (public code found by these strings; no public page prints a whole response of this offer, so the envelope
 *   here is the AmazonBedrock one above, which GetProducts shares across offers).
 */

/** One product of a GetProducts `PriceList`, as the JSON text the API returns. */
export function product(
  attributes: Record<string, string>,
  unit: string,
  usd: string,
  sku = "SKU0000000000001",
): string {
  return JSON.stringify({
    product: { productFamily: "Amazon Bedrock", attributes: { regionCode: "us-east-1", ...attributes }, sku },
    serviceCode: attributes.servicecode,
    terms: {
      OnDemand: {
        [`${sku}.JRTCKXETXF`]: {
          priceDimensions: {
            [`${sku}.JRTCKXETXF.6YS6EN2CT7`]: {
              unit,
              endRange: "Inf",
              description: `$${usd} per ${unit} for ${attributes.usagetype}`,
              appliesTo: [],
              rateCode: `${sku}.JRTCKXETXF.6YS6EN2CT7`,
              beginRange: "0",
              pricePerUnit: { USD: usd },
            },
          },
          sku,
          effectiveDate: "2026-11-01T00:00:00Z",
          offerTermCode: "JRTCKXETXF",
          termAttributes: {},
        },
      },
    },
    version: "20261101000000",
    publicationDate: "2026-11-01T00:00:00Z",
  });
}

export const fm = (servicename: string, usagetype: string, usd: string, unit = "1M tokens") =>
  product({ servicecode: "AmazonBedrockFoundationModels", servicename, usagetype }, unit, usd, usagetype.slice(0, 16));
export const SONNET_45 = "Claude Sonnet 4.5 (Amazon Bedrock Edition)";
export const OPUS_5 = "Claude Opus 5 (Amazon Bedrock Edition)";

export const FOUNDATION_MODELS = [
  fm(SONNET_45, "USE1-MP:USE1_InputTokenCount-Units", "3.3000000000"),
  fm(SONNET_45, "USE1-MP:USE1_OutputTokenCount-Units", "16.5000000000"),
  fm(SONNET_45, "USE1-MP:USE1_CacheReadInputTokenCount-Units", "0.3300000000"),
  fm(SONNET_45, "USE1-MP:USE1_CacheWriteInputTokenCount-Units", "4.1250000000"),
  fm(SONNET_45, "USE1-MP:USE1_CacheWrite1hInputTokenCount-Units", "6.6000000000"),
  fm(SONNET_45, "USE1-MP:USE1_InputTokenCount_Global-Units", "3.0000000000"),
  fm(SONNET_45, "USE1-MP:USE1_OutputTokenCount_Global-Units", "15.0000000000"),
  fm(SONNET_45, "USE1-MP:USE1_InputTokenCount_Batch-Units", "1.6500000000"),
  fm(SONNET_45, "USE1-MP:USE1_OutputTokenCount_Batch-Units", "8.2500000000"),
  fm(SONNET_45, "USE1-MP:USE1_Reserved_1Month_InputTPM_Geo-Units", "0.0660000000", "1M TPM Hour"),
  fm(OPUS_5, "USE1-MP:USE1_input_tokens_standard-Units", "5.5000000000"),
  fm(OPUS_5, "USE1-MP:USE1_output_tokens_standard-Units", "27.5000000000"),
  fm(OPUS_5, "USE1-MP:USE1_input_tokens_global_standard-Units", "5.0000000000"),
  fm(OPUS_5, "USE1-MP:USE1_output_tokens_global_standard-Units", "25.0000000000"),
  fm(OPUS_5, "USE1-MP:USE1_cache_write_tokens_1h_standard-Units", "11.0000000000"),
  fm("Claude Fable 5 (Amazon Bedrock Edition)", "USE1-MP:USE1_input_tokens_standard-Units", "10"),
  fm("Claude Haiku 5.5 (Amazon Bedrock Edition)", "USE1-MP:USE1_input_tokens_standard-Units", "1.1000000000"),
  fm("Claude Haiku 5.5 (Amazon Bedrock Edition)", "USE1-MP:USE1_output_tokens_standard-Units", "5.5000000000"),
  // Another region's rate: not the region asked for.
  product(
    {
      servicecode: "AmazonBedrockFoundationModels",
      servicename: SONNET_45,
      usagetype: "EUC1-MP:EUC1_InputTokenCount-Units",
      regionCode: "eu-central-1",
    },
    "1M tokens",
    "3.6000000000",
  ),
];
export const OLDER_MODELS = [
  product(
    {
      servicecode: "AmazonBedrock",
      model: "Claude 2.0",
      inferenceType: "Input tokens",
      usagetype: "USE1-Claude2.0-input-tokens",
      provider: "Anthropic",
    },
    "1K tokens",
    "0.0080000000",
  ),
  product(
    {
      servicecode: "AmazonBedrock",
      model: "Claude 2.0",
      inferenceType: "Output tokens",
      usagetype: "USE1-Claude2.0-output-tokens",
      provider: "Anthropic",
    },
    "1K tokens",
    "0.0240000000",
  ),
  product(
    {
      servicecode: "AmazonBedrock",
      model: "Llama 3 70B",
      inferenceType: "Input tokens",
      usagetype: "USE1-Llama3-70B-input-tokens",
    },
    "1K tokens",
    "0.00265",
  ),
];
