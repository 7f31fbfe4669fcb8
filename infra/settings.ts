import * as pulumi from "@pulumi/pulumi";
import type { AlarmThresholds, TpmQuota } from "./alarm-specs";

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy). */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const PROJECT = "bedrock-monitoring";

/** Validated stack configuration: everything the program needs, with defaults applied. */
export interface LoggingSettings {
  logGroupName: string;
  logRetentionDays: number;
  archiveRetentionDays: number;
  enableS3Delivery: boolean;
  /** Key ARN for the log group and the archive bucket; undefined means AWS-owned keys (SSE-S3). */
  kmsKeyArn?: string;
  forceDestroy: boolean;
  /** Explicit archive bucket name; undefined means `bedrock-invocation-logs-<account>-<region>`. */
  archiveBucketName?: string;
  /** Key prefix in front of `AWSLogs/`; empty or ending in `/`. */
  archiveKeyPrefix: string;
  importExistingLogGroup: boolean;
  importExistingBucket: boolean;
  imageDataDelivery: boolean;
  embeddingDataDelivery: boolean;
  videoDataDelivery: boolean;
}

export interface DashboardSettings {
  periodSeconds: number;
  rangeHours: number;
  /** Tokens-per-minute quotas to draw on the quota-headroom graph; none when absent. */
  tpmQuotas?: TpmQuota[];
}

export interface AlertingSettings {
  thresholds: AlarmThresholds;
  alertEmails: string[];
  topicKmsKeyArn?: string;
}

/** Athena over the archive; null when athenaEnabled is false. */
export interface AthenaSettings {
  bytesScannedCutoffGb: number;
}

export interface StackSettings {
  athena: AthenaSettings | null;
  logging: LoggingSettings;
  dashboard: DashboardSettings;
  alerting: AlertingSettings;
}

/**
 * A config error is a RunError so that `pulumi up` prints the message alone,
 * not a stack trace, and stops before any resource is registered.
 */
export class StackConfigError extends pulumi.RunError {
  constructor(key: string, value: unknown, allowed: string) {
    super(`Invalid stack config ${PROJECT}:${key} = ${shown(value)}: ${allowed}`);
    this.name = "StackConfigError";
  }
}

const SHOWN_VALUE_CHARS = 100;

/** The value as JSON (so control characters stay escaped on the one line), cut short if long. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= SHOWN_VALUE_CHARS ? text : `${text.slice(0, SHOWN_VALUE_CHARS)}... (${text.length} characters)`;
}

/** Raw values as `pulumi config` holds them: strings, or parsed JSON for structured keys. */
export type RawConfig = Record<string, unknown>;

// CreateLogGroup: 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#', not starting with "aws/"
// (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html).
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/;
const RESERVED_LOG_GROUP_PREFIX = "aws/";
// A dot-atom local part (no leading, trailing or doubled dot) of at most 64 characters, and a domain of
// letter-digit-hyphen labels ending in an alphabetic (or xn-- punycode) top-level label: RFC 5321 sizes,
// deliberately stricter than RFC 5322 so typos fail before SNS sends a confirmation nobody receives.
const EMAIL_LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const EMAIL_DOMAIN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$/;
const KMS_KEY_ARN =
  /^arn:aws(?:-cn|-us-gov)?:kms:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:key\/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$/;
// General purpose bucket naming rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP_ADDRESS_LIKE = /^\d+\.\d+\.\d+\.\d+$/;
const RESERVED_BUCKET_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"] as const;
const RESERVED_BUCKET_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] as const;
const KEY_PREFIX = /^(?:[A-Za-z0-9!_.*'()-]+\/)*$/;
// An S3 key is at most 1,024 bytes (https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
// Bedrock appends `AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/data/<request id>_...`,
// about 140 bytes; 256 are kept free for it.
const MAX_KEY_PREFIX_BYTES = 1024 - 256;
// Whole numbers and decimals in plain digits. Number() would also accept "0x10", "0b101", "0o17", "1e3",
// " 14 " and "Infinity", so a typo or a hex value would silently become some other setting.
const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?\d+(?:\.\d+)?$/;

function stringOf(raw: RawConfig, key: string, fallback: string): string {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "string") throw new StackConfigError(key, value, "expected a string.");
  return value;
}

/** A number as YAML or JSON gave it, or a string of plain decimal digits; undefined for anything else. */
function decimalOf(value: unknown, pattern: RegExp): number | undefined {
  if (typeof value === "number") return value;
  return typeof value === "string" && pattern.test(value) ? Number(value) : undefined;
}

function integerOf(raw: RawConfig, key: string, fallback: number, unit: string): number {
  const value = raw[key];
  if (value === undefined || value === null || value === "") return fallback;
  const parsed = decimalOf(value, DECIMAL_INTEGER);
  if (parsed === undefined || !Number.isSafeInteger(parsed)) {
    throw new StackConfigError(key, value, `expected a whole number of ${unit} in decimal digits, e.g. 30.`);
  }
  return parsed;
}

/** An alarm threshold: a finite number above zero (zero would alarm on any traffic at all). */
function thresholdOf(raw: RawConfig, key: string, fallback: number | undefined): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === "") return fallback;
  const parsed = decimalOf(value, DECIMAL_NUMBER);
  if (parsed === undefined || !Number.isFinite(parsed) || parsed <= 0) {
    throw new StackConfigError(key, value, "expected a number greater than 0 in decimal digits, e.g. 10 or 2.5.");
  }
  return parsed;
}

/** Why S3 would refuse this bucket name, or undefined when it would not. */
function bucketNameProblem(name: string): string | undefined {
  if (!BUCKET_NAME.test(name)) {
    return "an S3 bucket name is 3-63 characters of a-z, 0-9, '.', '-', starting and ending with a letter or digit.";
  }
  if (name.includes("..")) return "an S3 bucket name must not contain two adjacent periods.";
  if (IP_ADDRESS_LIKE.test(name)) return "an S3 bucket name must not be formatted as an IP address.";
  const prefix = RESERVED_BUCKET_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix !== undefined) {
    return `an S3 bucket name must not start with ${prefix}: S3 reserves ${RESERVED_BUCKET_PREFIXES.join(", ")}.`;
  }
  const suffix = RESERVED_BUCKET_SUFFIXES.find((reserved) => name.endsWith(reserved));
  if (suffix !== undefined) {
    return `an S3 bucket name must not end with ${suffix}: S3 reserves ${RESERVED_BUCKET_SUFFIXES.join(", ")}.`;
  }
  return undefined;
}

/** Why this key prefix cannot be used, or undefined when it can. */
function keyPrefixProblem(prefix: string): string | undefined {
  if (!KEY_PREFIX.test(prefix)) {
    return "expected empty or path segments of letters, digits and !_.*'()- separated by '/', without a leading '/'.";
  }
  if (prefix.split("/").some((segment) => segment === "." || segment === "..")) {
    return "a path segment may not be '.' or '..': tools that read the archive resolve them as relative paths.";
  }
  if (Buffer.byteLength(prefix, "utf8") > MAX_KEY_PREFIX_BYTES) {
    return (
      `expected at most ${MAX_KEY_PREFIX_BYTES} bytes: ` +
      "an S3 key is at most 1,024 bytes and Bedrock appends its own path after the prefix."
    );
  }
  return undefined;
}

function isEmailAddress(address: string): boolean {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return (
    at > 0 && local.length <= 64 && domain.length <= 253 && EMAIL_LOCAL_PART.test(local) && EMAIL_DOMAIN.test(domain)
  );
}

function requiredThresholdOf(raw: RawConfig, key: string, fallback: number): number {
  return thresholdOf(raw, key, fallback) ?? fallback;
}

function kmsKeyArnOf(raw: RawConfig, key: string): string | undefined {
  const kmsKeyArn = optional(stringOf(raw, key, ""));
  if (kmsKeyArn !== undefined && !KMS_KEY_ARN.test(kmsKeyArn)) {
    throw new StackConfigError(
      key,
      kmsKeyArn,
      "expected a KMS key ARN like arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab (aliases and key IDs are not accepted).",
    );
  }
  return kmsKeyArn;
}

/** Dashboard periods CloudWatch offers for standard-resolution metrics. */
export const DASHBOARD_PERIODS_SECONDS = [60, 300, 900, 3600, 21600, 86400] as const;
/** CloudWatch keeps hourly data 455 days; a longer range shows nothing more. */
const MAX_DASHBOARD_RANGE_HOURS = 455 * 24;

function booleanOf(raw: RawConfig, key: string, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined || value === null || value === "") return fallback;
  if (value === true || value === "true") return true;
  if (value === false || value === "false") return false;
  throw new StackConfigError(key, value, "expected true or false.");
}

function stringListOf(raw: RawConfig, key: string): string[] {
  const value = raw[key];
  if (value === undefined || value === null || value === "") return [];
  const list = typeof value === "string" ? parseJsonList(key, value) : value;
  if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) {
    throw new StackConfigError(key, value, 'expected a list of strings, e.g. ["ops@example.com"].');
  }
  return list;
}

function parseJsonList(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new StackConfigError(
      key,
      text,
      'expected a list of strings, e.g. ["ops@example.com"] (set it with --path or a YAML list).',
    );
  }
}

/** `<ModelId>=<tokens per minute>`: the model ID as Bedrock's ModelId dimension names it (a profile ID included). */
const TPM_QUOTA_ENTRY = /^([A-Za-z0-9.:/_-]{1,256})=(\d{1,12})$/;

function tpmQuotasOf(raw: RawConfig): TpmQuota[] {
  return stringListOf(raw, "tpmQuotas").map((entry) => {
    const match = TPM_QUOTA_ENTRY.exec(entry);
    if (!match || Number(match[2]) === 0) {
      throw new StackConfigError(
        "tpmQuotas",
        entry,
        'each entry is "<ModelId>=<tokens per minute>" with a quota above 0, e.g. "us.anthropic.claude-sonnet-4-5-20250929-v1:0=2000000".',
      );
    }
    return { modelId: match[1], tokensPerMinute: Number(match[2]) };
  });
}

/** The quota alarm: off at 0; else a percent of each quota in tpmQuotas, which must then name at least one. */
function tpmQuotaAlarmOf(raw: RawConfig, quotas: TpmQuota[]): AlarmThresholds["tpmQuotaAlarm"] {
  const value = raw.tpmQuotaAlarmPercent;
  if (value === undefined || value === null || value === "" || value === 0 || value === "0") return undefined;
  const percent = thresholdOf(raw, "tpmQuotaAlarmPercent", undefined) as number;
  if (percent > 100)
    throw new StackConfigError("tpmQuotaAlarmPercent", value, "expected 0 (off) or a percent from above 0 to 100.");
  if (quotas.length === 0) {
    throw new StackConfigError(
      "tpmQuotaAlarmPercent",
      value,
      'set tpmQuotas as well (e.g. ["us.anthropic.claude-sonnet-4-5-20250929-v1:0=2000000"]): the alarm needs each model\'s quota, which the metric does not carry.',
    );
  }
  return { percent, quotas };
}

function optional(value: string): string | undefined {
  return value === "" ? undefined : value;
}

/** Validates raw stack config and applies defaults. Throws StackConfigError naming the key, the value and what is allowed. */
export function parseStackSettings(raw: RawConfig): StackSettings {
  const logGroupName = stringOf(raw, "logGroupName", "/aws/bedrock/modelinvocations");
  if (!LOG_GROUP_NAME.test(logGroupName)) {
    throw new StackConfigError(
      "logGroupName",
      logGroupName,
      "a log group name is 1-512 characters of a-z, A-Z, 0-9, '_', '-', '/', '.', '#'.",
    );
  }
  if (logGroupName.startsWith(RESERVED_LOG_GROUP_PREFIX)) {
    const allowed = `a log group name must not start with "${RESERVED_LOG_GROUP_PREFIX}" (reserved by AWS); "/aws/..." is fine.`;
    throw new StackConfigError("logGroupName", logGroupName, allowed);
  }

  const logRetentionDays = integerOf(raw, "logRetentionDays", 30, "days");
  if (!(CLOUDWATCH_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    throw new StackConfigError(
      "logRetentionDays",
      logRetentionDays,
      `CloudWatch Logs accepts only ${CLOUDWATCH_RETENTION_DAYS.join(", ")} days.`,
    );
  }

  const archiveRetentionDays = integerOf(raw, "archiveRetentionDays", 90, "days");
  if (archiveRetentionDays < logRetentionDays) {
    throw new StackConfigError(
      "archiveRetentionDays",
      archiveRetentionDays,
      `the S3 archive must keep logs at least as long as CloudWatch does (logRetentionDays = ${logRetentionDays}).`,
    );
  }

  const kmsKeyArn = kmsKeyArnOf(raw, "kmsKeyArn");

  const archiveBucketName = optional(stringOf(raw, "archiveBucketName", ""));
  const bucketProblem = archiveBucketName === undefined ? undefined : bucketNameProblem(archiveBucketName);
  if (bucketProblem !== undefined) throw new StackConfigError("archiveBucketName", archiveBucketName, bucketProblem);

  const importExistingBucket = booleanOf(raw, "importExistingBucket", false);
  if (importExistingBucket && archiveBucketName === undefined) {
    throw new StackConfigError(
      "importExistingBucket",
      true,
      "set archiveBucketName to the existing bucket's name as well: Pulumi needs the name to adopt it.",
    );
  }

  const rawPrefix = stringOf(raw, "archiveKeyPrefix", "");
  const archiveKeyPrefix = rawPrefix === "" || rawPrefix.endsWith("/") ? rawPrefix : `${rawPrefix}/`;
  const prefixProblem = keyPrefixProblem(archiveKeyPrefix);
  if (prefixProblem !== undefined) throw new StackConfigError("archiveKeyPrefix", rawPrefix, prefixProblem);

  const alertEmails = stringListOf(raw, "alertEmails");
  for (const email of alertEmails) {
    if (!isEmailAddress(email)) {
      throw new StackConfigError("alertEmails", email, "each entry must be an e-mail address like ops@example.com.");
    }
  }

  const periodSeconds = integerOf(raw, "dashboardPeriodSeconds", 300, "seconds");
  if (!(DASHBOARD_PERIODS_SECONDS as readonly number[]).includes(periodSeconds)) {
    throw new StackConfigError(
      "dashboardPeriodSeconds",
      periodSeconds,
      `expected one of ${DASHBOARD_PERIODS_SECONDS.join(", ")} seconds.`,
    );
  }
  const rangeHours = integerOf(raw, "dashboardRangeHours", 24, "hours");
  if (rangeHours < 1 || rangeHours > MAX_DASHBOARD_RANGE_HOURS) {
    throw new StackConfigError(
      "dashboardRangeHours",
      rangeHours,
      `expected 1 to ${MAX_DASHBOARD_RANGE_HOURS} hours (CloudWatch keeps hourly data 455 days).`,
    );
  }

  const thresholds: AlarmThresholds = {
    inputTokensPerHour: requiredThresholdOf(raw, "inputTokensPerHourThreshold", 100_000),
    errorsPer5Minutes: requiredThresholdOf(raw, "errorsPer5MinThreshold", 10),
    throttlesPer5Minutes: requiredThresholdOf(raw, "throttlesPer5MinThreshold", 10),
    invocationsPerHour: requiredThresholdOf(raw, "invocationsPerHourThreshold", 1_000),
    averageLatencyMs: requiredThresholdOf(raw, "averageLatencyThresholdMs", 10_000),
    dailyCostBudgetUsd: thresholdOf(raw, "dailyCostBudgetUsd", undefined),
  };
  const tpmQuotas = tpmQuotasOf(raw);
  const tpmQuotaAlarm = tpmQuotaAlarmOf(raw, tpmQuotas);
  if (tpmQuotaAlarm) thresholds.tpmQuotaAlarm = tpmQuotaAlarm;

  // Athena refuses a per-query cutoff below 10,000,000 bytes (WorkGroupConfiguration.BytesScannedCutoffPerQuery,
  // https://docs.aws.amazon.com/athena/latest/APIReference/API_WorkGroupConfiguration.html): 0.01 GB.
  const cutoffGb = requiredThresholdOf(raw, "athenaBytesScannedCutoffGb", 10);
  if (cutoffGb < 0.01) {
    throw new StackConfigError(
      "athenaBytesScannedCutoffGb",
      cutoffGb,
      "expected at least 0.01 GB: Athena's smallest per-query cutoff is 10,000,000 bytes.",
    );
  }
  // Without S3 delivery the archive holds only large bodies, no records: Athena is off unless asked for, then refused.
  const s3Delivery = booleanOf(raw, "enableS3Delivery", true);
  const athenaEnabled = booleanOf(raw, "athenaEnabled", s3Delivery);
  if (athenaEnabled && !s3Delivery) {
    throw new StackConfigError(
      "athenaEnabled",
      true,
      "Athena reads the S3 archive, which enableS3Delivery false leaves without records: set athenaEnabled false too.",
    );
  }

  return {
    athena: athenaEnabled ? { bytesScannedCutoffGb: cutoffGb } : null,
    dashboard: { periodSeconds, rangeHours, tpmQuotas },
    alerting: { thresholds, alertEmails, topicKmsKeyArn: kmsKeyArnOf(raw, "alertTopicKmsKeyArn") },
    logging: {
      logGroupName,
      logRetentionDays,
      archiveRetentionDays,
      enableS3Delivery: booleanOf(raw, "enableS3Delivery", true),
      kmsKeyArn,
      forceDestroy: booleanOf(raw, "forceDestroy", false),
      archiveBucketName,
      archiveKeyPrefix,
      importExistingLogGroup: booleanOf(raw, "importExistingLogGroup", false),
      importExistingBucket,
      imageDataDelivery: booleanOf(raw, "imageDataDelivery", false),
      embeddingDataDelivery: booleanOf(raw, "embeddingDataDelivery", false),
      videoDataDelivery: booleanOf(raw, "videoDataDelivery", false),
    },
  };
}

/** The keys this program reads; Pulumi.yaml declares each with its type, default and description. */
export const CONFIG_KEYS = [
  "logGroupName",
  "logRetentionDays",
  "archiveRetentionDays",
  "enableS3Delivery",
  "kmsKeyArn",
  "forceDestroy",
  "archiveBucketName",
  "archiveKeyPrefix",
  "importExistingLogGroup",
  "importExistingBucket",
  "imageDataDelivery",
  "embeddingDataDelivery",
  "videoDataDelivery",
  "alertEmails",
  "alertTopicKmsKeyArn",
  "dashboardPeriodSeconds",
  "dashboardRangeHours",
  "inputTokensPerHourThreshold",
  "errorsPer5MinThreshold",
  "throttlesPer5MinThreshold",
  "invocationsPerHourThreshold",
  "averageLatencyThresholdMs",
  "dailyCostBudgetUsd",
  "tpmQuotas",
  "tpmQuotaAlarmPercent",
  "athenaEnabled",
  "athenaBytesScannedCutoffGb",
] as const;

/** Reads this project's keys from the stack config. */
export function readStackSettings(config = new pulumi.Config(PROJECT)): StackSettings {
  const raw: RawConfig = {};
  for (const key of CONFIG_KEYS) {
    raw[key] = key === "alertEmails" || key === "tpmQuotas" ? config.getObject<unknown>(key) : config.get(key);
  }
  return parseStackSettings(raw);
}
