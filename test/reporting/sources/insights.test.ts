import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  AccessDeniedException,
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type GetQueryResultsResponse,
  LimitExceededException,
  ResourceNotFoundException,
  type ResultField,
  StartQueryCommand,
  type StartQueryRequest,
  StopQueryCommand,
  ThrottlingException,
} from "@aws-sdk/client-cloudwatch-logs";
import { CredentialsProviderError } from "@smithy/core/config";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { findSavedQuery } from "../../../reporting/src/kernel/queries";
import {
  INSIGHTS_ROW_CAP,
  type InsightsReadOptions,
  planSubWindows,
  readUsageFromInsights,
  runSavedQuery,
  splitSubWindow,
} from "../../../reporting/src/sources/insights";

const LOG_GROUP = "/aws/bedrock/modelinvocations";
const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const DAY = { start: new Date("2026-11-20T00:00:00Z"), end: new Date("2026-11-21T00:00:00Z") };

const logs = new CloudWatchLogsClient({
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
});
const logsMock = mockClient(logs);

function options(overrides: Partial<InsightsReadOptions> = {}): InsightsReadOptions {
  return {
    logs,
    logGroupName: LOG_GROUP,
    window: DAY,
    byCaller: false,
    pollIntervalMs: 1,
    timeoutMs: 5_000,
    ...overrides,
  };
}

interface ScanRowSpec {
  hour: string;
  modelId?: string;
  invocations?: number;
  errors?: number;
  inputTokens?: number;
  longContext?: string;
  caller?: string;
}

/** One row as GetQueryResults returns it for the scan query, `@ptr` included. */
function scanRow(spec: ScanRowSpec): ResultField[] {
  const fields: ResultField[] = [{ field: "bin(1h)", value: spec.hour }];
  if (spec.modelId !== undefined) fields.push({ field: "modelId", value: spec.modelId });
  fields.push(
    { field: "longContext", value: spec.longContext ?? "0" },
    ...(spec.caller ? [{ field: "identity.arn", value: spec.caller }] : []),
    { field: "invocations", value: String(spec.invocations ?? 1) },
    { field: "errors", value: String(spec.errors ?? 0) },
    { field: "inputTokens", value: String(spec.inputTokens ?? 100) },
    { field: "outputTokens", value: "20" },
    { field: "cacheReadInputTokens", value: "5" },
    { field: "cacheWriteInputTokens", value: "3" },
    { field: "cacheWriteInvocations", value: "1" },
    { field: "@ptr", value: "CmAKJgoiMTIzNDU2Nzg5MDEyOi9hd3MvYmVkcm9jaw==" },
  );
  return fields;
}

function complete(results: ResultField[][], bytesScanned = 1_000_000): GetQueryResultsResponse {
  return {
    status: "Complete",
    results,
    statistics: { recordsMatched: results.length, recordsScanned: 500, bytesScanned },
  };
}

const running: GetQueryResultsResponse = {
  status: "Running",
  results: [],
  statistics: { recordsMatched: 0, recordsScanned: 10, bytesScanned: 100 },
};

async function rejection(promise: Promise<unknown>): Promise<OperationalError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(OperationalError);
    return error as OperationalError;
  }
  throw new Error("expected the promise to reject");
}

const startInputs = (): StartQueryRequest[] =>
  logsMock.commandCalls(StartQueryCommand).map((call) => call.args[0].input);

describe("readUsageFromInsights", () => {
  beforeEach(() => logsMock.reset());

  it("polls Scheduled -> Running -> Complete and turns the scan rows into usage rows", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q1" });
    logsMock
      .on(GetQueryResultsCommand)
      .resolvesOnce({ status: "Scheduled", results: [] })
      .resolvesOnce(running)
      .resolves(
        complete([
          scanRow({ hour: "2026-11-20 10:00:00.000", modelId: SONNET, invocations: 7, errors: 1, inputTokens: 700 }),
          scanRow({
            hour: "2026-11-20 10:00:00.000",
            modelId: SONNET,
            invocations: 1,
            inputTokens: 250_000,
            longContext: "1",
          }),
        ]),
      );

    const result = await readUsageFromInsights(options());

    expect(logsMock.commandCalls(GetQueryResultsCommand)).to.have.length(3);
    expect(result.source).to.equal("insights");
    expect(result.complete).to.equal(true);
    expect(result.rows).to.deep.include({
      hourStartMs: Date.parse("2026-11-20T10:00:00Z"),
      modelId: SONNET,
      caller: null,
      context: "standard",
      invocations: 7,
      errors: 1,
      inputTokens: 700,
      outputTokens: 20,
      cacheReadInputTokens: 5,
      cacheWriteInputTokens: 3,
      cacheWriteInvocations: 1,
    });
    expect(result.rows.find((row) => row.context === "long")?.inputTokens).to.equal(250_000);
    expect(result.scan).to.deep.equal({ queries: 1, bytesScanned: 1_000_000, recordsScanned: 500, recordsMatched: 2 });
  });

  it("runs one scan query over the window, bounded to it in milliseconds, grouped by hour and model", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q1" });
    logsMock.on(GetQueryResultsCommand).resolves(complete([]));

    await readUsageFromInsights(options());

    const [input] = startInputs();
    expect(startInputs()).to.have.length(1);
    expect(input).to.include({
      logGroupName: LOG_GROUP,
      startTime: DAY.start.getTime() / 1000,
      endTime: DAY.end.getTime() / 1000,
    });
    expect(input.queryString).to.contain(`toMillis(@timestamp) < ${DAY.end.getTime()}`);
    expect(input.queryString).to.match(/\| stats .* by bin\(1h\), modelId, longContext$/);
  });

  it("groups by caller with the session name stripped only when asked", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q1" });
    logsMock.on(GetQueryResultsCommand).resolves(
      complete([
        scanRow({
          hour: "2026-11-20 01:00:00.000",
          modelId: HAIKU,
          caller: "arn:aws:sts::123456789012:assumed-role/App/i-0abc",
        }),
        scanRow({
          hour: "2026-11-20 01:00:00.000",
          modelId: HAIKU,
          caller: "arn:aws:sts::123456789012:assumed-role/App/i-0def",
        }),
      ]),
    );

    const sixHours = { start: DAY.start, end: new Date("2026-11-20T06:00:00Z") };
    const result = await readUsageFromInsights(options({ byCaller: true, window: sixHours }));

    expect(startInputs()[0].queryString).to.contain("identity.arn");
    expect(result.rows).to.have.length(1);
    expect(result.rows[0]).to.include({ caller: "arn:aws:sts::123456789012:assumed-role/App", invocations: 2 });
  });

  it("groups by the requestMetadata keys asked for; a row without a value has none (the report's (none))", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q1" });
    const row = (team: string | undefined) => [
      ...scanRow({ hour: "2026-11-20 01:00:00.000", modelId: HAIKU, invocations: 2 }),
      ...(team === undefined ? [] : [{ field: "requestMetadata.team", value: team }]),
    ];
    logsMock.on(GetQueryResultsCommand).resolves(complete([row("search"), row(undefined)]));

    const result = await readUsageFromInsights(options({ metadataKeys: ["team"] }));

    expect(startInputs()[0].queryString).to.contain("requestMetadata.team");
    expect(result.rows.map((usage) => [usage.metadata, usage.invocations])).to.deep.equal([
      [{ team: "search" }, 2],
      [{}, 2],
    ]);
  });

  it("marks a row's context unknown when the long-context flag is missing, and reads 1.0 as long", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q1" });
    logsMock
      .on(GetQueryResultsCommand)
      .resolves(
        complete([
          scanRow({ hour: "2026-11-20 01:00:00.000", modelId: HAIKU, longContext: "" }),
          scanRow({ hour: "2026-11-20 02:00:00.000", modelId: HAIKU, longContext: "1.0" }),
        ]),
      );

    const result = await readUsageFromInsights(options());

    expect(result.rows.map((row) => row.context)).to.deep.equal(["unknown", "long"]);
  });

  it("counts rows without a model ID as skipped instead of dropping them silently", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q1" });
    logsMock
      .on(GetQueryResultsCommand)
      .resolves(complete([scanRow({ hour: "2026-11-20 01:00:00.000", invocations: 4 })]));

    const result = await readUsageFromInsights(options());

    expect(result.rows).to.deep.equal([]);
    expect(result.skipped).to.deep.equal({ noModelId: 4 });
  });

  for (const [status, expected] of [
    ["Failed", /ended with status Failed/],
    ["Timeout", /60-minute limit/],
    ["Cancelled", /cancelled outside this report/],
    ["Unknown", /ended with status Unknown/],
  ] as const) {
    it(`fails with a message naming the query when it ends ${status}`, async () => {
      logsMock.on(StartQueryCommand).resolves({ queryId: "q-7" });
      logsMock.on(GetQueryResultsCommand).resolvesOnce(running).resolves({ status, results: [] });

      const error = await rejection(readUsageFromInsights(options()));

      expect(error.message).to.match(expected);
      expect(error.message).to.contain("usage scan 2026-11-20T00:00:00.000Z to 2026-11-21T00:00:00.000Z");
      expect(error.message).to.contain("q-7");
      expect(error.hint).to.be.a("string");
    });
  }

  it("stops a query that outlives the timeout and names it", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "q-slow" });
    logsMock.on(GetQueryResultsCommand).resolves(running);
    logsMock.on(StopQueryCommand).resolves({ success: true });

    const error = await rejection(readUsageFromInsights(options({ timeoutMs: 20 })));

    expect(error.message).to.match(/usage scan 2026-11-20T00:00:00\.000Z .* \(query q-slow\) did not finish within/);
    expect(logsMock.commandCalls(StopQueryCommand).map((call) => call.args[0].input)).to.deep.equal([
      { queryId: "q-slow" },
    ]);
  });

  describe("a long query (Logs Insights now allows 60 minutes, not 15)", () => {
    // Source: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html
    // ("Queries time out after 60 minutes of runtime"). Each poll moves a fake clock on by 10 minutes.
    const MINUTE_MS = 60_000;
    const slowQuery = (finishAtMinute: number) => {
      const clock = { ms: 0 };
      logsMock.on(StartQueryCommand).resolves({ queryId: "q-long" });
      logsMock.on(StopQueryCommand).resolves({ success: true });
      logsMock.on(GetQueryResultsCommand).callsFake(async () => {
        clock.ms += 10 * MINUTE_MS;
        return clock.ms < finishAtMinute * MINUTE_MS
          ? running
          : complete([scanRow({ hour: "2026-11-20 01:00:00.000", modelId: HAIKU })]);
      });
      return clock;
    };

    it("runs past 15 minutes to completion, reporting progress on every poll", async () => {
      const clock = slowQuery(50);
      const progress: number[] = [];

      const result = await readUsageFromInsights(
        options({ timeoutMs: undefined, now: () => clock.ms, onProgress: () => progress.push(clock.ms) }),
      );

      expect(result.rows).to.have.length(1);
      expect(logsMock.commandCalls(StopQueryCommand)).to.have.length(0);
      expect(progress.filter((at) => at > 15 * MINUTE_MS)).to.have.length.of.at.least(3);
    });

    it("stops a query that Logs Insights never ends, soon after its 60-minute limit, and names it", async () => {
      const clock = slowQuery(Number.POSITIVE_INFINITY);

      const error = await rejection(readUsageFromInsights(options({ timeoutMs: undefined, now: () => clock.ms })));

      expect(error.message).to.match(/\(query q-long\) did not finish within 65 min and was stopped/);
      expect(clock.ms).to.be.within(60 * MINUTE_MS, 70 * MINUTE_MS);
      expect(logsMock.commandCalls(StopQueryCommand).map((call) => call.args[0].input)).to.deep.equal([
        { queryId: "q-long" },
      ]);
    });

    it("stops a long query with StopQuery on Ctrl-C", async () => {
      const clock = slowQuery(Number.POSITIVE_INFINITY);
      const controller = new AbortController();

      const error = await rejection(
        readUsageFromInsights(
          options({
            timeoutMs: undefined,
            now: () => clock.ms,
            signal: controller.signal,
            onProgress: () => clock.ms >= 30 * MINUTE_MS && controller.abort(),
          }),
        ),
      );

      expect(error.message).to.match(/^Interrupted/);
      expect(logsMock.commandCalls(StopQueryCommand).map((call) => call.args[0].input)).to.deep.equal([
        { queryId: "q-long" },
      ]);
    });
  });

  it("splits a sub-window whose result hits the 10,000-row cap and queries both halves again", async () => {
    const capped = Array.from({ length: INSIGHTS_ROW_CAP }, (_, i) =>
      scanRow({ hour: "2026-11-20 05:00:00.000", modelId: `model-${i}` }),
    );
    logsMock
      .on(StartQueryCommand)
      .resolvesOnce({ queryId: "whole" })
      .resolvesOnce({ queryId: "half-1" })
      .resolves({ queryId: "half-2" });
    logsMock.on(GetQueryResultsCommand, { queryId: "whole" }).resolves(complete(capped, 5_000));
    logsMock
      .on(GetQueryResultsCommand, { queryId: "half-1" })
      .resolves(complete([scanRow({ hour: "2026-11-20 05:00:00.000", modelId: SONNET, invocations: 2 })], 3_000));
    logsMock
      .on(GetQueryResultsCommand, { queryId: "half-2" })
      .resolves(complete([scanRow({ hour: "2026-11-20 15:00:00.000", modelId: SONNET, invocations: 3 })], 2_000));

    const result = await readUsageFromInsights(options());

    const windows = startInputs().map((input) => [input.startTime, input.endTime]);
    const [start, middle, end] = [
      DAY.start.getTime() / 1000,
      Date.parse("2026-11-20T12:00:00Z") / 1000,
      DAY.end.getTime() / 1000,
    ];
    expect(windows).to.deep.equal([
      [start, end],
      [start, middle],
      [middle, end],
    ]);
    expect(result.rows.map((row) => row.invocations).sort()).to.deep.equal([2, 3]);
    expect(result.scan).to.include({ queries: 3, bytesScanned: 10_000 });
    expect(result.notes.join(" ")).to.match(/reached the 10000-row cap and were split/);
  });

  it("sums rows of the same hour and model that come from different sub-windows", async () => {
    const month = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-10-31T00:00:00Z") };
    logsMock.on(StartQueryCommand).resolves({ queryId: "q" });
    logsMock
      .on(GetQueryResultsCommand)
      .resolves(complete([scanRow({ hour: "2026-10-09 08:00:00.000", modelId: HAIKU, invocations: 5 })]));

    const result = await readUsageFromInsights(options({ window: month }));

    expect(startInputs().length).to.be.greaterThan(1);
    expect(result.rows).to.have.length(1);
    expect(result.rows[0].invocations).to.equal(5 * startInputs().length);
  });

  it("never runs more queries at once than the concurrency allows", async () => {
    const month = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-10-31T00:00:00Z") };
    let queryNumber = 0;
    logsMock.on(StartQueryCommand).callsFake(async () => ({ queryId: `q${++queryNumber}` }));
    logsMock.on(GetQueryResultsCommand).resolvesOnce(running).resolvesOnce(running).resolves(complete([]));
    let mostAtOnce = 0;

    await readUsageFromInsights(
      options({
        window: month,
        concurrency: 2,
        onProgress: (p) => (mostAtOnce = Math.max(mostAtOnce, p.queriesStarted - p.queriesCompleted)),
      }),
    );

    expect(queryNumber).to.equal(4);
    expect(mostAtOnce).to.equal(2);
  });

  it("retries StartQuery while Logs Insights throttles it (ThrottlingException, LimitExceededException)", async () => {
    logsMock
      .on(StartQueryCommand)
      .rejectsOnce(new ThrottlingException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }))
      .rejectsOnce(
        new LimitExceededException({
          message: "Account maximum query concurrency limit of [30] reached",
          $metadata: { httpStatusCode: 400 },
        }),
      )
      .resolves({ queryId: "q1" });
    logsMock
      .on(GetQueryResultsCommand)
      .resolves(complete([scanRow({ hour: "2026-11-20 01:00:00.000", modelId: HAIKU })]));

    const result = await readUsageFromInsights(options());

    expect(logsMock.commandCalls(StartQueryCommand)).to.have.length(3);
    expect(result.rows).to.have.length(1);
  });

  it("gives up on endless throttling with a hint about the concurrent-query quota", async () => {
    logsMock.on(StartQueryCommand).rejects(new LimitExceededException({ message: "limit", $metadata: {} }));

    const error = await rejection(readUsageFromInsights(options()));

    expect(error.message).to.match(/kept throttling logs:StartQuery/);
    expect(error.hint).to.match(/concurrent-query quota/);
  });

  it("stops the running queries with StopQuery on Ctrl-C", async () => {
    const controller = new AbortController();
    logsMock.on(StartQueryCommand).resolves({ queryId: "q-running" });
    logsMock.on(GetQueryResultsCommand).resolves(running);
    logsMock.on(StopQueryCommand).resolves({ success: true });

    const error = await rejection(
      readUsageFromInsights(
        options({ signal: controller.signal, onProgress: (p) => p.queriesStarted === 1 && controller.abort() }),
      ),
    );

    expect(error.message).to.match(/^Interrupted/);
    expect(logsMock.commandCalls(StopQueryCommand).map((call) => call.args[0].input)).to.deep.equal([
      { queryId: "q-running" },
    ]);
  });

  it("starts no query once Ctrl-C was pressed", async () => {
    const controller = new AbortController();
    controller.abort();

    const error = await rejection(readUsageFromInsights(options({ signal: controller.signal })));

    expect(error.message).to.match(/^Interrupted/);
    expect(logsMock.commandCalls(StartQueryCommand)).to.have.length(0);
  });

  it("stops the other running queries when one fails", async () => {
    const month = { start: new Date("2026-10-01T00:00:00Z"), end: new Date("2026-10-31T00:00:00Z") };
    logsMock.on(StartQueryCommand).resolvesOnce({ queryId: "bad" }).resolves({ queryId: "other" });
    logsMock.on(GetQueryResultsCommand, { queryId: "bad" }).resolves({ status: "Failed" });
    logsMock.on(GetQueryResultsCommand, { queryId: "other" }).resolves(running);
    logsMock.on(StopQueryCommand).resolves({ success: true });

    const error = await rejection(readUsageFromInsights(options({ window: month, concurrency: 2 })));

    expect(error.message).to.match(/query bad\) ended with status Failed/);
    expect(logsMock.commandCalls(StopQueryCommand).map((call) => call.args[0].input)).to.deep.equal([
      { queryId: "other" },
    ]);
  });

  it("names the missing permission on AccessDeniedException", async () => {
    logsMock.on(StartQueryCommand).rejects(
      new AccessDeniedException({
        message: "User is not authorized to perform: logs:StartQuery",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const error = await rejection(readUsageFromInsights(options()));

    expect(error.message).to.equal(
      `Access denied: the caller may not logs:StartQuery on log group ${LOG_GROUP} in us-east-1.`,
    );
    expect(error.hint).to.contain("Grant logs:StartQuery");
  });

  it("says logging may not be deployed or the region is wrong when the log group is missing", async () => {
    logsMock
      .on(StartQueryCommand)
      .rejects(
        new ResourceNotFoundException({ message: "Log group does not exist", $metadata: { httpStatusCode: 400 } }),
      );

    const error = await rejection(readUsageFromInsights(options()));

    expect(error.message).to.equal(`Not found: log group ${LOG_GROUP} in us-east-1.`);
    expect(error.hint).to.match(/not be deployed.*wrong region/);
  });

  it("says how to provide credentials when there are none", async () => {
    logsMock
      .on(StartQueryCommand)
      .rejects(new CredentialsProviderError("Could not load credentials from any providers", { tryNextLink: false }));

    const error = await rejection(readUsageFromInsights(options()));

    expect(error.message).to.equal("No AWS credentials found.");
    expect(error.hint).to.contain("--profile");
  });
});

describe("sub-window planning", () => {
  it("cuts a 30-day window into contiguous hour-aligned parts sized for the row budget", () => {
    const parts = planSubWindows(
      { start: new Date("2026-10-01T00:30:00Z"), end: new Date("2026-10-31T00:00:00Z") },
      40,
    );
    expect(parts).to.have.length(4);
    expect(parts[0].startMs).to.equal(Date.parse("2026-10-01T00:30:00Z"));
    expect(parts[parts.length - 1].endMs).to.equal(Date.parse("2026-10-31T00:00:00Z"));
    for (let i = 1; i < parts.length; i += 1) {
      expect(parts[i].startMs).to.equal(parts[i - 1].endMs);
      expect(parts[i].startMs % 3_600_000).to.equal(0);
    }
  });

  it("splits below an hour on minute boundaries and refuses to split a single minute", () => {
    const start = Date.parse("2026-11-20T10:00:00Z");
    expect(splitSubWindow({ startMs: start, endMs: start + 3_600_000 }, "scan")).to.deep.equal([
      { startMs: start, endMs: start + 1_800_000 },
      { startMs: start + 1_800_000, endMs: start + 3_600_000 },
    ]);
    expect(() => splitSubWindow({ startMs: start, endMs: start + 60_000 }, "usage scan X")).to.throw(
      OperationalError,
      /usage scan X.*single minute/,
    );
  });
});

describe("runSavedQuery", () => {
  beforeEach(() => logsMock.reset());

  it("runs the saved query over the window and returns field -> value records", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "saved" });
    logsMock.on(GetQueryResultsCommand).resolves(
      complete([
        [
          { field: "errorCodeValue", value: "ThrottlingException" },
          { field: "modelId", value: SONNET },
          { field: "errors", value: "12" },
          { field: "@ptr", value: "x" },
        ],
      ]),
    );

    const rows = await runSavedQuery({
      logs,
      logGroupName: LOG_GROUP,
      window: DAY,
      query: findSavedQuery("errors-by-code")!,
      pollIntervalMs: 1,
    });

    expect(rows).to.deep.equal([{ errorCodeValue: "ThrottlingException", modelId: SONNET, errors: "12" }]);
    expect(startInputs()[0].queryString).to.match(
      /^filter toMillis\(@timestamp\) >= \d+ and toMillis\(@timestamp\) < \d+\n\| parse/,
    );
  });

  it("refuses a result cut at the row cap", async () => {
    logsMock.on(StartQueryCommand).resolves({ queryId: "big" });
    logsMock
      .on(GetQueryResultsCommand)
      .resolves(complete(Array.from({ length: INSIGHTS_ROW_CAP }, () => [{ field: "n", value: "1" }])));

    const error = await rejection(
      runSavedQuery({
        logs,
        logGroupName: LOG_GROUP,
        window: DAY,
        query: findSavedQuery("usage-hourly")!,
        pollIntervalMs: 1,
      }),
    );

    expect(error.message).to.match(/Bedrock\/Usage by model \(hourly\).*may be incomplete/);
  });
});
