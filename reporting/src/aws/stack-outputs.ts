/**
 * The deployed stack's outputs (region, log group, ...), read the way Pulumi's
 * Automation API does: `pulumi stack output --json` in the project root, or
 * the JSON that command printed, saved to a file (`--outputs`).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { OperationalError, UsageError } from "../kernel/errors";

export interface StackOutputs {
  region: string;
  accountId: string;
  logGroupName: string;
  bucketName?: string;
  logGroupArn?: string;
  roleArn?: string;
  archivePrefix?: string;
  dashboardName?: string;
  alertTopicArn?: string;
  /** Ready-to-run AWS CLI commands by name. */
  cliCommands?: Record<string, string>;
  /** Days the log group keeps records: a window older than this is read from the archive. */
  logRetentionDays?: number;
  /** Days the S3 archive keeps objects. */
  archiveRetentionDays?: number;
  /** Whether `pulumi destroy` may delete the archive bucket with the logs in it (cleanup reads it). */
  archiveForceDestroy?: boolean;
  /** The Athena resources over the archive; absent when the stack has athenaEnabled false. */
  athenaDatabaseName?: string;
  athenaTableName?: string;
  athenaWorkgroupName?: string;
}

/** Runs the Pulumi CLI with these arguments in `cwd` and resolves with its stdout; rejects like `execFile` does. */
export type PulumiRunner = (args: string[], cwd: string) => Promise<string>;

export interface StackOutputsOptions {
  stack?: string;
  /** A file holding the JSON of `pulumi stack output --json`; wins over `stack`. */
  outputsFile?: string;
  /** The project root, where Pulumi.yaml is. */
  cwd: string;
  runPulumi?: PulumiRunner;
}

const REQUIRED_KEYS = ["region", "accountId", "logGroupName"] as const;
const OPTIONAL_STRING_KEYS = [
  "bucketName",
  "logGroupArn",
  "roleArn",
  "archivePrefix",
  "dashboardName",
  "alertTopicArn",
  "athenaDatabaseName",
  "athenaTableName",
  "athenaWorkgroupName",
] as const;
const OPTIONAL_DAY_KEYS = ["logRetentionDays", "archiveRetentionDays"] as const;
const OPTIONAL_BOOLEAN_KEYS = ["archiveForceDestroy"] as const;

const ALTERNATIVES =
  "Pass --stack <name> with the Pulumi CLI installed and logged in to the stack's backend, " +
  "or --outputs <file> holding the JSON that `pulumi stack output --json` prints.";

const runPulumiCli: PulumiRunner = (args, cwd) =>
  new Promise((resolve, reject) => {
    execFile(
      "pulumi",
      args,
      { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } },
      (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stderr: String(stderr) }));
        else resolve(String(stdout));
      },
    );
  });

/**
 * The validated outputs. A missing, unreadable or malformed `outputsFile` is a
 * UsageError; a missing Pulumi CLI, an unknown stack or outputs that lack
 * required keys are OperationalErrors naming both ways to provide them.
 */
export async function loadStackOutputs(options: StackOutputsOptions): Promise<StackOutputs> {
  if (options.outputsFile !== undefined) {
    const text = await readFile(options.outputsFile, "utf8").catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`Cannot read the outputs file ${options.outputsFile}: ${error.code ?? error.message}.`, {
        cause: error,
      });
    });
    return validate(
      parseJson(
        text,
        (cause) =>
          new UsageError(
            `The outputs file ${options.outputsFile} is not JSON: save what \`pulumi stack output --json\` prints.`,
            { cause },
          ),
      ),
      `the outputs file ${options.outputsFile}`,
      (message) => new UsageError(message),
    );
  }
  const args = ["stack", "output", "--json", ...(options.stack ? ["--stack", options.stack] : [])];
  const source = options.stack ? `stack ${options.stack}` : "the selected stack";
  let stdout: string;
  try {
    stdout = await (options.runPulumi ?? runPulumiCli)(args, options.cwd);
  } catch (error) {
    throw new OperationalError(`Cannot read the outputs of ${source}: ${pulumiFailure(error)}.`, ALTERNATIVES, {
      cause: error,
    });
  }
  const parsed = parseJson(
    stdout,
    (cause) =>
      new OperationalError(`\`pulumi stack output --json\` for ${source} did not print JSON.`, ALTERNATIVES, { cause }),
  );
  return validate(
    parsed,
    source,
    (message) => new OperationalError(message, "Run `pulumi up` so the stack exports them, or fix the outputs file."),
  );
}

function pulumiFailure(error: unknown): string {
  const { code, stderr } = (error ?? {}) as { code?: unknown; stderr?: unknown };
  if (code === "ENOENT") return "the Pulumi CLI is not installed (no `pulumi` on PATH)";
  const firstLine = String(stderr ?? (error instanceof Error ? error.message : error))
    .split("\n")
    .map((line) => line.replace(/^error:\s*/i, "").trim())
    .find((line) => line.length > 0);
  return firstLine ?? "`pulumi stack output` failed";
}

function parseJson(text: string, failure: (cause: unknown) => Error): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw failure(error);
  }
}

function validate(value: unknown, source: string, failure: (message: string) => Error): StackOutputs {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw failure(`The outputs from ${source} are not a JSON object of output names and values.`);
  }
  const outputs = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of REQUIRED_KEYS) {
    if (typeof outputs[key] !== "string" || outputs[key] === "") problems.push(`${key} (required, a non-empty string)`);
  }
  for (const key of OPTIONAL_STRING_KEYS) {
    if (outputs[key] !== undefined && typeof outputs[key] !== "string") problems.push(`${key} (must be a string)`);
  }
  for (const key of OPTIONAL_DAY_KEYS) {
    const days = outputs[key];
    if (days !== undefined && !(typeof days === "number" && Number.isInteger(days) && days > 0))
      problems.push(`${key} (must be a whole number of days above 0)`);
  }
  for (const key of OPTIONAL_BOOLEAN_KEYS) {
    if (outputs[key] !== undefined && typeof outputs[key] !== "boolean")
      problems.push(`${key} (must be true or false)`);
  }
  const commands = outputs.cliCommands;
  if (commands !== undefined && !isStringMap(commands))
    problems.push("cliCommands (must map names to command strings)");
  if (problems.length > 0) throw failure(`The outputs from ${source} are missing or invalid: ${problems.join(", ")}.`);

  const result: StackOutputs = {
    region: outputs.region as string,
    accountId: outputs.accountId as string,
    logGroupName: outputs.logGroupName as string,
  };
  for (const key of OPTIONAL_STRING_KEYS) if (typeof outputs[key] === "string") result[key] = outputs[key] as string;
  for (const key of OPTIONAL_DAY_KEYS) if (typeof outputs[key] === "number") result[key] = outputs[key] as number;
  for (const key of OPTIONAL_BOOLEAN_KEYS) if (typeof outputs[key] === "boolean") result[key] = outputs[key] as boolean;
  if (commands !== undefined) result.cliCommands = commands as Record<string, string>;
  return result;
}

function isStringMap(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}
