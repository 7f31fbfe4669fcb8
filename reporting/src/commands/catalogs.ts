/**
 * The catalog a command prices with: the newest (by as-of date) of the
 * built-in one and the catalog files it is given (`--catalog <file>`, or
 * else every `pricing/catalog-*.json` in the project folder, where
 * `pricing --refresh` writes them).
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { newestCatalog, parseCatalogFile, type CatalogInUse } from "../kernel/pricing/catalog-file";
import type { CliDeps } from "./context";
import { readInputFile } from "./input-output";

export const CATALOG_FOLDER = "pricing";
const CATALOG_FILE = /^catalog-\d{4}-\d{2}-\d{2}\.json$/;

export interface CatalogArgs {
  catalog?: string | string[];
}

/**
 * The refreshed catalog files in the project's pricing folder; none when there
 * is no such folder. Listed synchronously: a folder of a few files, and
 * node:fs/promises would cost every report ~5 ms more of start-up (measured).
 */
function catalogFilesIn(folder: string): string[] {
  try {
    return readdirSync(folder)
      .filter((name) => CATALOG_FILE.test(name))
      .sort()
      .map((name) => join(folder, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

export function givenCatalogPaths(args: CatalogArgs): string[] {
  return args.catalog === undefined ? [] : Array.isArray(args.catalog) ? args.catalog : [args.catalog];
}

export async function catalogInUse(args: CatalogArgs, deps: CliDeps): Promise<CatalogInUse> {
  const given = givenCatalogPaths(args);
  const paths = given.length > 0 ? given : catalogFilesIn(join(deps.cwd, CATALOG_FOLDER));
  const catalogs = await Promise.all(
    paths.map(async (path) => ({
      catalog: parseCatalogFile(await readInputFile("--catalog", path, deps), path),
      label: path,
    })),
  );
  return newestCatalog(catalogs);
}
