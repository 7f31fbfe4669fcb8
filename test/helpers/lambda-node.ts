/**
 * Runs the cost estimator's package the way Lambda's Node.js runtime does: a
 * task folder holding only the package's files, the AWS SDK reachable through
 * NODE_PATH only (as the runtime's own node_modules is), the handler loaded
 * with require and awaited, on a Node.js binary of the runtime's major
 * version. CloudWatch is aws-sdk-client-mock inside that process.
 */
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GetMetricDataCommandOutput, PutMetricDataCommandInput } from "@aws-sdk/client-cloudwatch";

const ROOT = join(__dirname, "..", "..");

/** The Node.js major version of a Lambda runtime identifier such as `nodejs24.x`. */
export function lambdaNodeMajor(runtime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  if (match === null) throw new Error(`${runtime} is not a Node.js Lambda runtime`);
  return Number(match[1]);
}

/**
 * A Node.js binary of that major version: LAMBDA_NODE_BINARY (`.ci/run` sets
 * it), else this process's own when it is of that major; undefined when neither.
 */
export function nodeBinaryOfMajor(major: number): string | undefined {
  if (process.env.LAMBDA_NODE_BINARY) return process.env.LAMBDA_NODE_BINARY;
  return Number.parseInt(process.versions.node, 10) === major ? process.execPath : undefined;
}

export interface PackageRun {
  /** `process.version` of the Node.js that ran the handler. */
  node: string;
  result: unknown;
  /** What the handler's file required, in order. */
  required: string[];
  putMetricData: PutMetricDataCommandInput[];
}

// Runs in the child process: argv is the task folder, aws-sdk-client-mock's path, and a file of GetMetricData pages.
const HARNESS = `
const Module = require("node:module");
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const [taskFolder, clientMockPath, pagesFile] = process.argv.slice(2);
const { mockClient } = require(clientMockPath);
const { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } = require("@aws-sdk/client-cloudwatch");
const cloudwatch = mockClient(CloudWatchClient);
let getMetricData = cloudwatch.on(GetMetricDataCommand);
for (const page of JSON.parse(readFileSync(pagesFile, "utf8"))) getMetricData = getMetricData.resolvesOnce(page);
cloudwatch.on(PutMetricDataCommand).resolves({});
const handlerFile = join(taskFolder, "index.js");
const required = [];
const moduleRequire = Module.prototype.require;
Module.prototype.require = function (id) {
  if (this.filename === handlerFile) required.push(id);
  return moduleRequire.apply(this, arguments);
};
require(handlerFile).handler().then((result) => {
  const putMetricData = cloudwatch.commandCalls(PutMetricDataCommand).map((call) => call.args[0].input);
  process.stdout.write(JSON.stringify({ node: process.version, result, required, putMetricData }));
});
`;

/** Runs the package's handler once on `node`, CloudWatch answering GetMetricData with `pages` in turn. */
export async function runPackage(
  node: string,
  files: Record<string, string>,
  pages: Partial<GetMetricDataCommandOutput>[],
): Promise<PackageRun> {
  const root = await mkdtemp(join(tmpdir(), "bedrock-estimator-"));
  try {
    const task = join(root, "task");
    const runtimeModules = join(root, "runtime", "node_modules");
    await mkdir(task);
    await mkdir(runtimeModules, { recursive: true });
    for (const [name, text] of Object.entries(files)) await writeFile(join(task, name), text);
    await symlink(join(ROOT, "node_modules", "@aws-sdk"), join(runtimeModules, "@aws-sdk"), "dir");
    await writeFile(join(root, "harness.js"), HARNESS);
    await writeFile(join(root, "pages.json"), JSON.stringify(pages));

    const child = spawnSync(
      node,
      [join(root, "harness.js"), task, require.resolve("aws-sdk-client-mock"), join(root, "pages.json")],
      {
        cwd: task,
        encoding: "utf8",
        env: { PATH: process.env.PATH, NODE_PATH: runtimeModules, AWS_REGION: "us-east-1" },
      },
    );
    if (child.status !== 0)
      throw new Error(
        `the packaged handler failed on ${node} (exit ${child.status}):\n${child.stderr}${child.error ?? ""}`,
      );
    return JSON.parse(child.stdout) as PackageRun;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
