/**
 * `s3://<bucket>/<prefix>` locations of the archive. Kept apart from the
 * archive reader so that parsing arguments does not load the AWS SDK.
 */
import { UsageError } from "../kernel/errors";

/** A bucket and a key prefix in it; the prefix is empty or ends with `/`. */
export interface ArchiveLocation {
  bucket: string;
  prefix: string;
}

/** S3 bucket naming rules: 3-63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const S3_URL = /^s3:\/\/([^/]*)\/?(.*)$/;
const S3_URL_HELP =
  "use s3://<bucket>/<prefix>, where the prefix ends at or before the region folder, e.g. s3://bedrock-invocation-logs-111122223333-us-east-1/AWSLogs/111122223333/BedrockModelInvocationLogs/";

export function isS3Url(text: string): boolean {
  return text.startsWith("s3://");
}

/** The bucket and prefix of `s3://<bucket>/<prefix>`; one that points inside a region folder is refused, since the window picks the hour folders. */
export function parseS3Url(text: string): ArchiveLocation {
  const match = S3_URL.exec(text);
  if (!match || !BUCKET_NAME.test(match[1]))
    throw new UsageError(`--logs ${text}: not an S3 URL of a bucket; ${S3_URL_HELP}`);
  const prefix = match[2] === "" || match[2].endsWith("/") ? match[2] : `${match[2]}/`;
  if (/BedrockModelInvocationLogs\/[^/]+\/./.test(prefix))
    throw new UsageError(`--logs ${text}: points inside a region folder; ${S3_URL_HELP}`);
  return { bucket: match[1], prefix };
}

export function s3Url({ bucket, prefix }: ArchiveLocation): string {
  return `s3://${bucket}/${prefix}`;
}
