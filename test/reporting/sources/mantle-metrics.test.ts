/**
 * bedrock-mantle traffic, which writes no invocation logs: read from
 * AWS/BedrockMantle per Model over the window (aws-sdk-client-mock on
 * ListMetrics and GetMetricData response shapes), and shown by the online
 * report apart from its totals, priced where the catalog knows the model and
 * marked as coming from metrics, not logs.
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  ListMetricsCommand,
  type GetMetricDataInput,
} from "@aws-sdk/client-cloudwatch";
import { CostExplorerClient, GetCostAndUsageCommand, GetDimensionValuesCommand } from "@aws-sdk/client-cost-explorer";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { readMantleMetrics } from "../../../reporting/src/sources/mantle-metrics";
import type { MantleModelMetrics } from "../../../reporting/src/model/unlogged-traffic";
import { FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";
import { sourceResult } from "../../helpers/source-results";

const cloudwatch = new CloudWatchClient({
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
});
const cloudwatchMock = mockClient(cloudwatch);
const WINDOW = { start: new Date("2026-11-19T00:30:00Z"), end: new Date("2026-11-19T02:10:00Z") };
const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";
const GPT = "openai.gpt-oss-120b";

describe("bedrock-mantle metrics", () => {
  beforeEach(() => cloudwatchMock.reset());

  it("sums each metric per Model over the window's hours, leaving out the Project-level copies", async () => {
    cloudwatchMock.on(ListMetricsCommand).resolves({
      Metrics: [
        {
          Namespace: "AWS/BedrockMantle",
          MetricName: "TotalInputTokens",
          Dimensions: [{ Name: "Model", Value: SONNET }],
        },
        {
          Namespace: "AWS/BedrockMantle",
          MetricName: "TotalInputTokens",
          Dimensions: [
            { Name: "Project", Value: "proj_1" },
            { Name: "Model", Value: "should-not-appear" },
          ],
        },
      ],
    });
    cloudwatchMock.on(GetMetricDataCommand).callsFake((input: GetMetricDataInput) => ({
      MetricDataResults: (input.MetricDataQueries ?? []).map((query) => ({
        Id: query.Id,
        Label: query.MetricStat?.Metric?.MetricName,
        Timestamps: [new Date("2026-11-19T00:00:00Z"), new Date("2026-11-19T01:00:00Z")],
        Values: query.MetricStat?.Metric?.MetricName === "TotalInputTokens" ? [1_000, 500] : [2, 1],
        StatusCode: "Complete",
      })),
    }));

    const models = await readMantleMetrics({ cloudwatch, window: WINDOW });

    expect(models).to.deep.equal([
      { model: SONNET, inferences: 3, clientErrors: 3, inputTokens: 1_500, outputTokens: 3, complete: true },
    ]);
    const [call] = cloudwatchMock.commandCalls(GetMetricDataCommand);
    const input = call.args[0].input;
    expect(input.StartTime).to.deep.equal(new Date("2026-11-19T00:00:00Z"));
    expect(input.EndTime).to.deep.equal(new Date("2026-11-19T03:00:00Z"));
    expect(input.MetricDataQueries?.map((query) => query.MetricStat?.Metric?.MetricName)).to.have.members([
      "Inferences",
      "InferenceClientErrors",
      "TotalInputTokens",
      "TotalOutputTokens",
    ]);
    expect(input.MetricDataQueries?.[0].MetricStat).to.deep.include({ Period: 3600, Stat: "Sum" });
  });

  it("names the permission when CloudWatch refuses", async () => {
    cloudwatchMock
      .on(ListMetricsCommand)
      .rejects(
        new CloudWatchServiceException({ name: "AccessDenied", $fault: "client", $metadata: {}, message: "no" }),
      );
    const error = await readMantleMetrics({ cloudwatch, window: WINDOW }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(OperationalError);
    expect((error as OperationalError).message).to.include("cloudwatch:ListMetrics");
  });
});

describe("the online report's traffic from metrics, not logs", () => {
  const empty = sourceResult([], { source: "insights", skipped: { malformed: 0 } });
  const onlineDeps = (readMantleMetrics: () => Promise<MantleModelMetrics[]>) => ({
    loadStackOutputs: async () => ({ ...FAKE_OUTPUTS, logRetentionDays: 30 }),
    readUsageFromInsights: async () => empty,
    readMetrics: async () => ({
      latency: { samples: 0, avg: null, p50: null, p90: null, p99: null, max: null, from: "metrics" as const },
      metricErrors: { invocations: 0, clientErrors: 0, serverErrors: 0, throttles: 0, errorRate: null },
      notes: [],
    }),
    readMantleMetrics,
  });
  const traffic: MantleModelMetrics[] = [
    { model: SONNET, inferences: 10, clientErrors: 1, inputTokens: 2_000_000, outputTokens: 100_000, complete: true },
    { model: GPT, inferences: 4, clientErrors: 0, inputTokens: 1_000, outputTokens: 50, complete: true },
  ];

  it("shows token totals per model apart from the report's, priced where the model is known", async () => {
    const { code, stdout, stderr } = await run(
      ["--hours", "24", "--format", "json", "--quiet"],
      onlineDeps(async () => traffic),
    );
    expect(code, stderr).to.equal(0);
    const report = JSON.parse(stdout);
    expect(report.unloggedTraffic.from).to.equal("metrics, not logs");
    const sonnet = report.unloggedTraffic.byModel.find((model: { model: string }) => model.model === SONNET);
    // Claude Sonnet 4.5 in-region list price: $3.30 per 1M input, $16.50 per 1M output (AWS Price List).
    expect(sonnet.costUsd).to.be.closeTo(2 * 3.3 + 0.1 * 16.5, 1e-9);
    const gpt = report.unloggedTraffic.byModel.find((model: { model: string }) => model.model === GPT);
    expect(gpt.costUsd).to.equal(null);
    expect(report.unloggedTraffic.totals).to.include({ inferences: 14, inputTokens: 2_001_000, outputTokens: 100_050 });
    expect(report.totals.inputTokens).to.equal(0);
    expect(report.notes.join(" ")).to.match(/From metrics, not logs: 14 inferences/);

    const table = await run(
      ["--hours", "24", "--quiet"],
      onlineDeps(async () => traffic),
    );
    expect(table.stdout).to.include("bedrock-mantle (from metrics, not logs; not in the totals above)");
    expect(table.stdout).to.include(GPT);
  });

  it("tells reconcile's reader that bedrock-mantle traffic is billed but not in the estimate", async () => {
    const costExplorerMock = mockClient(CostExplorerClient);
    try {
      costExplorerMock.on(GetDimensionValuesCommand).resolves({ DimensionValues: [] });
      costExplorerMock.on(GetCostAndUsageCommand).resolves({ ResultsByTime: [] });
      const { stdout, stderr } = await run(
        ["reconcile", "--hours", "24", "--format", "json", "--quiet"],
        onlineDeps(async () => traffic),
      );
      expect(JSON.parse(stdout).notes.join(" "), stderr).to.match(/bedrock-mantle endpoint served 14 inferences/);
    } finally {
      costExplorerMock.restore();
    }
  });

  it("keeps the report when the metrics cannot be read, and says so", async () => {
    const { code, stdout } = await run(
      ["--hours", "24", "--format", "json", "--quiet"],
      onlineDeps(async () => {
        throw new OperationalError("Access denied: the caller may not cloudwatch:ListMetrics.");
      }),
    );
    expect(code).to.equal(0);
    const report = JSON.parse(stdout);
    expect(report).not.to.have.property("unloggedTraffic");
    expect(report.notes.join(" ")).to.match(/bedrock-mantle traffic .* could not be read: Access denied/);
  });
});
