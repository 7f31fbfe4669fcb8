/**
 * Application inference profiles resolved online, on aws-sdk-client-mock.
 * GetInferenceProfile's response shape: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html
 * (`inferenceProfileName`, `inferenceProfileArn`, `models[].modelArn`, `status`, `type`), as a public listing
 * shows one (github.com/kevint4890/brag-bot, frontend/src/InferenceProfileSummaries.js); ListTagsForResource's
 * `tags: [{key, value}]`: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_ListTagsForResource.html
 */
import {
  BedrockClient,
  GetInferenceProfileCommand,
  ListTagsForResourceCommand,
  type GetInferenceProfileResponse,
} from "@aws-sdk/client-bedrock";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { resolveApplicationProfiles } from "../../../reporting/src/sources/profile-lookup";
import { pricedModelIdOf, parseProfilesFile } from "../../../reporting/src/model/application-profiles";
import { UsageError } from "../../../reporting/src/kernel/errors";

const ARN = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123";
const SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0";

function awsError(name: string): Error {
  const error = new Error(`${name}: from the service`);
  error.name = name;
  return error;
}

function profileResponse(regions: string[]): GetInferenceProfileResponse {
  return {
    inferenceProfileName: "support-chat",
    description: "Support chat",
    createdAt: new Date("2026-10-01T09:00:00Z"),
    updatedAt: new Date("2026-10-01T09:00:00Z"),
    inferenceProfileArn: ARN,
    models: regions.map((region) => ({ modelArn: `arn:aws:bedrock:${region}::foundation-model/${SONNET}` })),
    inferenceProfileId: "abc123",
    status: "ACTIVE",
    type: "APPLICATION",
  };
}

describe("application inference profiles looked up online", () => {
  const bedrock = mockClient(BedrockClient);
  const regionsAsked: string[] = [];
  const lookUp = (arns: string[]) =>
    resolveApplicationProfiles({
      arns,
      clientFor: (region) => {
        regionsAsked.push(region);
        return new BedrockClient({ region });
      },
      throttleDelayMs: 1,
    });

  beforeEach(() => {
    bedrock.reset();
    regionsAsked.length = 0;
  });

  it("found: the model it routes to, its name and tags, asked once per ARN in the profile's region", async () => {
    bedrock.on(GetInferenceProfileCommand).resolves(profileResponse(["us-east-1", "us-west-2"]));
    bedrock.on(ListTagsForResourceCommand).resolves({ tags: [{ key: "CostCenter", value: "cc-42" }] });

    const result = await lookUp([ARN, ARN]);

    expect(result.profiles.get(ARN)).to.deep.equal({
      arn: ARN,
      name: "support-chat",
      modelId: SONNET,
      tags: { CostCenter: "cc-42" },
    });
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).to.have.length(1);
    expect(bedrock.commandCalls(GetInferenceProfileCommand)[0].args[0].input).to.deep.equal({
      inferenceProfileIdentifier: ARN,
    });
    expect(regionsAsked).to.deep.equal(["us-east-1"]);
    expect(result.notes).to.deep.equal([
      `Application profile ${ARN} ("support-chat") is priced as ${SONNET} (GetInferenceProfile).`,
    ]);
  });

  it("not found: stays unpriced, and the note says so", async () => {
    bedrock.on(GetInferenceProfileCommand).rejects(awsError("ResourceNotFoundException"));
    const result = await lookUp([ARN]);
    expect(result.profiles.size).to.equal(0);
    expect(result.notes[0]).to.match(/found no such profile.*it stays unpriced/);
  });

  it("access denied: stays unpriced with a note naming the missing permission", async () => {
    bedrock.on(GetInferenceProfileCommand).rejects(awsError("AccessDeniedException"));
    const result = await lookUp([ARN]);
    expect(result.profiles.size).to.equal(0);
    expect(result.notes).to.have.length(1);
    expect(result.notes[0]).to.include("access denied to bedrock:GetInferenceProfile").and.include("stays unpriced");
  });

  it("tags denied: the profile is still priced, its tags are unknown, and the note names bedrock:ListTagsForResource", async () => {
    bedrock.on(GetInferenceProfileCommand).resolves(profileResponse(["us-east-1"]));
    bedrock.on(ListTagsForResourceCommand).rejects(awsError("AccessDeniedException"));
    const result = await lookUp([ARN]);
    expect(result.profiles.get(ARN)?.tags).to.deep.equal({});
    expect(result.notes[0]).to.include("access denied to bedrock:ListTagsForResource").and.include("tags are unknown");
  });

  it("throttled: retried, then priced when AWS answers", async () => {
    bedrock
      .on(GetInferenceProfileCommand)
      .rejectsOnce(awsError("ThrottlingException"))
      .resolves(profileResponse(["us-east-1"]));
    bedrock.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const result = await lookUp([ARN]);
    expect(result.profiles.get(ARN)?.modelId).to.equal(SONNET);
    expect(bedrock.commandCalls(GetInferenceProfileCommand)).to.have.length(2);
  });

  it("throttled throughout: stays unpriced with a note, the report goes on", async () => {
    bedrock.on(GetInferenceProfileCommand).rejects(awsError("ThrottlingException"));
    const result = await lookUp([ARN]);
    expect(result.profiles.size).to.equal(0);
    expect(result.notes[0]).to.match(/kept throttling bedrock:GetInferenceProfile \(ThrottlingException\)/);
  });

  it("an unexpected failure is not hidden in a note", async () => {
    bedrock.on(GetInferenceProfileCommand).rejects(new TypeError("a bug"));
    let caught: unknown;
    await lookUp([ARN]).catch((error: unknown) => (caught = error));
    expect(caught).to.be.instanceOf(TypeError);
  });
});

describe("the model an application profile is priced as", () => {
  const arn = (region: string, model = SONNET) => `arn:aws:bedrock:${region}::foundation-model/${model}`;

  it("one region or one geography: the regional rate; regions of several geographies: the global rate", () => {
    expect(pricedModelIdOf([arn("us-east-1")])).to.equal(SONNET);
    expect(pricedModelIdOf([arn("us-east-1"), arn("us-west-2")])).to.equal(SONNET);
    expect(pricedModelIdOf([arn("us-east-1"), arn("eu-west-1"), arn("ap-northeast-1")])).to.equal(`global.${SONNET}`);
  });

  it("several models or none cannot be priced as one", () => {
    expect(pricedModelIdOf([arn("us-east-1"), arn("us-west-2", "anthropic.claude-3-haiku-20240307-v1:0")])).to.equal(
      null,
    );
    expect(pricedModelIdOf([])).to.equal(null);
  });
});

describe("a --profiles file", () => {
  it("reads saved get-inference-profile outputs with their tags", () => {
    const text = JSON.stringify([{ ...profileResponse(["us-east-1"]), tags: [{ key: "team", value: "search" }] }]);
    expect(parseProfilesFile(text, "p.json").get(ARN)).to.deep.equal({
      arn: ARN,
      name: "support-chat",
      modelId: SONNET,
      tags: { team: "search" },
    });
  });

  it("refuses a file that is not such an array with one line", () => {
    for (const text of ["{", "{}", '[{"inferenceProfileArn": "nope"}]', JSON.stringify([{ inferenceProfileArn: ARN }])])
      expect(() => parseProfilesFile(text, "p.json")).to.throw(UsageError, /--profiles p\.json: /);
  });
});
