/** `pricing --refresh` and `--check`, and the newest catalog the report and the pricing command use. */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PRICE_CATALOG } from "../../../reporting/src/kernel/pricing/catalog";
import type { PriceListPage } from "../../../reporting/src/kernel/pricing/price-list";
import { FAKE_NOW, run } from "../../helpers/cli-helpers";
import { FOUNDATION_MODELS, OLDER_MODELS } from "../../helpers/price-list-fixtures";

const PAGES: PriceListPage[] = [
  { serviceCode: "AmazonBedrockFoundationModels", priceList: FOUNDATION_MODELS },
  { serviceCode: "AmazonBedrock", priceList: OLDER_MODELS },
];
const TODAY = FAKE_NOW.toISOString().slice(0, 10);

describe("pricing --refresh and --check", () => {
  let folder: string;
  const files = {
    readTextFile: (path: string) => readFile(path, "utf8"),
    writeTextFile: (path: string, text: string) => writeFile(path, text),
  };
  beforeEach(async () => (folder = await mkdtemp(join(tmpdir(), "catalog-"))));
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it("--refresh writes pricing/catalog-<date>.json with the Price List's rates and their sources, never over another", async () => {
    const asked: unknown[] = [];
    const deps = {
      ...files,
      cwd: folder,
      readPriceList: async (options: unknown) => (asked.push(options), PAGES),
    };
    const first = await run(["pricing", "--refresh"], deps);
    expect(first.code, first.stderr).to.equal(0);
    expect(asked).to.deep.equal([{ regionCode: "us-east-1", awsProfile: undefined, signal: undefined }]);
    const path = join(folder, "pricing", `catalog-${TODAY}.json`);
    expect(first.stdout).to.include(`Wrote ${path}`).and.include("Claude Fable 5");
    const written = JSON.parse(await readFile(path, "utf8"));
    const sonnet = written.models.find((model: { name: string }) => model.name === "Claude Sonnet 4.5");
    expect(sonnet.rateSources["regional.input"]).to.match(
      /^AmazonBedrockFoundationModels USE1-MP:USE1_InputTokenCount-Units/,
    );

    const again = await run(["pricing", "--refresh"], deps);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.match(/exists: a catalog is never overwritten/);
  });

  it("--refresh checks where the catalog goes before reading the Price List: an existing file or a folder that cannot be made", async () => {
    let asked = 0;
    const deps = { ...files, cwd: folder, readPriceList: async () => (asked++, PAGES) };
    const out = join(folder, "out");
    await mkdir(out);
    await writeFile(join(out, `catalog-${TODAY}.json`), "{}");
    const taken = await run(["pricing", "--refresh", "--catalog-dir", out], deps);
    expect(taken.code).to.equal(2);
    expect(taken.stderr).to.match(/exists: a catalog is never overwritten/);
    expect(await readFile(join(out, `catalog-${TODAY}.json`), "utf8")).to.equal("{}");

    await writeFile(join(folder, "a-file"), "");
    const blocked = await run(["pricing", "--refresh", "--catalog-dir", join(folder, "a-file", "pricing")], deps);
    expect(blocked.code).to.equal(2);
    expect(blocked.stderr.trim().split("\n")).to.have.length(1);
    expect(blocked.stderr).to.match(/^error: --catalog-dir .*a-file\/pricing: cannot be created \(ENOTDIR\)/);
    expect(asked).to.equal(0);
  });

  it("--price-region must be a region code: one usage error, no AWS call, control characters written out", async () => {
    let asked = 0;
    const deps = { ...files, cwd: folder, readPriceList: async () => (asked++, PAGES) };
    for (const region of ["us east 1", "US-EAST-1", "us-east-1\u001b[31m", ""]) {
      const { code, stderr } = await run(["pricing", "--check", "--price-region", region], deps);
      expect(code, region).to.equal(2);
      expect(stderr).to.match(/--price-region .*: not an AWS region code/);
      expect(stderr).to.not.include("\u001b");
    }
    expect(asked).to.equal(0);
  });

  it("the report and the pricing command then use the newest catalog and name it; an older file loses to the built-in one", async () => {
    await mkdir(join(folder, "pricing"));
    const newer = { ...PRICE_CATALOG, asOf: "2026-12-15", models: [{ ...PRICE_CATALOG.models[0], name: "Renamed" }] };
    const older = { ...PRICE_CATALOG, asOf: "2026-01-01" };
    await writeFile(join(folder, "pricing", "catalog-2026-01-01.json"), JSON.stringify(older));
    const pricing = await run(["pricing", "--format", "json"], { ...files, cwd: folder });
    expect(JSON.parse(pricing.stdout)).to.include({ catalog: "built-in", asOf: PRICE_CATALOG.asOf });

    const newerPath = join(folder, "pricing", "catalog-2026-12-15.json");
    await writeFile(newerPath, JSON.stringify(newer));
    const after = JSON.parse((await run(["pricing", "--format", "json"], { ...files, cwd: folder })).stdout);
    expect(after).to.include({ catalog: newerPath, asOf: "2026-12-15" });
    expect(after.prices.map((row: { baseModelId: string }) => row.baseModelId)).to.deep.equal([
      PRICE_CATALOG.models[0].baseModelId,
      PRICE_CATALOG.models[0].baseModelId,
    ]);

    const logs = join(folder, "logs.jsonl");
    await writeFile(
      logs,
      JSON.stringify({
        schemaType: "ModelInvocationLog",
        timestamp: "2026-11-19T10:00:00Z",
        modelId: "anthropic.claude-3-haiku-20240307-v1:0",
        input: { inputTokenCount: 10 },
      }),
    );
    const report = JSON.parse(
      (await run(["--logs", logs, "--format", "json", "--catalog", newerPath], { ...files, cwd: folder })).stdout,
    );
    expect(report.pricing).to.include({ catalog: newerPath, asOf: "2026-12-15" });
    // The newer catalog has one model: Claude 3 Haiku is not in it, so it is unpriced, not priced from elsewhere.
    expect(report.unpricedModels.map((model: { modelId: string }) => model.modelId)).to.deep.equal([
      "anthropic.claude-3-haiku-20240307-v1:0",
    ]);
  });

  it("a broken catalog file is one usage error naming the file", async () => {
    const path = join(folder, "bad.json");
    await writeFile(path, JSON.stringify({ asOf: "2026-12-01", currency: "USD", unit: "per 1M tokens", models: [] }));
    const { code, stderr } = await run(["pricing", "--catalog", path], { ...files, cwd: folder });
    expect(code).to.equal(2);
    expect(stderr.trim()).to.equal(
      `error: --catalog ${path}: models must be a non-empty list; a catalog file is what \`pricing --refresh\` writes`,
    );
  });

  it("--check prints what changed since the catalog in use, and exits 1 when a model in the logs has no price", async () => {
    const logs = join(folder, "logs.jsonl");
    const record = (modelId: string) =>
      JSON.stringify({
        schemaType: "ModelInvocationLog",
        timestamp: "2026-11-19T10:00:00Z",
        modelId,
        input: { inputTokenCount: 10 },
      });
    await writeFile(logs, [record("anthropic.claude-v2"), record("us.anthropic.claude-sonnet-9-v1")].join("\n"));
    const deps = { ...files, cwd: folder, readPriceList: async () => PAGES };

    const changes = await run(["pricing", "--check"], deps);
    expect(changes.code, changes.stderr).to.equal(0);
    expect(changes.stdout).to.match(/The Price List changed since built-in/);
    expect(changes.stdout).to.include(
      "changed: anthropic.claude-sonnet-4-5-20250929-v1:0 global.cacheWrite 3.75 -> none",
    );

    const withLogs = await run(["pricing", "--check", "--logs", logs, "--hours", "48"], deps);
    expect(withLogs.code).to.equal(1);
    expect(withLogs.stdout).to.include(
      "No price for models in the logs: us.anthropic.claude-sonnet-9-v1 (1 invocations).",
    );
  });
});
