/**
 * Application inference profiles from what Bedrock says about them: the
 * GetInferenceProfile response (its name and the foundation-model ARNs it
 * routes to) and the profile's tags (ListTagsForResource). Pure: the online
 * lookup (sources/profile-lookup.ts) and a `--profiles` file of saved
 * responses both end here.
 *
 * Response shape: https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetInferenceProfile.html
 * (`inferenceProfileName`, `inferenceProfileArn`, `models[].modelArn`, `type`), as a public listing
 * shows it: `"models": [{"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0"},
 * {"modelArn": "arn:aws:bedrock:us-west-2::foundation-model/..."}]` (github.com/kevint4890/brag-bot,
 * frontend/src/InferenceProfileSummaries.js).
 */
import { UsageError } from "../kernel/errors";
import { canonicalModelId, isApplicationProfileArn } from "../kernel/pricing/model-ids";
import type { ApplicationProfile } from "./grouping";

/** The parts of a GetInferenceProfile response (and of ListTagsForResource's `tags`) the report reads. */
export interface InferenceProfileResponse {
  inferenceProfileName?: string;
  inferenceProfileArn?: string;
  models?: Array<{ modelArn?: string }>;
  tags?: Array<{ key?: string; value?: string }>;
}

/** `arn:aws:bedrock:<region>::foundation-model/<id>` -> region and model ID. */
const FOUNDATION_MODEL_ARN = /^arn:aws[a-z-]*:bedrock:([a-z0-9-]+)::foundation-model\/(.+)$/;

/**
 * The model ID a profile is priced as. Its models are one foundation model in
 * one or more regions: in one region it is an in-region call, across the
 * regions of one geography a geographic profile (both take the regional
 * rate), and across geographies (`us-`, `eu-`, `ap-`...) a copy of a
 * `global.` profile, which takes the global rate. Null when the profile
 * routes to more than one model or names none: it cannot be priced as one.
 */
export function pricedModelIdOf(modelArns: string[]): string | null {
  const parsed = modelArns.map((arn) => FOUNDATION_MODEL_ARN.exec(arn));
  if (parsed.length === 0 || parsed.some((match) => match === null)) return null;
  const modelIds = new Set(parsed.map((match) => canonicalModelId((match as RegExpExecArray)[2])));
  if (modelIds.size !== 1) return null;
  const [modelId] = modelIds;
  const geographies = new Set(parsed.map((match) => (match as RegExpExecArray)[1].split("-")[0]));
  return geographies.size > 1 ? `global.${modelId}` : modelId;
}

/** An ApplicationProfile from a response; null when its models cannot be priced as one model. */
export function profileFromResponse(arn: string, response: InferenceProfileResponse): ApplicationProfile | null {
  const modelId = pricedModelIdOf((response.models ?? []).map((model) => model.modelArn ?? ""));
  if (modelId === null) return null;
  const tags: Record<string, string> = {};
  for (const tag of response.tags ?? []) if (tag.key !== undefined) tags[tag.key] = tag.value ?? "";
  return { arn, name: response.inferenceProfileName ?? arn, modelId, tags };
}

/**
 * A `--profiles` file: a JSON array of GetInferenceProfile responses
 * (`aws bedrock get-inference-profile --inference-profile-identifier <arn>`),
 * each optionally with the `tags` of `aws bedrock list-tags-for-resource`.
 */
export function parseProfilesFile(text: string, label: string): Map<string, ApplicationProfile> {
  const fail = (problem: string) =>
    new UsageError(
      `--profiles ${label}: ${problem}; expected a JSON array of \`aws bedrock get-inference-profile\` outputs, each optionally with "tags": [{"key", "value"}]`,
    );
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(document)) throw fail("not an array");
  const profiles = new Map<string, ApplicationProfile>();
  document.forEach((entry: unknown, index) => {
    const response = (typeof entry === "object" && entry !== null ? entry : {}) as InferenceProfileResponse;
    const arn = response.inferenceProfileArn;
    if (typeof arn !== "string" || !isApplicationProfileArn(arn))
      throw fail(`entry ${index} has no application inference profile ARN in "inferenceProfileArn"`);
    const profile = profileFromResponse(arn, response);
    if (profile === null)
      throw fail(`entry ${index} (${arn}) does not route to one foundation model ("models": [{"modelArn": ...}])`);
    profiles.set(arn, profile);
  });
  return profiles;
}

/** Profile ARN -> the model it is priced as: what the pricing rules take. */
export function profileTargets(profiles: ReadonlyMap<string, ApplicationProfile>): Record<string, string> {
  return Object.fromEntries([...profiles].map(([arn, profile]) => [arn, profile.modelId]));
}
