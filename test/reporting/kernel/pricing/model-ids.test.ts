import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../../../reporting/src/kernel/errors";
import { canonicalModelId } from "../../../../reporting/src/kernel/pricing/model-ids";
import { priceFor, type PricedQuote, type PricingOverrides } from "../../../../reporting/src/kernel/pricing/rules";
import { parsePricingOverrides } from "../../../../reporting/src/kernel/pricing/overrides";
import { buildReport } from "../../../../reporting/src/model/report";
import { readLogFiles } from "../../../../reporting/src/sources/logfiles";
import { run } from "../../../helpers/cli-helpers";
import {
  converseRecord,
  HAIKU_45_US,
  invokeModelRecord,
  jsonLines,
  OPUS_46_GLOBAL,
  profileArn,
  SONNET_4_US,
  streamRecord,
} from "../../../helpers/record-shapes";

const SONNET_45 = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const WINDOW = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-11T00:00:00Z") };

function priced(modelId: string, overrides?: PricingOverrides): PricedQuote {
  const quote = priceFor(modelId, overrides);
  if (!quote.priced) throw new Error(`expected ${modelId} to be priced, got ${quote.reason}`);
  return quote;
}

const overridesFrom = (document: unknown) => parsePricingOverrides(JSON.stringify(document), "prices.json");

function pricingError(document: unknown): string {
  try {
    overridesFrom(document);
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected the pricing file to be refused");
}

describe("system inference profile ARNs as model IDs", () => {
  it("resolve to the profile ID they name; application profile ARNs and IDs stay as they are", () => {
    expect(canonicalModelId(profileArn(SONNET_4_US))).to.equal(SONNET_4_US);
    expect(canonicalModelId(profileArn(OPUS_46_GLOBAL, "us-west-2"))).to.equal(OPUS_46_GLOBAL);
    expect(
      canonicalModelId(
        `arn:aws-us-gov:bedrock:us-gov-west-1:${"1".repeat(12)}:inference-profile/us-gov.anthropic.claude-3-haiku-20240307-v1:0`,
      ),
    ).to.equal("us-gov.anthropic.claude-3-haiku-20240307-v1:0");
    expect(canonicalModelId(`arn:aws:bedrock:us-east-1::foundation-model/${SONNET_45}`)).to.equal(SONNET_45);
    const application = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3d4e5f6";
    for (const id of [
      application,
      SONNET_4_US,
      SONNET_45,
      "arn:aws:bedrock:us-east-1:111122223333:inference-profile/",
      "inference-profile/us.x",
    ]) {
      expect(canonicalModelId(id)).to.equal(id);
    }
  });

  it("are priced at the rate of the profile's route, with its family", () => {
    const geo = priced(profileArn(`us.${SONNET_45}`));
    expect(geo).to.include({
      route: "geo",
      baseModelId: SONNET_45,
      family: "Sonnet",
      resolvedModelId: `us.${SONNET_45}`,
      modelId: profileArn(`us.${SONNET_45}`),
    });
    expect(geo.rates).to.deep.equal(priced(`us.${SONNET_45}`).rates);
    const global = priced(profileArn(OPUS_46_GLOBAL, "us-west-2"));
    expect(global).to.include({ route: "global", family: "Opus" });
    expect(global.rates).to.deep.equal({ input: 5, output: 25, cacheWrite: 6.25, cacheRead: 0.5 });
    expect(priceFor(profileArn(HAIKU_45_US)).family).to.equal("Haiku");
  });

  it("are grouped under the profile ID in the report, the ARN kept among the logged IDs", async () => {
    const root = await mkdtemp(join(tmpdir(), "bedrock-arns-"));
    try {
      const records = [
        converseRecord({ modelId: SONNET_4_US }),
        invokeModelRecord({ guardrailAction: "NONE" }),
        streamRecord({ blocked: false }),
      ];
      await writeFile(join(root, "records.jsonl"), jsonLines(records));
      const report = buildReport(await readLogFiles({ paths: [root], window: WINDOW }), {
        window: WINDOW,
        groupBy: "model",
      });
      const sonnet = report.byModel.find((model) => model.modelId === SONNET_4_US);
      expect(sonnet).to.include({ invocations: 2, priced: true, family: "Sonnet", route: "geo" });
      expect(sonnet?.loggedModelIds).to.deep.equal([profileArn(SONNET_4_US), SONNET_4_US]);
      expect(report.byModel.find((model) => model.modelId === OPUS_46_GLOBAL)).to.include({
        invocations: 1,
        priced: true,
        costUsd: 0.19053,
      });
      expect(report.unpricedModels).to.deep.equal([]);
      expect(report.notes.join("\n")).to.include(
        `Grouped under ${SONNET_4_US}: requests logged as ${profileArn(SONNET_4_US)}.`,
      );
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("--pricing entries keyed by a logged ID", () => {
  const custom = { input: 2, output: 10, cacheWrite: 2.5, cacheRead: 0.2 };

  it("price that profile, and its ARN, and no other route of the model", () => {
    // These entries were accepted and never applied: rates were only looked up by the base model ID.
    const overrides = overridesFrom({ models: { [`us.${SONNET_45}`]: { regional: custom } } });
    for (const id of [`us.${SONNET_45}`, profileArn(`us.${SONNET_45}`)])
      expect(priced(id, overrides)).to.deep.include({ rates: custom, overridden: true });
    expect(priced(`eu.${SONNET_45}`, overrides).rates.input).to.equal(3.3);
    expect(priced(`global.${SONNET_45}`, overrides).rates.input).to.equal(3);
    expect(priced(SONNET_45, overrides).rates.input).to.equal(3.3);
  });

  it("layer over an entry for the base model, which applies to every profile and profile ARN", () => {
    const overrides = overridesFrom({
      models: {
        [SONNET_45]: { discountPercent: 50, regional: { input: 4, output: 20 } },
        [`global.${SONNET_45}`]: { global: custom },
      },
    });
    expect(priced(profileArn(`us.${SONNET_45}`), overrides).rates.input).to.equal(2);
    expect(priced(profileArn(`global.${SONNET_45}`), overrides).rates).to.deep.equal({
      input: 1,
      output: 5,
      cacheWrite: 1.25,
      cacheRead: 0.1,
    });
  });

  it("take a profile ARN as the key, as the log writes it", () => {
    const overrides = overridesFrom({ models: { [profileArn(OPUS_46_GLOBAL)]: { discountPercent: 20 } } });
    expect(Object.keys(overrides.models)).to.deep.equal([OPUS_46_GLOBAL]);
    expect(priced(OPUS_46_GLOBAL, overrides).rates.input).to.equal(4);
  });

  it("price a new model's profile from its own rates", () => {
    const overrides = overridesFrom({
      models: { "global.anthropic.claude-new-v1": { family: "Opus", global: custom } },
    });
    expect(priced(profileArn("global.anthropic.claude-new-v1"), overrides)).to.deep.include({
      family: "Opus",
      rates: custom,
    });
    expect(priceFor("us.anthropic.claude-new-v1", overrides)).to.include({ priced: false, reason: "unknownModel" });
  });

  const refused: Array<[string, unknown, RegExp]> = [
    [
      "rates of the other route",
      { models: { [`global.${SONNET_45}`]: { regional: custom } } },
      /regional: global\.anthropic.* is billed at its "global" rates; set "global"/,
    ],
    [
      "a geographic profile's global rates",
      { models: { [`us.${SONNET_45}`]: { global: custom } } },
      /global: us\.anthropic.* is billed at its "regional" rates/,
    ],
    [
      "long-context rates for one profile",
      { models: { [`us.${SONNET_45}`]: { longContext: { regional: custom } } } },
      /longContext: long-context rates belong to the model/,
    ],
    [
      "the same model twice",
      { models: { [OPUS_46_GLOBAL]: { discountPercent: 1 }, [profileArn(OPUS_46_GLOBAL)]: { discountPercent: 2 } } },
      /prices global\.anthropic\.claude-opus-4-6-v1, as models\["global/,
    ],
    [
      "a new model's profile without rates",
      { models: { "us.anthropic.claude-new-v1": { family: "Opus" } } },
      /is not in the catalog, so it needs "regional" rates/,
    ],
    [
      "an application profile among the models",
      { models: { "arn:aws:bedrock:us-east-1:1:application-inference-profile/x": { regional: custom } } },
      /map it under "applicationProfiles"/,
    ],
  ];
  for (const [what, document, message] of refused) {
    it(`are refused with one line for ${what}`, () => {
      const error = pricingError(document);
      expect(error)
        .to.match(/^--pricing prices\.json: models\["/)
        .and.match(message);
      expect(error).to.not.include("\n");
    });
  }

  it("show in `report pricing` as a row of their own, the model's other rows as they were", async () => {
    const pricing = JSON.stringify({ models: { [`us.${SONNET_45}`]: { regional: custom } } });
    const { code, stdout } = await run(["pricing", "--pricing", "p.json", "--format", "json"], {
      readTextFile: async () => pricing,
    });
    expect(code).to.equal(0);
    const rows = (JSON.parse(stdout).prices as Array<Record<string, unknown>>).filter(
      (row) => row.baseModelId === SONNET_45,
    );
    expect(rows.map((row) => [row.route, row.input])).to.deep.equal([
      ["global", 3],
      ["geo / in-region", 3.3],
      ["us. profile", 2],
    ]);
  });

  it("apply in a report run from the command line", async () => {
    const root = await mkdtemp(join(tmpdir(), "bedrock-arns-"));
    try {
      await writeFile(
        join(root, "records.jsonl"),
        jsonLines([invokeModelRecord({ guardrailAction: "NONE", modelId: profileArn(`us.${SONNET_45}`) })]),
      );
      const pricing = JSON.stringify({ models: { [`us.${SONNET_45}`]: { regional: { input: 10, output: 100 } } } });
      const argv = ["--start", "2026-11-10", "--end", "2026-11-11", "--logs", root, "--format", "json"];
      const before = JSON.parse((await run(argv)).stdout);
      const after = JSON.parse(
        (await run([...argv, "--pricing", "p.json"], { readTextFile: async () => pricing })).stdout,
      );
      expect(before.byModel[0]).to.include({ modelId: `us.${SONNET_45}`, costUsd: 0.00231 });
      expect(after.byModel[0]).to.include({ modelId: `us.${SONNET_45}`, costUsd: 0.012 });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
