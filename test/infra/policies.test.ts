import { runSimulation, type Simulation } from "@cloud-copilot/iam-simulate";
import { expect } from "chai";
import {
  archiveBucketPolicy,
  deliveryRolePolicy,
  deliveryRoleTrustPolicy,
  type DeliveryTarget,
  type PolicyDocument,
} from "../../infra/policies";

// The IAM simulator is AGPL: it is used here, in tests, and never imported by infra/ or reporting/.

const ACCOUNT = "111122223333";
const OTHER_ACCOUNT = "444455556666";
const REGION = "eu-west-1";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/bedrock-invocations-delivery`;
const GROUP = "/aws/bedrock/modelinvocations";
const BUCKET = `bedrock-invocation-logs-${ACCOUNT}-${REGION}`;
const LOG_OBJECT = `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/${REGION}/2026/11/20/10/20261120T1031Z_abc.json.gz`;

const target: DeliveryTarget = {
  partition: "aws",
  region: REGION,
  accountId: ACCOUNT,
  logGroupName: GROUP,
  bucketName: BUCKET,
  keyPrefix: "",
  s3Delivery: true,
};

const bedrockFromThisAccount = {
  "aws:SourceAccount": ACCOUNT,
  "aws:SourceArn": `arn:aws:bedrock:${REGION}:${ACCOUNT}:model-invocation-logging`,
};

interface Request {
  principal: string;
  action: string;
  resource: string;
  context?: Record<string, string>;
  identityPolicy?: PolicyDocument;
  resourcePolicy?: PolicyDocument;
}

async function decide(request: Request): Promise<string> {
  const simulation: Simulation = {
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: ACCOUNT },
      contextVariables: request.context ?? {},
    },
    identityPolicies: request.identityPolicy ? [{ name: "under-test", policy: request.identityPolicy }] : [],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
  } as Simulation;
  const response = await runSimulation(simulation, {});
  if (response.resultType === "error") throw new Error(`simulation rejected: ${JSON.stringify(response.errors)}`);
  return response.overallResult;
}

function actionsAndResources(policy: PolicyDocument): { actions: string[]; resources: string[] } {
  return {
    actions: policy.Statement.flatMap((s) => [s.Action].flat()),
    resources: policy.Statement.flatMap((s) => (s.Resource === undefined ? [] : [s.Resource].flat())),
  };
}

describe("delivery role trust policy", () => {
  const trust = deliveryRoleTrustPolicy(target);
  const assume = (principal: string, context: Record<string, string>) =>
    decide({ principal, action: "sts:AssumeRole", resource: ROLE_ARN, context, resourcePolicy: trust });

  it("lets Bedrock acting for this account and region assume the role", async () => {
    expect(await assume("bedrock.amazonaws.com", bedrockFromThisAccount)).to.equal("Allowed");
  });

  it("refuses Bedrock acting for another account (confused deputy)", async () => {
    const context = {
      "aws:SourceAccount": OTHER_ACCOUNT,
      "aws:SourceArn": `arn:aws:bedrock:${REGION}:${OTHER_ACCOUNT}:model-invocation-logging`,
    };
    expect(await assume("bedrock.amazonaws.com", context)).to.not.equal("Allowed");
  });

  it("refuses Bedrock in another region of this account", async () => {
    const context = {
      ...bedrockFromThisAccount,
      "aws:SourceArn": `arn:aws:bedrock:us-west-2:${ACCOUNT}:model-invocation-logging`,
    };
    expect(await assume("bedrock.amazonaws.com", context)).to.not.equal("Allowed");
  });

  it("refuses Bedrock when the source conditions are missing", async () => {
    expect(await assume("bedrock.amazonaws.com", {})).to.not.equal("Allowed");
  });

  it("refuses any other service principal", async () => {
    expect(await assume("logs.amazonaws.com", bedrockFromThisAccount)).to.not.equal("Allowed");
    expect(await assume("lambda.amazonaws.com", bedrockFromThisAccount)).to.not.equal("Allowed");
  });

  it("refuses IAM principals of this account", async () => {
    expect(await assume(`arn:aws:iam::${ACCOUNT}:user/alice`, {})).to.not.equal("Allowed");
  });

  it("has no Resource element, which IAM rejects in trust policies", () => {
    for (const statement of trust.Statement) expect(statement).to.not.have.property("Resource");
  });
});

describe("delivery role permissions", () => {
  const policy = deliveryRolePolicy(target);
  const asRole = (action: string, resource: string, identityPolicy = policy) =>
    decide({ principal: ROLE_ARN, action, resource, identityPolicy });
  const groupArn = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${GROUP}`;

  it("may create the log group, its streams, and write events to them", async () => {
    expect(await asRole("logs:CreateLogGroup", groupArn)).to.equal("Allowed");
    expect(await asRole("logs:CreateLogStream", `${groupArn}:log-stream:aws/bedrock/modelinvocations`)).to.equal(
      "Allowed",
    );
    expect(await asRole("logs:PutLogEvents", `${groupArn}:log-stream:aws/bedrock/modelinvocations`)).to.equal(
      "Allowed",
    );
  });

  it("may write objects under the archive's log prefix when S3 delivery is on", async () => {
    expect(await asRole("s3:PutObject", LOG_OBJECT)).to.equal("Allowed");
  });

  it("may not write to another log group", async () => {
    const other = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/payments`;
    expect(await asRole("logs:PutLogEvents", `${other}:log-stream:x`)).to.not.equal("Allowed");
    expect(await asRole("logs:CreateLogGroup", other)).to.not.equal("Allowed");
  });

  it("may not delete the log group or archived objects", async () => {
    expect(await asRole("logs:DeleteLogGroup", groupArn)).to.not.equal("Allowed");
    expect(await asRole("s3:DeleteObject", LOG_OBJECT)).to.not.equal("Allowed");
  });

  it("may not write outside the log prefix", async () => {
    expect(await asRole("s3:PutObject", `arn:aws:s3:::${BUCKET}/elsewhere/x.json.gz`)).to.not.equal("Allowed");
  });

  it("gets no S3 write when S3 delivery is off", async () => {
    const withoutS3 = deliveryRolePolicy({ ...target, s3Delivery: false });
    expect(await asRole("s3:PutObject", LOG_OBJECT, withoutS3)).to.not.equal("Allowed");
  });

  it("may use the stack's KMS key to encrypt, and no other key", async () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const otherKey = `arn:aws:kms:${REGION}:${ACCOUNT}:key/ffffffff-12ab-34cd-56ef-1234567890ab`;
    const withKey = deliveryRolePolicy({ ...target, kmsKeyArn: key });
    // A key's default policy delegates to the account's IAM policies, which is what the role policy relies on.
    const defaultKeyPolicy = (keyArn: string): PolicyDocument => ({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "EnableIamPolicies",
          Effect: "Allow",
          Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
          Action: "kms:*",
          Resource: keyArn,
        },
      ],
    });
    const generate = (keyArn: string) =>
      decide({
        principal: ROLE_ARN,
        action: "kms:GenerateDataKey",
        resource: keyArn,
        identityPolicy: withKey,
        resourcePolicy: defaultKeyPolicy(keyArn),
      });
    expect(await generate(key)).to.equal("Allowed");
    expect(await generate(otherKey)).to.not.equal("Allowed");
  });

  it('names no wildcard action and no Resource "*"', () => {
    const key = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
    const { actions, resources } = actionsAndResources(deliveryRolePolicy({ ...target, kmsKeyArn: key }));
    for (const action of actions) expect(action).to.not.include("*");
    expect(resources).to.not.include("*");
  });
});

describe("archive bucket policy", () => {
  const policy = archiveBucketPolicy(target);
  const tls = { "aws:SecureTransport": "true" };

  it("lets Bedrock acting for this account and region write log objects over TLS", async () => {
    const decision = await decide({
      principal: "bedrock.amazonaws.com",
      action: "s3:PutObject",
      resource: LOG_OBJECT,
      context: { ...bedrockFromThisAccount, ...tls },
      resourcePolicy: policy,
    });
    expect(decision).to.equal("Allowed");
  });

  it("refuses Bedrock acting for another account (confused deputy)", async () => {
    const decision = await decide({
      principal: "bedrock.amazonaws.com",
      action: "s3:PutObject",
      resource: LOG_OBJECT,
      context: {
        "aws:SourceAccount": OTHER_ACCOUNT,
        "aws:SourceArn": `arn:aws:bedrock:${REGION}:${OTHER_ACCOUNT}:x`,
        ...tls,
      },
      resourcePolicy: policy,
    });
    expect(decision).to.not.equal("Allowed");
  });

  it("refuses Bedrock writes outside the log prefix", async () => {
    const decision = await decide({
      principal: "bedrock.amazonaws.com",
      action: "s3:PutObject",
      resource: `arn:aws:s3:::${BUCKET}/other/x.json`,
      context: { ...bedrockFromThisAccount, ...tls },
      resourcePolicy: policy,
    });
    expect(decision).to.not.equal("Allowed");
  });

  it("refuses another service principal", async () => {
    const decision = await decide({
      principal: "cloudtrail.amazonaws.com",
      action: "s3:PutObject",
      resource: LOG_OBJECT,
      context: { ...bedrockFromThisAccount, ...tls },
      resourcePolicy: policy,
    });
    expect(decision).to.not.equal("Allowed");
  });

  it("lets Bedrock delete nothing", async () => {
    const decision = await decide({
      principal: "bedrock.amazonaws.com",
      action: "s3:DeleteObject",
      resource: LOG_OBJECT,
      context: { ...bedrockFromThisAccount, ...tls },
      resourcePolicy: policy,
    });
    expect(decision).to.not.equal("Allowed");
  });

  it("denies every request without TLS, even from an administrator of the account", async () => {
    const administrator: PolicyDocument = {
      Version: "2012-10-17",
      Statement: [{ Sid: "Admin", Effect: "Allow", Action: "s3:*", Resource: "*" }],
    };
    const admin = `arn:aws:iam::${ACCOUNT}:role/admin`;
    const request = (action: string, resource: string, secure: string) =>
      decide({
        principal: admin,
        action,
        resource,
        context: { "aws:SecureTransport": secure },
        identityPolicy: administrator,
        resourcePolicy: policy,
      });

    expect(await request("s3:GetObject", LOG_OBJECT, "true")).to.equal("Allowed");
    expect(await request("s3:GetObject", LOG_OBJECT, "false")).to.equal("ExplicitlyDenied");
    expect(await request("s3:ListBucket", `arn:aws:s3:::${BUCKET}`, "false")).to.equal("ExplicitlyDenied");
    const bedrockWithoutTls = await decide({
      principal: "bedrock.amazonaws.com",
      action: "s3:PutObject",
      resource: LOG_OBJECT,
      context: { ...bedrockFromThisAccount, "aws:SecureTransport": "false" },
      resourcePolicy: policy,
    });
    expect(bedrockWithoutTls).to.equal("ExplicitlyDenied");
  });

  it("scopes Bedrock's grant to a configured key prefix", async () => {
    const prefixed = archiveBucketPolicy({ ...target, keyPrefix: "bedrock/" });
    const write = (resource: string) =>
      decide({
        principal: "bedrock.amazonaws.com",
        action: "s3:PutObject",
        resource,
        context: { ...bedrockFromThisAccount, ...tls },
        resourcePolicy: prefixed,
      });
    expect(
      await write(`arn:aws:s3:::${BUCKET}/bedrock/AWSLogs/${ACCOUNT}/BedrockModelInvocationLogs/x.json.gz`),
    ).to.equal("Allowed");
    expect(await write(LOG_OBJECT)).to.not.equal("Allowed");
  });
});
