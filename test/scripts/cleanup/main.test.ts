import { expect } from "chai";
import { spawn } from "node:child_process";
import { chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * `npm run cleanup` as a user runs it: the real entry point in a child
 * process, a stand-in `pulumi` on PATH, and S3 pointed at a closed port on
 * 127.0.0.1, so every failure is checked for its exit code and for printing
 * one line, not a stack trace.
 */

const MAIN = join(__dirname, "..", "..", "..", "scripts", "cleanup", "main.ts");
const OUTPUTS = {
  region: "us-east-1",
  accountId: "111122223333",
  logGroupName: "/aws/bedrock/modelinvocations",
  bucketName: "bedrock-invocation-logs-111122223333-us-east-1",
  archiveForceDestroy: false,
};

// Answers `stack output` with $FAKE_OUTPUTS and records every call, so a test can see whether destroy ran.
const FAKE_PULUMI = `#!/bin/sh
echo "$*" >> "$FAKE_CALLS"
if [ "$1" = "stack" ]; then printf '%s' "$FAKE_OUTPUTS"; exit 0; fi
exit 0
`;

interface Run {
  code: number | null;
  stderr: string;
  pulumiCalls: string[];
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("npm run cleanup, end to end", function () {
  this.timeout(60_000);
  let dir: string;
  let s3Endpoint: string;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "cleanup-main-"));
    await writeFile(join(dir, "pulumi"), FAKE_PULUMI);
    await chmod(join(dir, "pulumi"), 0o755);
    s3Endpoint = `http://127.0.0.1:${await closedPort()}`;
  });
  after(() => rm(dir, { recursive: true, force: true }));

  async function run(args: string[], outputs: string): Promise<Run> {
    const calls = join(dir, `calls-${Math.random().toString(36).slice(2)}`);
    await writeFile(calls, "");
    const child = spawn(process.execPath, [require.resolve("tsx/cli"), MAIN, ...args], {
      env: {
        PATH: `${dir}:${process.env.PATH ?? ""}`,
        HOME: dir,
        FAKE_OUTPUTS: outputs,
        FAKE_CALLS: calls,
        // Only ever 127.0.0.1: static dummy credentials, no instance metadata lookup, S3 at a closed local port.
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL_S3: s3Endpoint,
        AWS_MAX_ATTEMPTS: "1",
        NODE_NO_WARNINGS: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    const pulumiCalls = (await readFile(calls, "utf8")).split("\n").filter((line) => line !== "");
    return { code, stderr, pulumiCalls };
  }

  function expectOneLine(result: Run): string {
    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
    expect(lines, result.stderr).to.have.length(1);
    expect(result.stderr).to.not.match(/^\s+at /m);
    return lines[0];
  }

  it("exits 2 with one line when --stack is missing", async () => {
    const result = await run([], JSON.stringify(OUTPUTS));
    expect(result.code).to.equal(2);
    expect(expectOneLine(result)).to.match(/stack/);
    expect(result.pulumiCalls).to.deep.equal([]);
  });

  it("exits 1 with one line, destroying nothing, when pulumi prints no JSON", async () => {
    const result = await run(["--stack", "dev"], "not json");
    expect(result.code).to.equal(1);
    expect(expectOneLine(result)).to.match(/did not print JSON/);
    expect(result.pulumiCalls).to.deep.equal(["stack output --json --stack dev"]);
  });

  it("exits 1 with one line, destroying nothing, when the outputs lack bucketName", async () => {
    const withoutBucket: Record<string, unknown> = { ...OUTPUTS };
    delete withoutBucket.bucketName;
    const result = await run(["--stack", "dev"], JSON.stringify(withoutBucket));
    expect(result.code).to.equal(1);
    expect(expectOneLine(result)).to.match(/lack bucketName/);
    expect(result.pulumiCalls.some((call) => call.startsWith("destroy"))).to.equal(false);
  });

  it("exits 1 with one line, destroying nothing, when S3 cannot be reached", async () => {
    const result = await run(["--stack", "dev"], JSON.stringify(OUTPUTS));
    expect(result.code).to.equal(1);
    expect(expectOneLine(result)).to.match(/^Could not reach S3 in us-east-1 .*\(ECONNREFUSED\)/);
    expect(result.pulumiCalls.some((call) => call.startsWith("destroy"))).to.equal(false);
  });
});
