/**
 * The archive source: invocation log records read straight from the S3
 * archive (`--logs s3://<bucket>/<prefix>`, or `--source archive` with the
 * stack's bucket). Only the hour folders that can hold records of the window
 * are listed; objects are streamed, decompressed and parsed a few at a time
 * into the RecordCollector the local reader uses, so memory does not grow
 * with the archive and both readers count alike.
 */
import {
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";
import { setMaxListeners } from "node:events";
import type { Readable } from "node:stream";
import { describeAwsFailure, type AwsCallContext } from "../aws/clients";
import { OperationalError } from "../kernel/errors";
import { floorTo, HOUR_MS } from "../kernel/time";
import type { TransferProgress } from "../render/progress";
import type { ReportWindow } from "../model/usage";
import type { SourceResult } from "./contract";
import { datedFolderSpan, folderOutsideWindow } from "../reading/log-tree";
import { RecordCollector } from "../reading/record-collector";
import { OVERSIZED_LINES, readRecordStream } from "../reading/record-input";
import { runConcurrently } from "./concurrency";
import { s3Url, type ArchiveLocation } from "./s3-url";

export interface ReadArchiveOptions {
  s3: S3Client;
  locations: ArchiveLocation[];
  window: ReportWindow;
  /** Objects downloaded and parsed at once. */
  concurrency?: number;
  /** Ctrl-C: downloads stop and the report fails instead of showing part of the window. */
  signal?: AbortSignal;
  /** Lines longer than this are cut off and counted (default MAX_LINE_BYTES); tests set less. */
  maxLineBytes?: number;
  onProgress?: (progress: TransferProgress) => void;
}

/** Eight downloads keep a 2-core machine's parser busy while the next objects arrive, and hold at most eight objects' streams in memory. */
const DEFAULT_CONCURRENCY = 8;
/** Hour folders listed ahead of the downloads, so a reader rarely waits for a listing. */
const LISTING_LOOKAHEAD = 4;
const LOGS_FOLDER = "BedrockModelInvocationLogs/";
/** Large request and response bodies sit in `.../HH/data/`: bodies, not log records. */
const BODY_FOLDER = "data/";
const RECORD_OBJECT = /\.jsonl?(\.gz)?$/;

/** The IAM permissions reading this location needs, for the access-denied hint. */
export function archivePermissions({ bucket, prefix }: ArchiveLocation): string[] {
  return [
    `s3:ListBucket on arn:aws:s3:::${bucket}`,
    `s3:GetObject on arn:aws:s3:::${bucket}/${prefix}*`,
    "kms:Decrypt on the bucket's KMS key if it uses SSE-KMS",
  ];
}

function hourPath(hourStartMs: number): string {
  const iso = new Date(hourStartMs).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/**
 * The hour folders of one region folder that can hold records of the window:
 * from the hour the window starts in to a delivery-delay margin after its end,
 * the same span the local reader reads.
 */
export function hourFolders(regionFolder: string, window: ReportWindow): string[] {
  const folders: string[] = [];
  for (let hourMs = floorTo(window.start.getTime(), HOUR_MS); ; hourMs += HOUR_MS) {
    const folder = `${regionFolder}${hourPath(hourMs)}`;
    if (folderOutsideWindow(folder, window)) return folders;
    folders.push(`${folder}/`);
  }
}

interface ArchiveObject {
  key: string;
  size: number;
}

/** Lists and reads one location; every S3 failure that is not about a single object stops the report. */
class ArchiveReader {
  /** Objects that could not be read (in full), noted in key order once all are done, so a report reads the same on every run. */
  private readonly unreadable: Array<{ key: string; reason: string; partly: boolean }> = [];

  constructor(
    private readonly options: ReadArchiveOptions,
    private readonly location: ArchiveLocation,
    private readonly collector: RecordCollector,
    private readonly signal: AbortSignal,
  ) {}

  private context(permission: string, resource: string): AwsCallContext {
    return { permission, resource, required: archivePermissions(this.location) };
  }

  private async *pages(prefix: string, delimiter?: string): AsyncGenerator<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const command = new ListObjectsV2Command({
        Bucket: this.location.bucket,
        Prefix: prefix,
        Delimiter: delimiter,
        ContinuationToken: token,
      });
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.options.s3.send(command, { abortSignal: this.signal });
      } catch (error) {
        throw describeAwsFailure(
          error,
          this.context("s3:ListBucket", `bucket ${this.location.bucket} (arn:aws:s3:::${this.location.bucket})`),
        );
      }
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async subfolders(prefix: string): Promise<string[]> {
    const folders: string[] = [];
    for await (const page of this.pages(prefix, "/"))
      for (const common of page.CommonPrefixes ?? []) if (common.Prefix) folders.push(common.Prefix);
    return folders;
  }

  /** `.../BedrockModelInvocationLogs/<region>/` folders under the location, found by listing with a delimiter wherever the prefix stops short. */
  async regionFolders(): Promise<string[]> {
    const { prefix } = this.location;
    if (/BedrockModelInvocationLogs\/[^/]+\/$/.test(prefix)) return [prefix];
    if (prefix.endsWith(LOGS_FOLDER)) return this.subfolders(prefix);
    if (/(^|\/)AWSLogs\/[^/]+\/$/.test(prefix)) return this.subfolders(`${prefix}${LOGS_FOLDER}`);
    const accounts = await this.subfolders(/(^|\/)AWSLogs\/$/.test(prefix) ? prefix : `${prefix}AWSLogs/`);
    return (await Promise.all(accounts.map((account) => this.subfolders(`${account}${LOGS_FOLDER}`)))).flat();
  }

  /**
   * The first and last hour folders under a region folder, as one span of
   * delivery times: four listings down each edge of the year/month/day/hour tree.
   */
  async datedSpan(regionFolder: string): Promise<{ startMs: number; endMs: number } | null> {
    const edge = async (pick: (folders: string[]) => string | undefined) => {
      let folder = regionFolder;
      for (let depth = 0; depth < 4; depth += 1) {
        const next = pick((await this.subfolders(folder)).filter((sub) => datedFolderSpan(sub.slice(0, -1))).sort());
        if (next === undefined) return depth === 0 ? null : datedFolderSpan(folder.slice(0, -1));
        folder = next;
      }
      return datedFolderSpan(folder.slice(0, -1));
    };
    const [first, last] = await Promise.all([edge((folders) => folders[0]), edge((folders) => folders.at(-1))]);
    return first && last ? { startMs: first.startMs, endMs: last.endMs } : null;
  }

  /** The record objects of one hour folder, every page; body objects and other files are counted, not returned. */
  async listHour(folder: string): Promise<ArchiveObject[]> {
    const objects: ArchiveObject[] = [];
    for await (const page of this.pages(folder)) {
      for (const { Key: key, Size: size } of page.Contents ?? []) {
        if (key === undefined || key.endsWith("/")) continue;
        if (key.slice(folder.length).startsWith(BODY_FOLDER)) this.collector.skip("bodyObject");
        else if (!RECORD_OBJECT.test(key)) this.collector.skip("unsupportedFile");
        else objects.push({ key, size: size ?? 0 });
      }
    }
    return objects;
  }

  /** One object, streamed into the collector. A broken object is counted and noted; access failures reject. */
  async read(object: ArchiveObject): Promise<void> {
    try {
      await readArchiveObject(
        this.options.s3,
        this.location.bucket,
        object.key,
        this.collector,
        this.signal,
        this.options.maxLineBytes,
      );
    } catch (error) {
      if (this.signal.aborted) throw this.signal.reason;
      const described = describeAwsFailure(
        error,
        this.context("s3:GetObject", `arn:aws:s3:::${this.location.bucket}/${object.key}`),
      );
      if (described instanceof OperationalError) throw described;
      this.unreadable.push({
        key: object.key,
        reason: objectFailure(error),
        partly: (error as { code?: unknown }).code === OVERSIZED_LINES,
      });
    }
  }

  noteUnreadable(): void {
    this.unreadable.sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const { key, reason, partly } of this.unreadable) {
      const url = `s3://${this.location.bucket}/${key}`;
      if (partly) {
        this.collector.markIncomplete(
          `Could not read all of ${url} (${reason}); records on those lines are missing from this report.`,
        );
        continue;
      }
      this.collector.skip("unreadableObject");
      this.collector.markIncomplete(
        `Could not read ${url} (${reason}); some or all of its records are missing from this report.`,
      );
    }
  }
}

/**
 * Streams one object's records into the collector: the one place an object's
 * bytes are decoded, as the local reader decodes a file (gzip and the shape
 * of its text told by content, lines past the limit cut off). Rejects when the
 * download or the gunzip fails, or when the object holds no log records.
 */
async function readArchiveObject(
  s3: S3Client,
  bucket: string,
  key: string,
  collector: RecordCollector,
  signal: AbortSignal,
  maxLineBytes?: number,
): Promise<void> {
  const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
  await readRecordStream(response.Body as Readable, collector, { maxLineBytes, signal });
}

function objectFailure(error: unknown): string {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string" && code.startsWith("Z_")) return `not valid gzip: ${String(message)}`;
  return error instanceof Error ? error.message : String(error);
}

/** Counts for the progress display; totals are extrapolated from the hour folders listed so far until every folder is listed. */
class TransferTally {
  objectsDone = 0;
  bytesDone = 0;
  private objectsListed = 0;
  private bytesListed = 0;
  private foldersListed = 0;

  constructor(private readonly foldersTotal: number) {}

  listed(objects: ArchiveObject[]): void {
    this.foldersListed += 1;
    this.objectsListed += objects.length;
    this.bytesListed += objects.reduce((sum, object) => sum + object.size, 0);
  }

  snapshot(): TransferProgress {
    const scale = this.foldersListed === 0 ? null : this.foldersTotal / this.foldersListed;
    return {
      objectsDone: this.objectsDone,
      bytesDone: this.bytesDone,
      objectsExpected: scale === null ? null : Math.round(this.objectsListed * scale),
      bytesExpected: scale === null ? null : Math.round(this.bytesListed * scale),
      totalKnown: this.foldersListed === this.foldersTotal,
    };
  }
}

/** The objects of the folders in order, with a few folders listed ahead. */
async function* objectsOf(
  reader: ArchiveReader,
  folders: string[],
  tally: TransferTally,
): AsyncGenerator<ArchiveObject> {
  const ahead: Array<Promise<ArchiveObject[]>> = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < LISTING_LOOKAHEAD && next < folders.length) {
      const listing = reader.listHour(folders[next++]);
      // Awaited in order below; marked handled now so a failure further ahead is not an unhandled rejection meanwhile.
      listing.catch(() => undefined);
      ahead.push(listing);
    }
  };
  for (fill(); ahead.length > 0; fill()) {
    const objects = await (ahead.shift() as Promise<ArchiveObject[]>);
    tally.listed(objects);
    yield* objects;
  }
}

/**
 * Reads every record object of the window's hour folders under the given
 * locations. Bad objects are counted (`unreadableObject`) and make the result
 * incomplete; a missing bucket, denied access or Ctrl-C reject with an
 * OperationalError.
 */
export async function readArchive(options: ReadArchiveOptions): Promise<SourceResult> {
  const collector = new RecordCollector(options.window);
  const controller = new AbortController();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  // Every request in flight (downloads and listings ahead) listens on the signal; more than Node's default warning threshold of 10 is expected.
  setMaxListeners(2 * (concurrency + LISTING_LOOKAHEAD), controller.signal);
  const onAbort = () =>
    controller.abort(new OperationalError("Interrupted: reading the S3 archive stopped and no report was produced."));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let objects = 0;
  let bytes = 0;
  const regions: string[] = [];
  const readers: Array<{ reader: ArchiveReader; regionFolders: string[] }> = [];
  try {
    for (const location of options.locations) {
      const reader = new ArchiveReader(options, location, collector, controller.signal);
      const regionFolders = await reader.regionFolders();
      regions.push(...regionFolders.map((folder) => folder.split("/").at(-2) as string));
      const folders = regionFolders.flatMap((folder) => hourFolders(folder, options.window));
      const tally = new TransferTally(folders.length);
      await runConcurrently(
        objectsOf(reader, folders, tally),
        concurrency,
        async (object) => {
          await reader.read(object);
          tally.objectsDone += 1;
          tally.bytesDone += object.size;
          options.onProgress?.(tally.snapshot());
        },
        (error) => controller.abort(error),
      );
      // Every folder is listed now: the totals are exact.
      options.onProgress?.(tally.snapshot());
      reader.noteUnreadable();
      objects += tally.objectsDone;
      bytes += tally.bytesDone;
      readers.push({ reader, regionFolders });
    }
    // An empty window: where the archive's records are, for the hint (listings only, no downloads).
    if (collector.recordsUsed === 0)
      for (const { reader, regionFolders } of readers)
        for (const span of await Promise.all(regionFolders.map((folder) => reader.datedSpan(folder))))
          if (span) collector.sawFolder(span.startMs, span.endMs);
  } catch (error) {
    // After Ctrl-C or a fatal failure, the aborted downloads and listings fail too: report the cause, once.
    throw controller.signal.aborted ? controller.signal.reason : error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
  const where = options.locations.map(s3Url).join(", ");
  const regionText =
    regions.length > 0
      ? `region folder(s) ${[...new Set(regions)].join(", ")}`
      : "no region folder: nothing has been delivered there, or the prefix is wrong";
  collector.note(
    `Read ${collector.recordsUsed} records in the window from ${objects} object(s), ${bytes} bytes, under ${where} (${regionText}).`,
  );
  const hint = collector.emptyWindowHint("the archive holds");
  if (hint) collector.note(hint);
  return { ...collector.result(), source: "archive", ...(hint && { emptyWindowHint: hint }) };
}
