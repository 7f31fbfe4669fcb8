import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { PROJECT, recorded, resetRecorded } from "../helpers/pulumi-mocks";

const ENTRY_POINT = require.resolve("../../infra/index");

/** Runs the whole program once with the given stack config, as `pulumi up` would. */
function runProgram(config: Record<string, string>): unknown {
  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [`${PROJECT}:${key}`, value])),
  );
  delete require.cache[ENTRY_POINT];
  // A fresh require is how Pulumi runs the program: the module's top level is the deployment.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(ENTRY_POINT);
}

describe("the program's entry point", () => {
  afterEach(() => pulumi.runtime.setAllConfig({}));

  it("fails on bad config before any resource is registered", async () => {
    resetRecorded();
    expect(() => runProgram({ logRetentionDays: "45" })).to.throw(/bedrock-monitoring:logRetentionDays = 45/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recorded).to.deep.equal([]);
  });

  it("exports what the reporting package reads", () => {
    resetRecorded();
    const outputs = runProgram({}) as Record<string, unknown>;
    expect(outputs).to.include.keys(
      "region",
      "accountId",
      "logGroupName",
      "logGroupArn",
      "bucketName",
      "archivePrefix",
      "roleArn",
      "logRetentionDays",
      "archiveRetentionDays",
      "dashboardName",
      "dashboardUrl",
      "alertTopicArn",
      "alarmNames",
      "queryDefinitionIds",
      "cliCommands",
    );
  });

  it("names the Athena database, table and workgroup the report reads", async () => {
    const outputs = runProgram({}) as Record<string, pulumi.Output<string> | undefined>;
    const names = await Promise.all(
      ["athenaDatabaseName", "athenaTableName", "athenaWorkgroupName"].map(
        (key) => new Promise((resolve) => (outputs[key] as pulumi.Output<string>).apply(resolve)),
      ),
    );
    expect(names).to.deep.equal(["bedrock_test", "invocation_logs", "bedrock-test"]);
  });

  it("creates no Athena resource and names none with athenaEnabled false", async () => {
    // Earlier programs in this file register resources asynchronously: let them finish first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    resetRecorded();
    const off = runProgram({ athenaEnabled: "false" }) as Record<string, unknown>;
    expect(off.athenaWorkgroupName).to.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(recorded.some((resource) => resource.type.startsWith("aws:s3/bucket:"))).to.equal(true);
    expect(recorded.filter((resource) => /^aws:(athena|glue)\//.test(resource.type))).to.deep.equal([]);
  });

  it("fails on a bad Athena cutoff before any resource is registered", async () => {
    resetRecorded();
    expect(() => runProgram({ athenaBytesScannedCutoffGb: "0" })).to.throw(/athenaBytesScannedCutoffGb = "0"|= 0/);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(recorded).to.deep.equal([]);
  });
});
