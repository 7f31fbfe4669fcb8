/**
 * Imported by main.ts before the CLI's modules: the compiled report in
 * reporting/dist runs only while no source file in reporting/src is newer
 * than its build, so an edit or a `git pull` without `npm run build` stops
 * with one line instead of running the old code. `tsc -b` touches
 * dist/.tsbuildinfo on every build, even one with nothing to compile, and the
 * WebAssembly sources in reporting/assembly are held to the module built from
 * them (a missing module counts as older than any source). The check is a
 * directory walk and a stat a file: 2 to 4 ms for 52 files. It keeps to this
 * file's place beside main.ts: the build is its folder.
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Exit code for a stale build: like bad input, running again unchanged cannot succeed. */
export const STALE_BUILD_EXIT_CODE = 2;

/**
 * The path of the first TypeScript source under `sourceDir` modified after
 * `stampPath`; undefined when none is, or when there are no sources beside the build.
 */
export function sourceNewerThanBuild(sourceDir: string, stampPath: string): string | undefined {
  let entries;
  try {
    entries = readdirSync(sourceDir, { recursive: true, withFileTypes: true });
  } catch {
    return undefined;
  }
  const built = statSync(stampPath, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".ts")) continue;
    const path = join(entry.parentPath, entry.name);
    if (statSync(path).mtimeMs > built) return path;
  }
  return undefined;
}

// Only the compiled report checks: from its sources (tsx, in tests) there is nothing to be stale.
if (!__filename.endsWith(".ts")) {
  const newer =
    sourceNewerThanBuild(join(__dirname, "..", "src"), join(__dirname, ".tsbuildinfo")) ??
    sourceNewerThanBuild(join(__dirname, "..", "assembly"), join(__dirname, "record-scan.wasm"));
  if (newer !== undefined) {
    const shown = relative(join(__dirname, "..", ".."), newer);
    const advice = "run `npm run build`, then the report again";
    process.stderr.write(`error: ${shown} changed after the report was built; ${advice}\n`);
    process.exit(STALE_BUILD_EXIT_CODE);
  }
}
