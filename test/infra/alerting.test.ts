import * as pulumi from "@pulumi/pulumi";
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { expect } from "chai";
import { Alerting, type AlertingArgs } from "../../infra/alerting";
import { alertTopicPolicy } from "../../infra/policies";
import { parseStackSettings, type RawConfig } from "../../infra/settings";
import {
  dependenciesOf,
  oneResourceOf,
  promiseOf,
  resetRecorded,
  resourcesOf,
  settle,
  TEST_ACCOUNT,
  TEST_REGION,
} from "../helpers/pulumi-mocks";

type AlarmInputs = {
  name: string;
  threshold: number;
  treatMissingData: string;
  alarmActions: string[];
  okActions: string[];
  evaluationPeriods: number;
  metricQueries: {
    id: string;
    expression?: string;
    period?: number;
    returnData?: boolean;
    metric?: { metricName: string; namespace: string; period: number };
  }[];
};

function argsFrom(raw: RawConfig): AlertingArgs {
  return { ...parseStackSettings(raw).alerting, alarmNamePrefix: "bedrock-test" };
}

async function deploy(raw: RawConfig = {}): Promise<Alerting> {
  resetRecorded();
  const alerting = new Alerting("al", argsFrom(raw));
  await settle(
    alerting.topic.arn,
    ...alerting.alarms.map((alarm) => alarm.arn),
    ...alerting.subscriptions.map((s) => s.arn),
  );
  return alerting;
}

const alarms = () =>
  resourcesOf("aws:cloudwatch/metricAlarm:MetricAlarm").map((r) => r.inputs as unknown as AlarmInputs);
const alarm = (key: string): AlarmInputs => {
  const found = alarms().find((a) => a.name === `bedrock-test-${key}`);
  if (found === undefined)
    throw new Error(
      `no alarm ${key}; have ${alarms()
        .map((a) => a.name)
        .join(", ")}`,
    );
  return found;
};

describe("alerting", () => {
  it("alarms on the seed's thresholds by default, across all models", async () => {
    await deploy();
    expect(alarm("high-input-tokens")).to.deep.include({ threshold: 100_000 });
    expect(alarm("high-input-tokens").metricQueries[0]).to.deep.include({
      expression: 'SELECT SUM(InputTokenCount) FROM SCHEMA("AWS/Bedrock", ModelId)',
      period: 3600,
    });
    expect(alarm("unusual-invocations").threshold).to.equal(1_000);
    expect(alarm("unusual-invocations").metricQueries[0].period).to.equal(3600);
    expect(alarm("server-errors")).to.deep.include({ threshold: 10 });
    expect(alarm("client-errors").metricQueries[0]).to.deep.include({ period: 300 });
    expect(alarm("slow-responses")).to.deep.include({ threshold: 10_000 });
    expect(alarm("slow-responses").metricQueries[0].expression).to.equal(
      'SELECT AVG(InvocationLatency) FROM SCHEMA("AWS/Bedrock", ModelId)',
    );
  });

  it("counts bedrock-mantle tokens and inferences in the token and invocation alarms", async () => {
    await deploy();
    for (const [key, bedrockMetric, mantleMetric] of [
      ["high-input-tokens", "InputTokenCount", "TotalInputTokens"],
      ["unusual-invocations", "Invocations", "Inferences"],
    ]) {
      const queries = alarm(key).metricQueries;
      const returned = queries.filter((query) => query.returnData);
      expect(returned, key).to.have.length(1);
      expect(returned[0].expression).to.equal("FILL(bedrock, 0) + FILL(mantle, 0)");
      expect(queries.find((query) => query.id === "bedrock")?.expression).to.include(`SUM(${bedrockMetric})`);
      // The account-level series: without dimensions, so Project and Model copies are not added again.
      expect(queries.find((query) => query.id === "mantle")?.metric).to.deep.include({
        namespace: "AWS/BedrockMantle",
        metricName: mantleMetric,
        period: 3600,
      });
      expect(queries.find((query) => query.id === "mantle")?.metric).not.to.have.property("dimensions");
    }
  });

  it("holds at most one Metrics Insights query per alarm, as GetMetricData allows", async () => {
    await deploy({ tpmQuotas: ["m=10"], tpmQuotaAlarmPercent: "50", dailyCostBudgetUsd: "10" });
    for (const inputs of alarms()) {
      const insights = inputs.metricQueries.filter((query) => /^\s*SELECT\b/i.test(query.expression ?? ""));
      expect(insights.length, inputs.name).to.be.at.most(1);
    }
  });

  it("alarms at the configured percent of each model's tokens-per-minute quota, only when configured", async () => {
    await deploy();
    expect(alarms().some((inputs) => inputs.name.includes("tpm-quota"))).to.equal(false);
    const sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    await deploy({
      tpmQuotas: [`${sonnet}=2000000`, "anthropic.claude-3-haiku-20240307-v1:0=400000"],
      tpmQuotaAlarmPercent: "80",
    });
    const first = alarm("tpm-quota-1");
    expect(first.threshold).to.equal(1_600_000);
    expect(first.metricQueries[0].metric).to.deep.include({
      namespace: "AWS/Bedrock",
      metricName: "EstimatedTPMQuotaUsage",
      period: 60,
      dimensions: { ModelId: sonnet },
    });
    expect(alarm("tpm-quota-2").threshold).to.equal(320_000);
  });

  it("follows the thresholds in config", async () => {
    await deploy({
      inputTokensPerHourThreshold: "5000000",
      errorsPer5MinThreshold: "3",
      invocationsPerHourThreshold: "20000",
      averageLatencyThresholdMs: "45000",
    });
    expect(alarm("high-input-tokens").threshold).to.equal(5_000_000);
    expect(alarm("server-errors").threshold).to.equal(3);
    expect(alarm("client-errors").threshold).to.equal(3);
    expect(alarm("unusual-invocations").threshold).to.equal(20_000);
    expect(alarm("slow-responses").threshold).to.equal(45_000);
  });

  it("treats missing data as not breaching and notifies the topic on ALARM and on OK, for every alarm", async () => {
    const alerting = await deploy({ dailyCostBudgetUsd: "100" });
    const topicArn = await promiseOf(alerting.topic.arn);
    expect(alarms()).to.have.length.greaterThan(6);
    for (const each of alarms()) {
      expect(each.treatMissingData, each.name).to.equal("notBreaching");
      expect(each.alarmActions, each.name).to.deep.equal([topicArn]);
      expect(each.okActions, each.name).to.deep.equal([topicArn]);
      expect(
        each.metricQueries.filter((q) => q.returnData),
        each.name,
      ).to.have.length(1);
    }
  });

  it("alarms when invocation log delivery fails, to CloudWatch or S3", async () => {
    await deploy();
    const delivery = alarm("log-delivery-failing");
    expect(delivery.threshold).to.equal(0);
    expect(delivery.metricQueries.flatMap((q) => (q.metric ? [q.metric.metricName] : []))).to.deep.equal([
      "ModelInvocationLogsCloudWatchDeliveryFailure",
      "ModelInvocationLogsS3DeliveryFailure",
      "ModelInvocationLargeDataS3DeliveryFailure",
    ]);
    expect(delivery.metricQueries.find((q) => q.returnData)?.expression).to.equal(
      "FILL(m1, 0) + FILL(m2, 0) + FILL(m3, 0)",
    );
  });

  it("has a daily estimated-cost alarm only when dailyCostBudgetUsd is set", async () => {
    await deploy();
    expect(alarms().map((a) => a.name)).to.not.include("bedrock-test-daily-cost-budget");
    await deploy({ dailyCostBudgetUsd: "250" });
    const cost = alarm("daily-cost-budget");
    expect(cost.threshold).to.equal(250);
    expect(cost.metricQueries[0].metric).to.deep.include({
      namespace: "BedrockMonitoring",
      metricName: "EstimatedCostUsd",
      period: 86400,
    });
  });

  it("subscribes each configured e-mail address, and none when the list is empty", async () => {
    await deploy({ alertEmails: '["ops@example.com","finops@example.com","lead@example.com"]' });
    const subscriptions = resourcesOf("aws:sns/topicSubscription:TopicSubscription");
    expect(subscriptions.map((s) => s.inputs.endpoint)).to.deep.equal([
      "ops@example.com",
      "finops@example.com",
      "lead@example.com",
    ]);
    expect(subscriptions.every((s) => s.inputs.protocol === "email")).to.equal(true);

    await deploy({ alertEmails: "[]" });
    expect(resourcesOf("aws:sns/topicSubscription:TopicSubscription")).to.have.length(0);
    expect(resourcesOf("aws:sns/topic:Topic")).to.have.length(1);
  });

  it("warns at preview time when nobody would be notified", async () => {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
      warnings.push(message);
      return Promise.resolve();
    };
    try {
      await deploy({ alertEmails: "[]" });
      expect(warnings.join("\n")).to.match(/alertEmails is empty/);
      warnings.length = 0;
      await deploy({ alertEmails: '["ops@example.com"]' });
      expect(warnings).to.deep.equal([]);
    } finally {
      pulumi.log.warn = warn;
    }
  });

  it("encrypts the topic with a configured key", async () => {
    const key = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    await deploy({ alertTopicKmsKeyArn: key });
    expect(oneResourceOf("aws:sns/topic:Topic").inputs.kmsMasterKeyId).to.equal(key);
  });

  it("creates alarms only once CloudWatch may publish to the topic", async () => {
    await deploy();
    expect(dependenciesOf("aws:cloudwatch/metricAlarm:MetricAlarm", "al-high-input-tokens")).to.include(
      "aws:sns/topicPolicy:TopicPolicy::al-alerts",
    );
  });

  it("gives the topic the policy that lets CloudWatch of this account publish", async () => {
    const alerting = await deploy();
    const topicArn = await promiseOf(alerting.topic.arn);
    const policy = JSON.parse(String(oneResourceOf("aws:sns/topicPolicy:TopicPolicy").inputs.policy));
    expect(policy).to.deep.equal(
      alertTopicPolicy({ partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT, topicArn }),
    );
  });
});

describe("alert topic policy", () => {
  const topicArn = `arn:aws:sns:${TEST_REGION}:${TEST_ACCOUNT}:bedrock-alerts`;
  const policy = alertTopicPolicy({ partition: "aws", region: TEST_REGION, accountId: TEST_ACCOUNT, topicArn });

  async function publish(principal: string, context: Record<string, string>): Promise<string> {
    const simulation = {
      request: {
        principal,
        action: "sns:Publish",
        resource: { resource: topicArn, accountId: TEST_ACCOUNT },
        contextVariables: context,
      },
      identityPolicies: [],
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      resourcePolicy: policy,
    } as Simulation;
    const response = await runSimulation(simulation, {});
    if (response.resultType === "error") throw new Error(JSON.stringify(response.errors));
    return response.overallResult;
  }

  it("lets CloudWatch alarms of this account publish", async () => {
    const context = {
      "aws:SourceAccount": TEST_ACCOUNT,
      "aws:SourceArn": `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:bedrock-test-throttles`,
    };
    expect(await publish("cloudwatch.amazonaws.com", context)).to.equal("Allowed");
  });

  it("refuses CloudWatch acting for another account", async () => {
    const context = {
      "aws:SourceAccount": "444455556666",
      "aws:SourceArn": `arn:aws:cloudwatch:${TEST_REGION}:444455556666:alarm:x`,
    };
    expect(await publish("cloudwatch.amazonaws.com", context)).to.not.equal("Allowed");
  });

  it("refuses other service principals and other accounts' users", async () => {
    const context = {
      "aws:SourceAccount": TEST_ACCOUNT,
      "aws:SourceArn": `arn:aws:cloudwatch:${TEST_REGION}:${TEST_ACCOUNT}:alarm:x`,
    };
    expect(await publish("events.amazonaws.com", context)).to.not.equal("Allowed");
    expect(await publish("arn:aws:iam::444455556666:user/mallory", {})).to.not.equal("Allowed");
  });
});
