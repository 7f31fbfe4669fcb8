/**
 * Usage from Athena over the S3 archive: the one usage query
 * (kernel/athena/usage-query.ts) in the stack's workgroup, polled with
 * backoff, its results paged, stopped with StopQueryExecution on Ctrl-C.
 * API shapes: https://docs.aws.amazon.com/athena/latest/APIReference/API_StartQueryExecution.html,
 * API_GetQueryExecution.html (QueryExecutionStatus: QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED,
 * StateChangeReason, AthenaError; QueryExecutionStatistics.DataScannedInBytes),
 * API_GetQueryResults.html (the first row of a SELECT's first page holds the column names).
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type Row,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { abortableSleep, describeAwsFailure, type AwsCallContext } from "../aws/clients";
import { buildAthenaUsageQuery, partitionCount, type GroupDimension } from "../kernel/athena/usage-query";
import type { AthenaNames } from "../kernel/athena/names";
import { OperationalError } from "../kernel/errors";
import { MINUTE_MS } from "../kernel/time";
import type { ReportWindow } from "../model/usage";
import { usageFromAthenaRows, type AthenaRow } from "./athena-rows";
import type { SourceResult } from "./contract";

const DEFAULT_POLL_INTERVAL_MS = 500;
/** The wait between polls grows by half each time, up to this multiple of the first. */
const MAX_POLL_BACKOFF = 10;
/** Athena's default DML query timeout is 30 minutes (Service Quotas); the report gives up a little later. */
const DEFAULT_TIMEOUT_MS = 35 * MINUTE_MS;
/** GetQueryResults returns at most 1,000 rows a page. */
const RESULT_PAGE_ROWS = 1000;

/** The IAM permissions the Athena source needs, for the access-denied hint (the docs show them as a policy). */
export function athenaPermissions(names: AthenaNames): string[] {
  return [
    `athena:StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution on workgroup ${names.workgroup}`,
    `glue:GetDatabase, GetTable on database ${names.database} and table ${names.table}`,
    "s3:ListBucket and s3:GetObject on the archive; s3:PutObject, GetObject and GetBucketLocation on the results prefix",
  ];
}

export function createAthenaClient(region: string, profile?: string): AthenaClient {
  return new AthenaClient({ region, ...(profile ? { profile } : {}), retryMode: "adaptive", maxAttempts: 6 });
}

export interface AthenaReadOptions {
  /** Where the workgroup is; the client is made here, so a report that never asks Athena never loads its SDK. */
  region: string;
  profile?: string;
  names: AthenaNames;
  window: ReportWindow;
  groupBy: readonly GroupDimension[];
  /** Ctrl-C: the running query is stopped with StopQueryExecution. */
  signal?: AbortSignal;
  pollIntervalMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

function interrupted(): OperationalError {
  return new OperationalError("Interrupted: the Athena query was stopped and no report was produced.");
}

class AthenaQuery {
  private readonly context: (permission: string) => AwsCallContext;
  private readonly athena: AthenaClient;

  constructor(private readonly options: AthenaReadOptions) {
    this.athena = createAthenaClient(options.region, options.profile);
    const required = athenaPermissions(options.names);
    this.context = (permission) => ({
      permission,
      resource: `Athena workgroup ${options.names.workgroup}`,
      region: options.region,
      required,
    });
  }

  private async call<T>(permission: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (this.options.signal?.aborted) throw interrupted();
      throw describeAwsFailure(error, this.context(permission));
    }
  }

  async start(sql: string): Promise<string> {
    const { names } = this.options;
    const { athena } = this;
    const started = await this.call("athena:StartQueryExecution", () =>
      athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          WorkGroup: names.workgroup,
          QueryExecutionContext: { Database: names.database },
        }),
      ),
    );
    if (!started.QueryExecutionId) throw new OperationalError("Athena started the query but returned no query ID.");
    return started.QueryExecutionId;
  }

  /** Polls until the query ends; SUCCEEDED resolves with its execution, anything else rejects with Athena's reason. */
  async wait(id: string): Promise<QueryExecution> {
    const { signal } = this.options;
    const { athena } = this;
    const now = this.options.now ?? Date.now;
    const firstWaitMs = this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    const deadline = now() + (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    for (let waitMs = firstWaitMs; ; waitMs = Math.min(waitMs * 1.5, firstWaitMs * MAX_POLL_BACKOFF)) {
      const { QueryExecution: execution } = await this.call("athena:GetQueryExecution", () =>
        athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const state = execution?.Status?.State;
      if (state === "SUCCEEDED" && execution) return execution;
      if (state === "FAILED" || state === "CANCELLED") {
        const reason = execution?.Status?.AthenaError?.ErrorMessage ?? execution?.Status?.StateChangeReason;
        throw new OperationalError(
          `The Athena query ${id} ${state === "FAILED" ? "failed" : "was cancelled"}: ${reason ?? "Athena gave no reason"}.`,
          "A query that scans more than the workgroup's cutoff (athenaBytesScannedCutoffGb) is cancelled: " +
            "report on a shorter window, or raise the cutoff.",
        );
      }
      if (now() >= deadline) {
        await this.stop(id);
        throw new OperationalError(`The Athena query ${id} did not finish in time and was stopped.`);
      }
      try {
        await abortableSleep(waitMs, signal);
      } catch {
        await this.stop(id);
        throw interrupted();
      }
    }
  }

  async stop(id: string): Promise<void> {
    await this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
  }

  /** Every result row, page by page, as column name -> text. */
  async results(id: string): Promise<AthenaRow[]> {
    const { athena } = this;
    const rows: AthenaRow[] = [];
    let columns: string[] | undefined;
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.call("athena:GetQueryResults", () =>
        athena.send(
          new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: RESULT_PAGE_ROWS }),
        ),
      );
      columns ??= (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((column) => column.Name ?? "");
      const pageRows: Row[] = page.ResultSet?.Rows ?? [];
      // A SELECT's first row holds the column names.
      for (const row of first ? pageRows.slice(1) : pageRows) rows.push(rowOf(columns, row));
      first = false;
      token = page.NextToken;
      if (this.options.signal?.aborted) throw interrupted();
    } while (token);
    return rows;
  }
}

function rowOf(columns: string[], row: Row): AthenaRow {
  const data = row.Data ?? [];
  return Object.fromEntries(columns.map((name, index) => [name, data[index]?.VarCharValue ?? null]));
}

/** Usage for the window from one Athena query (source "athena"); a result is only ever returned complete. */
export async function readUsageFromAthena(options: AthenaReadOptions): Promise<SourceResult> {
  const { names, window } = options;
  if (options.signal?.aborted) throw interrupted();
  const query = new AthenaQuery(options);
  const sql = buildAthenaUsageQuery({
    database: names.database,
    table: names.table,
    startMs: window.start.getTime(),
    endMs: window.end.getTime(),
    groupBy: options.groupBy,
    metadataKeys: window.metadataKeys,
  });
  const id = await query.start(sql);
  const execution = await query.wait(id);
  const usage = usageFromAthenaRows(await query.results(id), options.groupBy.includes("caller"), window.metadataKeys);
  const bytesScanned = execution.Statistics?.DataScannedInBytes ?? 0;
  const folders = partitionCount(window.start.getTime(), window.end.getTime());
  const recordsMatched = usage.rows.reduce((sum, row) => sum + row.invocations, 0);
  const recordsScanned = recordsMatched + Object.values(usage.skipped).reduce((sum, count) => sum + count, 0);
  return {
    source: "athena",
    rows: usage.rows,
    latency: usage.latency,
    metricErrors: null,
    scan: { queries: 1, bytesScanned, recordsScanned, recordsMatched },
    skipped: usage.skipped,
    complete: true,
    notes: [
      `Athena: query ${id} in workgroup ${names.workgroup} read ${folders} hour folders of ${names.database}.${names.table}.`,
      "Latency percentiles are approximate (Athena's approx_percentile); counts and tokens are exact.",
    ],
  };
}
