/**
 * How many bytes the archive holds for a window, from S3 listings alone (no
 * object is read): the day folders of one region folder, each listed without
 * a delimiter, their objects' sizes summed. It stops as soon as the sum passes
 * the limit asked about, so the answer to "more than N bytes?" costs a handful
 * of LIST requests however large the archive.
 */
import { ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { describeAwsFailure } from "../aws/clients";
import { DAY_MS, floorTo } from "../kernel/time";
import { DELIVERY_DELAY_MARGIN_MS } from "../kernel/athena/usage-query";
import type { ReportWindow } from "../model/usage";

export interface ArchiveSizeOptions {
  s3: S3Client;
  bucket: string;
  /** `<prefix>AWSLogs/<account>/BedrockModelInvocationLogs/<region>/`. */
  regionFolder: string;
  window: ReportWindow;
  /** Stop listing once the sum exceeds this. */
  limitBytes: number;
  signal?: AbortSignal;
}

export interface ArchiveSize {
  /** Bytes counted (at least this many when `exceeded`). */
  bytes: number;
  exceeded: boolean;
}

const dayFolder = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, "/");

export async function measureArchiveBytes(options: ArchiveSizeOptions): Promise<ArchiveSize> {
  const { s3, bucket, regionFolder, window, limitBytes, signal } = options;
  let bytes = 0;
  const lastMs = window.end.getTime() + DELIVERY_DELAY_MARGIN_MS;
  for (let dayMs = floorTo(window.start.getTime(), DAY_MS); dayMs < lastMs; dayMs += DAY_MS) {
    let token: string | undefined;
    do {
      const prefix = `${regionFolder}${dayFolder(dayMs)}/`;
      const page = await s3
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }), {
          abortSignal: signal,
        })
        .catch((error: unknown) => {
          throw describeAwsFailure(error, { permission: "s3:ListBucket", resource: `s3://${bucket}/${prefix}` });
        });
      for (const object of page.Contents ?? []) bytes += object.Size ?? 0;
      if (bytes > limitBytes) return { bytes, exceeded: true };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  return { bytes, exceeded: false };
}
