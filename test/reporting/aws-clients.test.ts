import { expect } from "chai";
import { CloudWatchLogsServiceException } from "@aws-sdk/client-cloudwatch-logs";
import { createAwsClients, describeAwsFailure, retryThrottled } from "../../reporting/src/aws/clients";
import { OperationalError } from "../../reporting/src/errors";

const serviceError = (name: string) => new CloudWatchLogsServiceException({ name, $fault: "client", $metadata: {}, message: name });

describe("createAwsClients", () => {
  it("creates the clients once per region and profile", () => {
    const first = createAwsClients({ region: "us-east-1" });
    expect(createAwsClients({ region: "us-east-1" })).to.equal(first);
    expect(createAwsClients({ region: "eu-west-1" })).not.to.equal(first);
    expect(createAwsClients({ region: "us-east-1", profile: "analytics" })).not.to.equal(first);
  });

  it("configures the region and adaptive retries on both clients", async () => {
    const { logs, cloudwatch } = createAwsClients({ region: "ap-southeast-2" });
    for (const client of [logs, cloudwatch]) {
      expect(await client.config.region()).to.equal("ap-southeast-2");
      expect(await client.config.maxAttempts()).to.equal(6);
      expect(await client.config.retryStrategy()).to.have.property("mode", "adaptive");
    }
  });
});

describe("describeAwsFailure", () => {
  const context = { permission: "logs:StartQuery", resource: "log group /g", region: "us-east-1" };

  it("explains rejected credentials", () => {
    const error = describeAwsFailure(serviceError("ExpiredTokenException"), context) as OperationalError;
    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.match(/expired or invalid/);
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
