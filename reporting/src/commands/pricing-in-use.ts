/**
 * What the report and `reconcile` price with, read the same way for both so
 * the estimate reconcile compares with the bill is the report's: the catalog
 * in use (`--catalog`, else pricing/catalog-*.json, else the built-in one), the
 * `--pricing` overrides checked against it, and the files naming application
 * inference profiles (`--profiles`).
 */
import type { CatalogInUse } from "../kernel/pricing/catalog-file";
import type { PricingOverrides } from "../kernel/pricing/rules";
import type { AttributionArgs } from "./attribution";
import { catalogInUse, givenCatalogPaths, type CatalogArgs } from "./catalogs";
import type { CliDeps } from "./context";
import { loadPricingFile, type NamedInput } from "./input-output";

export interface PricingArgs extends CatalogArgs, AttributionArgs {
  pricing?: string;
}

export interface PricingInUse {
  catalog: CatalogInUse;
  overrides: PricingOverrides | undefined;
}

/** The local files that set prices: never to be overwritten by --out. */
export function pricingInputs(args: PricingArgs): NamedInput[] {
  return [
    ...(args.pricing === undefined ? [] : [{ option: "--pricing", path: args.pricing }]),
    ...(args.profiles === undefined ? [] : [{ option: "--profiles", path: args.profiles }]),
    ...givenCatalogPaths(args).map((path) => ({ option: "--catalog", path })),
  ];
}

export async function pricingInUse(args: PricingArgs, deps: CliDeps): Promise<PricingInUse> {
  const catalog = await catalogInUse(args, deps);
  const overrides = args.pricing === undefined ? undefined : await loadPricingFile(args.pricing, deps, catalog.catalog);
  return { catalog, overrides };
}
