import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PRICE_CATALOG, type PriceCatalog } from "../../reporting/src/kernel/pricing/catalog";
import { accountScope } from "../account-scope";
import { ESTIMATED_COST_NAMESPACE } from "../alarm-specs";
import type { PolicyDocument } from "../policies";
import { estimatorPackage } from "./bundle";

/**
 * Of the Node.js runtimes @pulumi/aws offers, the one AWS supports longest: nodejs24.x is deprecated on
 * Apr 30, 2028 (function creation blocked from Jun 1, 2028), nodejs22.x on Apr 30, 2027, and nodejs20.x was
 * deprecated on Apr 30, 2026 with creation blocked from Aug 31, 2026; see the table of Node.js runtimes on
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html. The packaged handler is tested on Node.js 24.
 */
export const ESTIMATOR_RUNTIME = aws.lambda.Runtime.NodeJS24dX;

export interface CostEstimatorArgs {
  /** The function's name; its log group is named after it. */
  functionName: string;
  logRetentionDays: number;
  tags?: Record<string, string>;
  /** The catalog it prices with (default the built-in one; see price-catalog.ts). */
  catalog?: PriceCatalog;
}

export function estimatorPolicy(
  scope: { partition: string; region: string; accountId: string },
  logGroupName: string,
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      // GetMetricData and PutMetricData have no resource-level permissions; the namespace condition narrows the write.
      { Sid: "ReadBedrockMetrics", Effect: "Allow", Action: "cloudwatch:GetMetricData", Resource: "*" },
      {
        Sid: "PublishTheEstimate",
        Effect: "Allow",
        Action: "cloudwatch:PutMetricData",
        Resource: "*",
        Condition: { StringEquals: { "cloudwatch:namespace": ESTIMATED_COST_NAMESPACE } },
      },
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logGroupName}:log-stream:*`,
      },
    ],
  };
}

/**
 * An hourly Lambda that prices the last hour's token metrics with the catalog
 * and publishes `BedrockMonitoring/EstimatedCostUsd`, which the daily budget
 * alarm watches.
 */
export class CostEstimator extends pulumi.ComponentResource {
  readonly function: aws.lambda.Function;

  constructor(name: string, args: CostEstimatorArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-monitoring:index:CostEstimator", name, {}, opts);
    const child = { parent: this };
    const scope = accountScope(child);
    const logGroupName = `/aws/lambda/${args.functionName}`;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays, tags: args.tags },
      child,
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
        tags: args.tags,
      },
      child,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-role`,
      { role: role.id, policy: scope.apply((s) => JSON.stringify(estimatorPolicy(s, logGroupName))) },
      child,
    );

    const files = scope.apply((s) => estimatorPackage(args.catalog ?? PRICE_CATALOG, s));
    this.function = new aws.lambda.Function(
      `${name}-function`,
      {
        name: args.functionName,
        description: "Prices the last hour of Bedrock token metrics with the bedrock-monitoring catalog",
        runtime: ESTIMATOR_RUNTIME,
        handler: "index.handler",
        role: role.arn,
        timeout: 60,
        memorySize: 128,
        code: files.apply(
          (contents) =>
            new pulumi.asset.AssetArchive(
              Object.fromEntries(
                Object.entries(contents).map(([file, text]) => [file, new pulumi.asset.StringAsset(text)]),
              ),
            ),
        ),
        tags: args.tags,
      },
      { ...child, dependsOn: [logGroup, rolePolicy] },
    );

    // Five past the hour, so the hour's metrics have arrived.
    const schedule = new aws.cloudwatch.EventRule(
      `${name}-hourly`,
      { scheduleExpression: "cron(5 * * * ? *)", tags: args.tags },
      child,
    );
    new aws.lambda.Permission(
      `${name}-hourly`,
      {
        action: "lambda:InvokeFunction",
        function: this.function.name,
        principal: "events.amazonaws.com",
        sourceArn: schedule.arn,
      },
      child,
    );
    new aws.cloudwatch.EventTarget(`${name}-hourly`, { rule: schedule.name, arn: this.function.arn }, child);

    this.registerOutputs({ functionName: this.function.name });
  }
}
