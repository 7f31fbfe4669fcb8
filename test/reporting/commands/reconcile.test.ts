/**
 * `reconcile` end to end on the bundled sample week, against a CUR 2.0 bill
 * that this test builds itself: every sample record priced at list prices
 * written down here (not the report's catalog), summed per day, usage type
 * and caller, with the usage type names AWS bills Claude under. A faithful
 * bill must reconcile; a missing day, a credit and an unknown usage type must
 * each be flagged and explained.
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import { CostExplorerClient, GetCostAndUsageCommand, GetDimensionValuesCommand } from "@aws-sdk/client-cost-explorer";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { run } from "../../helpers/cli-helpers";

const SAMPLE = join(__dirname, "..", "..", "..", "reporting", "samples", "bedrock-logs");
const WINDOW = { start: Date.parse("2026-11-13T00:00:00Z"), end: Date.parse("2026-11-20T00:00:00Z") };
const ARGS = ["reconcile", "--logs", SAMPLE, "--hours", "168", "--end", "2026-11-20", "--quiet"];

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
}

/**
 * USD per 1M tokens, input / output / cache write / cache read, from the AWS
 * Price List (service code AmazonBedrockFoundationModels) as published for
 * Anthropic models on Bedrock (https://aws.amazon.com/bedrock/pricing/).
 */
const LIST_PRICES: Record<string, ModelPrice> = {
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
    const id: string = record.modelId;
    const prefix = id.split(".")[0];
    const route =
      prefix === "global" ? "global" : ["us", "eu", "apac", "jp", "au"].includes(prefix) ? "geo" : "in-region";
    const baseId = route === "in-region" ? id : id.slice(prefix.length + 1);
    const price = LIST_PRICES[baseId];
    if (!price) continue; // an unpriced model: the estimate leaves it out, so does this bill
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

  async function reconcile(lines: CurLine[], extra: string[] = [], name = "cur.csv") {
    const path = join(folder, name);
    await writeFile(path, curCsv(lines));
    const result = await run([...ARGS, "--bill", path, "--format", "json", ...extra]);
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
    const reported = json.days.reduce((sum: number, day: { billedUsd: number }) => sum + day.billedUsd, 0);
    expect(reported).to.be.closeTo(billed, 1e-5);
    expect(json.byModel.map((row: { model: string }) => row.model)).to.include.members(["Sonnet 4.5", "Haiku 3"]);
    expect(json.byCaller.length).to.be.greaterThan(1);
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
    const fromParquet = await run([...ARGS, "--bill", parquetPath, "--format", "json"]);
    const fromCsv = await reconcile(bill);
    expect(fromParquet.code, fromParquet.stderr).to.equal(0);
    expect(JSON.parse(fromParquet.stdout).days).to.deep.equal(fromCsv.json.days);
  });

  it("prints a table with a Total row per day, the flagged rows' reasons and bill text made safe", async () => {
    const path = join(folder, "table.csv");
    await writeFile(path, curCsv([...bill, { ...bill[0], usageType: "USE1-\u001b[31mOdd", cost: 1 }]));
    const table = await run([...ARGS, "--bill", path]);
    expect(table.stdout).to.match(/2026-11-13 .*Total/);
    expect(table.stdout).to.include("BEYOND TOLERANCE");
    expect(table.stdout).to.include("not mapped to a model");
    expect(table.stdout).not.to.include("\u001b");
    const csv = await run([...ARGS, "--bill", path, "--format", "csv"]);
    expect(csv.stdout.split("\n")[0]).to.equal(
      "day,family,complete,estimateUsd,billedUsd,differenceUsd,differencePercent,flag,reasons",
    );
    const markdown = await run([...ARGS, "--bill", path, "--format", "markdown"]);
    expect(markdown.stdout).to.match(/^# Estimate against the bill/);
  });

  it("reads a saved GetCostAndUsage response, and shows its net amortized cost", async () => {
    const path = join(folder, "cost-explorer.json");
    await writeFile(path, JSON.stringify(costExplorerResponse(bill)));
    const { code, stdout, stderr } = await run([...ARGS, "--bill", path, "--format", "json"]);
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
      const { code, stdout, stderr } = await run([...ARGS, "--format", "json"]);
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
    const tolerance = await run([...ARGS, "--bill", join(folder, "cur.csv"), "--tolerance", "lots"]);
    expect(tolerance.code).to.equal(2);
    expect(tolerance.stderr).to.match(/^error: --tolerance lots: must be a percentage/);
    const missing = await run([...ARGS, "--bill", join(folder, "nope.csv")]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.match(/^error: --bill .*nope\.csv: cannot be read \(ENOENT\)/);
    await writeFile(join(folder, "other.csv"), "a,b\n1,2\n");
    const notCur = await run([...ARGS, "--bill", join(folder, "other.csv")]);
    expect(notCur.code).to.equal(2);
    expect(notCur.stderr).to.match(/not a CUR 2\.0 export: no column line_item_usage_type/);
  });
});
