/**
 * AWS clients for the online report, and the translation of expected AWS
 * failures (credentials, access, missing resources, throttling) into
 * OperationalErrors that say what happened and what to do.
 */
import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { S3Client } from "@aws-sdk/client-s3";
import { OperationalError } from "../kernel/errors";
import { networkErrorCode } from "./network-errors";

export interface AwsClients {
  region: string;
  logs: CloudWatchLogsClient;
  cloudwatch: CloudWatchClient;
  /** Reads the S3 archive. */
  s3: S3Client;
}

export interface AwsClientOptions {
  region: string;
  /** A named profile from the shared AWS config files; the default credential chain when absent. */
  profile?: string;
  /** Another S3 endpoint (an S3-compatible server, e.g. in tests); addressed path-style, since such servers rarely resolve bucket subdomains. */
  s3Endpoint?: string;
}

/**
 * Adaptive retry: besides retrying throttling (ThrottlingException,
 * LimitExceededException, ...) and transient faults with backoff, it slows the
 * client's own request rate after a throttle, which matters when several
 * Insights queries are polled at once against a per-account TPS quota.
 */
const RETRY_SETTINGS = { retryMode: "adaptive", maxAttempts: 6 } as const;

const clientCache = new Map<string, AwsClients>();

/** The clients for one region and profile, created once and reused by every source of the report. */
export function createAwsClients({ region, profile, s3Endpoint }: AwsClientOptions): AwsClients {
  const key = [region, profile ?? "", s3Endpoint ?? ""].join("\u0000");
  let clients = clientCache.get(key);
  if (!clients) {
    const config = { region, ...(profile ? { profile } : {}), ...RETRY_SETTINGS };
    clients = {
      region,
      logs: new CloudWatchLogsClient(config),
      cloudwatch: new CloudWatchClient(config),
      // A bucket named in an s3:// URL may live in another region than the one the report assumed: follow S3's redirect instead of failing.
      s3: new S3Client({
        ...config,
        followRegionRedirects: true,
        ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
      }),
    };
    clientCache.set(key, clients);
  }
  return clients;
}

/** What the report was doing when a call failed, for the message. */
export interface AwsCallContext {
  /** The IAM action of the call, e.g. `logs:StartQuery`. */
  permission: string;
  /** What it was called on, e.g. `log group /aws/bedrock/modelinvocations`. */
  resource: string;
  region?: string;
  /** Everything the source calling needs, for the access-denied hint; the online report's permissions when absent. */
  required?: readonly string[];
}

const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "LimitExceededException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "SlowDown",
]);
const REJECTED_CREDENTIAL_NAMES = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "UnrecognizedClientException",
  "InvalidClientTokenId",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
]);

/** The IAM actions the online report calls, for hints and the README. */
export const REQUIRED_PERMISSIONS: readonly string[] = [
  "logs:StartQuery",
  "logs:GetQueryResults",
  "logs:StopQuery",
  "cloudwatch:GetMetricData",
  "cloudwatch:ListMetrics",
];

const errorName = (error: unknown): string | undefined => (error instanceof Error ? error.name : undefined);

export function isThrottling(error: unknown): boolean {
  const name = errorName(error);
  return name !== undefined && THROTTLING_NAMES.has(name);
}

/**
 * An OperationalError for an expected AWS failure, with the SDK's error as its
 * cause; anything unexpected is returned unchanged so its stack trace still
 * reaches a developer.
 */
export function describeAwsFailure(error: unknown, context: AwsCallContext): unknown {
  const name = errorName(error);
  const where = context.region ? ` in ${context.region}` : "";
  if (name === "CredentialsProviderError") {
    return new OperationalError(
      "No AWS credentials found.",
      "Pass --profile <name> (or set AWS_PROFILE), run `aws sso login` for an SSO profile, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.",
      { cause: error },
    );
  }
  if (name !== undefined && REJECTED_CREDENTIAL_NAMES.has(name)) {
    return new OperationalError(
      `AWS rejected the credentials (${name}): they are expired or invalid.`,
      "Refresh them (`aws sso login`, or new temporary keys) and run the report again.",
      { cause: error },
    );
  }
  if (name === "AccessDeniedException" || name === "AccessDenied") {
    return new OperationalError(
      `Access denied: the caller may not ${context.permission} on ${context.resource}${where}.`,
      `Grant ${context.permission} to the role or user running the report; the report needs ${(context.required ?? REQUIRED_PERMISSIONS).join(", ")}.`,
      { cause: error },
    );
  }
  if (name === "NoSuchBucket") {
    return new OperationalError(
      `Not found: ${context.resource} (no such bucket).`,
      "Check the bucket name: the stack output bucketName, or the bucket in --logs s3://<bucket>/<prefix>.",
      { cause: error },
    );
  }
  if (name === "ResourceNotFoundException") {
    return new OperationalError(
      `Not found: ${context.resource}${where}.`,
      "Invocation logging may not be deployed yet (run `pulumi up`), or the report is looking in the wrong region (--region, or the stack's region output).",
      { cause: error },
    );
  }
  const networkCode = networkErrorCode(error);
  if (networkCode !== undefined) {
    return new OperationalError(
      `Could not reach AWS for ${context.permission} on ${context.resource}${where} (${networkCode}).`,
      "Check the network connection, the proxy settings (HTTPS_PROXY) and the region; if AWS_ENDPOINT_URL is set, it must point at a reachable endpoint.",
      { cause: error },
    );
  }
  if (isThrottling(error)) {
    return new OperationalError(
      `AWS kept throttling ${context.permission} on ${context.resource}${where} after several retries (${name}).`,
      context.permission.startsWith("logs:")
        ? "Other Logs Insights queries may be using the account's concurrent-query quota (30 at once): wait a minute and run the report again."
        : "Something else is loading the same resource: wait a minute and run the report again.",
      { cause: error },
    );
  }
  return error;
}

/** A sleep that ends early, with the signal's reason, when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export interface ThrottleRetryOptions {
  /** First delay; doubles on every further throttle. */
  baseDelayMs: number;
  /** Retries after the first try. */
  retries: number;
  signal?: AbortSignal;
}

/**
 * Retries a call while AWS throttles it. The SDK's own retries already cover
 * short bursts; this outer loop waits longer, because the Logs Insights
 * concurrent-query quota (LimitExceededException on StartQuery) is held by
 * queries that run for seconds to minutes, often other people's.
 */
export async function retryThrottled<T>(call: () => Promise<T>, options: ThrottleRetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (!isThrottling(error) || attempt >= options.retries) throw error;
      await abortableSleep(options.baseDelayMs * 2 ** attempt, options.signal);
    }
  }
}
