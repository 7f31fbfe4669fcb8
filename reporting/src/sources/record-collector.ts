/**
 * From bytes of JSON lines to one SourceResult, for every source that reads
 * log records (local files, the S3 archive), in the main thread or in the
 * parse pool's workers: RecordCollector accumulates, the readers below feed it.
 */
import { closeSync, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { createGunzip, gunzipSync } from "node:zlib";
import { UsageRowBuilder } from "../aggregate";
import { parseRecordLine, type ParsedRecord } from "../records";
import { LatencyCounts, type LatencyTally } from "../stats";
import type { ReportWindow, SourceResult, UsageRow } from "../types";
import { RecordLineReader } from "./record-lines";

/** What one collector gathered, to be merged into another (a worker's share of the records). */
export interface PartialAggregate {
  rows: UsageRow[];
  latencies: LatencyTally;
  skipped: Record<string, number>;
  recordsUsed: number;
}

/** Rows in one order whatever thread read which file, so sums of costs come out the same to the last bit. */
export function compareRows(a: UsageRow, b: UsageRow): number {
  return a.hourStartMs - b.hourStartMs || compareText(a.modelId, b.modelId) || compareText(a.caller ?? "", b.caller ?? "") || compareText(a.context, b.context);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each distinct value's place in `compare` order. */
function ranks<T>(values: Iterable<T>, compare: (a: T, b: T) => number): Map<T, number> {
  const distinct = [...new Set(values)].sort(compare);
  return new Map(distinct.map((value, rank) => [value, rank]));
}

/**
 * Rows in compareRows order. Comparing model IDs (long shared prefixes) and
 * callers as text, ~300,000 times for the benchmark archive's 20,000 rows,
 * was ~20 ms of the report's serial tail; instead each row gets one number
 * from the ranks of its hour, model, caller and context among the distinct
 * ones, which orders rows exactly as compareRows does. Should that number
 * not fit a double exactly, compareRows sorts them as before.
 */
export function sortRows(rows: UsageRow[]): UsageRow[] {
  const hours = ranks(rows.map((row) => row.hourStartMs), (a, b) => a - b);
  const models = ranks(rows.map((row) => row.modelId), compareText);
  const callers = ranks(rows.map((row) => row.caller ?? ""), compareText);
  const contexts = ranks(rows.map((row) => row.context), compareText);
  if (hours.size * models.size * callers.size * contexts.size > Number.MAX_SAFE_INTEGER) return rows.sort(compareRows);
  const keys = new Float64Array(rows.length);
  const order = rows.map((row, index) => {
    const place = (hours.get(row.hourStartMs) as number) * models.size + (models.get(row.modelId) as number);
    keys[index] = ((place * callers.size + (callers.get(row.caller ?? "") as number)) * contexts.size) + (contexts.get(row.context) as number);
    return index;
  });
  // Equal keys are rows compareRows finds equal too; Array.prototype.sort is stable, so they keep their order either way.
  order.sort((a, b) => keys[a] - keys[b]);
  return order.map((index) => rows[index]);
}

/** Accumulates records from any number of streams into one SourceResult. */
export class RecordCollector {
  private readonly rows = new UsageRowBuilder();
  private readonly latencies = new LatencyCounts();
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
    if (facts.latencyMs !== null) this.latencies.add(facts.latencyMs);
  }

  addLine(line: string): void {
    if (line.trim() === "") return;
    this.add(parseRecordLine(line));
  }

  /** Everything counted so far except notes, compact enough to post between threads. */
  partial(): PartialAggregate {
    return { rows: this.rows.rows(), latencies: this.latencies.tally(), skipped: { ...this.skipped }, recordsUsed: this.recordsUsed };
  }

  merge(partial: PartialAggregate): void {
    for (const row of partial.rows) this.rows.addRow(row);
    this.latencies.merge(partial.latencies);
    for (const [reason, count] of Object.entries(partial.skipped)) this.skip(reason, count);
    this.recordsUsed += partial.recordsUsed;
  }

  result(): SourceResult {
    return {
      source: "logs",
      rows: sortRows(this.rows.rows()),
      latency: this.latencies.summarize("logs"),
      metricErrors: null,
      scan: null,
      skipped: { malformed: 0, ...this.skipped },
      complete: this.complete,
      notes: [...this.notes],
    };
  }
}

/** Output chunks of gunzip: larger than zlib's 16 KB default, so a multi-KB record rarely straddles two. */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/**
 * Feeds every line of a (possibly gzipped) stream to the collector. Rejects
 * when the stream or the gunzip fails, so the caller can say which file broke;
 * lines read before the failure stay counted.
 */
export async function readRecordStream(input: Readable, gzipped: boolean, collector: RecordCollector): Promise<void> {
  const source = gzipped ? input.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES })) : input;
  // pipe() does not pass the input's errors on; a failed read must end the loop below.
  if (source !== input) input.once("error", (error) => source.destroy(error));
  const lines = new RecordLineReader(collector);
  for await (const chunk of source) lines.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  lines.end();
}

/**
 * Objects up to this size are read and gunzipped in one synchronous call,
 * much faster than a stream for the small objects of the S3 layout (most are
 * well under 1 MB); larger ones are streamed so memory stays flat.
 */
export const WHOLE_READ_LIMIT_BYTES = 4 * 1024 * 1024;

/** Output buffers larger than this are not worth allocating up front; zlib then grows the output in pieces. */
const MAX_WHOLE_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * gunzipSync into one buffer: a gzip object ends with its uncompressed size
 * (mod 4 GiB), and an output chunk that large spares zlib the copy that
 * joins its default 16 KB pieces (a tenth of the gunzip time, measured).
 */
function gunzipWhole(gzipped: Buffer): Buffer {
  const size = gzipped.length >= 18 ? gzipped.readUInt32LE(gzipped.length - 4) : 0;
  return gunzipSync(gzipped, { chunkSize: Math.min(Math.max(size + 1, 64 * 1024), MAX_WHOLE_OUTPUT_BYTES) });
}

/**
 * Feeds the lines of an object already in memory (e.g. an S3 object body) to
 * the collector; same results, and same errors, as readRecordStream.
 */
export async function readRecordBytes(bytes: Uint8Array, gzipped: boolean, collector: RecordCollector): Promise<void> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length > WHOLE_READ_LIMIT_BYTES) return readRecordStream(Readable.from([buffer]), gzipped, collector);
  let text: Buffer;
  try {
    text = gzipped ? gunzipWhole(buffer) : buffer;
  } catch {
    // A broken gzip object: the stream reads what precedes the damage, and fails as it always has.
    return readRecordStream(Readable.from([buffer]), gzipped, collector);
  }
  const lines = new RecordLineReader(collector);
  lines.push(text);
  lines.end();
}

/** Feeds the lines of a (possibly gzipped) file to the collector, whole or streamed by its size. */
export async function readRecordFile(path: string, gzipped: boolean, collector: RecordCollector): Promise<void> {
  const fd = openSync(path, "r");
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  // The stream closes the descriptor when it ends or fails.
  if (size > WHOLE_READ_LIMIT_BYTES) return readRecordStream(createReadStream(path, { fd }), gzipped, collector);
  try {
    const bytes = Buffer.allocUnsafe(size);
    for (let read = 0; read < size; ) {
      const got = readSync(fd, bytes, read, size - read, null);
      if (got === 0) return readRecordBytes(bytes.subarray(0, read), gzipped, collector);
      read += got;
    }
    return readRecordBytes(bytes, gzipped, collector);
  } finally {
    closeSync(fd);
  }
}
