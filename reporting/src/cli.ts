/**
 * The `report` command line (yargs). Everything that touches the outside
 * world comes in through CliDeps, so tests drive the real parser with an argv
 * array and fakes, and no AWS.
 */
import yargs, { type Argv } from "yargs";
import type { CliDeps } from "./commands/context";
import { DEFAULT_HOURS, GROUP_BY_CHOICES, SOURCE_CHOICES } from "./commands/options";
import { OperationalError, UsageError } from "./kernel/errors";
import { SAVED_QUERIES } from "./kernel/queries";
import { OUTPUT_FORMATS, TEXT_FORMATS } from "./render/formats";
import { visibleText } from "./render/safe-text";

function windowOptions<T>(cli: Argv<T>) {
  return cli
    .option("hours", { type: "string", describe: `Window length in hours, ending at --end (default ${DEFAULT_HOURS})` })
    .option("start", { type: "string", describe: "Window start, ISO-8601; without a zone, UTC (instead of --hours)" })
    .option("end", { type: "string", describe: "Window end, ISO-8601; without a zone, UTC; exclusive (default: now)" });
}

function stackOptions<T>(cli: Argv<T>) {
  return cli
    .option("stack", { type: "string", describe: "Pulumi stack whose outputs name the log group and region" })
    .option("outputs", {
      type: "string",
      describe: "File with the JSON of `pulumi stack output --json` (instead of --stack)",
    })
    .option("region", { type: "string", describe: "AWS region (default: the stack's region)" })
    .option("profile", { type: "string", describe: "AWS profile from the shared config files" });
}

function catalogOptions<T>(cli: Argv<T>) {
  return cli.option("catalog", {
    type: "string",
    array: true,
    describe:
      "Catalog file(s) from `pricing --refresh`; the newest of them and the built-in one prices " +
      "(default: pricing/catalog-*.json)",
  });
}

const PROFILES_OPTION = {
  type: "string",
  describe:
    "JSON array of `aws bedrock get-inference-profile` outputs (with optional tags): application profiles without AWS",
} as const;

function outputOptions<T>(cli: Argv<T>, formats: readonly string[] = TEXT_FORMATS) {
  return cli
    .option("format", { type: "string", describe: `Output format: ${formats.join(" | ")} (default table)` })
    .option("out", {
      type: "string",
      describe: "Write to this file instead of stdout: whole or not at all, never over an input",
    });
}

/**
 * A message's lines with their control characters written out: messages quote what the user gave (a file's first
 * bytes in a parser's complaint, a value), which must not reach the terminal as control sequences.
 */
function terminalSafe(message: string): string {
  return message.split("\n").map(visibleText).join("\n");
}

/** Expected failures print one line (two for operational ones: what happened, what to do) and set the exit code; never a stack trace. */
export function reportFailure(error: unknown, deps: CliDeps): void {
  if (error instanceof UsageError) {
    deps.stderr(`error: ${terminalSafe(error.message)}\n`);
    deps.setExitCode(error.exitCode);
  } else if (error instanceof OperationalError) {
    deps.stderr(`error: ${terminalSafe(error.message)}\n${error.hint ? `  ${terminalSafe(error.hint)}\n` : ""}`);
    deps.setExitCode(error.exitCode);
  } else {
    deps.stderr(
      `error: unexpected failure, please report it: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    deps.setExitCode(1);
  }
}

function guarded<A>(deps: CliDeps, run: (args: A, deps: CliDeps) => Promise<number>) {
  return async (args: A): Promise<void> => {
    try {
      deps.setExitCode(await run(args, deps));
    } catch (error) {
      reportFailure(error, deps);
    }
  };
}

/**
 * A command whose module loads when it runs: `--help` needs none of them, and
 * it should start about as fast as Node.js itself (see bench/startup.ts).
 */
function loadedOnRun<A>(load: () => (args: A, deps: CliDeps) => Promise<number>) {
  return (args: A, deps: CliDeps) => load()(args, deps);
}
/* eslint-disable @typescript-eslint/no-require-imports -- a deferred require is the point here */
const runReportCommand = loadedOnRun(
  () => (require("./commands/report") as typeof import("./commands/report")).runReportCommand,
);
const runPricingCommand = loadedOnRun(
  () => (require("./commands/pricing") as typeof import("./commands/pricing")).runPricingCommand,
);
const runQueryCommand = loadedOnRun(
  () => (require("./commands/query") as typeof import("./commands/query")).runQueryCommand,
);
const runDemoCommand = loadedOnRun(
  () => (require("./commands/demo") as typeof import("./commands/demo")).runDemoCommand,
);
const runReconcileCommand = loadedOnRun(
  () => (require("./commands/reconcile") as typeof import("./commands/reconcile")).runReconcileCommand,
);
const runCommandsCommand = loadedOnRun(
  () => (require("./commands/stack-commands") as typeof import("./commands/stack-commands")).runCommandsCommand,
);
/* eslint-enable @typescript-eslint/no-require-imports */

export function buildCli(deps: CliDeps) {
  return yargs()
    .scriptName("bedrock-report")
    .usage("$0 [options]: Claude usage, cost, latency and errors on Bedrock for a time window")
    .command(
      "$0",
      "Usage and cost report (default command)",
      (cli) =>
        catalogOptions(outputOptions(stackOptions(windowOptions(cli)), OUTPUT_FORMATS))
          .option("logs", {
            type: "string",
            array: true,
            describe:
              "Read log records from these files/folders (.json, .jsonl, .json.gz), or from the S3 archive at s3://<bucket>/<prefix>",
          })
          .option("source", {
            type: "string",
            describe: `Where usage comes from: ${SOURCE_CHOICES.join(" | ")} (default auto: Logs Insights within the log group's retention, else the S3 archive, or Athena over it for a large window)`,
          })
          .option("dry-run", {
            type: "boolean",
            describe: "Print the queries the report would run and what they would scan; run nothing",
          })
          .option("quiet", { type: "boolean", describe: "No progress or status lines on stderr (errors still)" })
          .option("group-by", {
            type: "string",
            array: true,
            describe: `Breakdown: ${GROUP_BY_CHOICES.join(" | ")} (default model); repeat it to group by several`,
          })
          .option("pricing", {
            type: "string",
            describe: "JSON file of price overrides, added models and application profile mappings",
          })
          .option("profiles", PROFILES_OPTION)
          .example("$0 --hours 168", "the last week, from the deployed stack")
          .example("$0 --hours 168 --logs <folder> --end <ISO>", "offline, on a copy of the S3 archive")
          .example("$0 --source athena --dry-run", "the Athena query the report would run, without running it")
          .example(
            "$0 --start 2026-07-01 --end 2026-10-01",
            "a quarter: read from the S3 archive, past the log group's retention",
          ),
      guarded(deps, runReportCommand),
    )
    .command(
      "reconcile",
      "Compare the estimate with what AWS billed for Bedrock, per day and model family (Cost Explorer, or --bill)",
      (cli) =>
        catalogOptions(outputOptions(stackOptions(windowOptions(cli))))
          .option("hours", {
            type: "string",
            describe: "Window length in hours, ending at --end (default 720: 30 days)",
          })
          .option("bill", {
            type: "string",
            describe:
              "Read the bill from this file: a saved GetCostAndUsage JSON, or a CUR 2.0 export (CSV or Parquet)",
          })
          .option("tolerance", {
            type: "string",
            describe: "Flag days whose estimate and bill differ by more than this percent (default 5)",
          })
          .option("logs", {
            type: "string",
            array: true,
            describe: "Estimate from these log files/folders or s3:// archive URLs instead of the stack",
          })
          .option("source", { type: "string", describe: `Where usage comes from: ${SOURCE_CHOICES.join(" | ")}` })
          .option("pricing", { type: "string", describe: "JSON file of price overrides (e.g. your discount)" })
          .option("profiles", PROFILES_OPTION)
          .option("quiet", { type: "boolean", describe: "No progress or status lines on stderr (errors still)" })
          .example("$0 reconcile --hours 720", "the last 30 days against Cost Explorer (default window 720 hours)")
          .example("$0 reconcile --logs <folder> --bill cur.parquet", "offline, against a CUR 2.0 export"),
      guarded(deps, runReconcileCommand),
    )
    .command(
      "demo",
      "The report on the bundled sample week, offline; then how to run it on your own logs or stack",
      (cli) => outputOptions(cli),
      guarded(deps, runDemoCommand),
    )
    .command(
      "pricing",
      "Print the price catalog with its as-of date and sources, or refresh or check it against the AWS Price List",
      (cli) =>
        catalogOptions(outputOptions(stackOptions(windowOptions(cli))))
          .option("pricing", {
            type: "string",
            describe: "Show the catalog with these overrides applied",
          })
          .option("refresh", {
            type: "boolean",
            describe:
              "Read the AWS Price List (pricing:GetProducts) and write a dated catalog to pricing/ (or --catalog-dir)",
          })
          .option("check", {
            type: "boolean",
            describe:
              "Print what the Price List changed since the catalog in use; " +
              "exit 1 if a model in --logs or the stack's logs has no price",
          })
          .option("catalog-dir", {
            type: "string",
            describe: "Folder --refresh writes catalog-<date>.json into (default pricing/)",
          })
          .option("price-region", {
            type: "string",
            describe: "Region whose prices --refresh and --check read (default us-east-1)",
          })
          .option("logs", {
            type: "string",
            array: true,
            describe: "With --check: log files/folders or s3:// URLs whose models must have a price",
          }),
      guarded(deps, runPricingCommand),
    )
    .command(
      "query <name>",
      `Run a saved Logs Insights query and print its rows (${SAVED_QUERIES.map((query) => query.name).join(", ")})`,
      (cli) =>
        outputOptions(stackOptions(windowOptions(cli))).positional("name", { type: "string", demandOption: true }),
      guarded(deps, runQueryCommand),
    )
    .command(
      "commands",
      "Print the AWS CLI commands for live metrics from the stack outputs",
      (cli) => outputOptions(stackOptions(cli)),
      guarded(deps, runCommandsCommand),
    )
    .strict()
    .exitProcess(false)
    .showHelpOnFail(false)
    .version(false)
    .help()
    .wrap(Math.min(120, process.stdout.columns ?? 100))
    .fail((message, error) => {
      // Throwing is what stops yargs from running the command after a parse error.
      throw error ?? new UsageError(`${message} (see --help)`);
    });
}

/** Parses argv, runs the command and resolves with the exit code. Help text goes to deps.stdout. */
export async function runCli(argv: string[], deps: CliDeps): Promise<number> {
  let exitCode = 0;
  const recording: CliDeps = { ...deps, setExitCode: (code) => (exitCode = code) };
  try {
    await buildCli(recording).parseAsync(argv, {}, (_error, _args, output) => {
      if (output) recording.stdout(`${output}\n`);
    });
  } catch (error) {
    reportFailure(error, recording);
  }
  deps.setExitCode(exitCode);
  return exitCode;
}
