/**
 * Usage types as AWS bills Bedrock (Bedrock user guide, "Understanding your
 * Amazon Bedrock Cost and Usage Report data":
 * https://docs.aws.amazon.com/bedrock/latest/userguide/cost-mgmt-understanding-cur-data.html),
 * and the Marketplace forms Claude is billed under, mapped to model, token kind and route.
 */
import { expect } from "chai";
import { modelOfName, usageTypeMeaning } from "../../../reporting/src/model/bill-usage-types";

describe("a Bedrock usage type", () => {
  it("names the model and the token kind, for all four kinds", () => {
    expect(usageTypeMeaning("USE1-Claude4.6Sonnet-input-tokens")).to.deep.include({
      model: { family: "Sonnet", label: "Sonnet 4.6" },
      kind: "input",
      route: "in-region",
    });
    expect(usageTypeMeaning("USE1-Claude4.6Sonnet-output-tokens").kind).to.equal("output");
    expect(usageTypeMeaning("USW2-Claude4.5Sonnet-cache-read-input-token-count").kind).to.equal("cacheRead");
    expect(usageTypeMeaning("USW2-Claude4.5Sonnet-cache-write-input-token-count").kind).to.equal("cacheWrite");
  });

  it("tells global and geographic cross-region routes from in-region ones", () => {
    expect(usageTypeMeaning("USE1-Claude4.5Sonnet-input-tokens-cross-region-global").route).to.equal("global");
    expect(usageTypeMeaning("USE1-Claude4.5Sonnet-input-tokens-cross-region-geo").route).to.equal("geo");
    expect(usageTypeMeaning("USE1-MP:USE1_input_tokens_Global_standard-Units").route).to.equal("global");
  });

  it("marks the bedrock-mantle endpoint and batch usage", () => {
    const mantle = usageTypeMeaning("USE1-anthropic.claude-opus-4-8-mantle-input-tokens-standard");
    expect(mantle).to.deep.include({ model: { family: "Opus", label: "Opus 4.8" }, kind: "input", mantle: true });
    expect(usageTypeMeaning("USE1-Claude3Haiku-batch-input-tokens").batch).to.equal(true);
  });

  it("takes a Marketplace usage type's model from the product name", () => {
    expect(
      usageTypeMeaning("USW2-MP:USW2_InputTokenCount-Units", "Claude 3 Haiku (Amazon Bedrock Edition)"),
    ).to.deep.include({ model: { family: "Haiku", label: "Haiku 3" }, kind: "input" });
    expect(usageTypeMeaning("USW2-MP:USW2_output_tokens_standard-Units", null).model).to.equal(null);
  });

  it("keeps another vendor's model under Other, and leaves an unknown usage type unmapped", () => {
    expect(usageTypeMeaning("USE1-NovaPro-input-tokens").model).to.deep.equal({ family: "Other", label: "NovaPro" });
    expect(usageTypeMeaning("USE1-SomethingNew-Units")).to.deep.include({ model: null, kind: "unknown" });
    expect(usageTypeMeaning("USE1-Claude4.5Sonnet-reserved-1-month-input-tokens-per-minute").kind).to.equal(
      "provisioned",
    );
  });
});

describe("a model name, however it is spelled", () => {
  it("gives the same family and version from billing names, catalog names and model IDs", () => {
    const same = [
      ["Claude4.5Sonnet", "Claude Sonnet 4.5", "anthropic.claude-sonnet-4-5-20250929-v1:0"],
      ["Claude3Haiku", "Claude 3 Haiku", "anthropic.claude-3-haiku-20240307-v1:0"],
      ["Claude4Sonnet", "Claude Sonnet 4", "anthropic.claude-sonnet-4-20250514-v1:0"],
      ["Claude3.5Haiku", "Claude 3.5 Haiku", "anthropic.claude-3-5-haiku-20241022-v1:0"],
      ["Claude4.7Opus", "Claude Opus 4.7", "anthropic.claude-opus-4-7"],
      // The newer models' billing names follow the same pattern; no public bill shows them yet.
      ["Claude4.8Opus", "Claude Opus 4.8", "anthropic.claude-opus-4-8", "us.anthropic.claude-opus-4-8"],
      ["Claude5Opus", "Claude Opus 5", "anthropic.claude-opus-5", "global.anthropic.claude-opus-5"],
      ["Claude5Sonnet", "Claude Sonnet 5", "anthropic.claude-sonnet-5"],
      ["Claude5.5Haiku", "Claude Haiku 5.5", "anthropic.claude-haiku-5-5", "global.anthropic.claude-haiku-5-5"],
    ];
    for (const names of same) {
      const labels = names.map((name) => modelOfName(name)?.label);
      expect(new Set(labels).size, names.join(" / ")).to.equal(1);
    }
    expect(modelOfName("Claude 3.5 Sonnet v2")?.label).to.equal("Sonnet 3.5");
    expect(modelOfName("amazon.nova-pro-v1:0")).to.equal(null);
  });
});
