/**
 * `reconcile` end to end on the bundled sample week, against a CUR 2.0 bill
 * that this test builds itself: every sample record priced at list prices
 * written down here (not the report's catalog), summed per day, usage type
 * and caller, with the usage type names AWS bills Claude under. A faithful
 * bill must reconcile; a missing day, a credit and an unknown usage type must
 * each be flagged and explained; a model without a list price is billed but
 * shown against "unpriced"; the estimate is priced as the report prices it
 * (--catalog, --pricing, --profiles).
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { CostExplorerClient, GetCostAndUsageCommand, GetDimensionValuesCommand } from "@aws-sdk/client-cost-explorer";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { run } from "../../helpers/cli-helpers";
import { PRICE_CATALOG } from "../../../reporting/src/kernel/pricing/catalog";

const SAMPLE = join(__dirname, "..", "..", "..", "reporting", "samples", "bedrock-logs");
const WINDOW = { start: Date.parse("2026-11-13T00:00:00Z"), end: Date.parse("2026-11-20T00:00:00Z") };
const PROFILES = join(SAMPLE, "..", "inference-profiles.json");
const ARGS = [
  "reconcile",
  "--logs",
  SAMPLE,
  "--hours",
  "168",
  "--end",
  "2026-11-20",
  "--quiet",
  "--profiles",
  PROFILES,
];
const READ_FILES = { readTextFile: (path: string) => readFile(path, "utf8") };
/**
 * The sample's application inference profile (support-chat): per reporting/samples/inference-profiles.json it
 * routes to Claude Sonnet 4.5 in three US regions, so AWS bills it as US cross-region Sonnet 4.5 usage.
 */
const SAMPLE_PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/9x8y7w6v5u4t";
const PROFILE_ROUTES_TO = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

type Rates = [input: number, output: number, cacheWrite: number, cacheRead: number];
interface ModelPrice {
  /** The billing name in usage types, as in `USE1-Claude4.5Sonnet-input-tokens` (Bedrock user guide, "Understanding your Amazon Bedrock Cost and Usage Report data"). */
  billingName: string;
  global?: Rates;
  regional: Rates;
  /** Whole-request rates above 200,000 input + cache tokens. */
  long?: { global: Rates; regional: Rates };
  /** Sold through AWS Marketplace: the model is named only by the product. */
  marketplaceProduct?: string;
  /** No list price is published: the bill charges it, the estimate cannot price it. */
  unpriced?: true;
}

/**
 * USD per 1M tokens, input / output / cache write / cache read, from the AWS
 * Price List (service code AmazonBedrockFoundationModels) as published for
 * Anthropic models on Bedrock (https://aws.amazon.com/bedrock/pricing/).
 */
const LIST_PRICES: Record<string, ModelPrice> = {
  /*
   * Opus 4.8, Opus 5 and Sonnet 5: $5 / $25 / 6.25 / 0.50 and $2 / $10 / 2.50 / 0.20 global on Anthropic's
   * price list (https://platform.claude.com/docs/en/about-claude/pricing, as quoted in
   * github.com/braintrustdata/braintrust-proxy/pull/1018 and github.com/pollinations/pollinations/pull/12133),
   * in-region and geographic 10% more as for every Claude model since 4.5. No public bill shows their usage
   * types yet: the names follow the documented `Claude<version><family>` pattern (`Claude4.5Sonnet`,
   * `Claude4Sonnet`, `Claude3Opus`: a whole version is written without `.0`).
   */
  "anthropic.claude-opus-4-8": {
    billingName: "Claude4.8Opus",
    global: [5, 25, 6.25, 0.5],
    regional: [5.5, 27.5, 6.875, 0.55],
  },
  "anthropic.claude-opus-5": {
    billingName: "Claude5Opus",
    global: [5, 25, 6.25, 0.5],
    regional: [5.5, 27.5, 6.875, 0.55],
  },
  "anthropic.claude-sonnet-5": {
    billingName: "Claude5Sonnet",
    global: [2, 10, 2.5, 0.2],
    regional: [2.2, 11, 2.75, 0.22],
  },
  /*
   * Haiku 5.5 is on Bedrock with no published price: this bill charges it at rates made up for the test (not a
   * price claim), which reconcile must not know, so it shows them against "unpriced".
   */
  "anthropic.claude-haiku-5-5": {
    billingName: "Claude5.5Haiku",
    global: [1.5, 7.5, 1.875, 0.15],
    regional: [1.65, 8.25, 2.0625, 0.165],
    unpriced: true,
  },
  "anthropic.claude-opus-4-7": {
    billingName: "Claude4.7Opus",
    global: [5, 25, 6.25, 0.5],
    regional: [5.5, 27.5, 6.875, 0.55],
  },
  "anthropic.claude-opus-4-5-20251101-v1:0": {
    billingName: "Claude4.5Opus",
    global: [5, 25, 6.25, 0.5],
    regional: [5.5, 27.5, 6.875, 0.55],
  },
  "anthropic.claude-sonnet-4-5-20250929-v1:0": {
    billingName: "Claude4.5Sonnet",
    global: [3, 15, 3.75, 0.3],
    regional: [3.3, 16.5, 4.125, 0.33],
    long: { global: [6, 22.5, 7.5, 0.6], regional: [6.6, 24.75, 8.25, 0.66] },
  },
  "anthropic.claude-sonnet-4-20250514-v1:0": {
    billingName: "Claude4Sonnet",
    global: [3, 15, 3.75, 0.3],
    regional: [3, 15, 3.75, 0.3],
    long: { global: [6, 22.5, 7.5, 0.6], regional: [6, 22.5, 7.5, 0.6] },
  },
  "anthropic.claude-haiku-4-5-20251001-v1:0": {
    billingName: "Claude4.5Haiku",
    global: [1, 5, 1.25, 0.1],
    regional: [1.1, 5.5, 1.375, 0.11],
  },
  "anthropic.claude-3-7-sonnet-20250219-v1:0": { billingName: "Claude3.7Sonnet", regional: [3, 15, 3.75, 0.3] },
  "anthropic.claude-3-5-haiku-20241022-v1:0": { billingName: "Claude3.5Haiku", regional: [0.8, 4, 1, 0.08] },
  "anthropic.claude-3-opus-20240229-v1:0": { billingName: "Claude3Opus", regional: [15, 75, 0, 0] },
  "anthropic.claude-3-haiku-20240307-v1:0": {
    billingName: "",
    regional: [0.25, 1.25, 0, 0],
    marketplaceProduct: "Claude 3 Haiku (Amazon Bedrock Edition)",
  },
};

const TOKEN_SUFFIXES = [
  "input-tokens",
  "output-tokens",
  "cache-write-input-token-count",
  "cache-read-input-token-count",
];
const MARKETPLACE_SUFFIXES = [
  "InputTokenCount",
  "OutputTokenCount",
  "CacheWriteInputTokenCount",
  "CacheReadInputTokenCount",
];

interface CurLine {
  day: string;
  usageType: string;
  product: string;
  principal: string;
  lineType: string;
  cost: number;
}

interface SampleRecord {
  schemaType?: string;
  timestamp: string;
  modelId: string;
  identity: { arn: string };
  input?: { inputTokenCount?: number; cacheReadInputTokenCount?: number; cacheWriteInputTokenCount?: number };
  output?: { outputTokenCount?: number };
}

async function sampleRecords(): Promise<SampleRecord[]> {
  const files = (await readdir(SAMPLE, { recursive: true })).filter((name) => name.endsWith(".json.gz"));
  const records: SampleRecord[] = [];
  for (const file of files) {
    for (const line of gunzipSync(await readFile(join(SAMPLE, file)))
      .toString("utf8")
      .split("\n")) {
      try {
        const record = JSON.parse(line) as SampleRecord;
        if (record?.schemaType === "ModelInvocationLog") records.push(record);
      } catch {
        // not a record line
      }
    }
  }
  return records;
}

/** The bill AWS would send for the sample at list prices, one CUR line per day, usage type and caller. */
async function listPriceBill(): Promise<CurLine[]> {
  const lines = new Map<string, CurLine>();
  for (const record of await sampleRecords()) {
    const time = Date.parse(record.timestamp);
    if (!(time >= WINDOW.start && time < WINDOW.end)) continue;
    // SAMPLE_UNKNOWN_MODEL (us.anthropic.claude-sonnet-5-20261115-v1:0) is in no price list and its usage type
    // is unknowable: it is left out below, as its own price is left out of the estimate.
    const id: string = record.modelId === SAMPLE_PROFILE ? PROFILE_ROUTES_TO : record.modelId;
    const prefix = id.split(".")[0];
    const route =
      prefix === "global" ? "global" : ["us", "eu", "apac", "jp", "au"].includes(prefix) ? "geo" : "in-region";
    const baseId = route === "in-region" ? id : id.slice(prefix.length + 1);
    const price = LIST_PRICES[baseId];
    if (!price) continue; // a model no one prices: the estimate leaves it out, so does this bill
    const counts = [
      record.input?.inputTokenCount ?? 0,
      record.output?.outputTokenCount ?? 0,
      record.input?.cacheWriteInputTokenCount ?? 0,
      record.input?.cacheReadInputTokenCount ?? 0,
    ];
    const long = price.long && counts[0] + counts[2] + counts[3] > 200_000;
    const rates = long
      ? route === "global"
        ? price.long!.global
        : price.long!.regional
      : route === "global"
        ? price.global!
        : price.regional;
    const principal = String(record.identity.arn).replace(/^(arn:aws:sts::\d+:assumed-role\/[^/]+)\/.*$/, "$1");
    const day = record.timestamp.slice(0, 10);
    counts.forEach((count, kind) => {
      if (count === 0) return;
      const routeSuffix = route === "global" ? "-cross-region-global" : route === "geo" ? "-cross-region-geo" : "";
      const usageType = price.marketplaceProduct
        ? `USE1-MP:USE1_${MARKETPLACE_SUFFIXES[kind]}-Units`
        : `USE1-${price.billingName}-${TOKEN_SUFFIXES[kind]}${routeSuffix}`;
      const key = `${day}|${usageType}|${principal}`;
      const line = lines.get(key) ?? {
        day,
        usageType,
        product: price.marketplaceProduct ?? "Amazon Bedrock",
        principal,
        lineType: "Usage",
        cost: 0,
      };
      line.cost += (count * rates[kind]) / 1_000_000;
      lines.set(key, line);
    });
  }
  return [...lines.values()];
}

function curCsv(lines: CurLine[]): string {
  const header =
    "line_item_usage_start_date,line_item_usage_type,line_item_unblended_cost,line_item_iam_principal,line_item_line_item_type,product_product_name";
  const rows = lines.map((line) =>
    [
      `${line.day}T00:00:00Z`,
      line.usageType,
      line.cost.toFixed(10),
      line.principal,
      line.lineType,
      `"${line.product}"`,
    ].join(","),
  );
  return `${header}\n${rows.join("\n")}\n`;
}

/** The bill as one GetCostAndUsage response: daily, grouped by SERVICE and USAGE_TYPE. */
function costExplorerResponse(lines: CurLine[]) {
  const days = [...new Set(lines.map((line) => line.day))].sort();
  return {
    GroupDefinitions: [
      { Type: "DIMENSION", Key: "SERVICE" },
      { Type: "DIMENSION", Key: "USAGE_TYPE" },
    ],
    ResultsByTime: days.map((day) => {
      const groups = new Map<string, { Keys: string[]; cost: number }>();
      for (const line of lines.filter((entry) => entry.day === day)) {
        const key = `${line.product}|${line.usageType}`;
        const group = groups.get(key) ?? { Keys: [line.product, line.usageType], cost: 0 };
        group.cost += line.cost;
        groups.set(key, group);
      }
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return {
        TimePeriod: { Start: day, End: next },
        Total: {},
        Groups: [...groups.values()].map((group) => ({
          Keys: group.Keys,
          Metrics: {
            UnblendedCost: { Amount: group.cost.toFixed(10), Unit: "USD" },
            NetAmortizedCost: { Amount: (group.cost * 0.9).toFixed(10), Unit: "USD" },
          },
        })),
        Estimated: false,
      };
    }),
    DimensionValueAttributes: [],
  };
}

describe("reconcile on the sample week against a CUR 2.0 bill built at list prices", function () {
  this.timeout(60_000);
  let folder: string;
  let bill: CurLine[];

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), "reconcile-"));
    bill = await listPriceBill();
  });
  after(() => rm(folder, { recursive: true, force: true }));

  async function reconcile(lines: CurLine[], extra: string[] = [], name = "cur.csv", args = ARGS) {
    const path = join(folder, name);
    await writeFile(path, curCsv(lines));
    const result = await run([...args, "--bill", path, "--format", "json", ...extra], READ_FILES);
    return { ...result, json: result.stdout ? JSON.parse(result.stdout) : null };
  }

  it("matches the bill on every day, family, model and caller, and exits 0", async () => {
    const { code, json, stderr } = await reconcile(bill);
    expect(code, stderr).to.equal(0);
    expect(json.days).to.have.length(7);
    for (const row of [...json.days, ...json.byFamily, ...json.byModel, ...json.byCaller]) {
      expect(row.beyondTolerance, JSON.stringify(row)).to.equal(false);
      if (row.estimateUsd !== null) expect(Math.abs(row.differenceUsd)).to.be.below(0.01);
    }
    const billed = bill.reduce((sum, line) => sum + line.cost, 0);
    // Every billed dollar is shown: compared on its day, or against "unpriced" (Haiku 5.5, below).
    const reported = json.days.reduce(
      (sum: number, day: { billedUsd: number; unpricedModelsUsd: number }) =>
        sum + day.billedUsd + day.unpricedModelsUsd,
      0,
    );
    expect(reported).to.be.closeTo(billed, 1e-5);
    expect(json.byModel.map((row: { model: string }) => row.model)).to.include.members([
      "Sonnet 4.5",
      "Haiku 3",
      "Opus 4.8",
      "Opus 5",
      "Sonnet 5",
    ]);
    expect(json.byCaller.length).to.be.greaterThan(1);
  });

  it("shows what the bill charges for a model without a list price against 'unpriced', and says so", async () => {
    const { code, json, stderr } = await reconcile(bill);
    expect(code, stderr).to.equal(0);
    const haikuBilled = bill
      .filter((line) => line.usageType.includes("Claude5.5Haiku"))
      .reduce((sum, line) => sum + line.cost, 0);
    expect(haikuBilled).to.be.greaterThan(0.01);
    expect(json.unpricedModels).to.have.length(1);
    expect(json.unpricedModels[0]).to.include({ model: "Haiku 5.5", family: "Haiku", invocations: 26 });
    expect(json.unpricedModels[0].billedUsd).to.be.closeTo(haikuBilled, 1e-5);
    const row = json.byModel.find((entry: { model: string }) => entry.model === "Haiku 5.5");
    expect(row).to.include({ estimateUsd: null, beyondTolerance: false });
    expect(row.billedUsd).to.be.closeTo(haikuBilled, 1e-5);
    // Left out of the day totals (so no false difference), but counted per day.
    const unpricedPerDay = json.days.reduce((sum: number, day: { unpricedModelsUsd: number }) => {
      return sum + day.unpricedModelsUsd;
    }, 0);
    expect(unpricedPerDay).to.be.closeTo(haikuBilled, 1e-5);
    expect(json.notes.join(" ")).to.match(/Unpriced: Haiku 5\.5 \(26 invocations, billed \$[\d.]+\) has no price/);
  });

  it("prices an application profile from --profiles as its model, so its cost lands in that family", async () => {
    const withProfiles = await reconcile(bill);
    expect(withProfiles.code).to.equal(0);
    expect(withProfiles.json.notes.join(" ")).to.include(`Application inference profiles from ${PROFILES} (1)`);
    // Without --profiles the local logs cannot name its model: 92 invocations unpriced, the Sonnet bill above them.
    const without = await reconcile(bill, [], "cur.csv", ARGS.slice(0, -2));
    expect(without.code).to.equal(1);
    const sonnetDays = without.json.byFamily.filter((row: { family: string }) => row.family === "Sonnet");
    const flagged = sonnetDays.filter((row: { beyondTolerance: boolean }) => row.beyondTolerance);
    expect(flagged.length).to.be.greaterThan(0);
    for (const row of flagged) expect(row.reasons.join(" ")).to.match(/logged invocations are unpriced/);
    expect(without.json.byModel.map((row: { model: string }) => row.model)).to.include(SAMPLE_PROFILE);
  });

  it("prices with the catalog in use: a --catalog file with another Opus 4.8 rate changes the estimate", async () => {
    const doubled = PRICE_CATALOG.models.map((model) =>
      model.baseModelId === "anthropic.claude-opus-4-8"
        ? {
            ...model,
            regional: { ...model.regional, input: model.regional.input * 2, output: model.regional.output * 2 },
          }
        : model,
    );
    const path = join(folder, "catalog-2026-12-15.json");
    await writeFile(path, JSON.stringify({ ...PRICE_CATALOG, asOf: "2026-12-15", models: doubled }));
    const before = await reconcile(bill);
    const after = await reconcile(bill, ["--catalog", path]);
    const opus = (json: { byModel: Array<{ model: string; estimateUsd: number; beyondTolerance: boolean }> }) =>
      json.byModel.find((row) => row.model === "Opus 4.8")!;
    expect(opus(after.json).estimateUsd).to.be.greaterThan(opus(before.json).estimateUsd * 1.5);
    expect(opus(after.json).beyondTolerance).to.equal(true);
    expect(after.code).to.equal(1);
    expect(after.json.notes.join(" ")).to.include(`Priced with the ${path} catalog (as of 2026-12-15)`);
    expect(before.json.notes.join(" ")).to.include(`Priced with the built-in catalog (as of ${PRICE_CATALOG.asOf})`);
  });

  it("refuses a format it cannot render, naming the ones it can, with exit 2", async () => {
    const { code, stderr, stdout } = await run(
      [...ARGS, "--bill", join(folder, "cur.csv"), "--format", "html"],
      READ_FILES,
    );
    expect(code).to.equal(2);
    expect(stdout).to.equal("");
    expect(stderr).to.equal("error: --format html: unknown format; allowed: table, json, csv, markdown\n");
  });

  it("flags a day missing from the bill and exits 1", async () => {
    const { code, json } = await reconcile(bill.filter((line) => line.day !== "2026-11-16"));
    expect(code).to.equal(1);
    const day = json.days.find((entry: { day: string }) => entry.day === "2026-11-16");
    expect(day).to.include({ billedUsd: 0, beyondTolerance: true, complete: true });
    expect(day.reasons.join(" ")).to.match(/nothing billed for logged usage/);
    const others = json.days.filter((entry: { day: string }) => entry.day !== "2026-11-16");
    expect(others.every((entry: { beyondTolerance: boolean }) => !entry.beyondTolerance)).to.equal(true);
  });

  it("flags a credit on the bill, with its amount as the reason", async () => {
    const credit = {
      ...bill[0],
      day: "2026-11-17",
      usageType: "USE1-Claude4.5Sonnet-input-tokens",
      lineType: "Credit",
      cost: -5,
    };
    const { code, json } = await reconcile([...bill, credit]);
    expect(code).to.equal(1);
    const day = json.days.find((entry: { day: string }) => entry.day === "2026-11-17");
    expect(day.creditsUsd).to.equal(-5);
    expect(day.beyondTolerance).to.equal(true);
    expect(day.reasons.join(" ")).to.include("credits or refunds of $-5");
  });

  it("reports a usage type it cannot map, and the day it lands on", async () => {
    const unknown = { ...bill[0], day: "2026-11-18", usageType: "USE1-SomethingNew-Units", cost: 2 };
    const { code, json } = await reconcile([...bill, unknown]);
    expect(code).to.equal(1);
    expect(json.unrecognisedUsageTypes).to.deep.equal([
      { usageType: "USE1-SomethingNew-Units", productName: "Amazon Bedrock", costUsd: 2 },
    ]);
    const day = json.days.find((entry: { day: string }) => entry.day === "2026-11-18");
    expect(day.unrecognisedUsd).to.equal(2);
    expect(day.reasons.join(" ")).to.include("not mapped to a model");
    expect(json.notes.join(" ")).to.include("USE1-SomethingNew-Units");
  });

  it("compares cost per caller from line_item_iam_principal, and flags the caller billed more than logged", async () => {
    const caller = bill[0].principal;
    const { json } = await reconcile(
      bill.map((line) => (line.principal === caller ? { ...line, cost: line.cost * 2 } : line)),
    );
    const flagged = json.byCaller.filter((row: { beyondTolerance: boolean }) => row.beyondTolerance);
    expect(flagged.map((row: { caller: string }) => row.caller)).to.deep.equal([caller]);
    expect(flagged[0].differencePercent).to.be.closeTo(100, 0.01);
  });

  it("does not fail on a day still within the billing lag, but says why it differs", async () => {
    // The run is at 2026-11-20T00:00Z: 2026-11-19 ended less than 24 h before.
    const { code, json } = await reconcile(bill.filter((line) => line.day !== "2026-11-19"));
    expect(code).to.equal(0);
    const day = json.days.find((entry: { day: string }) => entry.day === "2026-11-19");
    expect(day).to.include({ complete: false, beyondTolerance: true });
    expect(day.reasons.join(" ")).to.match(/billing lag/);
  });

  it("fails a smaller difference only when it is beyond --tolerance", async () => {
    const inflated = bill.map((line) => (line.day === "2026-11-15" ? { ...line, cost: line.cost * 1.08 } : line));
    expect((await reconcile(inflated)).code).to.equal(1);
    expect((await reconcile(inflated, ["--tolerance", "10"])).code).to.equal(0);
  });

  it("reads the same bill from a CUR 2.0 Parquet export", async () => {
    const csvPath = join(folder, "cur-for-parquet.csv");
    const parquetPath = join(folder, "cur.parquet");
    await writeFile(csvPath, curCsv(bill));
    const { DuckDBInstance } = await import("@duckdb/node-api");
    const connection = await (await DuckDBInstance.create(":memory:")).connect();
    await connection.run(`COPY (SELECT * FROM read_csv('${csvPath}')) TO '${parquetPath}' (FORMAT parquet)`);
    const fromParquet = await run([...ARGS, "--bill", parquetPath, "--format", "json"], READ_FILES);
    const fromCsv = await reconcile(bill);
    expect(fromParquet.code, fromParquet.stderr).to.equal(0);
    expect(JSON.parse(fromParquet.stdout).days).to.deep.equal(fromCsv.json.days);
  });

  it("prints a table with a Total row per day, the flagged rows' reasons and bill text made safe", async () => {
    const path = join(folder, "table.csv");
    await writeFile(path, curCsv([...bill, { ...bill[0], usageType: "USE1-\u001b[31mOdd", cost: 1 }]));
    const table = await run([...ARGS, "--bill", path], READ_FILES);
    expect(table.stdout).to.match(/2026-11-13 .*Total/);
    expect(table.stdout).to.include("BEYOND TOLERANCE");
    expect(table.stdout).to.include("not mapped to a model");
    expect(table.stdout).to.match(/│ Haiku 5\.5 +│ Haiku +│ unpriced +│ [\d.]+ +│ +│ +│ +│/);
    expect(table.stdout).not.to.include("\u001b");
    const csv = await run([...ARGS, "--bill", path, "--format", "csv"], READ_FILES);
    expect(csv.stdout.split("\n")[0]).to.equal(
      "day,family,complete,estimateUsd,billedUsd,differenceUsd,differencePercent,flag,reasons",
    );
    const markdown = await run([...ARGS, "--bill", path, "--format", "markdown"], READ_FILES);
    expect(markdown.stdout).to.match(/^# Estimate against the bill/);
  });

  it("reads a saved GetCostAndUsage response, and shows its net amortized cost", async () => {
    const path = join(folder, "cost-explorer.json");
    await writeFile(path, JSON.stringify(costExplorerResponse(bill)));
    const { code, stdout, stderr } = await run([...ARGS, "--bill", path, "--format", "json"], READ_FILES);
    expect(code, stderr).to.equal(0);
    const json = JSON.parse(stdout);
    const billed = bill.reduce((sum, line) => sum + line.cost, 0);
    expect(json.netAmortizedUsd).to.be.closeTo(billed * 0.9, 1e-5);
    expect(json.byCaller).to.equal(null);
  });

  it("reads the bill from Cost Explorer when no --bill is given", async () => {
    const costExplorerMock = mockClient(CostExplorerClient);
    try {
      costExplorerMock.on(GetDimensionValuesCommand).resolves({
        DimensionValues: [{ Value: "Amazon Bedrock" }, { Value: "Claude 3 Haiku (Amazon Bedrock Edition)" }],
      });
      costExplorerMock.on(GetCostAndUsageCommand).resolves(costExplorerResponse(bill) as never);
      const { code, stdout, stderr } = await run([...ARGS, "--format", "json"], READ_FILES);
      expect(code, stderr).to.equal(0);
      expect(JSON.parse(stdout).bill.label).to.equal("Cost Explorer");
      expect(costExplorerMock.commandCalls(GetCostAndUsageCommand)).to.have.length(1);
    } finally {
      costExplorerMock.restore();
    }
  });

  it("covers 720 hours by default, 30 UTC days", async () => {
    const path = join(folder, "default-window.csv");
    await writeFile(path, curCsv(bill));
    const { stdout } = await run([
      "reconcile",
      "--logs",
      SAMPLE,
      "--end",
      "2026-11-20",
      "--bill",
      path,
      "--format",
      "json",
    ]);
    const json = JSON.parse(stdout);
    expect(json.window).to.deep.equal({ start: "2026-10-21T00:00:00.000Z", end: "2026-11-20T00:00:00.000Z" });
    expect(json.days).to.have.length(30);
  });

  it("refuses a bad --tolerance or an unreadable --bill with one line and exit 2", async () => {
    const tolerance = await run([...ARGS, "--bill", join(folder, "cur.csv"), "--tolerance", "lots"], READ_FILES);
    expect(tolerance.code).to.equal(2);
    expect(tolerance.stderr).to.match(/^error: --tolerance lots: must be a percentage/);
    const missing = await run([...ARGS, "--bill", join(folder, "nope.csv")], READ_FILES);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^error: --bill .*nope\.csv: cannot be read \(ENOENT\)/);
    await writeFile(join(folder, "other.csv"), "a,b\n1,2\n");
    const notCur = await run([...ARGS, "--bill", join(folder, "other.csv")], READ_FILES);
    expect(notCur.code).to.equal(2);
    expect(notCur.stderr).to.match(/not a CUR 2\.0 export: no column line_item_usage_type/);
  });
});
