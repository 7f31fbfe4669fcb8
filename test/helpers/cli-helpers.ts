/** A CliDeps made of fakes: captured output, a fixed clock, and AWS-free sources the test can replace. */
import type { AwsClients } from "../../reporting/src/aws/clients";
import { runCli } from "../../reporting/src/cli";
import type { CliDeps } from "../../reporting/src/commands/context";
import { SAMPLE_WEEK } from "../../reporting/src/commands/demo";
import { readLogFiles } from "../../reporting/src/sources/logfiles";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const FAKE_NOW = new Date("2026-11-20T00:00:00Z");

/** The bundled sample over its own week, as the README runs it (paths from the repository root). */
export const SAMPLE_ARGS = ["--hours", "168", "--logs", "reporting/samples/bedrock-logs", "--end", SAMPLE_WEEK.end];

export const FAKE_OUTPUTS = {
  region: "us-east-1",
  accountId: "123456789012",
  logGroupName: "/aws/bedrock/modelinvocations",
  bucketName: "bedrock-logs-123456789012",
  cliCommands: {
    invocationsLastHour:
      "aws cloudwatch get-metric-statistics --namespace AWS/Bedrock --metric-name Invocations --statistics Sum --period 3600",
  },
};

function unexpected(name: string): never {
  throw new Error(`${name} must not be called in this test`);
}

export function fakeDeps(overrides: Partial<CliDeps> = {}): CliDeps {
  return {
    stdout: () => undefined,
    stderr: () => undefined,
    setExitCode: () => undefined,
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env: {},
    now: () => FAKE_NOW,
    cwd: "/project",
    readTextFile: async (path) => unexpected(`readTextFile(${path})`),
    writeTextFile: async (path) => unexpected(`writeTextFile(${path})`),
    loadStackOutputs: async () => unexpected("loadStackOutputs"),
    createAwsClients: ({ region }) => ({ region, logs: {}, cloudwatch: {}, s3: {} }) as unknown as AwsClients,
    readUsageFromInsights: async () => unexpected("readUsageFromInsights"),
    readMetrics: async () => unexpected("readMetrics"),
    // Online tests that do not look at the token cross-check get a CloudWatch that has no token metrics.
    readTokenMetrics: async () => [],
    // ...and no bedrock-mantle traffic.
    readMantleMetrics: async () => [],
    runSavedQuery: async () => unexpected("runSavedQuery"),
    readLogFiles,
    readArchive: async () => unexpected("readArchive"),
    readUsageFromAthena: async () => unexpected("readUsageFromAthena"),
    measureArchiveBytes: async () => unexpected("measureArchiveBytes"),
    // Online tests that do not look at application profiles get a Bedrock that resolves none.
    resolveApplicationProfiles: async () => ({ profiles: new Map(), notes: [] }),
    readPriceList: async () => unexpected("readPriceList"),
    ...overrides,
  };
}

/** Runs the real parser on argv with captured stdout and stderr. */
export async function run(argv: string[], overrides: Partial<CliDeps> = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const deps = fakeDeps({ ...overrides, stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  const code = await runCli(argv, deps);
  return { code, stdout, stderr };
}
