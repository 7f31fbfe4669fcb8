import { S3Client } from "@aws-sdk/client-s3";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline/promises";
import { ExpectedError } from "../../reporting/src/kernel/errors";
import { buildCleanupCli, type CommandResult } from "./cli";

const PROJECT_ROOT = `${__dirname}/../..`;

function runPulumi(args: string[], { interactive }: { interactive: boolean }): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn("pulumi", args, {
      cwd: PROJECT_ROOT,
      stdio: interactive ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", (error: NodeJS.ErrnoException) =>
      resolve({
        code: 127,
        stdout,
        stderr: error.code === "ENOENT" ? "the Pulumi CLI (pulumi) is not installed or not on PATH" : error.message,
      }),
    );
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

async function ask(question: string): Promise<string | undefined> {
  if (!process.stdin.isTTY) return undefined;
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await terminal.question(question);
  } finally {
    terminal.close();
  }
}

/** Every failure is one line and the exit code the README's "Clean up" section lists, never a stack trace. */
function reportFailure(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof ExpectedError ? message : `Cleanup failed: ${message.split("\n")[0]}`);
  process.exitCode = error instanceof ExpectedError ? error.exitCode : 1;
}

const cli = buildCleanupCli({
  pulumi: runPulumi,
  s3For: (region, profile) => new S3Client({ region, ...(profile ? { profile } : {}) }),
  ask,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
// yargs reports a missing --stack by throwing before parseAsync returns a promise, so the call itself is guarded too.
Promise.resolve()
  .then(() => cli.parseAsync(process.argv.slice(2)))
  .catch(reportFailure);
