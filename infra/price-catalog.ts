/**
 * The catalog the dashboard's cost widget and the cost estimator price with:
 * the newest of the built-in one and the `pricing/catalog-<date>.json` files
 * `npm run report -- pricing --refresh` wrote in the project folder, as the
 * report chooses. Read when the program runs, so `pulumi up` after a refresh
 * deploys the new rates.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { newestCatalog, parseCatalogFile, type CatalogInUse } from "../reporting/src/kernel/pricing/catalog-file";

const CATALOG_FILE = /^catalog-\d{4}-\d{2}-\d{2}\.json$/;

export function stackPriceCatalog(folder = join(process.cwd(), "pricing")): CatalogInUse {
  let names: string[];
  try {
    names = readdirSync(folder).filter((name) => CATALOG_FILE.test(name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return newestCatalog([]);
    throw error;
  }
  return newestCatalog(
    names.sort().map((name) => {
      const path = join(folder, name);
      return { catalog: parseCatalogFile(readFileSync(path, "utf8"), path), label: path };
    }),
  );
}
