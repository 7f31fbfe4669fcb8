/**
 * Per-model token metrics for the cross-check. Response shapes follow the API
 * references: GetMetricData returns MetricDataResults of { Id, Label,
 * Timestamps, Values, StatusCode, Messages } and a NextToken
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html);
 * ListMetrics returns Metrics of { Namespace, MetricName, Dimensions: [{ Name, Value }] }
 * and a NextToken, up to 500 a page
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html).
 */
import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataInput,
  ListMetricsCommand,
  type ListMetricsInput,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { MAX_QUERIES_PER_CALL } from "../../../reporting/src/sources/metric-sums";
import { readTokenMetrics } from "../../../reporting/src/sources/token-metrics";

const cloudwatch = new CloudWatchClient({
  region: "us-west-2",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
});
const cloudwatchMock = mockClient(cloudwatch);

const RANGE = { start: new Date("2026-11-19T10:00:00Z"), end: new Date("2026-11-19T14:00:00Z") };
const OPUS = "global.anthropic.claude-opus-4-6-v1";
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

const modelMetric = (metricName: string, modelId: string) => ({
  Namespace: "AWS/Bedrock",
  MetricName: metricName,
  Dimensions: [{ Name: "ModelId", Value: modelId }],
});

/** Answers each MetricStat query with `tokens(modelId, metricName)`, as one data point at the range start. */
function answerWith(tokens: (modelId: string, metricName: string) => number | "Forbidden") {
  return async (input: GetMetricDataInput) => ({
    MetricDataResults: (input.MetricDataQueries ?? []).map((query): MetricDataResult => {
      const metric = query.MetricStat!.Metric!;
      const value = tokens(metric.Dimensions![0].Value!, metric.MetricName!);
      const shown = { Id: query.Id, Label: metric.MetricName, Messages: [] };
      return value === "Forbidden"
        ? { ...shown, Timestamps: [], Values: [], StatusCode: "Forbidden" }
        : { ...shown, Timestamps: [RANGE.start], Values: [value], StatusCode: "Complete" };
    }),
    Messages: [],
  });
}

const metricDataInputs = (): GetMetricDataInput[] =>
  cloudwatchMock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
const listInputs = (): ListMetricsInput[] =>
  cloudwatchMock.commandCalls(ListMetricsCommand).map((call) => call.args[0].input);
const accessDenied = () =>
  new CloudWatchServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 } });

describe("readTokenMetrics", () => {
  beforeEach(() => cloudwatchMock.reset());

  it("sums InputTokenCount and OutputTokenCount per ModelId over one period spanning the range", async () => {
    cloudwatchMock.on(ListMetricsCommand).resolves({ Metrics: [modelMetric("InputTokenCount", OPUS)] });
    const tokens = (modelId: string, metric: string) =>
      (metric === "InputTokenCount" ? 1_000 : 200) * (modelId === OPUS ? 2 : 1);
    cloudwatchMock.on(GetMetricDataCommand).callsFake(answerWith(tokens));

    const totals = await readTokenMetrics({ cloudwatch, range: RANGE, modelIds: [HAIKU] });

    expect(totals).to.deep.equal([
      { modelId: HAIKU, inputTokens: 1_000, outputTokens: 200, complete: true },
      { modelId: OPUS, inputTokens: 2_000, outputTokens: 400, complete: true },
    ]);
    const [input] = metricDataInputs();
    expect(input.StartTime).to.deep.equal(RANGE.start);
    expect(input.EndTime).to.deep.equal(RANGE.end);
    for (const query of input.MetricDataQueries!) {
      expect(query.MetricStat).to.deep.include({ Period: 4 * 3_600, Stat: "Sum" });
      expect(query.MetricStat!.Metric!.Namespace).to.equal("AWS/Bedrock");
      expect(query.MetricStat!.Metric!.Dimensions).to.have.length(1);
    }
  });

  it("lists the ModelId series of both token metrics through every page, not those with more dimensions", async () => {
    cloudwatchMock
      .on(ListMetricsCommand, { MetricName: "InputTokenCount" })
      .resolvesOnce({ Metrics: [modelMetric("InputTokenCount", OPUS)], NextToken: "more" })
      .resolves({
        Metrics: [
          modelMetric("InputTokenCount", HAIKU),
          {
            ...modelMetric("InputTokenCount", "other"),
            Dimensions: [
              { Name: "ModelId", Value: "other" },
              { Name: "Operation", Value: "Converse" },
            ],
          },
        ],
      });
    cloudwatchMock
      .on(ListMetricsCommand, { MetricName: "OutputTokenCount" })
      .resolves({ Metrics: [modelMetric("OutputTokenCount", OPUS)] });
    cloudwatchMock.on(GetMetricDataCommand).callsFake(answerWith(() => 1));

    const totals = await readTokenMetrics({ cloudwatch, range: RANGE, modelIds: [] });

    expect(totals.map((total) => total.modelId)).to.deep.equal([HAIKU, OPUS]);
    const inputPages = listInputs().filter((input) => input.MetricName === "InputTokenCount");
    expect(inputPages.map((input) => input.NextToken)).to.deep.equal([undefined, "more"]);
    expect(listInputs()[0]).to.deep.include({ Namespace: "AWS/Bedrock", Dimensions: [{ Name: "ModelId" }] });
  });

  it("asks for at most 500 metrics a call, and follows each call's NextToken pages", async () => {
    // 300 models x 2 metrics = 600 queries: one call of 500 (answered in two pages) and one of 100.
    const many = Array.from({ length: 300 }, (_, i) => `custom.model-${String(i).padStart(3, "0")}`);
    cloudwatchMock.on(ListMetricsCommand).resolves({ Metrics: [] });
    const answer = answerWith(() => 5);
    let call = 0;
    cloudwatchMock.on(GetMetricDataCommand).callsFake(async (input: GetMetricDataInput) => {
      call += 1;
      const { MetricDataResults } = await answer(input);
      if (call === 1) return { MetricDataResults: MetricDataResults.slice(0, 250), NextToken: "page-2", Messages: [] };
      if (call === 2) return { MetricDataResults: MetricDataResults.slice(250), Messages: [] };
      return { MetricDataResults, Messages: [] };
    });

    const totals = await readTokenMetrics({ cloudwatch, range: RANGE, modelIds: many });

    expect(MAX_QUERIES_PER_CALL).to.equal(500);
    const calls = metricDataInputs().map((input) => [input.MetricDataQueries!.length, input.NextToken]);
    expect(calls).to.deep.equal([
      [500, undefined],
      [500, "page-2"],
      [100, undefined],
    ]);
    const queryIds = metricDataInputs().flatMap((input) => input.MetricDataQueries!.map((query) => query.Id));
    expect(new Set(queryIds).size).to.equal(600);
    expect(totals).to.have.length(300);
    const summed = totals.filter((total) => total.inputTokens === 5 && total.outputTokens === 5 && total.complete);
    expect(summed).to.have.length(300);
  });

  it("marks a model incomplete when CloudWatch returns its series with an error status", async () => {
    cloudwatchMock.on(ListMetricsCommand).resolves({ Metrics: [] });
    cloudwatchMock.on(GetMetricDataCommand).callsFake(answerWith((modelId) => (modelId === OPUS ? "Forbidden" : 7)));

    const totals = await readTokenMetrics({ cloudwatch, range: RANGE, modelIds: [OPUS, HAIKU] });

    expect(totals.find((total) => total.modelId === OPUS)?.complete).to.equal(false);
    expect(totals.find((total) => total.modelId === HAIKU)).to.deep.include({ inputTokens: 7, complete: true });
  });

  it("names cloudwatch:ListMetrics when access to it is denied", async () => {
    cloudwatchMock.on(ListMetricsCommand).rejects(accessDenied());

    try {
      await readTokenMetrics({ cloudwatch, range: RANGE, modelIds: [OPUS] });
      expect.fail("expected an OperationalError");
    } catch (error) {
      expect(error).to.be.instanceOf(OperationalError);
      expect((error as OperationalError).message).to.equal(
        "Access denied: the caller may not cloudwatch:ListMetrics on token metrics in AWS/Bedrock in us-west-2.",
      );
    }
  });
});
