/**
 * Which source a report reads, and why. `--logs` names files or s3:// URLs;
 * otherwise `--source` picks, and `auto` lets the log group's retention
 * decide: a window the log group still holds goes to Logs Insights, an older
 * or longer one to the S3 archive. The choice and its reason lead the notes.
 */
import type { AwsClients } from "../aws/clients";
import type { StackOutputs } from "../aws/stack-outputs";
import { clientsFor, loadOutputs, type CliDeps, type CommonArgs } from "../commands/context";
import type { SourceChoice } from "../commands/options";
import { OperationalError, UsageError } from "../kernel/errors";
import { DAY_MS, MINUTE_MS } from "../kernel/time";
import {
  comparisonRange,
  reconcileTokens,
  reconciliationNotes,
  SETTLE_MS,
  type Reconciliation,
} from "../model/reconciliation";
import type { GroupKey } from "../model/grouping";
import { metadataKeysOf } from "../commands/options";
import { describeInsightsProgress, NO_PROGRESS, ProgressLine, type ProgressDisplay } from "../render/progress";
import type { ReadArchiveOptions } from "./archive";
import type { MantleModelMetrics } from "../model/unlogged-traffic";
import type { ReportWindow } from "../model/usage";
import type { SourceResult } from "./contract";
import { isS3Url, parseS3Url, s3Url, type ArchiveLocation } from "./s3-url";
import type { AthenaNames } from "../kernel/athena/names";
import { athenaDimensionsOf, athenaForArchiveWindow, requireAthenaNames } from "./athena-choice";

/** The report's options that say where to read from, and whether to show progress. */
export interface SourceArgs extends CommonArgs {
  /** Files, folders or s3:// URLs to read instead of the stack's log group or archive. */
  logs?: string[];
  /** No progress or status lines on stderr; errors still go there. */
  quiet?: boolean;
}

/** CloudWatch's retention when the stack outputs do not say (the stack's default). */
const DEFAULT_LOG_RETENTION_DAYS = 30;
/** The SDK needs a region to sign with; S3 redirects a request for a bucket elsewhere, and the client follows. */
const FALLBACK_S3_REGION = "us-east-1";

export interface OnlinePlan {
  kind: "insights" | "archive" | "athena";
  /** Why, in words, for the report's notes. */
  reason: string;
}

const isoMinute = (time: Date) => `${time.toISOString().slice(0, 16)}Z`;

/** Insights or the archive for a stack's window: what the user forced, else whether the log group still holds the whole window. */
export function planOnlineSource(
  choice: Exclude<SourceChoice, "logs">,
  window: ReportWindow,
  now: Date,
  outputs: StackOutputs,
): OnlinePlan {
  if (choice !== "auto") return { kind: choice, reason: `--source ${choice} asked for it` };
  // `auto` past the retention: the archive, or Athena over it when the window's archive is large (athena-choice.ts).
  const retentionDays = outputs.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  const retention = `the log group's ${retentionDays}-day retention${outputs.logRetentionDays === undefined ? " (assumed; the stack outputs do not say)" : ""}`;
  const keptSince = new Date(now.getTime() - retentionDays * DAY_MS);
  if (window.start.getTime() >= keptSince.getTime())
    return { kind: "insights", reason: `the window lies within ${retention}` };
  return {
    kind: "archive",
    reason: `the window starts ${isoMinute(window.start)}, before ${retention} (records since ${isoMinute(keptSince)})`,
  };
}

/** A note when part of the window is older than a store keeps records, else null. */
function retentionNote(
  store: string,
  days: number | undefined,
  window: ReportWindow,
  now: Date,
  instead: string,
): string | null {
  if (days === undefined) return null;
  const keptSince = new Date(now.getTime() - days * DAY_MS);
  if (window.start.getTime() >= keptSince.getTime()) return null;
  return `${store} keeps ${days} days: records before ${isoMinute(keptSince)} are gone from it, so this report covers less than its window.${instead}`;
}

export function archiveOfStack(outputs: StackOutputs, why: string): ArchiveLocation {
  if (outputs.bucketName === undefined) {
    throw new OperationalError(
      `The stack outputs name no archive bucket (bucketName), so the S3 archive cannot be read (${why}).`,
      "Run `pulumi up` so the stack exports bucketName, or pass --logs s3://<bucket>/<prefix>; --source insights reads what the log group still holds.",
    );
  }
  return {
    bucket: outputs.bucketName,
    prefix: outputs.archivePrefix ?? `AWSLogs/${outputs.accountId}/BedrockModelInvocationLogs/`,
  };
}

function progressFor(args: SourceArgs, deps: CliDeps, label: string): ProgressDisplay {
  if (args.quiet || !deps.stderrIsTTY) return NO_PROGRESS;
  return new ProgressLine({ write: deps.stderr, now: () => deps.now().getTime(), label });
}

async function readArchiveWithProgress(
  s3: ReadArchiveOptions["s3"],
  locations: ArchiveLocation[],
  window: ReportWindow,
  args: SourceArgs,
  deps: CliDeps,
): Promise<SourceResult> {
  const progress = progressFor(args, deps, "S3 archive");
  try {
    return await deps.readArchive({
      s3,
      locations,
      window,
      signal: deps.signal,
      onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.finish();
  }
}

/** Status lines on stderr, unless --quiet. */
function status(args: SourceArgs, deps: CliDeps, text: string): void {
  if (!args.quiet) deps.stderr(text);
}

function withLeadingNote(result: SourceResult, ...notes: Array<string | null>): SourceResult {
  return { ...result, notes: [...notes.filter((note): note is string => note !== null), ...result.notes] };
}

/** `--logs`: local files, or s3:// URLs read as the archive; never both at once. */
async function readGivenLogs(
  paths: string[],
  choice: SourceChoice,
  window: ReportWindow,
  args: SourceArgs,
  deps: CliDeps,
): Promise<SourceResult> {
  const remote = paths.filter(isS3Url);
  if (remote.length > 0 && remote.length < paths.length) {
    throw new UsageError(
      `--logs ${paths.join(" ")}: mixes s3:// URLs and local paths; give either local files and folders or s3://<bucket>/<prefix> URLs`,
    );
  }
  const expected = remote.length > 0 ? "archive" : "logs";
  if (choice !== "auto" && choice !== expected) {
    throw new UsageError(
      `--source ${choice} cannot be combined with --logs ${paths.join(" ")}: --logs is read as ${expected === "archive" ? "the S3 archive (--source archive)" : "local files (--source logs)"}; drop --source or --logs`,
    );
  }
  if (remote.length === 0) {
    status(args, deps, `Reading log records from ${paths.join(", ")}...\n`);
    return deps.readLogFiles({ paths, window });
  }
  const locations = remote.map(parseS3Url);
  const region = args.region ?? deps.env.AWS_REGION ?? deps.env.AWS_DEFAULT_REGION ?? FALLBACK_S3_REGION;
  const { s3 } = deps.createAwsClients({ region, profile: args.profile });
  status(args, deps, `Reading the S3 archive ${locations.map(s3Url).join(", ")}...\n`);
  const result = await readArchiveWithProgress(s3, locations, window, args, deps);
  return withLeadingNote(result, `Source: the S3 archive ${locations.map(s3Url).join(", ")} (--logs).`);
}

/**
 * Online: usage from one Logs Insights scan, latency and error counts from
 * CloudWatch metrics, in parallel. If either fails the other is stopped:
 * a partial report is never presented as a full one. Then the token sums are
 * cross-checked against CloudWatch's token metrics.
 */
async function readInsights(
  outputs: StackOutputs,
  args: SourceArgs,
  window: ReportWindow,
  groupings: readonly GroupKey[],
  now: Date,
  deps: CliDeps,
): Promise<SourceResult> {
  const clients = clientsFor(args, outputs, deps);
  const controller = new AbortController();
  const stop = () => controller.abort();
  deps.signal?.addEventListener("abort", stop, { once: true });
  status(
    args,
    deps,
    `Querying ${outputs.logGroupName} in ${clients.region} with Logs Insights and CloudWatch metrics...\n`,
  );
  const progress = progressFor(args, deps, "Logs Insights");
  try {
    const [usage, metrics] = await Promise.all([
      deps.readUsageFromInsights({
        logs: clients.logs,
        logGroupName: outputs.logGroupName,
        window,
        byCaller: groupings.includes("caller"),
        metadataKeys: metadataKeysOf(groupings),
        signal: controller.signal,
        onProgress: (done) => progress.show((elapsedMs) => describeInsightsProgress(done, elapsedMs)),
      }),
      deps.readMetrics({ cloudwatch: clients.cloudwatch, window, signal: controller.signal, now: deps.now() }),
    ]).catch((error: unknown) => {
      controller.abort();
      throw error;
    });
    const crossCheck = await crossCheckTokens(usage, clients.cloudwatch, window, now, controller.signal, deps);
    const mantle = await readUnloggedTraffic(clients.cloudwatch, window, controller.signal, deps);
    const emptyWindowHint =
      usage.rows.length === 0
        ? `No invocations logged in this window in ${outputs.logGroupName}: is logging on in this region (${clients.region})?`
        : undefined;
    return {
      ...usage,
      ...(emptyWindowHint && { emptyWindowHint }),
      latency: metrics.latency,
      metricErrors: metrics.metricErrors,
      ...(crossCheck.reconciliation && { reconciliation: crossCheck.reconciliation }),
      ...(mantle.models && { unloggedTraffic: mantle.models }),
      notes: [
        ...usage.notes,
        ...(emptyWindowHint ? [emptyWindowHint] : []),
        ...metrics.notes,
        ...crossCheck.notes,
        ...mantle.notes,
      ],
    };
  } finally {
    progress.finish();
    deps.signal?.removeEventListener("abort", stop);
  }
}

/**
 * Logs Insights' token sums per model against CloudWatch's token metrics over
 * the window's settled whole hours. A cross-check that cannot run (no such
 * hour, or CloudWatch refused) leaves the usage figures standing and says why.
 */
async function crossCheckTokens(
  usage: SourceResult,
  cloudwatch: AwsClients["cloudwatch"],
  window: ReportWindow,
  now: Date,
  signal: AbortSignal,
  deps: CliDeps,
): Promise<{ reconciliation: Reconciliation | null; notes: string[] }> {
  const skipped = (why: string) => ({
    reconciliation: null,
    notes: [`No cross-check with CloudWatch's token metrics: ${why}`],
  });
  const range = comparisonRange(window, now);
  if (range === null) {
    const settle = `${SETTLE_MS / MINUTE_MS} minutes`;
    return skipped(`the window holds no whole UTC hour that ended ${settle} or more before the report.`);
  }
  try {
    const modelIds = [...new Set(usage.rows.map((row) => row.modelId))];
    const metrics = await deps.readTokenMetrics({ cloudwatch, range, modelIds, signal });
    const reconciliation = reconcileTokens(usage.rows, metrics, range);
    return { reconciliation, notes: reconciliationNotes(reconciliation) };
  } catch (error) {
    if (signal.aborted) throw new OperationalError("Interrupted: no report was produced.");
    if (!(error instanceof OperationalError)) throw error;
    return skipped(error.hint ? `${error.message} ${error.hint}` : error.message);
  }
}

/** bedrock-mantle's metrics for the window; a refused read leaves the report standing and says why. */
async function readUnloggedTraffic(
  cloudwatch: AwsClients["cloudwatch"],
  window: ReportWindow,
  signal: AbortSignal,
  deps: CliDeps,
): Promise<{ models: MantleModelMetrics[] | null; notes: string[] }> {
  try {
    return { models: await deps.readMantleMetrics({ cloudwatch, window, signal }), notes: [] };
  } catch (error) {
    if (signal.aborted) throw new OperationalError("Interrupted: no report was produced.");
    if (!(error instanceof OperationalError)) throw error;
    const why = error.hint ? `${error.message} ${error.hint}` : error.message;
    return {
      models: null,
      notes: [`bedrock-mantle traffic (which writes no invocation logs) could not be read: ${why}`],
    };
  }
}

/** With neither a stack nor --logs named, a failure to find the stack also points to the offline demo. */
function withDemoHint(error: unknown, args: SourceArgs): unknown {
  if (!(error instanceof OperationalError) || args.stack !== undefined || args.outputs !== undefined) return error;
  const demo = "To try the report offline on the bundled sample week first: `npm run demo`.";
  return new OperationalError(error.message, error.hint ? `${error.hint}\n  ${demo}` : demo, { cause: error.cause });
}

/** One Athena query over the archive table; the first note says why Athena. */
async function readAthena(
  outputs: StackOutputs,
  names: AthenaNames,
  reason: string,
  args: SourceArgs,
  window: ReportWindow,
  groupings: readonly GroupKey[],
  now: Date,
  deps: CliDeps,
): Promise<SourceResult> {
  const region = args.region ?? outputs.region;
  status(args, deps, `Querying ${names.database}.${names.table} with Athena in ${region} (${reason})...\n`);
  const result = await deps.readUsageFromAthena({
    region,
    profile: args.profile,
    names,
    window,
    groupBy: athenaDimensionsOf(groupings),
    signal: deps.signal,
  });
  return withLeadingNote(
    result,
    `Source: Athena over the S3 archive (${names.database}.${names.table}), because ${reason}.`,
    retentionNote("The archive", outputs.archiveRetentionDays, window, now, ""),
  );
}

/** Reads the window from the source the options and the stack's retention call for; the first note says which and why. */
export async function readReportSource(
  args: SourceArgs,
  choice: SourceChoice,
  reportWindow: ReportWindow,
  groupings: readonly GroupKey[],
  deps: CliDeps,
): Promise<SourceResult> {
  // The readers split rows by the metadata keys grouped by; the window carries them to every reader and worker.
  const metadataKeys = metadataKeysOf(groupings);
  const window = metadataKeys.length > 0 ? { ...reportWindow, metadataKeys } : reportWindow;
  if (args.logs && args.logs.length > 0) return readGivenLogs(args.logs, choice, window, args, deps);
  if (choice === "logs")
    throw new UsageError(
      "--source logs reads the files given with --logs <path>: add --logs, or use --source auto, insights or archive",
    );
  const outputs = await loadOutputs(args, deps).catch((error: unknown) => {
    throw withDemoHint(error, args);
  });
  const now = deps.now();
  const plan = planOnlineSource(choice, window, now, outputs);
  if (plan.kind === "insights") {
    const result = await readInsights(outputs, args, reportWindow, groupings, now, deps);
    const tooOld = retentionNote(
      "The log group",
      outputs.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      window,
      now,
      " --source archive reads them from S3.",
    );
    return withLeadingNote(result, `Source: Logs Insights on ${outputs.logGroupName}, because ${plan.reason}.`, tooOld);
  }
  if (plan.kind === "athena") {
    return readAthena(outputs, requireAthenaNames(outputs), plan.reason, args, window, groupings, now, deps);
  }
  const location = archiveOfStack(outputs, plan.reason);
  const { s3 } = clientsFor(args, outputs, deps);
  let reason = plan.reason;
  if (choice === "auto") {
    const athena = await athenaForArchiveWindow(outputs, location, window, s3, deps);
    if (athena.names) {
      return readAthena(
        outputs,
        athena.names,
        `${plan.reason} and ${athena.reason}`,
        args,
        window,
        groupings,
        now,
        deps,
      );
    }
    if (athena.reason !== null) reason = `${plan.reason} and ${athena.reason}`;
  }
  status(args, deps, `Reading the S3 archive ${s3Url(location)} (${reason})...\n`);
  const result = await readArchiveWithProgress(s3, [location], window, args, deps);
  return withLeadingNote(
    result,
    `Source: the S3 archive ${s3Url(location)}, because ${reason}.`,
    retentionNote("The archive", outputs.archiveRetentionDays, window, now, ""),
  );
}
