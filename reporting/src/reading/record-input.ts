/**
 * Bytes of a file, an S3 object or any stream in, records out: gzip is told
 * by its magic bytes and the text's shape by its content (RecordTextReader),
 * never by a name. Memory stays bounded whatever the input: gzip is inflated
 * in one call only up to a cap and streamed past it, and no line is kept
 * past the line limit (MAX_LINE_BYTES).
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync } from "node:fs";
import { pipeline, Readable } from "node:stream";
import { createGunzip, gunzipSync } from "node:zlib";
import type { RecordCollector } from "./record-collector";
import { RecordTextReader } from "./record-formats";
import { MAX_LINE_BYTES } from "./record-lines";

/** Error code of a read whose text held no log records in any shape the readers know. */
export const NO_LOG_RECORDS = "NO_LOG_RECORDS";
/** Error code of a read that had lines (or JSON values) past the line limit cut off; the rest was read. */
export const OVERSIZED_LINES = "OVERSIZED_LINES";
/** Error code of a read stopped by its signal (Ctrl-C). */
export const READ_ABORTED = "ABORT_ERR";

export interface ReadRecordOptions {
  /** Lines (and JSON values) longer than this are cut off and counted (default MAX_LINE_BYTES); tests set less. */
  maxLineBytes?: number;
  /** Stops a streamed read between chunks. */
  signal?: AbortSignal;
}

function codedError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function mebibytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** Once the text is read: fails the read if it held no records, or if lines were cut off (what was read stays counted). */
function settle(text: RecordTextReader, maxLineBytes: number): void {
  if (text.noRecords) {
    throw codedError(
      NO_LOG_RECORDS,
      "holds no log records: neither JSON lines, a JSON document of records nor a CloudWatch Logs export, plain or gzipped",
    );
  }
  if (text.oversized > 0) {
    throw codedError(
      OVERSIZED_LINES,
      `${text.oversized} line(s) longer than the ${mebibytes(maxLineBytes)} limit cut off and counted as oversizedLine`,
    );
  }
}

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Output chunks of gunzip: larger than zlib's 16 KB default, so a multi-KB record rarely straddles two. */
const GUNZIP_CHUNK_BYTES = 256 * 1024;

/** The chunks already taken from a stream, then the rest of it; closing it early closes the stream. */
async function* rejoined(head: Buffer[], rest: AsyncIterator<unknown>): AsyncGenerator<Buffer> {
  try {
    yield* head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) {
      yield typeof next.value === "string" ? Buffer.from(next.value) : (next.value as Buffer);
    }
  } finally {
    await rest.return?.();
  }
}

/**
 * Feeds the records of a stream, gzipped or not, to the collector. Rejects
 * when the stream or the gunzip fails, so the caller can say which file broke
 * (records read before the failure stay counted), and as `settle` says.
 */
export async function readRecordStream(
  input: Readable,
  collector: RecordCollector,
  options: ReadRecordOptions = {},
): Promise<void> {
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const iterator = input[Symbol.asyncIterator]();
  // Enough of the start to see gzip's two magic bytes.
  const head: Buffer[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done) break;
    const chunk = typeof next.value === "string" ? Buffer.from(next.value) : (next.value as Buffer);
    head.push(chunk);
    headBytes += chunk.length;
  }
  const rest = Readable.from(rejoined(head, iterator), { objectMode: false });
  const gzipped = isGzip(head.length === 1 ? head[0] : Buffer.concat(head));
  const source = gzipped ? pipeline(rest, createGunzip({ chunkSize: GUNZIP_CHUNK_BYTES }), () => undefined) : rest;
  const text = new RecordTextReader(collector, { maxLineBytes });
  for await (const chunk of source) {
    if (options.signal?.aborted) throw codedError(READ_ABORTED, "the read was interrupted");
    text.push(chunk as Buffer);
    // Nothing more of it will be read: stop downloading or inflating it.
    if (text.noRecords) break;
  }
  text.end();
  settle(text, maxLineBytes);
}

/**
 * Objects up to this size are read and gunzipped in one synchronous call,
 * much faster than a stream for the small objects of the S3 layout (most are
 * well under 1 MB); larger ones are streamed so memory stays flat.
 */
export const WHOLE_READ_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * The most one call inflates: past it (a gzip bomb, or text that compresses
 * unusually well) the object is streamed instead, which the line limit bounds.
 */
const MAX_WHOLE_OUTPUT_BYTES = 64 * 1024 * 1024;

/**
 * gunzipSync into one buffer: a gzip object ends with its uncompressed size
 * (mod 4 GiB), and an output chunk that large spares zlib the copy that
 * joins its default 16 KB pieces (a tenth of the gunzip time, measured).
 */
function gunzipWhole(gzipped: Buffer): Buffer {
  const size = gzipped.length >= 18 ? gzipped.readUInt32LE(gzipped.length - 4) : 0;
  return gunzipSync(gzipped, {
    chunkSize: Math.min(Math.max(size + 1, 64 * 1024), MAX_WHOLE_OUTPUT_BYTES),
    maxOutputLength: MAX_WHOLE_OUTPUT_BYTES,
  });
}

/**
 * Feeds the records of an object already in memory (e.g. an S3 object body)
 * to the collector; same results, and same errors, as readRecordStream.
 */
export async function readRecordBytes(
  bytes: Uint8Array,
  collector: RecordCollector,
  options: ReadRecordOptions = {},
): Promise<void> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length > WHOLE_READ_LIMIT_BYTES) return readRecordStream(Readable.from([buffer]), collector, options);
  let content = buffer;
  if (isGzip(buffer)) {
    try {
      content = gunzipWhole(buffer);
    } catch {
      // A broken gzip object, or one that inflates past the cap: the stream reads what it can, and fails as it always has.
      return readRecordStream(Readable.from([buffer]), collector, options);
    }
  }
  const maxLineBytes = options.maxLineBytes ?? MAX_LINE_BYTES;
  const text = new RecordTextReader(collector, { maxLineBytes });
  text.push(content);
  text.end();
  settle(text, maxLineBytes);
}

/**
 * Feeds the records of a file to the collector, whole or streamed by its
 * size. It is opened without blocking, so a FIFO that took a file's place
 * fails at once instead of waiting for a writer.
 */
export async function readRecordFile(
  path: string,
  collector: RecordCollector,
  options: ReadRecordOptions = {},
): Promise<void> {
  const fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  let size: number;
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw codedError("EINVAL", "not a regular file");
    size = info.size;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  // The stream closes the descriptor when it ends or fails.
  if (size > WHOLE_READ_LIMIT_BYTES) return readRecordStream(createReadStream(path, { fd }), collector, options);
  try {
    const bytes = Buffer.allocUnsafe(size);
    for (let read = 0; read < size;) {
      const got = readSync(fd, bytes, read, size - read, null);
      if (got === 0) return readRecordBytes(bytes.subarray(0, read), collector, options);
      read += got;
    }
    return readRecordBytes(bytes, collector, options);
  } finally {
    closeSync(fd);
  }
}
