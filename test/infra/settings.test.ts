import { expect } from "chai";
import { CLOUDWATCH_RETENTION_DAYS, parseStackSettings, StackConfigError, type RawConfig } from "../../infra/settings";

function configError(raw: RawConfig): StackConfigError {
  try {
    parseStackSettings(raw);
  } catch (error) {
    if (error instanceof StackConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be rejected`);
}

describe("stack settings", () => {
  it("defaults to the seed's values: 30 days in CloudWatch, 90 in S3, S3 delivery on, nothing destroyed by force", () => {
    const { logging, alertEmails } = parseStackSettings({});
    expect(logging).to.deep.include({
      logGroupName: "/aws/bedrock/modelinvocations",
      logRetentionDays: 30,
      archiveRetentionDays: 90,
      enableS3Delivery: true,
      forceDestroy: false,
      kmsKeyArn: undefined,
      archiveKeyPrefix: "",
      importExistingLogGroup: false,
      importExistingBucket: false,
      imageDataDelivery: false,
      embeddingDataDelivery: false,
    });
    expect(alertEmails).to.deep.equal([]);
  });

  it("reads values as `pulumi config` stores them (strings, and JSON for lists)", () => {
    const { logging, alertEmails } = parseStackSettings({
      logRetentionDays: "14",
      archiveRetentionDays: "30",
      enableS3Delivery: "false",
      forceDestroy: "true",
      archiveKeyPrefix: "bedrock",
      alertEmails: '["ops@example.com","fin.ops+bedrock@example.co.uk"]',
    });
    expect(logging).to.deep.include({ logRetentionDays: 14, archiveRetentionDays: 30, enableS3Delivery: false, forceDestroy: true, archiveKeyPrefix: "bedrock/" });
    expect(alertEmails).to.deep.equal(["ops@example.com", "fin.ops+bedrock@example.co.uk"]);
  });

  it("accepts every retention CloudWatch accepts", () => {
    for (const days of CLOUDWATCH_RETENTION_DAYS) {
      expect(parseStackSettings({ logRetentionDays: String(days), archiveRetentionDays: "3653" }).logging.logRetentionDays).to.equal(days);
    }
  });

  describe("rejects, naming the key, the value and what is allowed,", () => {
    it("a retention CloudWatch does not accept", () => {
      const error = configError({ logRetentionDays: "45" });
      expect(error.message).to.equal(
        "Invalid stack config bedrock-monitoring:logRetentionDays = 45: CloudWatch Logs accepts only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days.",
      );
      expect(configError({ logRetentionDays: "thirty" }).message).to.match(/logRetentionDays = "thirty": expected a whole number/);
    });

    it("an archive retention shorter than the log retention", () => {
      const error = configError({ logRetentionDays: "60", archiveRetentionDays: "30" });
      expect(error.message).to.match(/bedrock-monitoring:archiveRetentionDays = 30: .*at least as long .*logRetentionDays = 60/);
    });

    it("a malformed e-mail address", () => {
      for (const bad of ["ops", "ops@", "@example.com", "ops@example", "ops @example.com", "ops@exa_mple.com"]) {
        const error = configError({ alertEmails: JSON.stringify(["good@example.com", bad]) });
        expect(error.message).to.equal(`Invalid stack config bedrock-monitoring:alertEmails = ${JSON.stringify(bad)}: each entry must be an e-mail address like ops@example.com.`);
      }
      expect(configError({ alertEmails: "ops@example.com" }).message).to.match(/alertEmails = "ops@example.com": expected a list of strings/);
    });

    it("a kmsKeyArn that is not a KMS key ARN", () => {
      for (const bad of [
        "alias/bedrock-logs",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:111122223333:alias/bedrock-logs",
        "arn:aws:s3:::bucket",
      ]) {
        expect(configError({ kmsKeyArn: bad }).message).to.match(/^Invalid stack config bedrock-monitoring:kmsKeyArn = .*: expected a KMS key ARN like arn:aws:kms:/);
      }
    });

    it("a log group name CloudWatch would refuse", () => {
      expect(configError({ logGroupName: "bedrock logs" }).message).to.match(/logGroupName = "bedrock logs": a log group name is/);
    });

    it("a bucket name S3 would refuse", () => {
      expect(configError({ archiveBucketName: "Bedrock_Logs" }).message).to.match(/archiveBucketName = "Bedrock_Logs": an S3 bucket name/);
    });

    it("adopting a bucket without naming it", () => {
      expect(configError({ importExistingBucket: "true" }).message).to.match(/importExistingBucket = true: set archiveBucketName/);
    });

    it("a flag that is not true or false", () => {
      expect(configError({ forceDestroy: "yes" }).message).to.equal('Invalid stack config bedrock-monitoring:forceDestroy = "yes": expected true or false.');
    });
  });
});
