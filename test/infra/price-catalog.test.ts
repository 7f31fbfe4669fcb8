import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stackPriceCatalog } from "../../infra/price-catalog";
import { UsageDashboard } from "../../infra/views";
import { PRICE_CATALOG } from "../../reporting/src/kernel/pricing/catalog";
import { oneResourceOf, resetRecorded, settle } from "../helpers/pulumi-mocks";

describe("the catalog the dashboard and the estimator price with", () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(join(tmpdir(), "pricing-"))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("is the newest of the built-in one and the refreshed files in pricing/", () => {
    expect(stackPriceCatalog(join(folder, "missing")).label).to.equal("built-in");
    writeFileSync(join(folder, "catalog-2026-01-01.json"), JSON.stringify({ ...PRICE_CATALOG, asOf: "2026-01-01" }));
    expect(stackPriceCatalog(folder).label).to.equal("built-in");
    writeFileSync(join(folder, "catalog-2027-01-01.json"), JSON.stringify({ ...PRICE_CATALOG, asOf: "2027-01-01" }));
    writeFileSync(join(folder, "notes.json"), "not a catalog");
    expect(stackPriceCatalog(folder)).to.include({ label: join(folder, "catalog-2027-01-01.json") });
  });

  it("reaches the dashboard's cost expressions", async () => {
    const doubled = {
      ...PRICE_CATALOG,
      models: PRICE_CATALOG.models.map((model) => ({
        ...model,
        regional: { ...model.regional, input: model.regional.input * 2 },
      })),
    };
    const bodies: string[] = [];
    for (const catalog of [PRICE_CATALOG, doubled]) {
      resetRecorded();
      const view = new UsageDashboard("ud", {
        dashboardName: "d",
        logGroupName: "/g",
        periodSeconds: 300,
        rangeHours: 24,
        catalog,
      });
      await settle(view.url);
      bodies.push(String(oneResourceOf("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody));
    }
    // Claude 3 Opus's regional input rate, 15 per 1M tokens, priced doubled: 30 is no rate of the built-in catalog.
    expect(bodies[0]).not.to.include("* 30 / 1000000");
    expect(bodies[1]).to.include("* 30 / 1000000");
  });
});
