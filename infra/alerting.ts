import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { alarmSpecs, type AlarmSpec, type AlarmThresholds } from "./alarm-specs";
import { accountScope } from "./account-scope";
import { alertTopicPolicy } from "./policies";

export interface AlertingArgs {
  thresholds: AlarmThresholds;
  /** One e-mail subscription each; every address must confirm it. */
  alertEmails: string[];
  /** KMS key for the topic; its key policy must let cloudwatch.amazonaws.com use it. */
  topicKmsKeyArn?: string;
  /** Prefix of every alarm name, e.g. `bedrock-dev`. */
  alarmNamePrefix: string;
  tags?: Record<string, string>;
}

/**
 * The alarms of alarm-specs.ts (token volume, unusual invocations, errors,
 * throttles, slow responses, failing log delivery, the daily cost budget), all
 * notifying one SNS topic on ALARM and on OK, with one e-mail subscription per
 * configured address.
 */
export class Alerting extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly subscriptions: aws.sns.TopicSubscription[];

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-monitoring:index:Alerting", name, {}, opts);
    const child = { parent: this };

    if (args.alertEmails.length === 0) {
      pulumi.log.warn(
        "alertEmails is empty: alarms will change state but notify nobody. Set it with `pulumi config set --path 'bedrock-monitoring:alertEmails[0]' you@example.com`.",
        this,
      );
    }

    this.topic = new aws.sns.Topic(
      `${name}-alerts`,
      { displayName: "Bedrock monitoring alerts", kmsMasterKeyId: args.topicKmsKeyArn, tags: args.tags },
      child,
    );

    const scope = accountScope(child);
    const topicPolicy = new aws.sns.TopicPolicy(
      `${name}-alerts`,
      {
        arn: this.topic.arn,
        policy: pulumi
          .all([scope, this.topic.arn])
          .apply(([s, topicArn]) => JSON.stringify(alertTopicPolicy({ ...s, topicArn }))),
      },
      child,
    );

    this.subscriptions = args.alertEmails.map(
      (email, index) =>
        new aws.sns.TopicSubscription(
          `${name}-email-${index}`,
          { topic: this.topic.arn, protocol: "email", endpoint: email },
          child,
        ),
    );

    this.alarms = alarmSpecs(args.thresholds).map((spec) => this.createAlarm(name, args, spec, topicPolicy));

    this.registerOutputs({
      topicArn: this.topic.arn,
      alarmNames: this.alarms.map((alarm) => alarm.name),
    });
  }

  private createAlarm(name: string, args: AlertingArgs, spec: AlarmSpec, topicPolicy: aws.sns.TopicPolicy) {
    return new aws.cloudwatch.MetricAlarm(
      `${name}-${spec.key}`,
      {
        name: `${args.alarmNamePrefix}-${spec.key}`,
        alarmDescription: spec.description,
        comparisonOperator: spec.comparisonOperator,
        threshold: spec.threshold,
        evaluationPeriods: spec.evaluationPeriods,
        datapointsToAlarm: spec.datapointsToAlarm,
        treatMissingData: spec.treatMissingData,
        metricQueries: spec.queries.map((query) => ({
          id: query.id,
          label: query.label,
          returnData: query.returnData,
          expression: query.expression,
          period: query.expression === undefined ? undefined : query.period,
          metric: query.metric && {
            namespace: query.metric.namespace,
            metricName: query.metric.metricName,
            stat: query.metric.stat,
            period: query.metric.period,
            dimensions: query.metric.dimensions,
          },
        })),
        alarmActions: [this.topic.arn],
        okActions: [this.topic.arn],
        tags: args.tags,
      },
      // Notifications only reach the topic once CloudWatch is allowed to publish to it.
      { parent: this, dependsOn: [topicPolicy] },
    );
  }
}
