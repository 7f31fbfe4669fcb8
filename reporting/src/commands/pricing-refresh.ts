/**
 * `pricing --refresh`: the AWS Price List's Claude rates into a dated catalog
 * file; `pricing --check`: what the Price List changed since the catalog in
 * use, and exit 1 when a model seen in the logs has no price.
 */
import { access, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { OperationalError, UsageError } from "../kernel/errors";
import type { CatalogInUse } from "../kernel/pricing/catalog-file";
import { describeChange, diffCatalogs } from "../kernel/pricing/catalog-diff";
import { canonicalModelId } from "../kernel/pricing/model-ids";
import { catalogFromPriceList, type RefreshedCatalog } from "../kernel/pricing/price-list";
import { priceFor, type PricingOverrides } from "../kernel/pricing/rules";
import { readReportSource, type SourceArgs } from "../sources/report-source";
import { CATALOG_FOLDER } from "./catalogs";
import type { CliDeps } from "./context";
import { resolveWindow } from "./options";

export interface RefreshArgs extends SourceArgs {
  refresh?: boolean;
  check?: boolean;
  /** Where --refresh writes the catalog (default the project's pricing/ folder). */
  catalogDir?: string;
  /** The region whose prices to read (default us-east-1). */
  priceRegion?: string;
}

const DEFAULT_PRICE_REGION = "us-east-1";
/** AWS region codes: partition prefix, area and number (`us-east-1`, `us-gov-west-1`, `ap-southeast-5`). */
const REGION_CODE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The date a catalog read now is as of (UTC), and names its file by. */
const catalogDate = (deps: CliDeps) => deps.now().toISOString().slice(0, 10);

async function refreshed(
  args: RefreshArgs,
  inUse: CatalogInUse,
  asOf: string,
  deps: CliDeps,
): Promise<RefreshedCatalog> {
  const regionCode = args.priceRegion ?? DEFAULT_PRICE_REGION;
  if (!REGION_CODE.test(regionCode)) {
    throw new UsageError(
      `--price-region ${regionCode}: not an AWS region code; give one such as us-east-1 or eu-central-1`,
    );
  }
  const pages = await deps.readPriceList({ regionCode, awsProfile: args.profile, signal: deps.signal });
  const result = catalogFromPriceList(pages, inUse.catalog, { regionCode, asOf });
  if (!result.catalog.models.some((model) => model.rateSources && !("*" in model.rateSources))) {
    throw new OperationalError(
      `The AWS Price List named no Claude model of the catalog in ${regionCode} (${pages.length} page(s) read).`,
      "Check --price-region (a region where Bedrock sells Claude); the catalog in use is unchanged.",
    );
  }
  return result;
}

function summaryLines(result: RefreshedCatalog, inUse: CatalogInUse): string[] {
  const fromList = result.catalog.models.filter((model) => model.rateSources && !("*" in model.rateSources));
  const carried = result.catalog.models.length - fromList.length;
  return [
    `${fromList.length} models priced from the Price List, ${carried} carried over from ${inUse.label} (as of ${inUse.catalog.asOf}).`,
    ...(result.unmatchedNames.length > 0
      ? [`Not in the catalog, left out (no model ID known for the name): ${result.unmatchedNames.join(", ")}.`]
      : []),
    ...(result.unreadable > 0 ? [`${result.unreadable} Price List entries could not be read.`] : []),
  ];
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function runCatalogRefresh(args: RefreshArgs, inUse: CatalogInUse, deps: CliDeps): Promise<number> {
  // Where the catalog goes is checked before the Price List is read: a bad folder fails without the calls.
  const asOf = catalogDate(deps);
  const folder = args.catalogDir ?? join(deps.cwd, CATALOG_FOLDER);
  const path = join(folder, `catalog-${asOf}.json`);
  if (await exists(path))
    throw new UsageError(
      `${path} exists: a catalog is never overwritten; move it away, or give --catalog-dir <folder>`,
    );
  await mkdir(folder, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`--catalog-dir ${folder}: cannot be created (${error.code ?? error.message})`, {
      cause: error,
    });
  });
  const result = await refreshed(args, inUse, asOf, deps);
  await deps.writeTextFile(path, `${JSON.stringify(result.catalog, null, 2)}\n`);
  const changes = diffCatalogs(inUse.catalog, result.catalog).map(describeChange);
  deps.stdout(
    [
      `Wrote ${path} (as of ${result.catalog.asOf}).`,
      ...summaryLines(result, inUse),
      ...(changes.length > 0 ? [`Since ${inUse.label}:`, ...changes.map((line) => `  ${line}`)] : []),
      "",
    ].join("\n"),
  );
  return 0;
}

/** Model IDs the logs hold in the window (from --logs or the stack), with their invocations. */
async function modelsSeen(args: RefreshArgs, deps: CliDeps): Promise<Map<string, number>> {
  const window = resolveWindow(args, deps.now());
  const source = await readReportSource(args, "auto", window, ["model"], deps);
  const seen = new Map<string, number>();
  for (const row of source.rows) {
    const modelId = canonicalModelId(row.modelId);
    seen.set(modelId, (seen.get(modelId) ?? 0) + row.invocations);
  }
  return seen;
}

export async function runCatalogCheck(
  args: RefreshArgs,
  inUse: CatalogInUse,
  overrides: PricingOverrides | undefined,
  deps: CliDeps,
): Promise<number> {
  const result = await refreshed(args, inUse, catalogDate(deps), deps);
  const changes = diffCatalogs(inUse.catalog, result.catalog).map(describeChange);
  const lines = [
    changes.length > 0
      ? `The Price List changed since ${inUse.label} (as of ${inUse.catalog.asOf}):`
      : `No change since ${inUse.label} (as of ${inUse.catalog.asOf}).`,
    ...changes.map((line) => `  ${line}`),
    ...summaryLines(result, inUse),
  ];
  let unpriced: Array<[string, number]> = [];
  if ((args.logs?.length ?? 0) > 0 || args.stack !== undefined || args.outputs !== undefined) {
    const seen = await modelsSeen(args, deps);
    unpriced = [...seen].filter(([modelId]) => !priceFor(modelId, overrides, result.catalog).priced);
    lines.push(
      unpriced.length === 0
        ? `Every model in the logs (${seen.size}) has a price.`
        : `No price for models in the logs: ${unpriced.map(([id, n]) => `${id} (${n} invocations)`).join(", ")}.`,
    );
  }
  deps.stdout(`${lines.join("\n")}\n`);
  return unpriced.length > 0 ? 1 : 0;
}
