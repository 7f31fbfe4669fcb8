import { expect } from "chai";
import {
  dependenciesOf,
  oneResourceOf,
  promiseOf,
  recorded,
  resetRecorded,
  resourcesOf,
  settle,
  TEST_ACCOUNT,
  TEST_REGION,
} from "../helpers/pulumi-mocks";
import { InvocationLogging, type InvocationLoggingArgs } from "../../infra/logging";
import { parseStackSettings, type RawConfig } from "../../infra/settings";

function argsFrom(raw: RawConfig = {}): InvocationLoggingArgs {
  return parseStackSettings(raw).logging;
}

async function deploy(raw: RawConfig = {}, name = "bl"): Promise<InvocationLogging> {
  resetRecorded();
  const logging = new InvocationLogging(name, argsFrom(raw));
  await settle(
    logging.configuration.id,
    logging.bucket.bucket,
    logging.role.arn,
    logging.logGroup.arn,
    logging.archiveRecordsPrefix,
  );
  return logging;
}

type LoggingConfigInputs = {
  cloudwatchConfig?: {
    logGroupName: string;
    roleArn: string;
    largeDataDeliveryS3Config?: { bucketName: string; keyPrefix?: string };
  };
  s3Config?: { bucketName: string; keyPrefix?: string };
  textDataDeliveryEnabled?: boolean;
  imageDataDeliveryEnabled?: boolean;
  embeddingDataDeliveryEnabled?: boolean;
};

function loggingConfig(): LoggingConfigInputs {
  return oneResourceOf("aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration").inputs
    .loggingConfig as LoggingConfigInputs;
}

describe("InvocationLogging component", () => {
  describe("log group", () => {
    it("is /aws/bedrock/modelinvocations with 30 days retention by default", async () => {
      await deploy();
      const group = oneResourceOf("aws:cloudwatch/logGroup:LogGroup");
      expect(group.inputs.name).to.equal("/aws/bedrock/modelinvocations");
      expect(group.inputs.retentionInDays).to.equal(30);
      expect(group.inputs.kmsKeyId).to.equal(undefined);
    });

    it("takes a configured name, retention and KMS key", async () => {
      const key = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
      await deploy({
        logGroupName: "/team/bedrock",
        logRetentionDays: "90",
        archiveRetentionDays: "365",
        kmsKeyArn: key,
      });
      const group = oneResourceOf("aws:cloudwatch/logGroup:LogGroup");
      expect(group.inputs).to.include({ name: "/team/bedrock", retentionInDays: 90, kmsKeyId: key });
    });
  });

  describe("archive bucket", () => {
    it("is named from account and region", async () => {
      const logging = await deploy();
      expect(await promiseOf(logging.bucket.bucket)).to.equal(`bedrock-invocation-logs-${TEST_ACCOUNT}-${TEST_REGION}`);
    });

    it("has versioning enabled", async () => {
      await deploy();
      const versioning = oneResourceOf("aws:s3/bucketVersioning:BucketVersioning");
      expect(versioning.inputs.versioningConfiguration).to.deep.equal({ status: "Enabled" });
      expect(versioning.inputs.bucket).to.equal(`bedrock-invocation-logs-${TEST_ACCOUNT}-${TEST_REGION}`);
    });

    it("expires logs after 90 days by default and cleans up old versions, delete markers and multipart uploads", async () => {
      await deploy();
      const rules = oneResourceOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
        .rules as Array<Record<string, unknown>>;
      const expire = rules.find((rule) => rule.id === "expire-invocation-logs");
      expect(expire).to.deep.include({ status: "Enabled", expiration: { days: 90 } });
      expect(expire?.noncurrentVersionExpiration).to.have.property("noncurrentDays").that.is.a("number").above(0);
      expect(expire?.abortIncompleteMultipartUpload)
        .to.have.property("daysAfterInitiation")
        .that.is.a("number")
        .above(0);
      const markers = rules.find((rule) => rule.id === "remove-expired-delete-markers");
      expect(markers).to.deep.include({ status: "Enabled", expiration: { expiredObjectDeleteMarker: true } });
    });

    it("follows archiveRetentionDays", async () => {
      await deploy({ archiveRetentionDays: "400" });
      const rules = oneResourceOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").inputs
        .rules as Array<Record<string, unknown>>;
      expect(rules[0].expiration).to.deep.equal({ days: 400 });
    });

    it("encrypts with SSE-S3 by default and SSE-KMS with a configured key", async () => {
      await deploy();
      let rules = oneResourceOf(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      ).inputs.rules as unknown[];
      expect(rules).to.deep.equal([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);

      const key = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef`;
      await deploy({ kmsKeyArn: key });
      rules = oneResourceOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        .inputs.rules as unknown[];
      expect(rules).to.deep.equal([
        {
          applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key },
          bucketKeyEnabled: true,
        },
      ]);
    });

    it("blocks all public access and disables ACLs", async () => {
      await deploy();
      expect(oneResourceOf("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs).to.include({
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
      expect(oneResourceOf("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs.rule).to.deep.equal({
        objectOwnership: "BucketOwnerEnforced",
      });
    });

    it("is kept on destroy unless forceDestroy is set", async () => {
      await deploy();
      expect(oneResourceOf("aws:s3/bucket:Bucket").inputs.forceDestroy).to.equal(false);
      await deploy({ forceDestroy: "true" });
      expect(oneResourceOf("aws:s3/bucket:Bucket").inputs.forceDestroy).to.equal(true);
    });

    it("carries a bucket policy for Bedrock's writes", async () => {
      await deploy();
      const policy = JSON.parse(String(oneResourceOf("aws:s3/bucketPolicy:BucketPolicy").inputs.policy));
      expect(policy.Statement.map((s: { Sid: string }) => s.Sid)).to.deep.equal([
        "BedrockWritesInvocationLogs",
        "DenyRequestsWithoutTls",
      ]);
    });
  });

  describe("delivery role", () => {
    it("is assumable by Bedrock from this account only and may write the log group", async () => {
      await deploy();
      const trust = JSON.parse(String(oneResourceOf("aws:iam/role:Role").inputs.assumeRolePolicy));
      expect(trust.Statement[0].Principal).to.deep.equal({ Service: "bedrock.amazonaws.com" });
      expect(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"]).to.equal(TEST_ACCOUNT);
      const policy = JSON.parse(String(oneResourceOf("aws:iam/rolePolicy:RolePolicy").inputs.policy));
      const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
      expect(actions).to.include.members([
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "s3:PutObject",
      ]);
    });

    it("gets no S3 permission when S3 delivery is off", async () => {
      await deploy({ enableS3Delivery: "false" });
      const policy = JSON.parse(String(oneResourceOf("aws:iam/rolePolicy:RolePolicy").inputs.policy));
      const actions = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
      expect(actions).to.not.include("s3:PutObject");
    });
  });

  describe("logging configuration", () => {
    it("sends logs to CloudWatch through the role, large entries and the archive to the bucket, text data on", async () => {
      const logging = await deploy();
      const bucket = await promiseOf(logging.bucket.bucket);
      const config = loggingConfig();
      expect(config.cloudwatchConfig?.logGroupName).to.equal("/aws/bedrock/modelinvocations");
      expect(config.cloudwatchConfig?.roleArn).to.equal(await promiseOf(logging.role.arn));
      expect(config.cloudwatchConfig?.largeDataDeliveryS3Config?.bucketName).to.equal(bucket);
      expect(config.s3Config?.bucketName).to.equal(bucket);
      expect(config.textDataDeliveryEnabled).to.equal(true);
    });

    it("leaves image and embedding delivery off by default and turns them on by config", async () => {
      await deploy();
      expect(loggingConfig()).to.include({ imageDataDeliveryEnabled: false, embeddingDataDeliveryEnabled: false });
      await deploy({ imageDataDelivery: "true", embeddingDataDelivery: "true" });
      expect(loggingConfig()).to.include({ imageDataDeliveryEnabled: true, embeddingDataDeliveryEnabled: true });
    });

    it("drops the S3 destination, not the large-data route, when S3 delivery is off", async () => {
      await deploy({ enableS3Delivery: "false" });
      const config = loggingConfig();
      expect(config.s3Config).to.equal(undefined);
      expect(config.cloudwatchConfig?.largeDataDeliveryS3Config?.bucketName).to.be.a("string");
    });

    it("uses the configured key prefix for both S3 routes", async () => {
      const logging = await deploy({ archiveKeyPrefix: "bedrock" });
      const config = loggingConfig();
      expect(config.s3Config?.keyPrefix).to.equal("bedrock");
      expect(config.cloudwatchConfig?.largeDataDeliveryS3Config?.keyPrefix).to.equal("bedrock");
      expect(await promiseOf(logging.archiveRecordsPrefix)).to.equal(
        `bedrock/AWSLogs/${TEST_ACCOUNT}/BedrockModelInvocationLogs/`,
      );
    });

    it("depends explicitly on the role policy, the bucket policy and the bucket encryption", async () => {
      await deploy();
      const dependencies = dependenciesOf(
        "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
        "bl-config",
      );
      expect(dependencies).to.include.members([
        "aws:iam/rolePolicy:RolePolicy::bl-delivery",
        "aws:s3/bucketPolicy:BucketPolicy::bl-archive",
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::bl-archive",
      ]);
    });

    it("puts the bucket policy only after public access is blocked", async () => {
      await deploy();
      expect(dependenciesOf("aws:s3/bucketPolicy:BucketPolicy", "bl-archive")).to.include(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::bl-archive",
      );
    });
  });

  it("names every child from the component name", async () => {
    await deploy({}, "acme");
    const children = recorded.filter((resource) => !resource.type.startsWith("bedrock-monitoring:"));
    expect(children.length).to.be.greaterThan(8);
    for (const resource of children) expect(resource.name, resource.type).to.match(/^acme-/);
  });

  describe("adopting existing resources", () => {
    it("creates, rather than imports, by default", async () => {
      await deploy();
      expect(oneResourceOf("aws:cloudwatch/logGroup:LogGroup").importId).to.equal(undefined);
      expect(oneResourceOf("aws:s3/bucket:Bucket").importId).to.equal(undefined);
    });

    it("imports an existing log group and bucket by name when asked", async () => {
      await deploy({
        importExistingLogGroup: "true",
        importExistingBucket: "true",
        archiveBucketName: "acme-bedrock-logs",
      });
      expect(oneResourceOf("aws:cloudwatch/logGroup:LogGroup").importId).to.equal("/aws/bedrock/modelinvocations");
      expect(oneResourceOf("aws:s3/bucket:Bucket").importId).to.equal("acme-bedrock-logs");
    });
  });

  it("creates exactly one of each resource", async () => {
    await deploy();
    for (const type of [
      "aws:cloudwatch/logGroup:LogGroup",
      "aws:s3/bucket:Bucket",
      "aws:iam/role:Role",
      "aws:iam/rolePolicy:RolePolicy",
      "aws:bedrockmodel/invocationLoggingConfiguration:InvocationLoggingConfiguration",
    ]) {
      expect(resourcesOf(type), type).to.have.length(1);
    }
  });
});
