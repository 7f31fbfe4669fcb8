/**
 * Online resolution of the application inference profile ARNs a report meets:
 * GetInferenceProfile for the model it routes to and its name, and
 * ListTagsForResource for its tags, each ARN once per run, in the profile's
 * own region. A profile that cannot be resolved stays unpriced, with a note
 * saying why (not found, access denied naming the permission, throttled).
 */
import { BedrockClient, GetInferenceProfileCommand, ListTagsForResourceCommand } from "@aws-sdk/client-bedrock";
import { isThrottling, retryThrottled } from "../aws/clients";
import type { ApplicationProfile } from "../model/grouping";
import { profileFromResponse } from "../model/application-profiles";

export interface ProfileLookupOptions {
  arns: string[];
  /** The Bedrock client for a region (the region named in the profile's ARN). */
  clientFor: (region: string) => Pick<BedrockClient, "send">;
  signal?: AbortSignal;
  /** Waits before retrying a throttled call, doubling each time (tests set less). */
  throttleDelayMs?: number;
}

export interface ProfileLookup {
  profiles: Map<string, ApplicationProfile>;
  notes: string[];
}

/** Retries after throttling, on top of the SDK's own: profiles are few and worth a short wait. */
const THROTTLE_RETRIES = 3;
const THROTTLE_DELAY_MS = 1000;

const errorName = (error: unknown): string => (error instanceof Error ? error.name : String(error));

function regionOf(arn: string): string {
  return arn.split(":")[3];
}

const UNPRICED = "it stays unpriced: map it with --pricing or --profiles";
const NO_TAGS = "its tags are unknown, so --group-by tag:<key> puts it under (none)";

/** What went wrong and what it means (`consequence`), or null for an error that is nobody's expected failure. */
function failureNote(arn: string, error: unknown, permission: string, consequence: string): string | null {
  const name = errorName(error);
  if (name === "AccessDeniedException" || name === "AccessDenied")
    return `Application profile ${arn}: access denied to ${permission}; ${consequence}, or grant ${permission} to the role running the report.`;
  if (name === "ResourceNotFoundException" || name === "ValidationException")
    return `Application profile ${arn}: ${permission} found no such profile (deleted, or in another account); ${consequence}.`;
  if (isThrottling(error))
    return `Application profile ${arn}: AWS kept throttling ${permission} (${name}); ${consequence}, or run the report again.`;
  return null;
}

async function lookUp(
  arn: string,
  options: ProfileLookupOptions,
): Promise<{ profile: ApplicationProfile | null; notes: string[] }> {
  const client = options.clientFor(regionOf(arn));
  const retry = { retries: THROTTLE_RETRIES, baseDelayMs: options.throttleDelayMs ?? THROTTLE_DELAY_MS };
  const call = <T>(send: () => Promise<T>) => retryThrottled(send, { ...retry, signal: options.signal });
  let response;
  try {
    response = await call(() =>
      client.send(new GetInferenceProfileCommand({ inferenceProfileIdentifier: arn }), {
        abortSignal: options.signal,
      }),
    );
  } catch (error) {
    const note = failureNote(arn, error, "bedrock:GetInferenceProfile", UNPRICED);
    if (note === null) throw error;
    return { profile: null, notes: [note] };
  }
  const notes: string[] = [];
  let tags: Array<{ key?: string; value?: string }> = [];
  try {
    const listed = await call(() =>
      client.send(new ListTagsForResourceCommand({ resourceARN: arn }), { abortSignal: options.signal }),
    );
    tags = listed.tags ?? [];
  } catch (error) {
    // Without its tags the profile is still priced; only --group-by tag:<key> misses them.
    const note = failureNote(arn, error, "bedrock:ListTagsForResource", NO_TAGS);
    if (note === null) throw error;
    notes.push(note);
  }
  const profile = profileFromResponse(arn, { ...response, tags });
  if (profile === null)
    notes.push(
      `Application profile ${arn} routes to several models, so it cannot be priced as one; it stays unpriced.`,
    );
  else
    notes.push(`Application profile ${arn} ("${profile.name}") is priced as ${profile.modelId} (GetInferenceProfile).`);
  return { profile, notes };
}

/** Looks every ARN up once; the notes say what each became. */
export async function resolveApplicationProfiles(options: ProfileLookupOptions): Promise<ProfileLookup> {
  const profiles = new Map<string, ApplicationProfile>();
  const notes: string[] = [];
  for (const arn of new Set(options.arns)) {
    const found = await lookUp(arn, options);
    if (found.profile) profiles.set(arn, found.profile);
    notes.push(...found.notes);
  }
  return { profiles, notes };
}

const clients = new Map<string, BedrockClient>();

/** One Bedrock control-plane client per region and AWS profile, with the SDK's adaptive retries. */
export function bedrockClientFor(awsProfile: string | undefined): (region: string) => BedrockClient {
  return (region) => {
    const key = `${region}\u0000${awsProfile ?? ""}`;
    let client = clients.get(key);
    if (!client) {
      client = new BedrockClient({
        region,
        ...(awsProfile ? { profile: awsProfile } : {}),
        retryMode: "adaptive",
        maxAttempts: 6,
      });
      clients.set(key, client);
    }
    return client;
  };
}

/** The report's lookup: the ARNs, each in its own region, with the credentials of --profile. */
export function lookUpApplicationProfiles(options: {
  arns: string[];
  awsProfile?: string;
  signal?: AbortSignal;
}): Promise<ProfileLookup> {
  return resolveApplicationProfiles({
    arns: options.arns,
    clientFor: bedrockClientFor(options.awsProfile),
    signal: options.signal,
  });
}
