import type { S3Client } from "@aws-sdk/client-s3";
import yargs from "yargs";
import { networkErrorCode } from "../../reporting/src/aws/network-errors";
import { loadStackOutputs } from "../../reporting/src/aws/stack-outputs";
import { OperationalError, UsageError } from "../../reporting/src/kernel/errors";
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

/** What cleanup needs from the stack's outputs before anything is deleted. */
interface ArchiveOutputs {
  region: string;
  bucketName: string;
  archiveForceDestroy: boolean;
}

const CHECK_PULUMI =
  "Check that the Pulumi CLI is logged in to the right backend and that the stack exists (pulumi stack ls).";

/**
 * Reads and validates the stack's outputs with the report's own reader, and
 * stops unless they name the archive bucket and its region: without them the
 * archive cannot be checked, and `pulumi destroy` could turn logging off and
 * then fail on a bucket that still holds logs.
 */
async function readOutputs(deps: CleanupDeps, stack: string): Promise<ArchiveOutputs> {
  let printed = "";
  const runPulumi = async (args: string[]) => {
    const result = await deps.pulumi(args, { interactive: false });
    if (result.code !== 0) {
      throw Object.assign(new Error(`pulumi exited with ${result.code}`), { stderr: result.stderr || undefined });
    }
    printed = result.stdout;
    return result.stdout;
  };
  let outputs;
  try {
    // deps.pulumi runs in the project root itself, so the cwd the loader passes along is not used.
    outputs = await loadStackOutputs({ stack, cwd: ".", runPulumi });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OperationalError(`${message} ${printed === "" ? CHECK_PULUMI : "Nothing was changed."}`, undefined, {
      cause: error,
    });
  }
  if (outputs.bucketName === undefined) {
    throw new OperationalError(
      `The outputs of stack "${stack}" lack bucketName, ` +
        "so the archive bucket cannot be checked before destroying. Nothing was changed. " +
        `Run \`pulumi up --stack ${stack}\` so the stack exports them, or run \`pulumi destroy --stack ${stack}\` yourself.`,
    );
  }
  return {
    region: outputs.region,
    bucketName: outputs.bucketName,
    archiveForceDestroy: outputs.archiveForceDestroy === true,
  };
}

/** One line for a failed S3 call, saying what cleanup had done by then. */
function s3Failure(error: unknown, bucket: string, region: string, done: string): OperationalError {
  const { name, message } = (error ?? {}) as { name?: string; message?: string };
  const code = networkErrorCode(error);
  let what: string;
  if (name === "NoSuchBucket") {
    what =
      `The archive bucket ${bucket} named in the stack's outputs does not exist in ${region} (NoSuchBucket); ` +
      "run `pulumi refresh` on the stack, then cleanup again.";
  } else if (name === "AccessDenied" || name === "AccessDeniedException") {
    what =
      `Access denied to the archive bucket ${bucket}: cleanup needs s3:ListBucketVersions, s3:DeleteObject ` +
      "and s3:DeleteObjectVersion on it (--profile picks the credentials).";
  } else if (name === "CredentialsProviderError") {
    what =
      "No AWS credentials found for emptying the archive: " +
      "pass --profile <name>, set AWS_PROFILE, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";
  } else if (code !== undefined) {
    what = `Could not reach S3 in ${region} for the archive bucket ${bucket} (${code}): check the network and proxy settings.`;
  } else {
    const label = name !== undefined && name !== "Error" ? `${name}: ` : "";
    what = `S3 failed on the archive bucket ${bucket}: ${label}${(message ?? String(error)).split("\n")[0]}`;
  }
  return new OperationalError(`${what} ${done}`, undefined, { cause: error });
}

/** Runs an S3 step; its failure becomes one line with what had been done. */
async function onArchive<T>(outputs: ArchiveOutputs, done: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw s3Failure(error, outputs.bucketName, outputs.region, done);
  }
}

async function confirmPurge(deps: CleanupDeps, bucket: string, confirmation: string | undefined): Promise<void> {
  const answer =
    confirmation ??
    (await deps.ask(`Type the bucket name (${bucket}) to delete every archived invocation log in it: `));
  if (answer === undefined) {
    throw new UsageError(
      `--purge-archive deletes every archived invocation log in ${bucket}; without a terminal, confirm with --confirm ${bucket}.`,
    );
  }
  if (answer.trim() !== bucket) {
    throw new UsageError(
      `Confirmation "${answer.trim()}" does not match the archive bucket ${bucket}; nothing was deleted.`,
    );
  }
}

async function purge(deps: CleanupDeps, s3: S3Client, bucket: string): Promise<void> {
  const purged = await purgeArchive(s3, bucket, (count) =>
    deps.err(`  deleted ${count} object versions and delete markers...`),
  );
  deps.out(
    `Deleted ${purged.objectVersions} object versions and ${purged.deleteMarkers} delete markers from ${bucket}.`,
  );
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
  const s3 = deps.s3For(outputs.region, options.profile);
  const purgeStopped = "The archive may be partly emptied; the stack was not destroyed.";
  const unchanged = "Nothing was changed.";

  if (options.purgeArchive) {
    await confirmPurge(deps, bucket, options.confirm);
    await onArchive(outputs, purgeStopped, () => purge(deps, s3, bucket));
  } else if (!outputs.archiveForceDestroy && (await onArchive(outputs, unchanged, () => holdsAnyVersion(s3, bucket)))) {
    throw new OperationalError(
      `The archive bucket ${bucket} still holds invocation logs, so pulumi destroy would turn logging off and then fail on the bucket. Nothing was changed. ` +
        "To delete the archive too, re-run with --purge-archive (every archived log and its old versions are lost); to keep it, copy the logs elsewhere first.",
    );
  }

  if (await destroy(deps, options.stack)) {
    deps.out(`Stack "${options.stack}" is destroyed: logging is off and its resources are gone.`);
    return;
  }
  if (options.purgeArchive) {
    // Bedrock may still flush logs that were in flight when logging was turned off; empty the bucket again and retry once.
    deps.err(
      "pulumi destroy failed; emptying the archive again in case logs arrived during the destroy, then retrying.",
    );
    await onArchive(outputs, "pulumi destroy had failed once; run cleanup again.", () => purge(deps, s3, bucket));
    if (await destroy(deps, options.stack)) {
      deps.out(`Stack "${options.stack}" is destroyed: logging is off and its resources are gone.`);
      return;
    }
  }
  throw new OperationalError(
    `pulumi destroy failed for stack "${options.stack}"; its output above says which resource and why.`,
  );
}

const USAGE = "npm run cleanup -- --stack <name> [--purge-archive [--confirm <bucket>]]";

/** The `npm run cleanup` parser; tests call it with an argv array. */
export function buildCleanupCli(deps: CleanupDeps) {
  return yargs()
    .scriptName("npm run cleanup --")
    .usage("$0 --stack <name> [--purge-archive [--confirm <bucket>]]\n\nDestroys everything the stack created.")
    .option("stack", { type: "string", demandOption: true, describe: "The Pulumi stack to destroy" })
    .option("purge-archive", {
      type: "boolean",
      default: false,
      describe:
        "Also delete every archived log, old version and delete marker in the archive bucket, so it can be removed",
    })
    .option("confirm", {
      type: "string",
      describe: "The archive bucket's name, to confirm --purge-archive without a terminal",
    })
    .option("profile", {
      type: "string",
      describe: "AWS profile for emptying the bucket (Pulumi uses its own credentials)",
    })
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(`${message}. Usage: ${USAGE}`);
    })
    .command(
      "$0",
      false,
      () => {},
      async (argv) => {
        if ((argv.stack as string).trim() === "")
          throw new UsageError(`--stack needs the name of a stack. Usage: ${USAGE}`);
        await runCleanup(deps, {
          stack: argv.stack as string,
          purgeArchive: argv["purge-archive"] as boolean,
          confirm: argv.confirm as string | undefined,
          profile: argv.profile as string | undefined,
        });
      },
    );
}
