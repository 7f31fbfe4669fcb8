import { expect } from "chai";
import { mockClient } from "aws-sdk-client-mock";
import {
  CloudWatchClient,
  CloudWatchServiceException,
  GetMetricDataCommand,
  type GetMetricDataInput,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { OperationalError } from "../../../reporting/src/kernel/errors";
import { readMetrics, retainedResolutionSeconds } from "../../../reporting/src/sources/metrics";

const cloudwatch = new CloudWatchClient({
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
});
const cloudwatchMock = mockClient(cloudwatch);

const NOW = new Date("2026-11-27T00:00:00Z");
const WEEK = { start: new Date("2026-11-20T00:00:00Z"), end: new Date("2026-11-27T00:00:00Z") };

function result(
  id: string,
  values: number[],
  statusCode: MetricDataResult["StatusCode"] = "Complete",
): MetricDataResult {
  return {
    Id: id,
    Label: id,
    Timestamps: values.map((_, i) => new Date(WEEK.start.getTime() + i * 3_600_000)),
    Values: values,
    StatusCode: statusCode,
  };
}

const FULL_WEEK = [
  result("latencyAvg", [1_200]),
  result("latencyP50", [900]),
  result("latencyP90", [2_500]),
  result("latencyP99", [7_800]),
  result("latencyMax", [14_000]),
  result("latencySamples", [5_000]),
  result("invocations", [5_000]),
  result("clientErrors", [12]),
  result("serverErrors", [3]),
  result("throttles", [40]),
];

const sentInputs = (): GetMetricDataInput[] =>
  cloudwatchMock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);

describe("readMetrics", () => {
  beforeEach(() => cloudwatchMock.reset());

  it("asks for latency and error statistics in one GetMetricData call over the dimensionless AWS/Bedrock series", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: FULL_WEEK });

    await readMetrics({ cloudwatch, window: WEEK, now: NOW });

    const [input] = sentInputs();
    expect(sentInputs()).to.have.length(1);
    const asked = input.MetricDataQueries!.map(
      (query) => `${query.MetricStat!.Metric!.MetricName} ${query.MetricStat!.Stat}`,
    );
    expect(asked).to.have.members([
      "InvocationLatency Average",
      "InvocationLatency p50",
      "InvocationLatency p90",
      "InvocationLatency p99",
      "InvocationLatency Maximum",
      "InvocationLatency SampleCount",
      "Invocations Sum",
      "InvocationClientErrors Sum",
      "InvocationServerErrors Sum",
      "InvocationThrottles Sum",
    ]);
    for (const query of input.MetricDataQueries!) {
      expect(query.MetricStat!.Metric).to.deep.equal({
        Namespace: "AWS/Bedrock",
        MetricName: query.MetricStat!.Metric!.MetricName,
      });
      expect(query.MetricStat!.Period).to.equal(7 * 86_400);
    }
    expect(input.StartTime).to.deep.equal(WEEK.start);
    expect(input.EndTime).to.deep.equal(WEEK.end);
  });

  it("reports the metric's own p99 and average, never a maximum of averages", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: FULL_WEEK });

    const metrics = await readMetrics({ cloudwatch, window: WEEK, now: NOW });

    expect(metrics.latency).to.deep.equal({
      samples: 5_000,
      avg: 1_200,
      p50: 900,
      p90: 2_500,
      p99: 7_800,
      max: 14_000,
      from: "metrics",
    });
    expect(metrics.metricErrors).to.include({ clientErrors: 12, serverErrors: 3, throttles: 40 });
    expect(metrics.notes).to.deep.equal([]);
  });

  it("rates errors against Invocations alone, which already counts the failed requests", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: FULL_WEEK });

    const { metricErrors } = await readMetrics({ cloudwatch, window: WEEK, now: NOW });

    // Source: https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
    // (Invocations: requests accepted for processing, including those that later failed; throttles in neither).
    expect(metricErrors.invocations).to.equal(5_000);
    expect(metricErrors.errorRate).to.equal((12 + 3) / 5_000);
    expect(metricErrors.errorRate).to.not.equal((12 + 3) / (5_000 + 12 + 3));
  });

  it("follows NextToken pages and joins a series split across them", async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [result("latencySamples", [5_000]), result("clientErrors", [], "PartialData")],
        NextToken: "page-2",
      })
      .resolves({ MetricDataResults: [...FULL_WEEK.filter((r) => r.Id !== "latencySamples")] });

    const metrics = await readMetrics({ cloudwatch, window: WEEK, now: NOW });

    expect(sentInputs().map((input) => input.NextToken)).to.deep.equal([undefined, "page-2"]);
    expect(metrics.latency.samples).to.equal(5_000);
    expect(metrics.latency.p99).to.equal(7_800);
    expect(metrics.metricErrors.clientErrors).to.equal(12);
  });

  it("has no latency figures, and zero errors, when nothing was invoked", async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolves({ MetricDataResults: FULL_WEEK.map((r) => ({ ...r, Timestamps: [], Values: [] })) });

    const metrics = await readMetrics({ cloudwatch, window: WEEK, now: NOW });

    expect(metrics.latency).to.deep.equal({
      samples: 0,
      avg: null,
      p50: null,
      p90: null,
      p99: null,
      max: null,
      from: "metrics",
    });
    expect(metrics.metricErrors).to.deep.equal({
      invocations: 0,
      clientErrors: 0,
      serverErrors: 0,
      throttles: 0,
      errorRate: null,
    });
  });

  it("with several periods, sums counts, weights the average and leaves percentiles out", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({
      MetricDataResults: [
        result("latencyAvg", [1_000, 4_000]),
        result("latencySamples", [300, 100]),
        result("latencyP99", [3_000, 9_000]),
        result("latencyMax", [5_000, 12_000]),
        result("clientErrors", [1, 2]),
      ],
    });

    const metrics = await readMetrics({ cloudwatch, window: WEEK, now: NOW, periodSeconds: 3_600 });

    expect(sentInputs()[0].MetricDataQueries![0].MetricStat!.Period).to.equal(3_600);
    expect(metrics.latency).to.include({ samples: 400, avg: 1_750, p99: null, max: 12_000 });
    expect(metrics.metricErrors.clientErrors).to.equal(3);
    expect(metrics.notes.join(" ")).to.match(/percentiles are unavailable/);
  });

  it("aligns an older window to the resolution CloudWatch still keeps, and says so", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: FULL_WEEK });
    const older = { start: new Date("2026-10-30T10:02:00Z"), end: new Date("2026-10-31T10:02:00Z") };

    const metrics = await readMetrics({ cloudwatch, window: older, now: NOW });

    expect(sentInputs()[0].StartTime).to.deep.equal(new Date("2026-10-30T10:00:00Z"));
    expect(sentInputs()[0].EndTime).to.deep.equal(new Date("2026-10-31T10:05:00Z"));
    expect(metrics.notes.join(" ")).to.match(/whole 5-minute periods/);
  });

  it("rounds a requested period up to a multiple of the retained resolution", async () => {
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: FULL_WEEK });
    const twentyDaysAgo = { start: new Date("2026-11-07T00:00:00Z"), end: new Date("2026-11-08T00:00:00Z") };

    await readMetrics({ cloudwatch, window: twentyDaysAgo, now: NOW, periodSeconds: 120 });

    expect(sentInputs()[0].MetricDataQueries![0].MetricStat!.Period).to.equal(300);
  });

  it("chooses 1-minute data up to 15 days back, 5-minute up to 63, then 1-hour", () => {
    const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
    expect([14, 15, 16, 63, 64, 400].map((days) => retainedResolutionSeconds(daysAgo(days), NOW))).to.deep.equal([
      60, 60, 300, 300, 3_600, 3_600,
    ]);
  });

  it("retries a throttled call", async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .rejectsOnce(
        new CloudWatchServiceException({
          name: "Throttling",
          $fault: "client",
          $metadata: { httpStatusCode: 400 },
          message: "Rate exceeded",
        }),
      )
      .resolves({ MetricDataResults: FULL_WEEK });

    const metrics = await readMetrics({ cloudwatch, window: WEEK, now: NOW, retryDelayMs: 1 });

    expect(sentInputs()).to.have.length(2);
    expect(metrics.latency.p99).to.equal(7_800);
  });

  it("names cloudwatch:GetMetricData when access is denied", async () => {
    cloudwatchMock.on(GetMetricDataCommand).rejects(
      new CloudWatchServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403 },
        message: "not authorized",
      }),
    );

    try {
      await readMetrics({ cloudwatch, window: WEEK, now: NOW });
      expect.fail("expected an OperationalError");
    } catch (error) {
      expect(error).to.be.instanceOf(OperationalError);
      expect((error as OperationalError).message).to.equal(
        "Access denied: the caller may not cloudwatch:GetMetricData on metrics in AWS/Bedrock in eu-west-1.",
      );
    }
  });
});
