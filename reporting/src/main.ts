/** Entry point of the report (`npm run report`, the `bedrock-report` bin): the real world plugged into the CLI. */
// Before anything else: an unsupported Node.js gets one line and exit 2 (see node-version.ts).
import "./node-version";
// Then: a build older than its sources stops here with one line (see build-freshness.ts).
import "./build-freshness";
// Then: the modules below load from V8's code cache when they did before (see compile-cache.ts).
import "./compile-cache";
// Next, before the CLI's modules load: a report over local files starts its parse workers now (see prestartParseWorkers).
import "./prestart";
// fs.promises, read when first used: --help loads neither it nor the streams and readline it brings.
import { promises as fsPromises } from "node:fs";
import { resolve } from "node:path";
import { hideBin } from "yargs/helpers";
import { runCli } from "./cli";
import type { CliDeps } from "./commands/context";

/**
 * The AWS SDK takes about 80 ms to load, a sixth of an offline report's
 * start-up, and offline reports never call it; `--help` needs no source at
 * all: the modules that read are loaded on first use.
 */
function onFirstUse<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load());
}
/* eslint-disable @typescript-eslint/no-require-imports -- a deferred require is the point here */
const awsClients = onFirstUse(() => require("./aws/clients") as typeof import("./aws/clients"));
const insights = onFirstUse(() => require("./sources/insights") as typeof import("./sources/insights"));
const metrics = onFirstUse(() => require("./sources/metrics") as typeof import("./sources/metrics"));
const tokenMetrics = onFirstUse(() => require("./sources/token-metrics") as typeof import("./sources/token-metrics"));
const mantleMetrics = onFirstUse(
  () => require("./sources/mantle-metrics") as typeof import("./sources/mantle-metrics"),
);
const archive = onFirstUse(() => require("./sources/archive") as typeof import("./sources/archive"));
const athena = onFirstUse(() => require("./sources/athena") as typeof import("./sources/athena"));
const archiveSize = onFirstUse(() => require("./sources/archive-size") as typeof import("./sources/archive-size"));
const logFiles = onFirstUse(() => require("./sources/logfiles") as typeof import("./sources/logfiles"));
const stackOutputs = onFirstUse(() => require("./aws/stack-outputs") as typeof import("./aws/stack-outputs"));
const profileLookup = onFirstUse(
  () => require("./sources/profile-lookup") as typeof import("./sources/profile-lookup"),
);
const priceList = onFirstUse(() => require("./sources/price-list") as typeof import("./sources/price-list"));
const outputFile = onFirstUse(() => require("./commands/output-file") as typeof import("./commands/output-file"));
/* eslint-enable @typescript-eslint/no-require-imports */

/** The exit code of a process stopped by SIGINT, as shells report it (128 + 2). */
const INTERRUPTED_EXIT_CODE = 130;

const controller = new AbortController();
process.once("SIGINT", () => {
  process.stderr.write("Interrupted: stopping running queries, downloads and reads...\n");
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
  readTextFile: (path) => fsPromises.readFile(path, "utf8"),
  writeTextFile: (path, text) => outputFile().writeFileWhole(path, text),
  loadStackOutputs: (options) => stackOutputs().loadStackOutputs(options),
  createAwsClients: (options) => awsClients().createAwsClients(options),
  readUsageFromInsights: (options) => insights().readUsageFromInsights(options),
  readMetrics: (options) => metrics().readMetrics(options),
  readTokenMetrics: (options) => tokenMetrics().readTokenMetrics(options),
  readMantleMetrics: (options) => mantleMetrics().readMantleMetrics(options),
  runSavedQuery: (options) => insights().runSavedQuery(options),
  // Ctrl-C stops a read of local files too: its workers end, and no report is written.
  readLogFiles: (options) => logFiles().readLogFiles({ ...options, signal: controller.signal }),
  readArchive: (options) => archive().readArchive(options),
  readUsageFromAthena: (options) => athena().readUsageFromAthena(options),
  measureArchiveBytes: (options) => archiveSize().measureArchiveBytes(options),
  resolveApplicationProfiles: (options) => profileLookup().lookUpApplicationProfiles(options),
  readPriceList: (options) => priceList().readPriceList(options),
};

void runCli(hideBin(process.argv), deps).then(() => {
  if (controller.signal.aborted) process.exitCode = INTERRUPTED_EXIT_CODE;
  // Once the report is out, the process ends: left to end by itself, Node.js tore down the finished worker
  // thread and both heaps first, ~25 ms of every large report (measured). An empty write's callback runs once
  // everything written before it is flushed, so nothing is cut off, even where stdout is asynchronous.
  process.stdout.write("", () => process.stderr.write("", () => process.exit()));
});
