/**
 * Usage from CloudWatch Logs Insights: one scan of the invocation log group
 * per report, cut into disjoint sub-windows so no query reaches the 10,000-row
 * result cap, run with bounded concurrency, polled with backoff, stopped on
 * Ctrl-C.
 */
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type QueryStatistics,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { OperationalError } from "../kernel/errors";
import type { InsightsProgress } from "../render/progress";
import { abortableSleep, describeAwsFailure, retryThrottled } from "../aws/clients";
import { buildScanQuery, metadataColumn, SCAN_COLUMNS, type SavedQuery, withWindowFilter } from "../kernel/queries";
import { floorTo, HOUR_MS, MINUTE_MS } from "../kernel/time";
import { callerFromArn, UNKNOWN_CALLER } from "../reading/records";
import type { ContextClass, ReportWindow } from "../model/usage";
import { UsageRowBuilder } from "../model/usage-rows";
import { runConcurrently } from "./concurrency";
import type { ScanStatistics, SourceResult } from "./contract";

/** Logs Insights returns at most this many rows; a result of exactly this size may be cut short. */
export const INSIGHTS_ROW_CAP = 10_000;

/** Rows a first-cut sub-window is sized for: well under the cap, so a busier-than-expected window rarely needs a re-query. */
const ROW_BUDGET = 8_000;
/** 20 models x 2 context classes; a caller breakdown multiplies it by an assumed 10 callers. */
const EXPECTED_ROWS_PER_HOUR = 40;
const CALLERS_PER_HOUR = 10;
/** Well below the account's 30 concurrent queries, which other people's queries share. */
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
/**
 * Logs Insights ends a query after 60 minutes of runtime with status Timeout
 * (StartQuery, https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html;
 * it used to be 15). The report waits a little longer than that, so the
 * service's own Timeout is what normally ends a query that runs too long, and
 * stops a query itself only if that status never comes.
 */
const INSIGHTS_QUERY_LIMIT_MS = 60 * MINUTE_MS;
const DEFAULT_TIMEOUT_MS = INSIGHTS_QUERY_LIMIT_MS + 5 * MINUTE_MS;
const THROTTLE_RETRIES = 5;

export interface QueryRunOptions {
  logs: CloudWatchLogsClient;
  logGroupName: string;
  window: ReportWindow;
  /** Ctrl-C: running queries are stopped with StopQuery. */
  signal?: AbortSignal;
  /** First wait between GetQueryResults polls (and between throttled retries); grows by half each poll, up to 10x. */
  pollIntervalMs?: number;
  /** How long one query may run before the report stops it and fails, naming it. */
  timeoutMs?: number;
  /** The clock the timeout is measured on, epoch milliseconds. */
  now?: () => number;
}

export interface InsightsReadOptions extends QueryRunOptions {
  /** Group by caller too (`--group-by caller`). */
  byCaller: boolean;
  /** Group by these `requestMetadata` keys too (`--group-by metadata:<key>`). */
  metadataKeys?: readonly string[];
  /** Queries running at once. */
  concurrency?: number;
  onProgress?: (progress: InsightsProgress) => void;
}

const expectedRowsPerHour = (byCaller: boolean) => EXPECTED_ROWS_PER_HOUR * (byCaller ? CALLERS_PER_HOUR : 1);

/** The scan queries a report of this window starts with (`--dry-run`): one per sub-window. */
export function plannedScanQueries(
  window: ReportWindow,
  byCaller: boolean,
  metadataKeys: readonly string[] = [],
): Array<{ label: string; query: string }> {
  return planSubWindows(window, expectedRowsPerHour(byCaller)).map((part) => ({
    label: describeSubWindow(part),
    query: buildScanQuery({ byCaller, metadataKeys, ...part }),
  }));
}

/** A half-open slice `[startMs, endMs)` of the report window. */
export interface SubWindow {
  startMs: number;
  endMs: number;
}

/**
 * Usage rows for the window from the scan query (source "insights"). Rows
 * are per UTC hour, model, long-context class (and caller when `byCaller`).
 * Expected failures reject with an OperationalError; a result is only ever
 * returned complete.
 */
export async function readUsageFromInsights(options: InsightsReadOptions): Promise<SourceResult> {
  const runner = new QueryRunner(options);
  const rowsPerHour = expectedRowsPerHour(options.byCaller);
  const rows = new UsageRowBuilder();
  const skipped: Record<string, number> = {};
  let requeried = 0;

  await runner.runAll(planSubWindows(options.window, rowsPerHour), async (part) => {
    const label = `usage scan ${describeSubWindow(part)}`;
    const query = buildScanQuery({ byCaller: options.byCaller, metadataKeys: options.metadataKeys, ...part });
    const results = await runner.run(label, query, part);
    if (results.length >= INSIGHTS_ROW_CAP) {
      requeried += 1;
      return splitSubWindow(part, label);
    }
    for (const fields of results) addRow(rows, skipped, fields, options.byCaller, options.metadataKeys ?? []);
    return [];
  });

  const notes = [`Logs Insights: ${runner.scan.queries} queries over ${options.logGroupName}.`];
  if (requeried > 0) {
    notes.push(
      `${requeried} sub-window(s) reached the ${INSIGHTS_ROW_CAP}-row cap and were split and queried again; their first scan is included in the bytes scanned.`,
    );
  }
  return {
    source: "insights",
    rows: rows.rows(),
    latency: null,
    metricErrors: null,
    scan: runner.scan,
    skipped,
    complete: true,
    notes,
  };
}

/**
 * Runs one saved query over the window (`report query <name>`) and returns its
 * rows as field -> value records. Rejects rather than return a result cut at
 * the row cap.
 */
export async function runSavedQuery(
  options: QueryRunOptions & { query: SavedQuery },
): Promise<Record<string, string>[]> {
  const runner = new QueryRunner(options);
  const part = { startMs: options.window.start.getTime(), endMs: options.window.end.getTime() };
  const rows = await runner.run(
    options.query.displayName,
    withWindowFilter(options.query.queryString, part.startMs, part.endMs),
    part,
  );
  if (rows.length >= INSIGHTS_ROW_CAP) {
    throw new OperationalError(
      `The query "${options.query.displayName}" returned ${INSIGHTS_ROW_CAP} rows, the Logs Insights maximum, so its result may be incomplete.`,
      "Run it over a shorter window (--hours, or --start/--end).",
    );
  }
  return rows;
}

/** Disjoint sub-windows aligned to UTC hours, each expected to stay under the row budget. */
export function planSubWindows(window: ReportWindow, rowsPerHour: number): SubWindow[] {
  const hoursPerQuery = Math.max(1, Math.floor(ROW_BUDGET / rowsPerHour));
  const end = window.end.getTime();
  const parts: SubWindow[] = [];
  for (let start = window.start.getTime(); start < end;) {
    const next = Math.min(end, floorTo(start, HOUR_MS) + hoursPerQuery * HOUR_MS);
    parts.push({ startMs: start, endMs: next });
    start = next;
  }
  return parts;
}

/** Two halves, cut on an hour (or, below two hours, a minute) boundary; a minute that alone fills the cap cannot be read completely. */
export function splitSubWindow(part: SubWindow, label: string): SubWindow[] {
  const middle = (part.startMs + part.endMs) / 2;
  const cut = [floorTo(middle, HOUR_MS), floorTo(middle, MINUTE_MS)].find((at) => at > part.startMs && at < part.endMs);
  if (cut === undefined) {
    throw new OperationalError(
      `The ${label} returned ${INSIGHTS_ROW_CAP} rows, the Logs Insights maximum, even for a single minute; the report would be incomplete.`,
      "Report without --group-by caller, or read the S3 archive with --logs.",
    );
  }
  return [
    { startMs: part.startMs, endMs: cut },
    { startMs: cut, endMs: part.endMs },
  ];
}

function describeSubWindow(part: SubWindow): string {
  return `${new Date(part.startMs).toISOString()} to ${new Date(part.endMs).toISOString()}`;
}

/** The scan's longContext column: 0 or 1, however Insights prints the number ("1", "1.0"). */
function contextClass(flag: string | undefined): ContextClass {
  const value = flag === undefined || flag.trim() === "" ? Number.NaN : Number(flag);
  if (value === 0) return "standard";
  if (value >= 1) return "long";
  return "unknown";
}

/** One result row of the scan as a UsageRow; rows of the same hour, model, caller and class from several sub-windows add up. */
function addRow(
  rows: UsageRowBuilder,
  skipped: Record<string, number>,
  fields: Record<string, string>,
  byCaller: boolean,
  metadataKeys: readonly string[],
): void {
  const count = (column: string): number => Number(fields[column] ?? 0) || 0;
  const hourStartMs = parseInsightsTime(fields[SCAN_COLUMNS.hour]);
  const modelId = fields[SCAN_COLUMNS.modelId];
  if (!modelId || Number.isNaN(hourStartMs)) {
    const reason = modelId ? "malformed" : "noModelId";
    skipped[reason] = (skipped[reason] ?? 0) + count(SCAN_COLUMNS.invocations);
    return;
  }
  const caller = byCaller ? callerFromArn(fields[SCAN_COLUMNS.caller] ?? UNKNOWN_CALLER) : null;
  const context = contextClass(fields[SCAN_COLUMNS.longContext]);
  const metadata: Record<string, string> = {};
  for (const key of metadataKeys) {
    const value = fields[metadataColumn(key)];
    if (value !== undefined && value !== "") metadata[key] = value;
  }
  // No guardrailInterventions: the scan does not read response bodies, so they are unknown, not zero.
  rows.addRow({
    hourStartMs,
    modelId,
    caller,
    context,
    ...(metadataKeys.length > 0 && { metadata }),
    invocations: count(SCAN_COLUMNS.invocations),
    errors: count(SCAN_COLUMNS.errors),
    inputTokens: count(SCAN_COLUMNS.inputTokens),
    outputTokens: count(SCAN_COLUMNS.outputTokens),
    cacheReadInputTokens: count(SCAN_COLUMNS.cacheReadInputTokens),
    cacheWriteInputTokens: count(SCAN_COLUMNS.cacheWriteInputTokens),
    cacheWriteInvocations: count(SCAN_COLUMNS.cacheWriteInvocations),
  });
}

/** Insights prints bins as `2026-11-20 10:00:00.000`, in UTC. */
function parseInsightsTime(value: string | undefined): number {
  if (!value) return Number.NaN;
  return Date.parse(/^\d{4}-\d{2}-\d{2} /.test(value) ? `${value.replace(" ", "T")}Z` : value);
}

function toRecord(row: ResultField[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const { field, value } of row) if (field && field !== "@ptr") record[field] = value ?? "";
  return record;
}

/** Starts, polls and stops queries for one report; owns the abort wiring and the scan statistics. */
class QueryRunner {
  readonly scan: ScanStatistics = { queries: 0, bytesScanned: 0, recordsScanned: 0, recordsMatched: 0 };
  private readonly controller = new AbortController();
  private readonly running = new Map<string, QueryStatistics>();
  private completed = 0;

  constructor(private readonly options: QueryRunOptions & Partial<InsightsReadOptions>) {
    const userSignal = options.signal;
    if (userSignal?.aborted) this.controller.abort(userSignal.reason);
    userSignal?.addEventListener("abort", () => this.controller.abort(userSignal.reason), { once: true });
  }

  private get pollIntervalMs(): number {
    return this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  }

  /** Works through `initial` and whatever the worker adds, at most `concurrency` at once; the first failure stops the rest. */
  async runAll(initial: SubWindow[], worker: (part: SubWindow) => Promise<SubWindow[]>): Promise<void> {
    const limit = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    try {
      await runConcurrently(initial, limit, worker, (error) => this.controller.abort(error));
    } catch (error) {
      throw this.interruptedOr(error);
    }
  }

  /** Runs one query to completion and returns its rows. */
  async run(label: string, queryString: string, part: SubWindow): Promise<Record<string, string>[]> {
    try {
      return await this.runUnguarded(label, queryString, part);
    } catch (error) {
      throw this.interruptedOr(error);
    }
  }

  private async runUnguarded(label: string, queryString: string, part: SubWindow): Promise<Record<string, string>[]> {
    const signal = this.controller.signal;
    signal.throwIfAborted();
    const { queryId } = await this.call("logs:StartQuery", () =>
      this.options.logs.send(
        new StartQueryCommand({
          logGroupName: this.options.logGroupName,
          queryString,
          startTime: Math.floor(part.startMs / 1000),
          endTime: Math.ceil(part.endMs / 1000),
          limit: INSIGHTS_ROW_CAP,
        }),
        { abortSignal: signal },
      ),
    );
    if (!queryId)
      throw new OperationalError(
        `Logs Insights did not return a query ID for the ${label}.`,
        "Try again; if it persists, check the CloudWatch Logs service health.",
      );
    this.scan.queries += 1;
    this.running.set(queryId, {});
    this.reportProgress();
    const now = this.options.now ?? Date.now;
    const deadline = now() + (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
      for (let delay = this.pollIntervalMs; ; delay = Math.min(delay * 1.5, this.pollIntervalMs * 10)) {
        await abortableSleep(delay, signal);
        const response = await this.call("logs:GetQueryResults", () =>
          this.options.logs.send(new GetQueryResultsCommand({ queryId }), { abortSignal: signal }),
        );
        this.running.set(queryId, response.statistics ?? {});
        this.reportProgress();
        const status = response.status ?? "Unknown";
        if (status === "Complete") {
          this.finish(queryId);
          return (response.results ?? []).map(toRecord);
        }
        if (status !== "Scheduled" && status !== "Running") throw this.statusFailure(label, queryId, status);
        if (now() >= deadline) {
          await this.stop(queryId);
          const minutes = Math.round(((this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / MINUTE_MS) * 10) / 10;
          throw new OperationalError(
            `The Logs Insights ${label} (query ${queryId}) did not finish within ${minutes} min and was stopped.`,
            "Report a shorter window (--hours), or try again when the account runs fewer queries.",
          );
        }
      }
    } catch (error) {
      // Interrupted, or a poll failed: don't leave the query running (and billing) in the account.
      if (this.running.has(queryId)) await this.stop(queryId);
      throw error;
    }
  }

  private statusFailure(label: string, queryId: string, status: string): OperationalError {
    this.finish(queryId);
    const what = `The Logs Insights ${label} (query ${queryId})`;
    if (status === "Timeout") {
      return new OperationalError(
        `${what} hit the Logs Insights 60-minute limit.`,
        "Report a shorter window (--hours, or --start/--end).",
      );
    }
    if (status === "Cancelled") {
      return new OperationalError(
        `${what} was cancelled outside this report.`,
        "Someone or something stopped it (the console, another tool); run the report again.",
      );
    }
    return new OperationalError(
      `${what} ended with status ${status}.`,
      "See the query history in the CloudWatch Logs Insights console for the reason, and run the report again.",
    );
  }

  /** StopQuery, best effort: the query may have finished in the meantime, and a failure to stop must not hide the real error. */
  private async stop(queryId: string): Promise<void> {
    this.finish(queryId);
    try {
      await this.options.logs.send(new StopQueryCommand({ queryId }));
    } catch {
      // The query ends on its own at its time limit; nothing more to do.
    }
  }

  private finish(queryId: string): void {
    const statistics = this.running.get(queryId);
    if (!statistics) return;
    this.running.delete(queryId);
    this.completed += 1;
    this.scan.bytesScanned += statistics.bytesScanned ?? 0;
    this.scan.recordsScanned += statistics.recordsScanned ?? 0;
    this.scan.recordsMatched += statistics.recordsMatched ?? 0;
  }

  private reportProgress(): void {
    if (!this.options.onProgress) return;
    const runningStats = [...this.running.values()];
    this.options.onProgress({
      queriesStarted: this.scan.queries,
      queriesCompleted: this.completed,
      recordsScanned: this.scan.recordsScanned + runningStats.reduce((sum, s) => sum + (s.recordsScanned ?? 0), 0),
      bytesScanned: this.scan.bytesScanned + runningStats.reduce((sum, s) => sum + (s.bytesScanned ?? 0), 0),
    });
  }

  private async call<T>(permission: string, send: () => Promise<T>): Promise<T> {
    try {
      return await retryThrottled(send, {
        baseDelayMs: this.pollIntervalMs,
        retries: THROTTLE_RETRIES,
        signal: this.controller.signal,
      });
    } catch (error) {
      const region = await this.options.logs.config.region().catch(() => undefined);
      throw describeAwsFailure(error, { permission, resource: `log group ${this.options.logGroupName}`, region });
    }
  }

  /** After Ctrl-C every query fails with the abort reason; say once what happened instead. */
  private interruptedOr(error: unknown): unknown {
    if (!this.options.signal?.aborted) return error;
    return new OperationalError(
      "Interrupted: the running Logs Insights queries were stopped and no report was produced.",
    );
  }
}
