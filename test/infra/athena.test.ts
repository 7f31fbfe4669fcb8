/** The Athena component on Pulumi's mocks: table, workgroup, results bucket, named queries, the report's policy. */
/* eslint-disable @typescript-eslint/no-explicit-any -- the mocks record resource inputs as untyped JSON */
import { expect } from "chai";
import { ArchiveQueries, ATHENA_ENGINE_VERSION, RESULTS_PREFIX } from "../../infra/athena";
import { athenaNamesOf } from "../../reporting/src/kernel/athena/names";
import { SAVED_QUERIES } from "../../reporting/src/kernel/queries";
import {
  oneResourceOf,
  promiseOf,
  resetRecorded,
  resourcesOf,
  settle,
  TEST_ACCOUNT,
  TEST_REGION,
} from "../helpers/pulumi-mocks";

const FIRST_HOUR = Date.parse("2026-11-30T21:40:00Z");

async function deploy(kmsKeyArn?: string) {
  resetRecorded();
  const component = new ArchiveQueries("aq", {
    names: athenaNamesOf("prod"),
    archiveBucket: "bedrock-logs",
    archiveKeyPrefix: "bedrock/",
    bytesScannedCutoffGb: 10,
    kmsKeyArn,
    firstHourMs: FIRST_HOUR,
  });
  await settle(component.reportPolicy, component.workgroup.name, component.table.name);
  await Promise.all(component.namedQueries.map((query) => promiseOf(query.name)));
  return component;
}

describe("Athena over the archive (infra)", () => {
  it("creates the table over the stack's region folder with projection from the stack's first hour", async () => {
    await deploy();
    const table = oneResourceOf("aws:glue/catalogTable:CatalogTable").inputs as Record<string, any>;
    expect(table.name).to.equal("invocation_logs");
    expect(table.databaseName).to.equal("bedrock_prod");
    const region = `s3://bedrock-logs/bedrock/AWSLogs/${TEST_ACCOUNT}/BedrockModelInvocationLogs/${TEST_REGION}/`;
    expect(table.storageDescriptor.location).to.equal(region);
    expect(table.parameters["projection.dt.range"]).to.equal("2026/11/30/21,NOW");
    expect(table.parameters["storage.location.template"]).to.equal(`${region}\${dt}/`);
    expect(table.storageDescriptor.serDeInfo.parameters["ignore.malformed.json"]).to.equal("true");
    expect(resourcesOf("aws:glue/crawler:Crawler")).to.have.length(0);
  });

  it("runs the workgroup on engine version 3 with enforced settings, the cutoff and encrypted, expiring results", async () => {
    await deploy();
    const workgroup = oneResourceOf("aws:athena/workgroup:Workgroup").inputs as Record<string, any>;
    expect(workgroup.name).to.equal("bedrock-prod");
    const configuration = workgroup.configuration;
    expect(configuration.enforceWorkgroupConfiguration).to.equal(true);
    expect(configuration.bytesScannedCutoffPerQuery).to.equal(10_000_000_000);
    expect(configuration.engineVersion.selectedEngineVersion).to.equal(ATHENA_ENGINE_VERSION);
    // The bucket is named by AWS from its prefix (bucketPrefix), which the mocks leave unset.
    expect(configuration.resultConfiguration.outputLocation).to.match(/^s3:\/\/[^/]+\/athena-results\/$/);
    expect(configuration.resultConfiguration.encryptionConfiguration).to.deep.equal({ encryptionOption: "SSE_S3" });
    const lifecycle = oneResourceOf("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")
      .inputs as Record<string, any>;
    expect(lifecycle.rules[0].filter.prefix).to.equal(RESULTS_PREFIX);
    expect(lifecycle.rules[0].expiration.days).to.be.at.most(7);
    const sse = oneResourceOf("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration");
    expect((sse.inputs as Record<string, any>).rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).to.equal(
      "AES256",
    );
  });

  it("encrypts results with the stack's KMS key when it has one", async () => {
    const key = `arn:aws:kms:${TEST_REGION}:${TEST_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    await deploy(key);
    const workgroup = oneResourceOf("aws:athena/workgroup:Workgroup").inputs as Record<string, any>;
    expect(workgroup.configuration.resultConfiguration.encryptionConfiguration).to.deep.equal({
      encryptionOption: "SSE_KMS",
      kmsKeyArn: key,
    });
  });

  it("saves one named query per saved Logs Insights query, in the workgroup and database", async () => {
    await deploy();
    const queries = resourcesOf("aws:athena/namedQuery:NamedQuery").map(
      (resource) => resource.inputs as Record<string, any>,
    );
    expect(queries.map((query) => query.name)).to.deep.equal(SAVED_QUERIES.map((query) => query.displayName));
    for (const query of queries) {
      expect(query.workgroup).to.equal("bedrock-prod");
      expect(query.database).to.equal("bedrock_prod");
      expect(query.query).to.include('FROM "bedrock_prod"."invocation_logs" WHERE dt >= ');
    }
  });

  it("grants the report's user the workgroup, the table's metadata, the archive and the results prefix, nothing more", async () => {
    const component = await deploy();
    const policy = JSON.parse(await promiseOf(component.reportPolicy));
    const resources = policy.Statement.flatMap((statement: { Resource: string | string[] }) => statement.Resource);
    expect(resources).to.include(`arn:aws:athena:${TEST_REGION}:${TEST_ACCOUNT}:workgroup/bedrock-prod`);
    expect(resources).to.include("arn:aws:s3:::bedrock-logs/bedrock/AWSLogs/*");
    expect(resources.some((arn: string) => arn.endsWith(`/${RESULTS_PREFIX}*`))).to.equal(true);
    expect(resources).to.not.include("*");
  });
});
