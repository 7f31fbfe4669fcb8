import type { S3Client } from "@aws-sdk/client-s3";
import yargs from "yargs";
import { holdsAnyVersion, purgeArchive } from "./purge-archive";

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CleanupDeps {
  /** Runs the Pulumi CLI; `interactive` passes its output straight through to the terminal. */
  pulumi(args: string[], options: { interactive: boolean }): Promise<CommandResult>;
  s3For(region: string, profile?: string): S3Client;
  /** Asks on the terminal; undefined when there is no terminal to ask on. */
  ask(question: string): Promise<string | undefined>;
  out(line: string): void;
  err(line: string): void;
}

/** An expected failure: the message is for the user, not a stack trace. */
export class CleanupError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

interface StackOutputs {
  region?: string;
  bucketName?: string;
  archiveForceDestroy?: boolean;
}

async function readOutputs(deps: CleanupDeps, stack: string): Promise<StackOutputs> {
  const result = await deps.pulumi(["stack", "output", "--json", "--stack", stack], { interactive: false });
  if (result.code !== 0) {
    throw new CleanupError(
      `Could not read the outputs of stack "${stack}": ${result.stderr.trim() || `pulumi exited with ${result.code}`}. ` +
        "Check that the Pulumi CLI is logged in to the right backend and that the stack exists (pulumi stack ls).",
      1,
    );
  }
  return JSON.parse(result.stdout || "{}") as StackOutputs;
}

async function confirmPurge(deps: CleanupDeps, bucket: string, confirmation: string | undefined): Promise<void> {
  const answer = confirmation ?? (await deps.ask(`Type the bucket name (${bucket}) to delete every archived invocation log in it: `));
  if (answer === undefined) {
    throw new CleanupError(`--purge-archive deletes every archived invocation log in ${bucket}; without a terminal, confirm with --confirm ${bucket}.`, 2);
  }
  if (answer.trim() !== bucket) {
    throw new CleanupError(`Confirmation "${answer.trim()}" does not match the archive bucket ${bucket}; nothing was deleted.`, 2);
  }
}

async function purge(deps: CleanupDeps, s3: S3Client, bucket: string): Promise<void> {
  const purged = await purgeArchive(s3, bucket, (count) => deps.err(`  deleted ${count} object versions and delete markers...`));
  deps.out(`Deleted ${purged.objectVersions} object versions and ${purged.deleteMarkers} delete markers from ${bucket}.`);
}

async function destroy(deps: CleanupDeps, stack: string): Promise<boolean> {
  const result = await deps.pulumi(["destroy", "--stack", stack, "--yes"], { interactive: true });
  return result.code === 0;
}

export async function runCleanup(
  deps: CleanupDeps,
  options: { stack: string; purgeArchive: boolean; confirm?: string; profile?: string },
): Promise<void> {
  const outputs = await readOutputs(deps, options.stack);
  const bucket = outputs.bucketName;
  const s3 = bucket !== undefined && outputs.region !== undefined ? deps.s3For(outputs.region, options.profile) : undefined;

  if (bucket !== undefined && s3 !== undefined) {
    if (options.purgeArchive) {
      await confirmPurge(deps, bucket, options.confirm);
      await purge(deps, s3, bucket);
    } else if (outputs.archiveForceDestroy !== true && (await holdsAnyVersion(s3, bucket))) {
      throw new CleanupError(
        `The archive bucket ${bucket} still holds invocation logs, so pulumi destroy would turn logging off and then fail on the bucket. Nothing was changed. ` +
          "To delete the archive too, re-run with --purge-archive (every archived log and its old versions are lost); to keep it, copy the logs elsewhere first.",
        1,
      );
    }
  }

  if (await destroy(deps, options.stack)) {
    deps.out(`Stack "${options.stack}" is destroyed: logging is off and its resources are gone.`);
    return;
  }
  if (options.purgeArchive && bucket !== undefined && s3 !== undefined) {
    // Bedrock may still flush logs that were in flight when logging was turned off; empty the bucket again and retry once.
    deps.err("pulumi destroy failed; emptying the archive again in case logs arrived during the destroy, then retrying.");
    await purge(deps, s3, bucket);
    if (await destroy(deps, options.stack)) {
      deps.out(`Stack "${options.stack}" is destroyed: logging is off and its resources are gone.`);
      return;
    }
  }
  throw new CleanupError(`pulumi destroy failed for stack "${options.stack}"; its output above says which resource and why.`, 1);
}

/** The `npm run cleanup` parser; tests call it with an argv array. */
export function buildCleanupCli(deps: CleanupDeps) {
  return yargs()
    .scriptName("npm run cleanup --")
    .usage("$0 --stack <name> [--purge-archive [--confirm <bucket>]]\n\nDestroys everything the stack created.")
    .option("stack", { type: "string", demandOption: true, describe: "The Pulumi stack to destroy" })
    .option("purge-archive", {
      type: "boolean",
      default: false,
      describe: "Also delete every archived log, old version and delete marker in the archive bucket, so it can be removed",
    })
    .option("confirm", { type: "string", describe: "The archive bucket's name, to confirm --purge-archive without a terminal" })
    .option("profile", { type: "string", describe: "AWS profile for emptying the bucket (Pulumi uses its own credentials)" })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new CleanupError(message, 2);
    })
    .command(
      "$0",
      false,
      () => {},
      async (argv) => {
        await runCleanup(deps, {
          stack: argv.stack as string,
          purgeArchive: argv["purge-archive"] as boolean,
          confirm: argv.confirm as string | undefined,
          profile: argv.profile as string | undefined,
        });
      },
    );
}
