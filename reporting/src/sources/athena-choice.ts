/**
 * When a stack's report reads the archive through Athena: when asked to
 * (`--source athena`), or, with `--source auto`, for a window past the log
 * group's retention whose archive is larger than one machine should download
 * (ATHENA_AUTO_THRESHOLD_BYTES, measured from S3 listings).
 */
import type { StackOutputs } from "../aws/stack-outputs";
import type { CliDeps } from "../commands/context";
import type { AthenaNames } from "../kernel/athena/names";
import type { GroupDimension } from "../kernel/athena/usage-query";
import { OperationalError } from "../kernel/errors";
import type { GroupKey } from "../model/grouping";
import type { ReportWindow } from "../model/usage";
import type { ArchiveLocation } from "./s3-url";

/**
 * 1 GiB of gzipped records is about a million requests: some 10 s of parsing
 * on the machine the archive reader was measured on, after the download. Past
 * that, one Athena query costs well under a cent ($5 per TB) and downloads nothing.
 */
export const ATHENA_AUTO_THRESHOLD_BYTES = 1024 ** 3;

/** The stack's Athena names, or undefined when its outputs name none (athenaEnabled false, or an older stack). */
export function athenaNamesOfStack(outputs: StackOutputs): AthenaNames | undefined {
  const { athenaDatabaseName: database, athenaTableName: table, athenaWorkgroupName: workgroup } = outputs;
  return database && table && workgroup ? { database, table, workgroup } : undefined;
}

/**
 * The columns the Athena query groups by beyond hour and model: the caller when grouped by it. Profile names and
 * tags come from the model IDs after the query; request metadata keys travel with the window (metadataKeys).
 */
export function athenaDimensionsOf(groupings: readonly GroupKey[]): GroupDimension[] {
  return groupings.includes("caller") ? ["caller"] : [];
}

export function requireAthenaNames(outputs: StackOutputs): AthenaNames {
  const names = athenaNamesOfStack(outputs);
  if (names === undefined) {
    throw new OperationalError(
      "The stack outputs name no Athena database, table and workgroup (athenaDatabaseName, athenaTableName, athenaWorkgroupName).",
      "Deploy the stack with athenaEnabled true (the default) and run `pulumi up`, or use --source archive.",
    );
  }
  return names;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/**
 * For a window `auto` sends to the archive: Athena when the stack has it and
 * the window's archive is over the threshold, else null (the archive reader),
 * with the reason either way.
 */
export async function athenaForArchiveWindow(
  outputs: StackOutputs,
  location: ArchiveLocation,
  window: ReportWindow,
  s3: Parameters<CliDeps["measureArchiveBytes"]>[0]["s3"],
  deps: CliDeps,
): Promise<{ names: AthenaNames | null; reason: string | null }> {
  const names = athenaNamesOfStack(outputs);
  // A stack without Athena (athenaEnabled false, or deployed before it): the archive, as before, nothing to add.
  if (names === undefined) return { names: null, reason: null };
  const size = await deps.measureArchiveBytes({
    s3,
    bucket: location.bucket,
    regionFolder: `${location.prefix}${outputs.region}/`,
    window,
    limitBytes: ATHENA_AUTO_THRESHOLD_BYTES,
    signal: deps.signal,
  });
  const threshold = gib(ATHENA_AUTO_THRESHOLD_BYTES);
  return size.exceeded
    ? { names, reason: `the archive holds more than ${threshold} for the window (listed: ${gib(size.bytes)} so far)` }
    : {
        names: null,
        reason: `the archive holds ${gib(size.bytes)} for the window, under the ${threshold} Athena threshold`,
      };
}
