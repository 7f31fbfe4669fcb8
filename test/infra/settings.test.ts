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
    const { logging, alerting: { alertEmails } } = parseStackSettings({});
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
    const { logging, alerting: { alertEmails } } = parseStackSettings({
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

  it("defaults alarm thresholds to the seed's: 100,000 input tokens an hour, 10 errors in 5 minutes, 1,000 invocations an hour, 10 s latency", () => {
    const { alerting, dashboard } = parseStackSettings({});
    expect(alerting.thresholds).to.deep.equal({
      inputTokensPerHour: 100_000,
      errorsPer5Minutes: 10,
      throttlesPer5Minutes: 10,
      invocationsPerHour: 1_000,
      averageLatencyMs: 10_000,
      dailyCostBudgetUsd: undefined,
    });
    expect(dashboard).to.deep.equal({ periodSeconds: 300, rangeHours: 24 });
  });

  it("takes thresholds, the cost budget and the dashboard period from config", () => {
    const { alerting, dashboard } = parseStackSettings({
      inputTokensPerHourThreshold: "2500000",
      averageLatencyThresholdMs: "30000",
      dailyCostBudgetUsd: "250.50",
      dashboardPeriodSeconds: "3600",
      dashboardRangeHours: "168",
    });
    expect(alerting.thresholds).to.include({ inputTokensPerHour: 2_500_000, averageLatencyMs: 30_000, dailyCostBudgetUsd: 250.5 });
    expect(dashboard).to.deep.equal({ periodSeconds: 3600, rangeHours: 168 });
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

    for (const key of [
      "inputTokensPerHourThreshold",
      "errorsPer5MinThreshold",
      "throttlesPer5MinThreshold",
      "invocationsPerHourThreshold",
      "averageLatencyThresholdMs",
      "dailyCostBudgetUsd",
    ]) {
      it(`an alarm threshold ${key} that is zero, negative or not a number`, () => {
        for (const bad of ["0", "-5", "abc", "NaN", "Infinity"]) {
          expect(configError({ [key]: bad }).message).to.equal(`Invalid stack config bedrock-monitoring:${key} = ${JSON.stringify(bad)}: expected a number greater than 0.`);
        }
      });
    }

    it("a dashboard period CloudWatch does not offer, or a range beyond its retention", () => {
      expect(configError({ dashboardPeriodSeconds: "120" }).message).to.equal(
        "Invalid stack config bedrock-monitoring:dashboardPeriodSeconds = 120: expected one of 60, 300, 900, 3600, 21600, 86400 seconds.",
      );
      expect(configError({ dashboardRangeHours: "0" }).message).to.match(/dashboardRangeHours = 0: expected 1 to 10920 hours/);
      expect(configError({ dashboardRangeHours: "99999" }).message).to.match(/dashboardRangeHours = 99999/);
    });

    it("an alert topic key that is not a KMS key ARN", () => {
      expect(configError({ alertTopicKmsKeyArn: "alias/aws/sns" }).message).to.match(/alertTopicKmsKeyArn = "alias\/aws\/sns": expected a KMS key ARN/);
    });

    it("a flag that is not true or false", () => {
      expect(configError({ forceDestroy: "yes" }).message).to.equal('Invalid stack config bedrock-monitoring:forceDestroy = "yes": expected true or false.');
    });
  });
});
