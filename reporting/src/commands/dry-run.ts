/**
 * `--dry-run`: what the report would run and what it would scan, for any
 * source, without calling AWS or reading a record. Names come from `--outputs`
 * (a local file) when given; otherwise the log group is the stack's default
 * and the Athena names are those the stack gives them for `--stack` (default
 * `dev`), so a dry run works offline and before a deploy.
 */
import type { StackOutputs } from "../aws/stack-outputs";
import { athenaNamesOf, type AthenaNames } from "../kernel/athena/names";
import { buildAthenaUsageQuery, partitionCount, partitionRange } from "../kernel/athena/usage-query";
import { UsageError } from "../kernel/errors";
import { HOUR_MS } from "../kernel/time";
import type { GroupKey } from "../model/grouping";
import type { ReportWindow } from "../model/usage";
import { archiveOfStack, planOnlineSource, type SourceArgs } from "../sources/report-source";
import { ATHENA_AUTO_THRESHOLD_BYTES, athenaNamesOfStack } from "../sources/athena-choice";
import { hourFolders } from "../sources/archive";
import { plannedScanQueries } from "../sources/insights";
import { athenaDimensionsOf } from "../sources/athena-choice";
import { isS3Url, parseS3Url, s3Url } from "../sources/s3-url";
import { loadOutputs, type CliDeps } from "./context";
import { metadataKeysOf } from "./options";
import type { SourceChoice } from "./options";

const DEFAULT_STACK = "dev";
const DEFAULT_LOG_GROUP = "/aws/bedrock/modelinvocations";

/** Placeholder outputs for a dry run without `--outputs`: what `pulumi up` would name for the stack. */
function assumedOutputs(stack: string): StackOutputs {
  const names = athenaNamesOf(stack);
  return {
    region: "<region>",
    accountId: "<account>",
    logGroupName: DEFAULT_LOG_GROUP,
    bucketName: "<archive bucket>",
    athenaDatabaseName: names.database,
    athenaTableName: names.table,
    athenaWorkgroupName: names.workgroup,
  };
}

function athenaPlan(names: AthenaNames, window: ReportWindow, groupings: readonly GroupKey[]): string[] {
  const startMs = window.start.getTime();
  const endMs = window.end.getTime();
  const { first, last } = partitionRange(startMs, endMs);
  return [
    `Athena: one query in workgroup ${names.workgroup}, database ${names.database}:`,
    "",
    buildAthenaUsageQuery({
      database: names.database,
      table: names.table,
      startMs,
      endMs,
      groupBy: athenaDimensionsOf(groupings),
      metadataKeys: metadataKeysOf(groupings),
    }),
    "",
    `It reads ${partitionCount(startMs, endMs)} hour folders (dt ${first} to ${last}: the window and a day of ` +
      "delivery delay), every object in them. Athena bills $5 per TB scanned (at least 10 MB a query); the " +
      "workgroup cancels a query that would scan more than its cutoff (athenaBytesScannedCutoffGb).",
  ];
}

function archivePlan(where: string, regionFolders: string[], window: ReportWindow): string[] {
  const folders = regionFolders.flatMap((folder) => hourFolders(folder, window));
  return [
    `S3 archive: lists and downloads every object of ${folders.length} hour folders under ${where}`,
    `(${folders[0]} to ${folders.at(-1)}), parsed on this machine; S3 bills the GET and LIST requests, ` +
      "and the transfer when the report runs outside the bucket's region.",
  ];
}

function insightsPlan(outputs: StackOutputs, window: ReportWindow, groupings: readonly GroupKey[]): string[] {
  const queries = plannedScanQueries(window, groupings.includes("caller"), metadataKeysOf(groupings));
  return [
    `Logs Insights: ${queries.length} queries over ${outputs.logGroupName}, one per sub-window; the first ` +
      `(${queries[0].label}):`,
    "",
    queries[0].query,
    "",
    "Each scans every event of the log group in its sub-window; Logs Insights bills $0.005 per GB scanned. " +
      "Latency and errors come from CloudWatch metrics (GetMetricData), token sums are checked against them.",
  ];
}

/** The plan, as lines: which source, why, and what it would run and scan. */
export async function describeDryRun(
  args: SourceArgs,
  choice: SourceChoice,
  window: ReportWindow,
  groupings: readonly GroupKey[],
  deps: CliDeps,
): Promise<string> {
  const hours = (window.end.getTime() - window.start.getTime()) / HOUR_MS;
  const lines = [
    "Dry run: nothing is queried, listed or read.",
    `Window: ${window.start.toISOString()} to ${window.end.toISOString()} (${hours} hours).`,
  ];
  if (args.logs && args.logs.length > 0) {
    const remote = args.logs.filter(isS3Url).map(parseS3Url);
    const expected = remote.length > 0 ? "archive" : "logs";
    if (choice !== "auto" && choice !== expected) {
      throw new UsageError(
        `--source ${choice} cannot be combined with --logs ${args.logs.join(" ")}: --logs is read as --source ${expected}; drop --source or --logs`,
      );
    }
    if (remote.length === 0) {
      lines.push(
        `Local files: reads every record file under ${args.logs.join(", ")} (dated folders outside the window are skipped).`,
      );
    } else {
      lines.push(
        ...archivePlan(
          remote.map(s3Url).join(", "),
          remote.map((location) => `${location.prefix}<region>/`),
          window,
        ),
      );
    }
    return `${lines.join("\n")}\n`;
  }
  const stack = args.stack ?? DEFAULT_STACK;
  const outputs = args.outputs !== undefined ? await loadOutputs(args, deps) : assumedOutputs(stack);
  if (args.outputs === undefined) {
    lines.push(
      `Names: those the stack creates for stack ${stack} (pass --outputs <file> for a deployed stack's own, --stack for another stack).`,
    );
  }
  const plan = choice === "logs" ? null : planOnlineSource(choice, window, deps.now(), outputs);
  if (plan === null) {
    lines.push("--source logs reads the files given with --logs <path>: add --logs.");
    return `${lines.join("\n")}\n`;
  }
  lines.push(`Source: ${plan.kind}, because ${plan.reason}.`);
  if (plan.kind === "insights") lines.push(...insightsPlan(outputs, window, groupings));
  else {
    const names = athenaNamesOfStack(outputs) ?? athenaNamesOf(stack);
    const location = archiveOfStack(outputs, plan.reason);
    if (plan.kind === "archive" && choice === "auto" && athenaNamesOfStack(outputs)) {
      lines.push(
        `auto then lists the window's day folders in the archive (a few LIST requests) and uses Athena if they hold ` +
          `more than ${ATHENA_AUTO_THRESHOLD_BYTES / 1024 ** 3} GiB, else the archive reader. Either:`,
        "",
      );
      lines.push(...athenaPlan(names, window, groupings), "", "or:", "");
    }
    if (plan.kind === "athena") lines.push(...athenaPlan(names, window, groupings));
    else lines.push(...archivePlan(s3Url(location), [`${location.prefix}${outputs.region}/`], window));
  }
  return `${lines.join("\n")}\n`;
}
