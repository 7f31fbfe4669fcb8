/** Entry point of `npm run report`: the real world plugged into the CLI. */
import { readFile, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { hideBin } from "yargs/helpers";
import { createAwsClients } from "./aws/clients";
import { runCli, type CliDeps } from "./cli";
import { readArchive } from "./sources/archive";
import { readUsageFromInsights, runSavedQuery } from "./sources/insights";
import { readLogFiles } from "./sources/logfiles";
import { readMetrics } from "./sources/metrics";
import { loadStackOutputs } from "./stack-outputs";

const controller = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("Interrupted: stopping running queries and downloads...\n");
  controller.abort();
});

// Piping into `head` closes stdout early; that is the reader's choice, not a failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
});

const deps: CliDeps = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  setExitCode: (code) => (process.exitCode = code),
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true,
  env: process.env,
  now: () => new Date(),
  cwd: resolve(__dirname, "..", ".."),
  signal: controller.signal,
  readTextFile: (path) => readFile(path, "utf8"),
  writeTextFile: (path, text) => writeFile(path, text, "utf8"),
  loadStackOutputs,
  createAwsClients,
  readUsageFromInsights,
  readMetrics,
  runSavedQuery,
  readLogFiles,
  readArchive,
};

void runCli(hideBin(process.argv), deps);
