/**
 * The offline source (`--logs <path>`): invocation log records from local
 * files or folders, e.g. a copy of the S3 archive
 * (`AWSLogs/<acct>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz`).
 * Files are streamed line by line; RecordCollector and readRecordStream take
 * any stream, so the S3 source can feed them object bodies.
 */
import { createReadStream } from "node:fs";
import { opendir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { UsageRowBuilder } from "../aggregate";
import { UsageError } from "../errors";
import { factsFromRecord, parseRecordLine, type ParsedRecord } from "../records";
import { summarizeLatency } from "../stats";
import type { ReportWindow, SourceResult } from "../types";

/** Why a file was not read as records; the counts land in `skipped`. */
export type FileSkipReason = "bodyObject" | "unsupportedFile";

/** Folder holding large request/response bodies next to the records; never log records. */
const BODY_FOLDER = "data";

/** Accumulates records from any number of streams into one SourceResult. */
export class RecordCollector {
  private readonly rows = new UsageRowBuilder();
  private readonly latencies: number[] = [];
  private readonly skipped: Record<string, number> = {};
  private readonly notes: string[] = [];
  private complete = true;
  recordsUsed = 0;

  constructor(private readonly window: ReportWindow) {}

  skip(reason: string, count = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }

  /** Marks the result incomplete, with the reason shown in the report. */
  markIncomplete(note: string): void {
    this.complete = false;
    this.notes.push(note);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  add(parsed: ParsedRecord): void {
    if (!parsed.ok) {
      this.skip(parsed.reason);
      return;
    }
    const { facts } = parsed;
    if (facts.timestampMs < this.window.start.getTime() || facts.timestampMs >= this.window.end.getTime()) {
      this.skip("outsideWindow");
      return;
    }
    this.recordsUsed += 1;
    this.rows.add(facts);
    if (facts.latencyMs !== null) this.latencies.push(facts.latencyMs);
  }

  addLine(line: string): void {
    if (line.trim() === "") return;
    this.add(parseRecordLine(line));
  }

  result(): SourceResult {
    return {
      source: "logs",
      rows: this.rows.rows(),
      latency: summarizeLatency(this.latencies, "logs"),
      metricErrors: null,
      scan: null,
      skipped: { malformed: 0, ...this.skipped },
      complete: this.complete,
      notes: [...this.notes],
    };
  }
}

/**
 * Feeds every line of a (possibly gzipped) stream to the collector. Rejects
 * when the stream or the gunzip fails, so the caller can say which file broke.
 */
export async function readRecordStream(input: Readable, gzipped: boolean, collector: RecordCollector): Promise<void> {
  let streamError: Error | undefined;
  const source = gzipped ? input.pipe(createGunzip()) : input;
  const lines = createInterface({ input: source, crlfDelay: Infinity });
  const fail = (error: Error) => {
    streamError ??= error;
    lines.close();
  };
  input.on("error", fail);
  if (source !== input) source.on("error", fail);
  for await (const line of lines) collector.addLine(line);
  if (streamError) throw streamError;
}

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

async function readLogFile(path: string, collector: RecordCollector): Promise<void> {
  const kind = kindOf(path);
  if (kind === "json" && !(await firstLineParses(path))) {
    await readJsonDocument(path, collector);
    return;
  }
  await readRecordStream(createReadStream(path), kind === "gzip", collector);
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
  const entries = [];
  for await (const entry of await opendir(root)) entries.push(entry);
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
  for await (const entry of await opendir(root)) {
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
}

/** Reads every record under the given paths; records outside the window, bodies and broken lines are counted, not fatal. */
export async function readLogFiles(options: ReadLogFilesOptions): Promise<SourceResult> {
  const collector = new RecordCollector(options.window);
  let files = 0;
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
      files += 1;
      try {
        await readLogFile(path, collector);
      } catch (error) {
        collector.skip("unreadableFile");
        const shown = kind === "directory" ? relative(root, path) || path : path;
        collector.markIncomplete(`Could not read ${shown} (${(error as Error).message}); its records are missing from this report.`);
      }
    }
  }
  collector.note(`Read ${collector.recordsUsed} records in the window from ${files} file(s) under ${options.paths.join(", ")}.`);
  return collector.result();
}

async function* single(path: string): AsyncGenerator<string> {
  yield path;
}
