/**
 * The settings every bucket of the stack shares (the log archive, Athena's
 * query results): no public access, and encryption at rest with S3's keys or
 * the stack's KMS key (with an S3 Bucket Key, which cuts the KMS requests:
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-key.html).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** BucketPublicAccessBlock arguments besides the bucket: every public path closed. */
export const NO_PUBLIC_ACCESS = {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
} as const;

/** BucketServerSideEncryptionConfiguration rules: SSE-S3 without a key, else SSE-KMS with a bucket key. */
export function encryptionRules(
  kmsKeyArn: pulumi.Input<string> | undefined,
): aws.types.input.s3.BucketServerSideEncryptionConfigurationRule[] {
  return [
    kmsKeyArn === undefined
      ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
      : {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: kmsKeyArn },
          bucketKeyEnabled: true,
        },
  ];
}
