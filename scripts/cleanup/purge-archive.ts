import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
  type S3Client,
} from "@aws-sdk/client-s3";

/** DeleteObjects takes at most 1,000 keys per request. */
const DELETE_BATCH = 1000;

export interface PurgeResult {
  objectVersions: number;
  deleteMarkers: number;
}

/**
 * Deletes every object version and delete marker in a versioned bucket, the
 * only way to empty it: deleting current objects alone leaves their old
 * versions behind and the bucket still cannot be deleted.
 */
export async function purgeArchive(
  s3: S3Client,
  bucket: string,
  onProgress: (deletedSoFar: number) => void = () => {},
): Promise<PurgeResult> {
  const result: PurgeResult = { objectVersions: 0, deleteMarkers: 0 };
  let keyMarker: string | undefined;
  let versionIdMarker: string | undefined;
  do {
    const page = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }),
    );
    const versions = toIdentifiers(page.Versions);
    const markers = toIdentifiers(page.DeleteMarkers);
    await deleteAll(s3, bucket, [...versions, ...markers]);
    result.objectVersions += versions.length;
    result.deleteMarkers += markers.length;
    onProgress(result.objectVersions + result.deleteMarkers);
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionIdMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker !== undefined);
  return result;
}

/** True when the bucket holds any object version or delete marker. */
export async function holdsAnyVersion(s3: S3Client, bucket: string): Promise<boolean> {
  const page = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1 }));
  return (page.Versions?.length ?? 0) + (page.DeleteMarkers?.length ?? 0) > 0;
}

function toIdentifiers(entries: { Key?: string; VersionId?: string }[] | undefined): ObjectIdentifier[] {
  return (entries ?? []).flatMap((entry) =>
    entry.Key === undefined ? [] : [{ Key: entry.Key, VersionId: entry.VersionId }],
  );
}

async function deleteAll(s3: S3Client, bucket: string, objects: ObjectIdentifier[]): Promise<void> {
  for (let start = 0; start < objects.length; start += DELETE_BATCH) {
    const batch = objects.slice(start, start + DELETE_BATCH);
    const response = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }),
    );
    const failed = response.Errors ?? [];
    if (failed.length > 0) {
      const first = failed[0];
      throw new Error(
        `S3 refused to delete ${failed.length} of ${batch.length} object versions in ${bucket}, e.g. ${first.Key} (${first.VersionId}): ${first.Code} ${first.Message}`,
      );
    }
  }
}
