/**
 * The Athena API flow on aws-sdk-client-mock, with responses in the shapes the
 * API reference documents: StartQueryExecution -> QueryExecutionId;
 * GetQueryExecution -> QueryExecution.Status.State (QUEUED | RUNNING | SUCCEEDED | FAILED | CANCELLED),
 * StateChangeReason, AthenaError, Statistics.DataScannedInBytes
 * (https://docs.aws.amazon.com/athena/latest/APIReference/API_QueryExecutionStatus.html);
 * GetQueryResults -> ResultSet.Rows[].Data[].VarCharValue with the column names as the first row, NextToken
 * (https://docs.aws.amazon.com/athena/latest/APIReference/API_GetQueryResults.html).
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type QueryExecutionState,
  type QueryExecutionStatus,
  StopQueryExecutionCommand,
} from "@aws-sdk/client-athena";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { athenaNamesOf } from "../../../reporting/src/kernel/athena/names";
import { USAGE_QUERY_COLUMNS, usageQueryColumns } from "../../../reporting/src/kernel/athena/usage-query";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { scanCostUsd } from "../../../reporting/src/model/report";
import { readUsageFromAthena } from "../../../reporting/src/sources/athena";

const athena = mockClient(AthenaClient);
const names = athenaNamesOf("prod");
const window = { start: new Date("2026-07-01T00:00:00Z"), end: new Date("2026-10-01T00:00:00Z") };
const read = (signal?: AbortSignal) =>
  readUsageFromAthena({ region: "us-east-1", names, window, groupBy: [], signal, pollIntervalMs: 1 });

const cells = (values: Array<string | null>) => ({
  Data: values.map((value) => (value === null ? {} : { VarCharValue: value })),
});
const header = cells([...USAGE_QUERY_COLUMNS]);
function row(values: Partial<Record<(typeof USAGE_QUERY_COLUMNS)[number], string>>) {
  return cells(USAGE_QUERY_COLUMNS.map((column) => values[column] ?? null));
}
const metadata = { ColumnInfo: USAGE_QUERY_COLUMNS.map((Name) => ({ Name, Type: "varchar" })) };
const execution = (State: QueryExecutionState, extra: Omit<QueryExecutionStatus, "State"> = {}) => ({
  QueryExecution: {
    QueryExecutionId: "q-1",
    Status: { State, ...extra },
    Statistics: { DataScannedInBytes: 5_368_709_120 },
  },
});

describe("Athena source (aws-sdk-client-mock)", () => {
  beforeEach(() => athena.reset());

  it("starts the query in the workgroup and database, polls until it succeeds, pages the results", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution("QUEUED"))
      .resolvesOnce(execution("RUNNING"))
      .resolves(execution("SUCCEEDED"));
    const usage = { row_kind: "usage", record_kind: "used", model_id: "us.anthropic.claude-sonnet-4-20250514-v1:0" };
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [
            header,
            row({ ...usage, hour_start: "1782864000", invocations: "3", input_tokens: "300", long_context: "0" }),
          ],
        },
        NextToken: "page-2",
      })
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [
            row({ ...usage, hour_start: "1782867600", invocations: "2", input_tokens: "200", long_context: "1" }),
            row({ row_kind: "skipped", record_kind: "malformed", invocations: "4" }),
            row({
              row_kind: "latency",
              record_kind: "used",
              latency_samples: "5",
              latency_p50_ms: "900.0",
              latency_max_ms: "2400.0",
            }),
          ],
        },
      });
    const result = await read();
    const start = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input;
    expect(start.WorkGroup).to.equal("bedrock-prod");
    expect(start.QueryExecutionContext).to.deep.equal({ Database: "bedrock_prod" });
    expect(start.QueryString).to.include("dt BETWEEN '2026/07/01/00' AND '2026/10/01/23'");
    expect(athena.commandCalls(GetQueryExecutionCommand)).to.have.length(3);
    expect(athena.commandCalls(GetQueryResultsCommand)[1].args[0].input.NextToken).to.equal("page-2");
    expect(result.source).to.equal("athena");
    expect(result.rows.map((r) => [r.hourStartMs, r.invocations, r.context])).to.deep.equal([
      [1782864000000, 3, "standard"],
      [1782867600000, 2, "long"],
    ]);
    expect(result.skipped.malformed).to.equal(4);
    expect(result.latency).to.include({ samples: 5, p50: 900, max: 2400 });
    expect(result.scan).to.deep.equal({
      queries: 1,
      bytesScanned: 5_368_709_120,
      recordsScanned: 9,
      recordsMatched: 5,
    });
    expect(result.notes.join(" ")).to.match(/approximate/);
  });

  it("grouped by metadata keys: asks for each key's value, and a key the requests lacked is left out", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    athena.on(GetQueryExecutionCommand).resolves(execution("SUCCEEDED"));
    const columns = usageQueryColumns(2);
    const usage = { row_kind: "usage", record_kind: "used", model_id: "us.anthropic.claude-sonnet-4-20250514-v1:0" };
    const metadataRow = (values: Record<string, string | null>) =>
      cells(columns.map((column) => values[column] ?? null));
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: columns.map((Name) => ({ Name, Type: "varchar" })) },
        Rows: [
          cells(columns),
          metadataRow({ ...usage, hour_start: "1782864000", invocations: "3", metadata_1: "=search", metadata_2: "=" }),
          metadataRow({ ...usage, hour_start: "1782864000", invocations: "2", metadata_1: null, metadata_2: null }),
        ],
      },
    });
    const result = await readUsageFromAthena({
      region: "us-east-1",
      names,
      window: { ...window, metadataKeys: ["team", "app"] },
      groupBy: [],
      pollIntervalMs: 1,
    });
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0].args[0].input.QueryString;
    expect(sql).to.include("element_at(requestmetadata, 'team') END END AS metadata_1");
    expect(sql).to.include("element_at(requestmetadata, 'app') END END AS metadata_2");
    expect(result.rows.map((r) => [r.invocations, r.metadata])).to.deep.equal([
      [3, { team: "search", app: "" }],
      [2, {}],
    ]);
  });

  for (const state of ["FAILED", "CANCELLED"] as const) {
    it(`fails with Athena's reason when the query is ${state}`, async () => {
      athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
      athena.on(GetQueryExecutionCommand).resolves(
        execution(state, {
          StateChangeReason: "Query exhausted resources",
          AthenaError: { ErrorCategory: 2, ErrorType: 1001, ErrorMessage: "Bytes scanned limit was exceeded" },
        }),
      );
      const error = await read().catch((caught: unknown) => caught);
      expect(error).to.be.instanceOf(OperationalError);
      expect((error as Error).message).to.match(
        new RegExp(`q-1 (failed|was cancelled): Bytes scanned limit was exceeded`),
      );
      expect(athena.commandCalls(GetQueryResultsCommand)).to.have.length(0);
    });
  }

  it("stops the query with StopQueryExecution on Ctrl-C", async () => {
    const controller = new AbortController();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-1" });
    athena.on(GetQueryExecutionCommand).callsFake(async () => {
      controller.abort();
      return execution("RUNNING");
    });
    athena.on(StopQueryExecutionCommand).resolves({});
    const error = await read(controller.signal).catch((caught: unknown) => caught);
    expect((error as Error).message).to.match(/^Interrupted/);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0].args[0].input).to.deep.equal({ QueryExecutionId: "q-1" });
  });

  it("prices the scan at $5 per TB, at least 10 MB a query", () => {
    expect(scanCostUsd("athena", 1024 ** 4, 1)).to.equal(5);
    expect(scanCostUsd("athena", 1, 1)).to.equal((10 * 1024 ** 2 * 5) / 1024 ** 4);
  });
});
