import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import * as aws from "@pulumi/aws";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { estimatorConfig, estimatorPackage } from "../../infra/cost-estimator/bundle";
import { CostEstimator, ESTIMATOR_RUNTIME, estimatorPolicy } from "../../infra/cost-estimator/component";
import { publishLastHourEstimate } from "../../infra/cost-estimator/handler";
import { PRICE_CATALOG } from "../../reporting/src/kernel/pricing/catalog";
import { lambdaNodeMajor, nodeBinaryOfMajor, runPackage } from "../helpers/lambda-node";
import { evaluate, type StoredMetric } from "../helpers/metric-math";
import {
  oneResourceOf,
  resetRecorded,
  settle,
  TEST_ACCOUNT,
  TEST_PARTITION,
  TEST_REGION,
} from "../helpers/pulumi-mocks";

const cloudwatch = new CloudWatchClient({
  region: TEST_REGION,
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
});
const scope = { partition: TEST_PARTITION, region: TEST_REGION, accountId: TEST_ACCOUNT };
const config = estimatorConfig(PRICE_CATALOG, scope);
const NOW = new Date("2026-11-20T10:05:00Z");

/**
 * The deprecation date of Lambda's Node.js runtimes, from the table of Node.js runtimes on
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html (creating functions is blocked a month or more later).
 */
const LAMBDA_NODE_DEPRECATION: Record<string, string> = {
  "nodejs24.x": "2028-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs20.x": "2026-04-30",
};

describe("cost estimator for the daily budget alarm", () => {
  let cloudwatchMock: ReturnType<typeof mockClient>;
  before(() => (cloudwatchMock = mockClient(cloudwatch)));
  after(() => cloudwatchMock.restore());
  beforeEach(() => cloudwatchMock.reset());

  it("evaluates the dashboard's family cost expressions, within GetMetricData's 500-query limit", () => {
    expect(config.queries.length).to.be.within(5, 500);
    const returned = config.queries.filter((q) => q.ReturnData);
    expect(returned.map((q) => q.Label)).to.deep.equal(["Opus", "Sonnet", "Haiku", "Other"]);
    expect(Object.values(config.familyQueryIds)).to.deep.equal(["Opus", "Sonnet", "Haiku", "Other"]);
    const hidden = config.queries.filter((q) => !q.ReturnData).map((q) => q.Expression ?? "");
    const searches = hidden.flatMap((expression) => [...expression.matchAll(/SEARCH\('([^']*)'/g)].map((m) => m[1]));
    expect(searches.length).to.be.greaterThan(10);
    expect(searches.every((query) => query.startsWith("{AWS/Bedrock,ModelId} "))).to.equal(true);
  });

  it("publishes the last full hour's estimate per family and in total, zeros included", async () => {
    cloudwatchMock
      .on(GetMetricDataCommand)
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: "familyOpus",
            Label: "Opus",
            Timestamps: [new Date("2026-11-20T09:00:00Z")],
            Values: [12.5],
            StatusCode: "Complete",
          },
        ],
        NextToken: "page-2",
      })
      .resolvesOnce({
        MetricDataResults: [
          {
            Id: "familySonnet",
            Label: "Sonnet",
            Timestamps: [new Date("2026-11-20T09:00:00Z")],
            Values: [3.25],
            StatusCode: "Complete",
          },
        ],
      });
    cloudwatchMock.on(PutMetricDataCommand).resolves({});

    const estimate = await publishLastHourEstimate(cloudwatch, config, NOW);

    expect(estimate).to.deep.equal({
      hourStart: "2026-11-20T09:00:00.000Z",
      byFamily: { Opus: 12.5, Sonnet: 3.25, Haiku: 0, Other: 0 },
      totalUsd: 15.75,
    });
    const requests = cloudwatchMock.commandCalls(GetMetricDataCommand).map((call) => call.args[0].input);
    expect(requests[0].StartTime).to.deep.equal(new Date("2026-11-20T09:00:00Z"));
    expect(requests[0].EndTime).to.deep.equal(new Date("2026-11-20T10:00:00Z"));
    expect(requests[1].NextToken).to.equal("page-2");
    const put = cloudwatchMock.commandCalls(PutMetricDataCommand)[0].args[0].input;
    expect(put.Namespace).to.equal("BedrockMonitoring");
    expect(put.MetricData?.[0]).to.deep.include({ MetricName: "EstimatedCostUsd", Value: 15.75 });
    expect(put.MetricData?.[0].Dimensions).to.equal(undefined);
    expect(put.MetricData?.find((d) => d.Dimensions?.[0]?.Value === "Haiku")?.Value).to.equal(0);
  });

  it("prices cache tokens once when Bedrock publishes them under both names", async () => {
    const hour = new Date("2026-11-20T09:00:00Z").getTime();
    const sonnet = PRICE_CATALOG.models.find((m) => m.baseModelId === "anthropic.claude-sonnet-4-5-20250929-v1:0");
    if (sonnet?.regional.cacheRead == null || sonnet.regional.cacheWrite == null)
      throw new Error("the catalog lost Sonnet 4.5's cache rates");
    const metric = (metricName: string, tokens: number): StoredMetric => ({
      namespace: "AWS/Bedrock",
      metricName,
      dimensions: { ModelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" },
      sums: { [hour]: tokens },
    });
    const metrics = [
      metric("CacheReadInputTokens", 20_000_000),
      metric("CacheReadInputTokenCount", 20_000_000),
      metric("CacheWriteInputTokens", 2_000_000),
      metric("CacheWriteInputTokenCount", 2_000_000),
    ];
    // GetMetricData answered by evaluating the packaged queries, as CloudWatch would, over these metrics.
    const expressions = Object.fromEntries(config.queries.map((q) => [q.Id ?? "", q.Expression ?? ""]));
    cloudwatchMock.on(GetMetricDataCommand).callsFake((input: { MetricDataQueries: typeof config.queries }) => ({
      MetricDataResults: input.MetricDataQueries.filter((q) => q.ReturnData).map((q) => {
        const points = [
          ...(evaluate(q.Expression ?? "", { metrics, timeline: [hour], expressions }) as Map<number, number>),
        ];
        const [timestamps, values] = [points.map(([t]) => new Date(t)), points.map(([, v]) => v)];
        return { Id: q.Id, Label: q.Label, Timestamps: timestamps, Values: values, StatusCode: "Complete" as const };
      }),
    }));
    cloudwatchMock.on(PutMetricDataCommand).resolves({});

    const estimate = await publishLastHourEstimate(cloudwatch, config, NOW);

    const once = (20_000_000 * sonnet.regional.cacheRead + 2_000_000 * sonnet.regional.cacheWrite) / 1_000_000;
    expect(estimate.byFamily.Sonnet).to.be.closeTo(once, 1e-9);
    expect(estimate.totalUsd).to.be.closeTo(once, 1e-9);
  });

  it("ships a handler that runs as packaged on the Lambda's Node.js line, with only the AWS SDK and its config", async function () {
    const major = lambdaNodeMajor(ESTIMATOR_RUNTIME);
    const node = nodeBinaryOfMajor(major);
    if (node === undefined) {
      const how = `set LAMBDA_NODE_BINARY to a Node.js ${major} binary, e.g. $(bash .ci/node-binary ${major})`;
      if (process.env.CI) throw new Error(`no Node.js ${major} to run the packaged handler on: ${how}`);
      console.log(`      skipped: this is Node.js ${process.versions.node}; to run it, ${how}`);
      this.skip();
    }
    const files = estimatorPackage(PRICE_CATALOG, scope);
    expect(Object.keys(files)).to.deep.equal(["index.js", "estimator-config.json"]);
    const hour = [new Date("2026-11-20T09:00:00Z")];

    const run = await runPackage(node, files, [
      {
        MetricDataResults: [
          { Id: "familyOpus", Label: "Opus", Timestamps: hour, Values: [12.5], StatusCode: "Complete" },
        ],
        NextToken: "page-2",
      },
      {
        MetricDataResults: [
          { Id: "familySonnet", Label: "Sonnet", Timestamps: hour, Values: [3.25], StatusCode: "Complete" },
        ],
      },
    ]);

    expect(Number.parseInt(run.node.slice(1), 10), `ran on ${run.node}`).to.equal(major);
    expect(run.required).to.deep.equal(["@aws-sdk/client-cloudwatch", "./estimator-config.json"]);
    expect(run.result).to.deep.include({ totalUsd: 15.75, byFamily: { Opus: 12.5, Sonnet: 3.25, Haiku: 0, Other: 0 } });
    expect(run.putMetricData).to.have.length(1);
    expect(run.putMetricData[0].Namespace).to.equal("BedrockMonitoring");
    expect(run.putMetricData[0].MetricData?.[0]).to.deep.include({ MetricName: "EstimatedCostUsd", Value: 15.75 });
  });

  it("runs on a Lambda runtime that is not deprecated today: of @pulumi/aws's Node.js runtimes, the one AWS supports longest", () => {
    const today = new Date();
    const deprecation = LAMBDA_NODE_DEPRECATION[ESTIMATOR_RUNTIME];
    expect(deprecation, `${ESTIMATOR_RUNTIME} is not in the table; add its date from the AWS page`).to.be.a("string");
    expect(today < new Date(deprecation), `${ESTIMATOR_RUNTIME} is deprecated since ${deprecation}`).to.equal(true);
    const offered = Object.values(aws.lambda.Runtime).filter((runtime) => runtime in LAMBDA_NODE_DEPRECATION);
    const longest = offered.sort((a, b) => LAMBDA_NODE_DEPRECATION[b].localeCompare(LAMBDA_NODE_DEPRECATION[a]))[0];
    expect(ESTIMATOR_RUNTIME).to.equal(longest);
  });

  it("may publish only into its own namespace and write only its own logs", async () => {
    const policy = estimatorPolicy(
      { partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT },
      "/aws/lambda/est",
    );
    const decide = async (action: string, resource: string, context: Record<string, string> = {}) => {
      const simulation = {
        request: {
          principal: `arn:aws:iam::${TEST_ACCOUNT}:role/est`,
          action,
          resource: { resource, accountId: TEST_ACCOUNT },
          contextVariables: context,
        },
        identityPolicies: [{ name: "estimator", policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      } as Simulation;
      const response = await runSimulation(simulation, {});
      if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
      return response.overallResult;
    };
    expect(await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "BedrockMonitoring" })).to.equal(
      "Allowed",
    );
    expect(await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/Bedrock" })).to.not.equal(
      "Allowed",
    );
    expect(await decide("cloudwatch:GetMetricData", "*")).to.equal("Allowed");
    expect(
      await decide(
        "logs:PutLogEvents",
        `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:/aws/lambda/est:log-stream:x`,
      ),
    ).to.equal("Allowed");
    expect(
      await decide(
        "logs:PutLogEvents",
        `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:/aws/bedrock/modelinvocations:log-stream:x`,
      ),
    ).to.not.equal("Allowed");
  });

  it("runs hourly on its runtime, after its log group and permissions exist", async () => {
    resetRecorded();
    const estimator = new CostEstimator("ce", { functionName: "bedrock-test-cost-estimator", logRetentionDays: 14 });
    await settle(estimator.function.arn);
    expect(oneResourceOf("aws:lambda/function:Function").inputs).to.include({
      name: "bedrock-test-cost-estimator",
      runtime: ESTIMATOR_RUNTIME,
      handler: "index.handler",
    });
    expect(oneResourceOf("aws:cloudwatch/eventRule:EventRule").inputs.scheduleExpression).to.equal("cron(5 * * * ? *)");
    expect(oneResourceOf("aws:lambda/permission:Permission").inputs).to.include({
      principal: "events.amazonaws.com",
      action: "lambda:InvokeFunction",
    });
    expect(oneResourceOf("aws:cloudwatch/logGroup:LogGroup").inputs).to.include({
      name: "/aws/lambda/bedrock-test-cost-estimator",
      retentionInDays: 14,
    });
  });
});
