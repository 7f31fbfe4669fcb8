/**
 * Imported first by main.ts: when the command line reads local files
 * (`--logs <path>`, not an s3:// archive), the parse pool's workers start
 * before the rest of the CLI loads, so they are ready when the first large
 * read needs them (~70 ms sooner on the benchmark archive). A report that
 * turns out small leaves them unused; they end with the process.
 */
import { prestartParseWorkers } from "./reading/parse-pool";

/** The values given to `--logs` in `argv`, as yargs reads them (`--logs a b`, `--logs=a`). */
export function logsArguments(argv: readonly string[]): string[] {
  const values: string[] = [];
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    if (arg.startsWith("--logs=")) values.push(arg.slice("--logs=".length));
    else if (arg === "--logs")
      for (index += 1; index < argv.length && !argv[index].startsWith("-"); index += 1) values.push(argv[index]);
    if (arg === "--logs") index -= 1;
  }
  return values;
}

/** Whether the command line reads local log files, where a large read uses the parse pool. */
export function readsLocalLogs(argv: readonly string[]): boolean {
  return logsArguments(argv).some((value) => !value.startsWith("s3://"));
}

if (readsLocalLogs(process.argv.slice(2))) prestartParseWorkers();
