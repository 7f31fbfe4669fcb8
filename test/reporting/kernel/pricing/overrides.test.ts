import { expect } from "chai";
import { UsageError } from "../../../../reporting/src/kernel/errors";
import { priceFor } from "../../../../reporting/src/kernel/pricing/rules";
import { parsePricingOverrides } from "../../../../reporting/src/kernel/pricing/overrides";

const PROFILE_ARN = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6";

function usageErrorFor(text: string): UsageError {
  try {
    parsePricingOverrides(text, "prices.json");
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error("expected a UsageError");
}

describe("--pricing file validation", () => {
  it("accepts discounts, added models and application profile mappings", () => {
    const overrides = parsePricingOverrides(
      JSON.stringify({
        asOf: "2026-10-01",
        discountPercent: 10,
        models: { "anthropic.claude-new-v1:0": { family: "Haiku", regional: { input: 1, output: 2 } } },
        applicationProfiles: { [PROFILE_ARN]: "us.anthropic.claude-new-v1:0" },
      }),
      "prices.json",
    );
    expect(overrides.asOf).to.equal("2026-10-01");
    const quote = priceFor(PROFILE_ARN, overrides);
    expect(quote).to.include({ priced: true, family: "Haiku", route: "geo" });
    if (quote.priced) expect(quote.rates).to.deep.equal({ input: 0.9, output: 1.8, cacheWrite: null, cacheRead: null });
  });

  const badFiles: Array<[string, string, RegExp]> = [
    ["not JSON", "{ nope", /not valid JSON/],
    ["an array", "[]", /top level must be an object/],
    ["an unknown top-level field", `{"discount": 5}`, /unknown field "discount"/],
    [
      "a negative rate",
      `{"models": {"anthropic.claude-v2": {"regional": {"input": -1, "output": 2}}}}`,
      /regional\.input must be a non-negative number/,
    ],
    [
      "a rate given as text",
      `{"models": {"anthropic.claude-v2": {"regional": {"input": "3", "output": 2}}}}`,
      /regional\.input must be a non-negative number/,
    ],
    ["a discount of 100%", `{"discountPercent": 100}`, /discountPercent must be a number from 0 to below 100/],
    [
      "an unknown family",
      `{"models": {"x.y": {"family": "Mythos", "regional": {"input": 1, "output": 1}}}}`,
      /family must be one of Opus, Sonnet, Haiku, Other/,
    ],
    [
      "an added model without rates",
      `{"models": {"anthropic.claude-new-v1:0": {"family": "Sonnet"}}}`,
      /not in the catalog, so it needs "regional" rates/,
    ],
    [
      "a profile key that is not an ARN",
      `{"applicationProfiles": {"my-profile": "anthropic.claude-v2"}}`,
      /must be an application inference profile ARN/,
    ],
    [
      "a profile mapped to nothing",
      `{"applicationProfiles": {"${PROFILE_ARN}": ""}}`,
      /must be the model ID the profile routes to/,
    ],
    ["a bad as-of date", `{"asOf": "October"}`, /asOf "October": not a date "YYYY-MM-DD"/],
  ];
  for (const [what, text, message] of badFiles) {
    it(`rejects ${what} with one line naming the file and the field`, () => {
      const error = usageErrorFor(text);
      expect(error.message).to.match(/^--pricing prices\.json: /);
      expect(error.message).to.match(message);
      expect(error.message).to.not.include("\n");
    });
  }
});
