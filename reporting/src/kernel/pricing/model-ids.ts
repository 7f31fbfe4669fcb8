/**
 * What a logged `modelId` names. The log holds whatever the caller sent, and
 * Bedrock accepts a model or inference profile by ID or by ARN
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-use.html):
 * a base model ID (`anthropic.claude-...`), a system inference profile ID
 * (`us.`/`eu.`/`apac.`/`jp.`/`au.`/`global.` + base ID), the ARN of either,
 * or an application inference profile ARN, which does not name its model.
 * Shared kernel: pure functions, no I/O.
 */

/** Geographic cross-region inference profile prefixes; they share the in-region rate. */
export const GEO_PROFILE_PREFIXES = ["us", "eu", "apac", "jp", "au"] as const;

export type PriceRoute = "global" | "geo" | "in-region";

/**
 * A system inference profile or foundation model ARN, in the shape AWS's
 * CloudFormation schema gives for them (`AWS::Bedrock::ApplicationInferenceProfile`
 * InferenceProfileModelSource, CopyFrom:
 * https://docs.amazonaws.cn/AWSCloudFormation/latest/TemplateReference/aws-properties-bedrock-applicationinferenceprofile-inferenceprofilemodelsource.html):
 * `arn:<partition>:bedrock:<region>:<account>:inference-profile/<profile ID>`,
 * and `...:<region>::foundation-model/<model ID>` with no account.
 */
const SYSTEM_MODEL_ARN =
  /^arn:aws(?:-[a-z]+)*:bedrock:[a-z0-9-]*:(?:\d{12})?:(?:inference-profile|foundation-model)\/([A-Za-z0-9.:-]+)$/;

const APPLICATION_PROFILE_ARN = /^arn:aws[a-z-]*:bedrock:[^:]*:\d*:application-inference-profile\//;

export function isApplicationProfileArn(modelId: string): boolean {
  return APPLICATION_PROFILE_ARN.test(modelId);
}

/**
 * The ID a logged model ID stands for: a system inference profile ARN
 * becomes its profile ID (`arn:aws:bedrock:us-east-1:111122223333:inference-profile/us.anthropic.claude-...`
 * -> `us.anthropic.claude-...`) and a foundation model ARN its model ID, so
 * both are priced, grouped and overridden like the IDs they name. Anything
 * else (IDs, application inference profile ARNs, unknown text) comes back as it is.
 */
export function canonicalModelId(modelId: string): string {
  const match = SYSTEM_MODEL_ARN.exec(modelId);
  return match ? match[1] : modelId;
}

/** Splits a model or profile ID into its route (from the profile prefix) and base model ID. */
export function parseModelId(modelId: string): { route: PriceRoute; baseModelId: string } {
  const dot = modelId.indexOf(".");
  const prefix = dot > 0 ? modelId.slice(0, dot) : "";
  if (prefix === "global") return { route: "global", baseModelId: modelId.slice(dot + 1) };
  if ((GEO_PROFILE_PREFIXES as readonly string[]).includes(prefix))
    return { route: "geo", baseModelId: modelId.slice(dot + 1) };
  return { route: "in-region", baseModelId: modelId };
}
