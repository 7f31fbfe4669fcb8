/**
 * IAM policy documents for invocation logging, built from plain strings so
 * they can be evaluated by an IAM simulator without Pulumi.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Principal?: { Service: string } | { AWS: string } | "*";
  Action: string | string[];
  /** Absent only in trust policies, where IAM rejects a Resource element. */
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export const BEDROCK_SERVICE = "bedrock.amazonaws.com";

/** Where the stack lives: the values every ARN and condition is built from. */
export interface AccountScope {
  partition: string;
  region: string;
  accountId: string;
}

export interface DeliveryTarget extends AccountScope {
  logGroupName: string;
  bucketName: string;
  /** Key prefix in front of `AWSLogs/`, empty or ending in `/`. */
  keyPrefix: string;
  /** Grant the role `s3:PutObject` on the log prefix (S3 delivery on). */
  s3Delivery: boolean;
  kmsKeyArn?: string;
}

/** The `aws:SourceAccount`/`aws:SourceArn` pair that stops another account's Bedrock from using our role or bucket (confused deputy). */
export function bedrockSourceConditions(scope: AccountScope): PolicyStatement["Condition"] {
  return {
    StringEquals: { "aws:SourceAccount": scope.accountId },
    ArnLike: { "aws:SourceArn": `arn:${scope.partition}:bedrock:${scope.region}:${scope.accountId}:*` },
  };
}

export function logGroupArn(target: Omit<DeliveryTarget, "bucketName" | "keyPrefix" | "s3Delivery">): string {
  return `arn:${target.partition}:logs:${target.region}:${target.accountId}:log-group:${target.logGroupName}`;
}

/** The objects Bedrock writes: `<prefix>AWSLogs/<account>/BedrockModelInvocationLogs/...` (records and large-data bodies alike). */
export function archiveObjectsArn(
  target: Pick<DeliveryTarget, "partition" | "bucketName" | "keyPrefix" | "accountId">,
): string {
  return `arn:${target.partition}:s3:::${target.bucketName}/${target.keyPrefix}AWSLogs/${target.accountId}/BedrockModelInvocationLogs/*`;
}

export function deliveryRoleTrustPolicy(scope: AccountScope): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BedrockInvocationLoggingOnly",
        Effect: "Allow",
        Principal: { Service: BEDROCK_SERVICE },
        Action: "sts:AssumeRole",
        Condition: bedrockSourceConditions(scope),
      },
    ],
  };
}

export function deliveryRolePolicy(target: DeliveryTarget): PolicyDocument {
  const group = logGroupArn(target);
  const statements: PolicyStatement[] = [
    {
      Sid: "CreateTheInvocationLogGroup",
      Effect: "Allow",
      Action: "logs:CreateLogGroup",
      Resource: group,
    },
    {
      Sid: "WriteInvocationLogStreams",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: `${group}:log-stream:*`,
    },
  ];
  if (target.s3Delivery) {
    statements.push({
      Sid: "WriteInvocationLogArchive",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: archiveObjectsArn(target),
    });
  }
  if (target.kmsKeyArn !== undefined) {
    statements.push({
      Sid: "EncryptWithTheStackKey",
      Effect: "Allow",
      Action: "kms:GenerateDataKey",
      Resource: target.kmsKeyArn,
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export function archiveBucketPolicy(
  target: Pick<DeliveryTarget, "partition" | "region" | "accountId" | "bucketName" | "keyPrefix">,
): PolicyDocument {
  const bucket = `arn:${target.partition}:s3:::${target.bucketName}`;
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "BedrockWritesInvocationLogs",
        Effect: "Allow",
        Principal: { Service: BEDROCK_SERVICE },
        Action: "s3:PutObject",
        Resource: archiveObjectsArn(target),
        Condition: bedrockSourceConditions(target),
      },
      {
        Sid: "DenyRequestsWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [bucket, `${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** Only CloudWatch alarms of this account and region may publish to the alert topic. */
export function alertTopicPolicy(scope: AccountScope & { topicArn: string }): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarmsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: scope.topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": scope.accountId },
          ArnLike: { "aws:SourceArn": `arn:${scope.partition}:cloudwatch:${scope.region}:${scope.accountId}:alarm:*` },
        },
      },
    ],
  };
}
