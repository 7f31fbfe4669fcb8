import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { estimatorConfig, estimatorPackage } from "../../infra/cost-estimator/bundle";
import { CostEstimator, estimatorPolicy } from "../../infra/cost-estimator/component";
import { publishLastHourEstimate, type EstimatorConfig } from "../../infra/cost-estimator/handler";
import { PRICE_CATALOG } from "../../reporting/src/pricing/catalog";
import { evaluate, type StoredMetric } from "./metric-math";
import { oneResourceOf, resetRecorded, settle, TEST_ACCOUNT, TEST_PARTITION, TEST_REGION } from "./mocks";

const cloudwatch = new CloudWatchClient({ region: TEST_REGION, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const scope = { partition: TEST_PARTITION, region: TEST_REGION, accountId: TEST_ACCOUNT };
const config = estimatorConfig(PRICE_CATALOG, scope);
const NOW = new Date("2026-11-20T10:05:00Z");

describe("cost estimator for the daily budget alarm", () => {
  // Class-level, because the packaged handler creates its own client; restored so other suites can mock instances.
  let cloudwatchMock: ReturnType<typeof mockClient>;
  before(() => (cloudwatchMock = mockClient(CloudWatchClient)));
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
          { Id: "familyOpus", Label: "Opus", Timestamps: [new Date("2026-11-20T09:00:00Z")], Values: [12.5], StatusCode: "Complete" },
        ],
        NextToken: "page-2",
      })
      .resolvesOnce({
        MetricDataResults: [{ Id: "familySonnet", Label: "Sonnet", Timestamps: [new Date("2026-11-20T09:00:00Z")], Values: [3.25], StatusCode: "Complete" }],
      });
    cloudwatchMock.on(PutMetricDataCommand).resolves({});

    const estimate = await publishLastHourEstimate(cloudwatch, config, NOW);

    expect(estimate).to.deep.equal({ hourStart: "2026-11-20T09:00:00.000Z", byFamily: { Opus: 12.5, Sonnet: 3.25, Haiku: 0, Other: 0 }, totalUsd: 15.75 });
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
    if (sonnet?.regional.cacheRead == null || sonnet.regional.cacheWrite == null) throw new Error("the catalog lost Sonnet 4.5's cache rates");
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
        const points = [...(evaluate(q.Expression ?? "", { metrics, timeline: [hour], expressions }) as Map<number, number>)];
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

  it("ships a handler that runs as packaged, with only the AWS SDK and its config beside it", async () => {
    const files = estimatorPackage(PRICE_CATALOG, scope);
    expect(Object.keys(files)).to.deep.equal(["index.js", "estimator-config.json"]);
    const required: string[] = [];
    const moduleScope = { exports: {} as { handler?: () => Promise<unknown> } };
    const fakeRequire = (id: string): unknown => {
      required.push(id);
      if (id === "./estimator-config.json") return JSON.parse(files["estimator-config.json"]) as EstimatorConfig;
      if (id === "@aws-sdk/client-cloudwatch") return { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand };
      throw new Error(`the packaged handler requires ${id}, which the Lambda runtime does not have`);
    };
    new Function("require", "exports", "module", files["index.js"])(fakeRequire, moduleScope.exports, moduleScope);
    cloudwatchMock.on(GetMetricDataCommand).resolves({ MetricDataResults: [] });
    cloudwatchMock.on(PutMetricDataCommand).resolves({});

    const result = (await moduleScope.exports.handler?.()) as { totalUsd: number };

    expect(result.totalUsd).to.equal(0);
    expect([...new Set(required)].sort()).to.deep.equal(["./estimator-config.json", "@aws-sdk/client-cloudwatch"]);
    expect(cloudwatchMock.commandCalls(PutMetricDataCommand)).to.have.length(1);
  });

  it("may publish only into its own namespace and write only its own logs", async () => {
    const policy = estimatorPolicy({ partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT }, "/aws/lambda/est");
    const decide = async (action: string, resource: string, context: Record<string, string> = {}) => {
      const simulation = {
        request: { principal: `arn:aws:iam::${TEST_ACCOUNT}:role/est`, action, resource: { resource, accountId: TEST_ACCOUNT }, contextVariables: context },
        identityPolicies: [{ name: "estimator", policy }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      } as Simulation;
      const response = await runSimulation(simulation, {});
      if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
      return response.overallResult;
    };
    expect(await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "BedrockMonitoring" })).to.equal("Allowed");
    expect(await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/Bedrock" })).to.not.equal("Allowed");
    expect(await decide("cloudwatch:GetMetricData", "*")).to.equal("Allowed");
    expect(await decide("logs:PutLogEvents", `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:/aws/lambda/est:log-stream:x`)).to.equal("Allowed");
    expect(await decide("logs:PutLogEvents", `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:/aws/bedrock/modelinvocations:log-stream:x`)).to.not.equal("Allowed");
  });

  it("runs hourly on Node.js 20, after its log group and permissions exist", async () => {
    resetRecorded();
    const estimator = new CostEstimator("ce", { functionName: "bedrock-test-cost-estimator", logRetentionDays: 14 });
    await settle(estimator.function.arn);
    expect(oneResourceOf("aws:lambda/function:Function").inputs).to.include({ name: "bedrock-test-cost-estimator", runtime: "nodejs20.x", handler: "index.handler" });
    expect(oneResourceOf("aws:cloudwatch/eventRule:EventRule").inputs.scheduleExpression).to.equal("cron(5 * * * ? *)");
    expect(oneResourceOf("aws:lambda/permission:Permission").inputs).to.include({ principal: "events.amazonaws.com", action: "lambda:InvokeFunction" });
    expect(oneResourceOf("aws:cloudwatch/logGroup:LogGroup").inputs).to.include({ name: "/aws/lambda/bedrock-test-cost-estimator", retentionInDays: 14 });
  });
});
