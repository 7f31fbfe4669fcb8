/**
 * The offline source (`--logs <path>`): invocation log records from local
 * files or folders, e.g. a copy of the S3 archive
 * (`AWSLogs/<acct>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz`).
 * Large reads go to worker threads (RecordParsePool); RecordCollector and
 * readRecordStream take any stream, so other sources can feed them too.
 */
import { createReadStream, readdirSync, statSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import { UsageError } from "../errors";
import { factsFromRecord } from "../records";
import type { ReportWindow, SourceResult } from "../types";
import { PoolForLargeReads, type PoolForLargeReadsOptions, type RecordParsePool } from "./parse-pool";
import { RecordCollector, readRecordFile } from "./record-collector";

export { RecordCollector, readRecordStream } from "./record-collector";

/** Why a file was not read as records; the counts land in `skipped`. */
export type FileSkipReason = "bodyObject" | "unsupportedFile";

/** Folder holding large request/response bodies next to the records; never log records. */
const BODY_FOLDER = "data";

/** A plain `.json` file may hold one pretty-printed record or an array of them instead of one record per line. */
async function readJsonDocument(path: string, collector: RecordCollector): Promise<void> {
  let document: unknown;
  try {
    document = JSON.parse(await readFile(path, "utf8"));
  } catch {
    collector.skip("malformed");
    return;
  }
  for (const record of Array.isArray(document) ? document : [document]) collector.add(factsFromRecord(record));
}

async function firstLineParses(path: string): Promise<boolean> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    }
    return true;
  } finally {
    lines.close();
  }
}

function kindOf(path: string): "gzip" | "lines" | "json" | null {
  if (path.endsWith(".json.gz") || path.endsWith(".jsonl.gz")) return "gzip";
  if (path.endsWith(".jsonl")) return "lines";
  if (path.endsWith(".json")) return "json";
  return null;
}

/** Reads the files readLogFiles finds, first in this thread, then on worker threads and this one; failures are noted in file order. */
class LogFileReader {
  private readonly parsing: PoolForLargeReads;
  /** Files handed to the pool and not settled yet. */
  private inFlight = 0;
  /**
   * The one caller waiting for a file to settle (read() for a free slot, or
   * finish() for the last): a counter and one callback instead of
   * Promise.race over every file in flight, whose reactions per file were
   * garbage in the thread that feeds the workers.
   */
  private settled: (() => void) | null = null;
  private readonly failures: Array<{ index: number; note: string }> = [];
  private files = 0;

  constructor(
    private readonly collector: RecordCollector,
    window: ReportWindow,
    options: PoolForLargeReadsOptions,
  ) {
    this.parsing = new PoolForLargeReads(window, options);
  }

  get fileCount(): number {
    return this.files;
  }

  /** `shown`: how the report names the file if it cannot be read. */
  async read(path: string, shown: string): Promise<void> {
    const index = this.files++;
    const fail = (error: unknown) => {
      this.failures.push({ index, note: `Could not read ${shown} (${(error as Error).message}); its records are missing from this report.` });
    };
    const kind = kindOf(path);
    let pool: RecordParsePool | null;
    try {
      if (kind === "json" && !(await firstLineParses(path))) {
        await readJsonDocument(path, this.collector);
        return;
      }
      pool = this.parsing.poolFor(() => statSync(path).size);
      // Every worker has work queued: reading this file here beats waiting for one to finish.
      if (pool === null || this.inFlight >= this.parsing.capacity) {
        await readRecordFile(path, kind === "gzip", this.collector);
        // The walk yields files without a turn of the event loop; the workers' replies must get in, or their queues run dry.
        if (pool !== null) await new Promise(setImmediate);
        return;
      }
    } catch (error) {
      fail(error);
      return;
    }
    this.inFlight += 1;
    void pool
      .readFile(path, kind === "gzip")
      .catch(fail)
      .finally(() => {
        this.inFlight -= 1;
        const wake = this.settled;
        this.settled = null;
        wake?.();
      });
  }

  private nextSettled(): Promise<void> {
    return new Promise((resolve) => (this.settled = resolve));
  }

  /** Waits for the workers, merges what they read and notes the files that could not be read. */
  async finish(): Promise<void> {
    while (this.inFlight > 0) await this.nextSettled();
    await this.parsing.finish(this.collector);
    this.failures.sort((a, b) => a.index - b.index);
    for (const { note } of this.failures) {
      this.collector.skip("unreadableFile");
      this.collector.markIncomplete(note);
    }
  }

  /** Stops the workers after a failure that ends the report. */
  async close(): Promise<void> {
    await this.parsing.close();
  }
}

/** `.../BedrockModelInvocationLogs/<region>/YYYY[/MM[/DD[/HH]]]`: a folder of the S3 layout that covers a known span of time. */
const DATED_FOLDER = /BedrockModelInvocationLogs[/\\][^/\\]+[/\\](\d{4})(?:[/\\](\d{2})(?:[/\\](\d{2})(?:[/\\](\d{2}))?)?)?$/;
/** Bedrock delivers records minutes after the request; a day is a wide margin for a record landing in a later folder. */
const DELIVERY_DELAY_MARGIN_MS = 24 * 3_600_000;

/** The UTC span `[start, end)` a dated archive folder was delivered in, or null for any other folder. */
export function datedFolderSpan(path: string): { startMs: number; endMs: number } | null {
  const match = DATED_FOLDER.exec(path);
  if (!match) return null;
  const [year, month, day, hour] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const start = Date.UTC(year as number, (month ?? 1) - 1, day ?? 1, hour ?? 0);
  const end =
    hour !== undefined ? start + 3_600_000
    : day !== undefined ? Date.UTC(year as number, (month as number) - 1, day + 1)
    : month !== undefined ? Date.UTC(year as number, month, 1)
    : Date.UTC((year as number) + 1, 0, 1);
  return { startMs: start, endMs: end };
}

/**
 * A folder delivered before the window starts holds only earlier records, so
 * it is not read (its objects are counted). One delivered well after the end
 * is skipped too; the margin covers delayed delivery.
 */
export function folderOutsideWindow(path: string, window: ReportWindow): boolean {
  const span = datedFolderSpan(path);
  return span !== null && (span.endMs <= window.start.getTime() || span.startMs >= window.end.getTime() + DELIVERY_DELAY_MARGIN_MS);
}

/** Files under `root` in a stable order, with the ones that are not records set aside. */
async function* walk(root: string, collector: RecordCollector, window: ReportWindow): AsyncGenerator<string> {
  // readdirSync: a third of async readdir's CPU time, a tenth of an opendir iteration's (~17, ~50, ~180 ms for
  // the benchmark archive's 730 folders), and this thread parses files too; a folder listing blocks it only briefly.
  const entries = readdirSync(root, { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === BODY_FOLDER) {
        collector.skip("bodyObject", await countFiles(path));
        continue;
      }
      if (folderOutsideWindow(path, window)) {
        collector.skip("objectOutsideWindow", await countFiles(path));
        continue;
      }
      yield* walk(path, collector, window);
    } else if (entry.isFile()) {
      if (kindOf(path) === null) collector.skip("unsupportedFile");
      else yield path;
    }
  }
}

async function countFiles(root: string): Promise<number> {
  let count = 0;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    count += entry.isDirectory() ? await countFiles(join(root, entry.name)) : 1;
  }
  return count;
}

async function describePath(path: string): Promise<"file" | "directory"> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return "directory";
    if (info.isFile()) return "file";
  } catch (error) {
    throw new UsageError(`--logs ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a readable file or folder of .json, .jsonl or .json.gz log records`);
  }
  throw new UsageError(`--logs ${path}: is neither a file nor a folder; give a readable file or folder of .json, .jsonl or .json.gz log records`);
}

export interface ReadLogFilesOptions {
  paths: string[];
  window: ReportWindow;
  /** Bytes of files read in this thread before worker threads start (default 1 MiB; 0: workers from the first file). */
  inlineBytes?: number;
  /** Files queued per worker before this thread reads the next one itself (default 16; a test's 1 makes this thread read most). */
  queuePerWorker?: number;
}

/** Reads every record under the given paths; records outside the window, bodies and broken lines are counted, not fatal. */
export async function readLogFiles(options: ReadLogFilesOptions): Promise<SourceResult> {
  const collector = new RecordCollector(options.window);
  const reader = new LogFileReader(collector, options.window, { inlineBytes: options.inlineBytes, queuePerWorker: options.queuePerWorker });
  try {
    for (const root of options.paths) {
      const kind = await describePath(root);
      if (kind === "file" && kindOf(root) === null) {
        throw new UsageError(`--logs ${root}: unsupported file type; allowed: .json, .jsonl, .json.gz (or a folder of them)`);
      }
      const paths = kind === "file" ? single(root) : walk(root, collector, options.window);
      for await (const path of paths) {
        if (kind === "file" && path.split(sep).includes(BODY_FOLDER)) {
          collector.skip("bodyObject");
          continue;
        }
        await reader.read(path, kind === "directory" ? relative(root, path) || path : path);
      }
    }
    await reader.finish();
  } finally {
    await reader.close();
  }
  collector.note(`Read ${collector.recordsUsed} records in the window from ${reader.fileCount} file(s) under ${options.paths.join(", ")}.`);
  return collector.result();
}

async function* single(path: string): AsyncGenerator<string> {
  yield path;
}
