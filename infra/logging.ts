import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accountScope } from "./account-scope";
import { encryptionRules, NO_PUBLIC_ACCESS } from "./bucket-settings";
import { archiveBucketPolicy, deliveryRolePolicy, deliveryRoleTrustPolicy, type AccountScope } from "./policies";
import type { LoggingSettings } from "./settings";

export type InvocationLoggingArgs = LoggingSettings & {
  /** Tags for every taggable child. */
  tags?: Record<string, string>;
};

/** Days before an incomplete multipart upload, or an object version that was replaced or expired, is removed. */
export const ABORT_MULTIPART_AFTER_DAYS = 7;
export const NONCURRENT_VERSION_DAYS = 7;

export function defaultArchiveBucketName(accountId: string, region: string): string {
  return `bedrock-invocation-logs-${accountId}-${region}`;
}

/**
 * Bedrock model invocation logging: a CloudWatch log group with retention, a
 * versioned and encrypted S3 archive with lifecycle, the least-privilege role
 * Bedrock assumes to write the log group, and the account's logging
 * configuration, put only once Bedrock's access is in place.
 */
export class InvocationLogging extends pulumi.ComponentResource {
  readonly region: pulumi.Output<string>;
  readonly accountId: pulumi.Output<string>;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly bucket: aws.s3.Bucket;
  readonly role: aws.iam.Role;
  readonly configuration: aws.bedrockmodel.InvocationLoggingConfiguration;
  /** Key prefix of the archived records: `<prefix>AWSLogs/<account>/BedrockModelInvocationLogs/`. */
  readonly archiveRecordsPrefix: pulumi.Output<string>;

  constructor(name: string, args: InvocationLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-monitoring:index:InvocationLogging", name, {}, opts);
    const child = { parent: this };

    const scope = accountScope(child);
    this.region = scope.region;
    this.accountId = scope.accountId;

    this.logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: args.logGroupName,
        retentionInDays: args.logRetentionDays,
        kmsKeyId: args.kmsKeyArn,
        tags: args.tags,
      },
      { ...child, import: args.importExistingLogGroup ? args.logGroupName : undefined },
    );

    const archive = this.createArchive(name, args, scope);
    this.bucket = archive.bucket;
    this.archiveRecordsPrefix = scope.accountId.apply(
      (accountId) => `${args.archiveKeyPrefix}AWSLogs/${accountId}/BedrockModelInvocationLogs/`,
    );

    this.role = new aws.iam.Role(
      `${name}-delivery`,
      {
        description: "Lets Bedrock in this account and region deliver model invocation logs to CloudWatch Logs.",
        assumeRolePolicy: scope.apply((s) => JSON.stringify(deliveryRoleTrustPolicy(s))),
        tags: args.tags,
      },
      child,
    );
    const rolePolicy = new aws.iam.RolePolicy(
      `${name}-delivery`,
      {
        role: this.role.id,
        policy: pulumi.all([scope, this.bucket.bucket]).apply(([s, bucketName]) =>
          JSON.stringify(
            deliveryRolePolicy({
              ...s,
              logGroupName: args.logGroupName,
              bucketName,
              keyPrefix: args.archiveKeyPrefix,
              s3Delivery: args.enableS3Delivery,
              kmsKeyArn: args.kmsKeyArn,
            }),
          ),
        ),
      },
      child,
    );

    const keyPrefix = args.archiveKeyPrefix === "" ? undefined : args.archiveKeyPrefix.replace(/\/$/, "");
    this.configuration = new aws.bedrockmodel.InvocationLoggingConfiguration(
      `${name}-config`,
      {
        loggingConfig: {
          cloudwatchConfig: {
            logGroupName: this.logGroup.name,
            roleArn: this.role.arn,
            largeDataDeliveryS3Config: { bucketName: this.bucket.bucket, keyPrefix },
          },
          s3Config: args.enableS3Delivery ? { bucketName: this.bucket.bucket, keyPrefix } : undefined,
          textDataDeliveryEnabled: true,
          imageDataDeliveryEnabled: args.imageDataDelivery,
          embeddingDataDeliveryEnabled: args.embeddingDataDelivery,
          videoDataDeliveryEnabled: args.videoDataDelivery,
        },
      },
      // Bedrock checks that it can write to both destinations when the configuration is put.
      { ...child, dependsOn: [rolePolicy, archive.policy, archive.encryption] },
    );

    this.registerOutputs({
      region: this.region,
      accountId: this.accountId,
      logGroupName: this.logGroup.name,
      logGroupArn: this.logGroup.arn,
      bucketName: this.bucket.bucket,
      roleArn: this.role.arn,
      archiveRecordsPrefix: this.archiveRecordsPrefix,
    });
  }

  private createArchive(name: string, args: InvocationLoggingArgs, scope: pulumi.Output<AccountScope>) {
    const child = { parent: this };
    const bucket = new aws.s3.Bucket(
      `${name}-archive`,
      {
        bucket: args.archiveBucketName ?? scope.apply((s) => defaultArchiveBucketName(s.accountId, s.region)),
        forceDestroy: args.forceDestroy,
        tags: args.tags,
      },
      // The import ID must be known before the program runs, so adopting a bucket requires naming it.
      { ...child, import: args.importExistingBucket ? args.archiveBucketName : undefined },
    );
    const target = { bucket: bucket.id };

    new aws.s3.BucketOwnershipControls(
      `${name}-archive`,
      { ...target, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-archive`,
      {
        ...target,
        ...NO_PUBLIC_ACCESS,
      },
      child,
    );
    new aws.s3.BucketVersioning(
      `${name}-archive`,
      { ...target, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-archive`,
      {
        ...target,
        rules: encryptionRules(args.kmsKeyArn),
      },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-archive`,
      {
        ...target,
        rules: [
          {
            id: "expire-invocation-logs",
            status: "Enabled",
            filter: { prefix: args.archiveKeyPrefix },
            expiration: { days: args.archiveRetentionDays },
            noncurrentVersionExpiration: { noncurrentDays: NONCURRENT_VERSION_DAYS },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_MULTIPART_AFTER_DAYS },
          },
          {
            // Expiring a current version in a versioned bucket leaves a delete marker; remove it once nothing is behind it.
            id: "remove-expired-delete-markers",
            status: "Enabled",
            filter: { prefix: args.archiveKeyPrefix },
            expiration: { expiredObjectDeleteMarker: true },
          },
        ],
      },
      child,
    );
    const policy = new aws.s3.BucketPolicy(
      `${name}-archive`,
      {
        ...target,
        policy: pulumi
          .all([scope, bucket.bucket])
          .apply(([s, bucketName]) =>
            JSON.stringify(archiveBucketPolicy({ ...s, bucketName, keyPrefix: args.archiveKeyPrefix })),
          ),
      },
      // S3 rejects a bucket policy while the public access block is still being applied.
      { ...child, dependsOn: [publicAccess] },
    );
    return { bucket, policy, encryption };
  }
}
