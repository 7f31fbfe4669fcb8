/** The report user's Athena policy, decided by an IAM simulator: what --source athena calls is allowed, little else. */
import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { expect } from "chai";
import { athenaReportPolicy, RESULTS_PREFIX } from "../../infra/athena";
import { athenaNamesOf } from "../../reporting/src/kernel/athena/names";

// The IAM simulator is AGPL: it is used here, in tests, and never imported by infra/ or reporting/.

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const USER = `arn:aws:iam::${ACCOUNT}:user/analyst`;
const ARCHIVE = "bedrock-invocation-logs-111122223333-us-east-1";
const RESULTS = "bedrock-athena-results-20261130";
const policy = athenaReportPolicy({
  partition: "aws",
  region: REGION,
  accountId: ACCOUNT,
  names: athenaNamesOf("prod"),
  archiveBucket: ARCHIVE,
  archiveKeyPrefix: "",
  resultsBucket: RESULTS,
});

async function decide(action: string, resource: string): Promise<string> {
  const simulation = {
    request: { principal: USER, action, resource: { resource, accountId: ACCOUNT }, contextVariables: {} },
    identityPolicies: [{ name: "athena-report", policy }],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  } as unknown as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") throw new Error(`simulation rejected: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

const WORKGROUP = `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/bedrock-prod`;
const OBJECT = `arn:aws:s3:::${ARCHIVE}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${REGION}/2026/07/01/00/x.json.gz`;

describe("the report user's Athena policy (IAM simulator)", () => {
  for (const [action, resource] of [
    ["athena:StartQueryExecution", WORKGROUP],
    ["athena:GetQueryExecution", WORKGROUP],
    ["athena:GetQueryResults", WORKGROUP],
    ["athena:StopQueryExecution", WORKGROUP],
    ["glue:GetTable", `arn:aws:glue:${REGION}:${ACCOUNT}:table/bedrock_prod/invocation_logs`],
    ["glue:GetDatabase", `arn:aws:glue:${REGION}:${ACCOUNT}:database/bedrock_prod`],
    ["s3:ListBucket", `arn:aws:s3:::${ARCHIVE}`],
    ["s3:GetObject", OBJECT],
    ["s3:PutObject", `arn:aws:s3:::${RESULTS}/${RESULTS_PREFIX}q-1.csv`],
  ]) {
    it(`allows ${action} on ${resource.split(":").slice(-1)[0]}`, async () => {
      expect(await decide(action, resource)).to.equal("Allowed");
    });
  }

  for (const [what, action, resource] of [
    ["another workgroup", "athena:StartQueryExecution", `arn:aws:athena:${REGION}:${ACCOUNT}:workgroup/primary`],
    ["another database's table", "glue:GetTable", `arn:aws:glue:${REGION}:${ACCOUNT}:table/finance/ledger`],
    ["writing into the archive", "s3:PutObject", OBJECT],
    ["deleting the archive", "s3:DeleteObject", OBJECT],
    ["another bucket's objects", "s3:GetObject", "arn:aws:s3:::someone-else/AWSLogs/x.json.gz"],
  ]) {
    it(`denies ${what}`, async () => {
      expect(await decide(action, resource)).to.not.equal("Allowed");
    });
  }
});
