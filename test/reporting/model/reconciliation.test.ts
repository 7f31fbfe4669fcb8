/**
 * The cross-check of Logs Insights token sums against CloudWatch's
 * InputTokenCount/OutputTokenCount: the comparison itself, and the whole
 * online report on SDK mocks. GetQueryResults answers in its documented shape
 * (results: arrays of { field, value } with a @ptr, statistics, status:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetQueryResults.html),
 * StartQuery with { queryId }; GetMetricData and ListMetrics as in token-metrics.test.ts.
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataInput,
  ListMetricsCommand,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  type ResultField,
  StartQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { CliDeps } from "../../../reporting/src/commands/context";
import { canonicalModelId } from "../../../reporting/src/kernel/pricing/model-ids";
import {
  comparisonRange,
  type ModelTokenMetrics,
  reconcileTokens,
  reconciliationNotes,
} from "../../../reporting/src/model/reconciliation";
import { readUsageFromInsights } from "../../../reporting/src/sources/insights";
import { readMetrics } from "../../../reporting/src/sources/metrics";
import { readTokenMetrics } from "../../../reporting/src/sources/token-metrics";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { FAKE_NOW, FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";
import { HOUR_MS } from "../../../reporting/src/kernel/time";

const OPUS_PROFILE = "global.anthropic.claude-opus-4-6-v1";
const OPUS_ARN = `arn:aws:bedrock:us-west-2:111122223333:inference-profile/${OPUS_PROFILE}`;
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const RANGE = { start: new Date("2026-11-19T10:00:00Z"), end: new Date("2026-11-19T14:00:00Z") };
const TEN = "2026-11-19T10:00:00Z";

function row(hour: string, modelId: string, inputTokens: number, outputTokens: number): UsageRow {
  return {
    hourStartMs: Date.parse(hour),
    modelId,
    caller: null,
    context: "standard",
    invocations: 1,
    errors: 0,
    inputTokens,
    outputTokens,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
  };
}

const metric = (modelId: string, inputTokens: number, outputTokens: number, complete = true): ModelTokenMetrics => ({
  modelId,
  inputTokens,
  outputTokens,
  complete,
});
const minutesAfterNow = (minutes: number) => new Date(FAKE_NOW.getTime() + minutes * 60_000);
const window = (start: string, end: string) => ({ start: new Date(start), end: new Date(end) });

describe("token cross-check", () => {
  describe("comparisonRange", () => {
    it("keeps the whole UTC hours inside the window", () => {
      expect(comparisonRange(window("2026-11-19T09:30:00Z", "2026-11-19T14:45:00Z"), FAKE_NOW)).to.deep.equal(RANGE);
    });

    it("leaves out the hours that ended less than 15 minutes ago, whose metrics and logs may not be in yet", () => {
      const lastHours = { start: new Date("2026-11-19T20:00:00Z"), end: FAKE_NOW };
      expect(comparisonRange(lastHours, minutesAfterNow(10))?.end).to.deep.equal(new Date("2026-11-19T23:00:00Z"));
      expect(comparisonRange(lastHours, minutesAfterNow(15))?.end).to.deep.equal(FAKE_NOW);
    });

    it("is null when no whole settled hour remains", () => {
      expect(comparisonRange(window("2026-11-19T10:10:00Z", "2026-11-19T10:50:00Z"), FAKE_NOW)).to.equal(null);
      expect(comparisonRange({ start: new Date(FAKE_NOW.getTime() - HOUR_MS), end: FAKE_NOW }, FAKE_NOW)).to.equal(
        null,
      );
    });
  });

  it("resolves system profile and foundation-model ARNs to the IDs they name, and leaves the rest alone", () => {
    expect(canonicalModelId(OPUS_ARN)).to.equal(OPUS_PROFILE);
    expect(canonicalModelId(`arn:aws:bedrock:us-west-2::foundation-model/${HAIKU}`)).to.equal(HAIKU);
    const application = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/a1b2c3";
    expect(canonicalModelId(application)).to.equal(application);
    expect(canonicalModelId(SONNET)).to.equal(SONNET);
  });

  it("sums a model logged by ARN and by ID against its metric series, and names it past 1%", () => {
    const rows = [
      row(TEN, OPUS_ARN, 9_000, 500),
      row("2026-11-19T11:00:00Z", OPUS_PROFILE, 1_000, 500),
      row("2026-11-19T12:00:00Z", HAIKU, 9_950, 2_000),
      // Outside the compared hours: a partial hour must not count.
      row("2026-11-19T14:00:00Z", HAIKU, 50_000, 50_000),
    ];
    const metrics = [metric(OPUS_PROFILE, 12_000, 1_000), metric(HAIKU, 10_000, 2_000)];

    const reconciliation = reconcileTokens(rows, metrics, RANGE);

    expect(reconciliation).to.deep.include({ start: "2026-11-19T10:00:00.000Z", end: "2026-11-19T14:00:00.000Z" });
    expect(reconciliation.thresholdPercent).to.equal(1);
    expect(reconciliation.modelsOverThreshold).to.deep.equal([OPUS_PROFILE]);
    const opus = reconciliation.models.find((model) => model.modelId === OPUS_PROFILE)!;
    expect(opus.loggedModelIds).to.deep.equal([OPUS_ARN, OPUS_PROFILE]);
    expect(opus.metricModelIds).to.deep.equal([OPUS_PROFILE]);
    expect(opus.inputTokens).to.deep.equal({ insights: 10_000, metrics: 12_000, difference: -2_000, percent: -16.67 });
    expect(opus.outputTokens).to.deep.equal({ insights: 1_000, metrics: 1_000, difference: 0, percent: 0 });
    const haiku = reconciliation.models.find((model) => model.modelId === HAIKU)!;
    expect(haiku.inputTokens.percent).to.equal(-0.5);
    expect(haiku.overThreshold).to.equal(false);

    const notes = reconciliationNotes(reconciliation).join(" ");
    expect(notes).to.match(/^TOKEN MISMATCH over 2026-11-19T10:00:00.000Z to 2026-11-19T14:00:00.000Z/);
    expect(notes).to.include(`${OPUS_PROFILE} (input 10,000 vs 12,000, -16.67%)`);
    expect(notes).to.not.include(HAIKU);
  });

  it("draws the line at 1%: 1.0% passes, 1.01% does not", () => {
    const at = (insights: number) =>
      reconcileTokens([row(TEN, HAIKU, insights, 100)], [metric(HAIKU, 10_000, 100)], RANGE);
    expect(at(9_900).modelsOverThreshold).to.deep.equal([]);
    expect(at(10_100).modelsOverThreshold).to.deep.equal([]);
    expect(at(9_899).modelsOverThreshold).to.deep.equal([HAIKU]);
    expect(at(10_101).modelsOverThreshold).to.deep.equal([HAIKU]);
  });

  it("names a model the metrics saw and the logs did not, and one logged that the metrics never saw", () => {
    const reconciliation = reconcileTokens([row(TEN, HAIKU, 500, 50)], [metric(SONNET, 40_000, 4_000)], RANGE);

    expect(reconciliation.modelsOverThreshold).to.deep.equal([HAIKU, SONNET]);
    const haiku = reconciliation.models.find((model) => model.modelId === HAIKU);
    expect(haiku?.inputTokens).to.deep.equal({ insights: 500, metrics: 0, difference: 500, percent: null });
    expect(reconciliation.models.find((model) => model.modelId === SONNET)?.inputTokens.percent).to.equal(-100);
  });

  it("leaves out models with no tokens on either side, and says when everything agrees", () => {
    const metrics = [metric(HAIKU, 100, 10), metric(SONNET, 0, 0)];
    const reconciliation = reconcileTokens([row(TEN, HAIKU, 100, 10)], metrics, RANGE);

    expect(reconciliation.models.map((model) => model.modelId)).to.deep.equal([HAIKU]);
    expect(reconciliationNotes(reconciliation)).to.deep.equal([
      "Cross-check over 2026-11-19T10:00:00.000Z to 2026-11-19T14:00:00.000Z: Logs Insights token sums are within 1% " +
        "of CloudWatch's InputTokenCount and OutputTokenCount for every model.",
    ]);
  });

  it("does not judge a model whose metric CloudWatch could not return, and says so", () => {
    const reconciliation = reconcileTokens([row(TEN, HAIKU, 100, 10)], [metric(HAIKU, 0, 0, false)], RANGE);

    const [haiku] = reconciliation.models;
    expect(haiku.inputTokens).to.deep.equal({ insights: 100, metrics: null, difference: null, percent: null });
    expect(reconciliation.modelsOverThreshold).to.deep.equal([]);
    expect(reconciliationNotes(reconciliation)[0]).to.equal(
      `CloudWatch could not return the token metrics of ${HAIKU}; they are not cross-checked.`,
    );
  });

  describe("in the online report", () => {
    const credentials = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" };
    const logs = new CloudWatchLogsClient({ region: "us-west-2", credentials });
    const cloudwatch = new CloudWatchClient({ region: "us-west-2", credentials });
    const logsMock = mockClient(logs);
    const cloudwatchMock = mockClient(cloudwatch);
    const WINDOW_ARGS = ["--start", "2026-11-19T09:30:00Z", "--end", "2026-11-19T14:30:00Z", "--outputs", "o.json"];
    beforeEach(() => {
      logsMock.reset();
      cloudwatchMock.reset();
    });

    /** A scan-query result row: per hour, model and long-context class. */
    const scanRow = (hour: string, modelId: string, inputTokens: number, outputTokens: number): ResultField[] => [
      { field: "bin(1h)", value: hour },
      { field: "modelId", value: modelId },
      { field: "longContext", value: "0" },
      { field: "invocations", value: "40" },
      { field: "errors", value: "0" },
      { field: "inputTokens", value: String(inputTokens) },
      { field: "outputTokens", value: String(outputTokens) },
      { field: "cacheReadInputTokens", value: "0" },
      { field: "cacheWriteInputTokens", value: "0" },
      { field: "@ptr", value: "CmAKJgoiMTExMTIyMjIzMzMzOi9hd3MvYmVkcm9jaw==" },
    ];

    /** GetMetricData for both readers: the dimensionless latency/error series, and the per-ModelId token series. */
    function metricData(tokens: Record<string, [number, number]>) {
      return async (input: GetMetricDataInput) => ({
        MetricDataResults: (input.MetricDataQueries ?? []).map((query): MetricDataResult => {
          const { MetricName, Dimensions } = query.MetricStat!.Metric!;
          const modelId = Dimensions?.[0]?.Value;
          // A series that does not exist comes back empty, as CloudWatch returns it.
          const known = modelId !== undefined && modelId in tokens;
          const values = known ? [tokens[modelId][MetricName === "InputTokenCount" ? 0 : 1]] : [];
          const timestamps = values.map(() => RANGE.start);
          return { Id: query.Id, Label: MetricName, Timestamps: timestamps, Values: values, StatusCode: "Complete" };
        }),
        Messages: [],
      });
    }

    const listed = (...modelIds: string[]) => ({
      Metrics: modelIds.map((id) => ({
        Namespace: "AWS/Bedrock",
        MetricName: "InputTokenCount",
        Dimensions: [{ Name: "ModelId", Value: id }],
      })),
    });

    function onlineDeps(): Partial<CliDeps> {
      return {
        loadStackOutputs: async () => ({ ...FAKE_OUTPUTS, region: "us-west-2" }),
        createAwsClients: ({ region }) => ({ region, logs, cloudwatch, s3: {} }) as never,
        readUsageFromInsights: (options) => readUsageFromInsights({ ...options, pollIntervalMs: 1 }),
        readMetrics,
        readTokenMetrics,
      };
    }

    it("names the model whose long streaming records Insights counted as 0 tokens, in the notes and in JSON", async () => {
      logsMock.on(StartQueryCommand).resolves({ queryId: "scan-1" });
      logsMock.on(GetQueryResultsCommand).resolves({
        status: "Complete",
        statistics: { recordsMatched: 120, recordsScanned: 120, bytesScanned: 9_000_000 },
        results: [
          // Opus, called by profile ARN: long streaming records parsed to 0 tokens, so Insights falls short.
          scanRow("2026-11-19 10:00:00.000", OPUS_ARN, 60_000, 3_000),
          scanRow("2026-11-19 11:00:00.000", HAIKU, 20_000, 4_000),
        ],
      });
      cloudwatchMock.on(ListMetricsCommand).resolves(listed(OPUS_PROFILE, HAIKU));
      const metricTokens: Record<string, [number, number]> = {
        [OPUS_PROFILE]: [310_000, 9_000],
        [HAIKU]: [20_000, 4_000],
      };
      cloudwatchMock.on(GetMetricDataCommand).callsFake(metricData(metricTokens));

      const { code, stdout } = await run([...WINDOW_ARGS, "--format", "json"], onlineDeps());

      expect(code).to.equal(0);
      const report = JSON.parse(stdout);
      expect(report.reconciliation.modelsOverThreshold).to.deep.equal([OPUS_PROFILE]);
      expect(report.reconciliation.models).to.deep.include({
        modelId: OPUS_PROFILE,
        loggedModelIds: [OPUS_ARN],
        metricModelIds: [OPUS_PROFILE],
        inputTokens: { insights: 60_000, metrics: 310_000, difference: -250_000, percent: -80.65 },
        outputTokens: { insights: 3_000, metrics: 9_000, difference: -6_000, percent: -66.67 },
        overThreshold: true,
      });
      const mismatch = report.notes.find((note: string) => note.startsWith("TOKEN MISMATCH"));
      expect(mismatch).to.include(
        `for ${OPUS_PROFILE} (input 60,000 vs 310,000, -80.65%; output 3,000 vs 9,000, -66.67%)`,
      );
      const tokenQueries = cloudwatchMock
        .commandCalls(GetMetricDataCommand)
        .flatMap((call) => call.args[0].input.MetricDataQueries ?? [])
        .filter((query) => query.MetricStat?.Metric?.Dimensions?.length);
      const askedFor = tokenQueries.map((query) => query.MetricStat!.Metric!.Dimensions![0].Value);
      expect(askedFor).to.include.members([OPUS_ARN, OPUS_PROFILE, HAIKU]);

      const table = await run(WINDOW_ARGS, onlineDeps());
      expect(table.stdout).to.include(
        "Token cross-check: Logs Insights vs CloudWatch metrics, 2026-11-19T10:00:00.000Z to 2026-11-19T14:00:00.000Z",
      );
      expect(table.stdout).to.include("-250,000 (-80.65%)");
    });

    it("still reports usage, and says why, when CloudWatch refuses the token metrics", async () => {
      logsMock.on(StartQueryCommand).resolves({ queryId: "scan-1" });
      const results = [scanRow("2026-11-19 10:00:00.000", HAIKU, 100, 10)];
      logsMock.on(GetQueryResultsCommand).resolves({ status: "Complete", statistics: {}, results });
      cloudwatchMock.on(GetMetricDataCommand).callsFake(metricData({}));
      const denied = { name: "AccessDenied", $fault: "client" as const, $metadata: { httpStatusCode: 403 } };
      cloudwatchMock.on(ListMetricsCommand).rejects(new CloudWatchServiceException(denied));

      const { code, stdout } = await run([...WINDOW_ARGS, "--format", "json"], onlineDeps());

      expect(code).to.equal(0);
      const report = JSON.parse(stdout);
      expect(report.reconciliation).to.equal(null);
      expect(report.totals.inputTokens).to.equal(100);
      expect(report.notes.join("\n")).to.include(
        "No cross-check with CloudWatch's token metrics: Access denied: the caller may not cloudwatch:ListMetrics",
      );
    });
  });
});
