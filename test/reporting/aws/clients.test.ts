import { expect } from "chai";
import { CloudWatchLogsServiceException } from "@aws-sdk/client-cloudwatch-logs";
import { NoSuchBucket, S3ServiceException } from "@aws-sdk/client-s3";
import { createAwsClients, describeAwsFailure, retryThrottled } from "../../../reporting/src/aws/clients";
import { OperationalError } from "../../../reporting/src/kernel/errors";

const serviceError = (name: string) =>
  new CloudWatchLogsServiceException({ name, $fault: "client", $metadata: {}, message: name });

describe("createAwsClients", () => {
  it("creates the clients once per region and profile", () => {
    const first = createAwsClients({ region: "us-east-1" });
    expect(createAwsClients({ region: "us-east-1" })).to.equal(first);
    expect(createAwsClients({ region: "eu-west-1" })).not.to.equal(first);
    expect(createAwsClients({ region: "us-east-1", profile: "analytics" })).not.to.equal(first);
  });

  it("configures the region and adaptive retries on every client", async () => {
    const { logs, cloudwatch, s3 } = createAwsClients({ region: "ap-southeast-2" });
    for (const client of [logs, cloudwatch, s3]) {
      expect(await client.config.region()).to.equal("ap-southeast-2");
      expect(await client.config.maxAttempts()).to.equal(6);
      expect(await client.config.retryStrategy()).to.have.property("mode", "adaptive");
    }
  });

  it("creates one S3 client per region, following S3's redirect to a bucket's own region", async () => {
    const { s3 } = createAwsClients({ region: "eu-central-1" });
    expect(createAwsClients({ region: "eu-central-1" }).s3).to.equal(s3);
    expect(createAwsClients({ region: "eu-west-3" }).s3).not.to.equal(s3);
    expect(s3.config.followRegionRedirects).to.equal(true);
    expect(s3.config.forcePathStyle).to.not.equal(true);
  });

  it("points the S3 client at an injected endpoint, path-style", async () => {
    const { s3 } = createAwsClients({ region: "us-east-1", s3Endpoint: "http://127.0.0.1:4568" });
    expect(createAwsClients({ region: "us-east-1" }).s3).not.to.equal(s3);
    const endpoint = await (
      s3.config.endpoint as () => Promise<{ hostname: string; port?: number; protocol: string }>
    )();
    expect(endpoint).to.include({ hostname: "127.0.0.1", port: 4568, protocol: "http:" });
    expect(s3.config.forcePathStyle).to.equal(true);
  });
});

describe("describeAwsFailure for the S3 archive", () => {
  const context = {
    permission: "s3:ListBucket",
    resource: "bucket logs-bucket (arn:aws:s3:::logs-bucket)",
    required: ["s3:ListBucket on arn:aws:s3:::logs-bucket", "s3:GetObject on arn:aws:s3:::logs-bucket/AWSLogs/*"],
  };

  it("names the missing bucket and where its name came from", () => {
    const error = describeAwsFailure(
      new NoSuchBucket({ $metadata: {}, message: "The specified bucket does not exist" }),
      context,
    ) as OperationalError;
    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.equal("Not found: bucket logs-bucket (arn:aws:s3:::logs-bucket) (no such bucket).");
    expect(error.hint).to.match(/bucketName/);
  });

  it("lists the archive's permissions, not the online report's, when access is denied", () => {
    const denied = new S3ServiceException({
      name: "AccessDenied",
      $fault: "client",
      $metadata: {},
      message: "Access Denied",
    });
    const error = describeAwsFailure(denied, context) as OperationalError;
    expect(error.hint).to.equal(
      "Grant s3:ListBucket to the role or user running the report; the report needs s3:ListBucket on arn:aws:s3:::logs-bucket, s3:GetObject on arn:aws:s3:::logs-bucket/AWSLogs/*.",
    );
  });

  it("treats S3's SlowDown as throttling, without the Logs Insights quota hint", () => {
    const slowDown = new S3ServiceException({
      name: "SlowDown",
      $fault: "server",
      $metadata: {},
      message: "Please reduce your request rate.",
    });
    const error = describeAwsFailure(slowDown, context) as OperationalError;
    expect(error.message).to.match(/kept throttling s3:ListBucket/);
    expect(error.hint).not.to.match(/Insights/);
  });
});

describe("describeAwsFailure", () => {
  const context = { permission: "logs:StartQuery", resource: "log group /g", region: "us-east-1" };

  it("explains rejected credentials", () => {
    const expired = serviceError("ExpiredTokenException");
    const error = describeAwsFailure(expired, context) as OperationalError;
    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.match(/expired or invalid/);
    expect(error.cause).to.equal(expired);
  });

  it("explains an endpoint that cannot be reached, naming the network error", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), { code: "ECONNREFUSED" });
    const error = describeAwsFailure(refused, context) as OperationalError;
    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.equal(
      "Could not reach AWS for logs:StartQuery on log group /g in us-east-1 (ECONNREFUSED).",
    );
    expect(error.hint).to.match(/network connection.*proxy/);
  });

  it("passes unexpected errors through unchanged", () => {
    const unexpected = new TypeError("bug");
    expect(describeAwsFailure(unexpected, context)).to.equal(unexpected);
  });
});

describe("retryThrottled", () => {
  it("does not retry errors that are not throttling", async () => {
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw serviceError("AccessDeniedException");
    };
    try {
      await retryThrottled(failing, { baseDelayMs: 1, retries: 3 });
    } catch (error) {
      expect((error as Error).name).to.equal("AccessDeniedException");
    }
    expect(calls).to.equal(1);
  });

  it("retries throttling up to the limit, then rethrows it", async () => {
    let calls = 0;
    const throttled = async () => {
      calls += 1;
      throw serviceError("ThrottlingException");
    };
    try {
      await retryThrottled(throttled, { baseDelayMs: 1, retries: 2 });
    } catch (error) {
      expect((error as Error).name).to.equal("ThrottlingException");
    }
    expect(calls).to.equal(3);
  });
});
