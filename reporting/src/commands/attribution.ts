/**
 * The application inference profiles a report prices and groups by: from a
 * `--profiles` file of saved GetInferenceProfile responses, else, online
 * (Logs Insights or the S3 archive), looked up in Bedrock. Local log files
 * alone never reach AWS: their profiles are priced through --pricing or --profiles.
 */
import { isApplicationProfileArn, canonicalModelId } from "../kernel/pricing/model-ids";
import type { PricingOverrides } from "../kernel/pricing/rules";
import { parseProfilesFile } from "../model/application-profiles";
import type { ApplicationProfile } from "../model/grouping";
import type { SourceResult } from "../sources/contract";
import type { CliDeps } from "./context";
import { readInputFile } from "./input-output";

export interface AttributionArgs {
  /** A JSON file of `aws bedrock get-inference-profile` outputs. */
  profiles?: string;
  /** The AWS profile (--profile) the online lookup signs with. */
  profile?: string;
}

export interface ResolvedProfiles {
  profiles: Map<string, ApplicationProfile>;
  notes: string[];
}

/** The --profiles file, read and checked before any record is, so a bad one fails first; undefined without one. */
export async function givenProfiles(args: AttributionArgs, deps: CliDeps): Promise<ResolvedProfiles | undefined> {
  if (args.profiles === undefined) return undefined;
  const profiles = parseProfilesFile(await readInputFile("--profiles", args.profiles, deps), args.profiles);
  return { profiles, notes: [`Application inference profiles from ${args.profiles} (${profiles.size}).`] };
}

/** The profiles given with --profiles, else those an online source's records name, looked up in Bedrock. */
export async function applicationProfilesFor(
  args: AttributionArgs,
  given: ResolvedProfiles | undefined,
  source: SourceResult,
  overrides: PricingOverrides | undefined,
  deps: CliDeps,
): Promise<ResolvedProfiles> {
  if (given !== undefined) return given;
  if (source.source !== "insights" && source.source !== "archive") return { profiles: new Map(), notes: [] };
  const arns = [
    ...new Set(source.rows.map((row) => canonicalModelId(row.modelId)).filter(isApplicationProfileArn)),
  ].filter((arn) => overrides?.applicationProfiles[arn] === undefined);
  if (arns.length === 0) return { profiles: new Map(), notes: [] };
  return deps.resolveApplicationProfiles({ arns, awsProfile: args.profile, signal: deps.signal });
}
