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
    const {
      logging,
      alerting: { alertEmails },
    } = parseStackSettings({});
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
    const {
      logging,
      alerting: { alertEmails },
    } = parseStackSettings({
      logRetentionDays: "14",
      archiveRetentionDays: "30",
      enableS3Delivery: "false",
      forceDestroy: "true",
      archiveKeyPrefix: "bedrock",
      alertEmails: '["ops@example.com","fin.ops+bedrock@example.co.uk"]',
    });
    expect(logging).to.deep.include({
      logRetentionDays: 14,
      archiveRetentionDays: 30,
      enableS3Delivery: false,
      forceDestroy: true,
      archiveKeyPrefix: "bedrock/",
    });
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
    expect(dashboard).to.deep.equal({ periodSeconds: 300, rangeHours: 24, tpmQuotas: [] });
  });

  it("takes thresholds, the cost budget and the dashboard period from config", () => {
    const { alerting, dashboard } = parseStackSettings({
      inputTokensPerHourThreshold: "2500000",
      averageLatencyThresholdMs: "30000",
      dailyCostBudgetUsd: "250.50",
      dashboardPeriodSeconds: "3600",
      dashboardRangeHours: "168",
    });
    expect(alerting.thresholds).to.include({
      inputTokensPerHour: 2_500_000,
      averageLatencyMs: 30_000,
      dailyCostBudgetUsd: 250.5,
    });
    expect(dashboard).to.deep.equal({ periodSeconds: 3600, rangeHours: 168, tpmQuotas: [] });
  });

  it("takes tokens-per-minute quotas and the quota alarm's percent, and no quota alarm by default", () => {
    const sonnet = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
    const { alerting, dashboard } = parseStackSettings({
      tpmQuotas: [`${sonnet}=2000000`],
      tpmQuotaAlarmPercent: "80",
    });
    expect(dashboard.tpmQuotas).to.deep.equal([{ modelId: sonnet, tokensPerMinute: 2_000_000 }]);
    expect(alerting.thresholds.tpmQuotaAlarm).to.deep.equal({
      percent: 80,
      quotas: [{ modelId: sonnet, tokensPerMinute: 2_000_000 }],
    });
    expect(parseStackSettings({ tpmQuotas: [`${sonnet}=2000000`] }).alerting.thresholds.tpmQuotaAlarm).to.equal(
      undefined,
    );
  });

  it("refuses a malformed quota, a percent above 100, and a quota alarm without quotas", () => {
    expect(configError({ tpmQuotas: ["sonnet"] }).message).to.match(/tpmQuotas = "sonnet": each entry is "<ModelId>=/);
    expect(configError({ tpmQuotas: ["m=0"] }).message).to.match(/with a quota above 0/);
    expect(configError({ tpmQuotas: ["m=10"], tpmQuotaAlarmPercent: "150" }).message).to.match(
      /tpmQuotaAlarmPercent = "150": expected 0 \(off\) or a percent/,
    );
    expect(configError({ tpmQuotaAlarmPercent: "80" }).message).to.match(/set tpmQuotas as well/);
  });

  it("accepts every retention CloudWatch accepts", () => {
    for (const days of CLOUDWATCH_RETENTION_DAYS) {
      expect(
        parseStackSettings({ logRetentionDays: String(days), archiveRetentionDays: "3653" }).logging.logRetentionDays,
      ).to.equal(days);
    }
  });

  describe("rejects, naming the key, the value and what is allowed,", () => {
    it("a retention CloudWatch does not accept", () => {
      const error = configError({ logRetentionDays: "45" });
      expect(error.message).to.equal(
        "Invalid stack config bedrock-monitoring:logRetentionDays = 45: CloudWatch Logs accepts only 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days.",
      );
      expect(configError({ logRetentionDays: "thirty" }).message).to.match(
        /logRetentionDays = "thirty": expected a whole number/,
      );
    });

    it("a number written in hex, binary, octal, exponent form or with blanks, which Number() would read as another value", () => {
      for (const bad of ["0x1e", "0b11110", "0o36", "3e1", " 30", "30 ", "30.0", "+30", "Infinity"]) {
        expect(configError({ logRetentionDays: bad }).message, bad).to.equal(
          `Invalid stack config bedrock-monitoring:logRetentionDays = ${JSON.stringify(bad)}: expected a whole number of days in decimal digits, e.g. 30.`,
        );
      }
      for (const bad of ["0x10", "0b101", "1e3", "1_000", " 5", "5."]) {
        expect(configError({ errorsPer5MinThreshold: bad }).message, bad).to.equal(
          `Invalid stack config bedrock-monitoring:errorsPer5MinThreshold = ${JSON.stringify(bad)}: expected a number greater than 0 in decimal digits, e.g. 10 or 2.5.`,
        );
      }
      expect(
        parseStackSettings({ dailyCostBudgetUsd: "12.75", dashboardRangeHours: "0048" }).alerting.thresholds
          .dailyCostBudgetUsd,
      ).to.equal(12.75);
    });

    it("an archive retention shorter than the log retention", () => {
      const error = configError({ logRetentionDays: "60", archiveRetentionDays: "30" });
      expect(error.message).to.match(
        /bedrock-monitoring:archiveRetentionDays = 30: .*at least as long .*logRetentionDays = 60/,
      );
    });

    it("a malformed e-mail address", () => {
      const malformed = [
        ".ops@example.com",
        "ops.@example.com",
        "o..ps@example.com",
        "ops@example.123",
        "ops@example.c",
        "ops@@example.com",
      ];
      for (const bad of [
        "ops",
        "ops@",
        "@example.com",
        "ops@example",
        "ops @example.com",
        "ops@exa_mple.com",
        ...malformed,
      ]) {
        const error = configError({ alertEmails: JSON.stringify(["good@example.com", bad]) });
        expect(error.message).to.equal(
          `Invalid stack config bedrock-monitoring:alertEmails = ${JSON.stringify(bad)}: each entry must be an e-mail address like ops@example.com.`,
        );
      }
      expect(configError({ alertEmails: "ops@example.com" }).message).to.match(
        /alertEmails = "ops@example.com": expected a list of strings/,
      );
    });

    it("a kmsKeyArn that is not a KMS key ARN", () => {
      for (const bad of [
        "alias/bedrock-logs",
        "1234abcd-12ab-34cd-56ef-1234567890ab",
        "arn:aws:kms:us-east-1:111122223333:alias/bedrock-logs",
        "arn:aws:s3:::bucket",
      ]) {
        expect(configError({ kmsKeyArn: bad }).message).to.match(
          /^Invalid stack config bedrock-monitoring:kmsKeyArn = .*: expected a KMS key ARN like arn:aws:kms:/,
        );
      }
    });

    it("a log group name CloudWatch would refuse", () => {
      expect(configError({ logGroupName: "bedrock logs" }).message).to.match(
        /logGroupName = "bedrock logs": a log group name is/,
      );
      expect(configError({ logGroupName: "x".repeat(513) }).message).to.match(/a log group name is 1-512 characters/);
    });

    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html
    it("a log group name starting with aws/, which CloudWatch reserves", () => {
      expect(configError({ logGroupName: "aws/bedrock/invocations" }).message).to.equal(
        'Invalid stack config bedrock-monitoring:logGroupName = "aws/bedrock/invocations": a log group name must not start with "aws/" (reserved by AWS); "/aws/..." is fine.',
      );
      expect(parseStackSettings({ logGroupName: "/aws/bedrock/team-a" }).logging.logGroupName).to.equal(
        "/aws/bedrock/team-a",
      );
    });

    it("a bucket name S3 would refuse: characters, length, first and last character", () => {
      for (const bad of ["Bedrock_Logs", "ab", "a".repeat(64), "-bedrock-logs", "bedrock-logs.", "bedrock logs"]) {
        expect(configError({ archiveBucketName: bad }).message, bad).to.equal(
          `Invalid stack config bedrock-monitoring:archiveBucketName = ${JSON.stringify(bad)}: an S3 bucket name is 3-63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit.`,
        );
      }
      expect(parseStackSettings({ archiveBucketName: "a".repeat(63) }).logging.archiveBucketName).to.have.length(63);
    });

    // General purpose bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
    it("a bucket name with two adjacent periods", () => {
      expect(configError({ archiveBucketName: "bedrock..logs" }).message).to.match(
        /archiveBucketName = "bedrock\.\.logs": an S3 bucket name must not contain two adjacent periods\.$/,
      );
    });

    it("a bucket name formatted as an IP address", () => {
      expect(configError({ archiveBucketName: "192.168.5.4" }).message).to.match(
        /"192\.168\.5\.4": an S3 bucket name must not be formatted as an IP address\.$/,
      );
    });

    it("a bucket name with a prefix S3 reserves", () => {
      for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
        expect(configError({ archiveBucketName: `${prefix}bedrock-logs` }).message, prefix).to.include(
          `an S3 bucket name must not start with ${prefix}: S3 reserves xn--, sthree-, amzn-s3-demo-.`,
        );
      }
    });

    it("a bucket name with a suffix S3 reserves", () => {
      for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"]) {
        expect(configError({ archiveBucketName: `bedrock-logs${suffix}` }).message, suffix).to.include(
          `an S3 bucket name must not end with ${suffix}: S3 reserves -s3alias, --ol-s3, .mrap, --x-s3, --table-s3.`,
        );
      }
    });

    it("a key prefix with characters S3 keys should not hold, or a leading slash", () => {
      for (const bad of ["/bedrock", "bedrock logs", "bedrock//logs", "logs\nfake"]) {
        expect(configError({ archiveKeyPrefix: bad }).message, bad).to.match(
          /archiveKeyPrefix = .*: expected empty or path segments/,
        );
      }
    });

    it("a key prefix with '.' or '..' segments", () => {
      for (const bad of ["../other-team", "bedrock/../x", "./bedrock", "bedrock/.."]) {
        expect(configError({ archiveKeyPrefix: bad }).message, bad).to.equal(
          `Invalid stack config bedrock-monitoring:archiveKeyPrefix = ${JSON.stringify(bad)}: a path segment may not be '.' or '..': tools that read the archive resolve them as relative paths.`,
        );
      }
      expect(parseStackSettings({ archiveKeyPrefix: "team.a/v1..2" }).logging.archiveKeyPrefix).to.equal(
        "team.a/v1..2/",
      );
    });

    // An S3 key is at most 1,024 bytes: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
    it("a key prefix too long to leave room for the path Bedrock appends, on one line", () => {
      const longest = `${"a".repeat(767)}/`;
      expect(parseStackSettings({ archiveKeyPrefix: longest }).logging.archiveKeyPrefix).to.equal(longest);
      const error = configError({ archiveKeyPrefix: `${"a".repeat(768)}/` });
      expect(error.message).to.match(
        /^Invalid stack config bedrock-monitoring:archiveKeyPrefix = "a{99}\.\.\. \(771 characters\): expected at most 768 bytes: /,
      );
      expect(error.message).to.not.include("\n");
    });

    it("adopting a bucket without naming it", () => {
      expect(configError({ importExistingBucket: "true" }).message).to.match(
        /importExistingBucket = true: set archiveBucketName/,
      );
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
          expect(configError({ [key]: bad }).message).to.equal(
            `Invalid stack config bedrock-monitoring:${key} = ${JSON.stringify(bad)}: expected a number greater than 0 in decimal digits, e.g. 10 or 2.5.`,
          );
        }
      });
    }

    it("a dashboard period CloudWatch does not offer, or a range beyond its retention", () => {
      expect(configError({ dashboardPeriodSeconds: "120" }).message).to.equal(
        "Invalid stack config bedrock-monitoring:dashboardPeriodSeconds = 120: expected one of 60, 300, 900, 3600, 21600, 86400 seconds.",
      );
      expect(configError({ dashboardRangeHours: "0" }).message).to.match(
        /dashboardRangeHours = 0: expected 1 to 10920 hours/,
      );
      expect(configError({ dashboardRangeHours: "99999" }).message).to.match(/dashboardRangeHours = 99999/);
    });

    it("an alert topic key that is not a KMS key ARN", () => {
      expect(configError({ alertTopicKmsKeyArn: "alias/aws/sns" }).message).to.match(
        /alertTopicKmsKeyArn = "alias\/aws\/sns": expected a KMS key ARN/,
      );
    });

    it("a flag that is not true or false", () => {
      expect(configError({ forceDestroy: "yes" }).message).to.equal(
        'Invalid stack config bedrock-monitoring:forceDestroy = "yes": expected true or false.',
      );
    });
  });
});

describe("Athena settings", () => {
  it("turns Athena on by default with a 10 GB cutoff, off with athenaEnabled false", () => {
    expect(parseStackSettings({}).athena).to.deep.equal({ bytesScannedCutoffGb: 10 });
    expect(parseStackSettings({ athenaEnabled: "false" }).athena).to.equal(null);
    expect(parseStackSettings({ athenaBytesScannedCutoffGb: "2.5" }).athena).to.deep.equal({
      bytesScannedCutoffGb: 2.5,
    });
  });

  it("leaves Athena off without S3 delivery, and refuses it when asked for then", () => {
    expect(parseStackSettings({ enableS3Delivery: "false" }).athena).to.equal(null);
    expect(() => parseStackSettings({ enableS3Delivery: "false", athenaEnabled: "true" })).to.throw(
      StackConfigError,
      /athenaEnabled = true: Athena reads the S3 archive/,
    );
  });

  for (const bad of ["0", "0.001", "-1", "ten", "1e3"]) {
    it(`refuses athenaBytesScannedCutoffGb ${bad} before any resource, naming what is allowed`, () => {
      expect(() => parseStackSettings({ athenaBytesScannedCutoffGb: bad })).to.throw(
        StackConfigError,
        /^Invalid stack config bedrock-monitoring:athenaBytesScannedCutoffGb = .*: expected/,
      );
    });
  }
});
