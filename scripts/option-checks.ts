/**
 * Argument checks shared by the developer scripts (gen:logs, bench): yargs
 * types a number but lets `-3`, `0` or `abc` (NaN) through. Bad values are
 * the report's UsageError: one line, exit 2.
 */
import { ExpectedError, UsageError } from "../reporting/src/kernel/errors";

/**
 * Checks that each named option, when given, is a number above zero, and a
 * whole number where `whole` says so. Returns true for yargs' `.check()`.
 */
export function requirePositive(argv: Record<string, unknown>, options: { name: string; whole: boolean }[]): true {
  for (const { name, whole } of options) {
    const value = argv[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value))) {
      // yargs has already turned text such as `abc` into NaN: say so rather than echo "NaN".
      const given = typeof value === "number" && Number.isNaN(value) ? ": not a number;" : ` ${String(value)}:`;
      throw new UsageError(`--${name}${given} must be ${whole ? "a whole number" : "a number"} greater than 0`);
    }
  }
  return true;
}

/** Ends the script: one line, and the exit code of an expected failure (2 for a usage error), else 1. */
export function reportScriptFailure(script: string, error: Error): void {
  process.stderr.write(`${script}: ${error.message}\n`);
  process.exitCode = error instanceof ExpectedError ? error.exitCode : 1;
}
