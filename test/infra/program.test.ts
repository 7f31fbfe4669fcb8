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
});
