/**
 * What every command works with: the outside world (CliDeps, real in
 * main.ts, fakes in tests), the options the window commands share, and the
 * stack outputs and AWS clients they lead to. Commands import it from here,
 * not from cli.ts, which imports the commands.
 */
import type { createAwsClients } from "../aws/clients";
import type { loadStackOutputs, StackOutputs } from "../aws/stack-outputs";
import type { readArchive } from "../sources/archive";
import type { measureArchiveBytes } from "../sources/archive-size";
import type { readUsageFromAthena } from "../sources/athena";
import type { readUsageFromInsights, runSavedQuery } from "../sources/insights";
import type { readLogFiles } from "../sources/logfiles";
import type { readMetrics } from "../sources/metrics";
import type { readMantleMetrics } from "../sources/mantle-metrics";
import type { readTokenMetrics } from "../sources/token-metrics";
import type { lookUpApplicationProfiles } from "../sources/profile-lookup";
import type { readPriceList } from "../sources/price-list";

export interface CliDeps {
  stdout(text: string): void;
  /** Progress, warnings and errors: stdout stays clean for JSON and CSV. */
  stderr(text: string): void;
  setExitCode(code: number): void;
  stdoutIsTTY: boolean;
  /** Progress is drawn only on a terminal. */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  now(): Date;
  /** The project root (where Pulumi.yaml is). */
  cwd: string;
  /** Aborted on Ctrl-C: running queries are stopped. */
  signal?: AbortSignal;
  readTextFile(path: string): Promise<string>;
  /** Writes the whole file or, on failure, leaves the path as it was (see output-file.ts). */
  writeTextFile(path: string, text: string): Promise<void>;
  loadStackOutputs: typeof loadStackOutputs;
  createAwsClients: typeof createAwsClients;
  readUsageFromInsights: typeof readUsageFromInsights;
  readMetrics: typeof readMetrics;
  readTokenMetrics: typeof readTokenMetrics;
  /** bedrock-mantle traffic, which writes no invocation logs (online reports). */
  readMantleMetrics: typeof readMantleMetrics;
  runSavedQuery: typeof runSavedQuery;
  readLogFiles: typeof readLogFiles;
  readArchive: typeof readArchive;
  readUsageFromAthena: typeof readUsageFromAthena;
  measureArchiveBytes: typeof measureArchiveBytes;
  /** GetInferenceProfile and ListTagsForResource for the application profiles an online report meets. */
  resolveApplicationProfiles: typeof lookUpApplicationProfiles;
  /** GetProducts of the AWS Price List, every page of the Claude offers. */
  readPriceList: typeof readPriceList;
}

/** Options shared by every command that reads a window of data. */
export interface CommonArgs {
  hours?: string;
  start?: string;
  end?: string;
  stack?: string;
  outputs?: string;
  region?: string;
  profile?: string;
  format?: string;
  out?: string;
  /** No progress or status lines on stderr (the commands that offer --quiet). */
  quiet?: boolean;
}

export async function loadOutputs(args: CommonArgs, deps: CliDeps): Promise<StackOutputs> {
  return deps.loadStackOutputs({ stack: args.stack, outputsFile: args.outputs, cwd: deps.cwd });
}

/** The AWS clients for the region the user asked for, else the stack's. */
export function clientsFor(args: CommonArgs, outputs: StackOutputs, deps: CliDeps) {
  return deps.createAwsClients({ region: args.region ?? outputs.region, profile: args.profile });
}
