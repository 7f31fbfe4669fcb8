/**
 * Decompressed bytes in, records out: lines are cut where readline would cut
 * them (`\n`, `\r\n`, a lone `\r`) without decoding the text, and each line
 * goes to the fast scanner first, to the full parser only when the scanner
 * declines it. Blank lines are ignored, as they always were. A line longer
 * than the limit is cut off and counted, so one endless line (a gzip bomb, a
 * file with no line breaks) never fills the memory.
 */
import { scanRecordLine } from "./record-scanner";
import type { ParsedRecord } from "./records";

/** What the lines go to: RecordCollector in either thread. */
export interface RecordSink {
  add(parsed: ParsedRecord): void;
  /** One line (or one JSON value) of text, for the full parser. */
  addLine(line: string): void;
  skip(reason: string): void;
}

/**
 * The longest line, or JSON value of a document, the readers keep: no real
 * record comes near it (Bedrock moves bodies over 100 KB to S3), and it
 * bounds the memory one line can take.
 */
export const MAX_LINE_BYTES = 256 * 1024 * 1024;

/** Counted under `skipped` for each line (or JSON value) cut off at the limit. */
export const OVERSIZED_LINE = "oversizedLine";

const LINE_FEED = 0x0a;
const SPACE = 0x20;
/** `2026-11-10T13:25:23.000Z `: the longest time prefix a CloudWatch export writes before each event. */
const MAX_PREFIX_BYTES = 40;

/**
 * The length of the `<ISO time> ` that a CloudWatch Logs export to S3 puts
 * before each event's message, or 0 when the line does not start with one.
 */
export function timePrefixLength(bytes: Buffer, start: number, end: number): number {
  if (end - start < 21 || bytes[start + 4] !== 0x2d || bytes[start + 7] !== 0x2d || bytes[start + 10] !== 0x54)
    return 0;
  const space = bytes.indexOf(SPACE, start + 19);
  if (space < 0 || space >= Math.min(end, start + MAX_PREFIX_BYTES)) return 0;
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(bytes.toString("latin1", start, space))
    ? space + 1 - start
    : 0;
}

export interface RecordLineOptions {
  maxLineBytes: number;
  /** Lines start with a time before the record (a CloudWatch Logs export); it is dropped. */
  timePrefixed?: boolean;
}

export class RecordLineReader {
  /** The start of a line that the previous chunks did not finish. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Inside a line already cut off: everything up to its end is dropped. */
  private discarding = false;
  /** Lines cut off at the limit so far. */
  oversized = 0;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: RecordLineOptions,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.discarding || this.pending.length > 0) {
      const lineEnd = chunk.indexOf(LINE_FEED);
      if (lineEnd < 0) {
        this.hold(chunk);
        return;
      }
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pendingBytes + lineEnd > this.options.maxLineBytes) {
        this.cutOff();
        this.discarding = false;
      } else {
        const line = Buffer.concat([...this.pending, chunk.subarray(0, lineEnd)]);
        this.pending = [];
        this.pendingBytes = 0;
        this.line(line, 0, line.length);
      }
      start = lineEnd + 1;
    }
    for (let lineEnd = chunk.indexOf(LINE_FEED, start); lineEnd >= 0; lineEnd = chunk.indexOf(LINE_FEED, start)) {
      this.line(chunk, start, lineEnd);
      start = lineEnd + 1;
    }
    if (start < chunk.length) this.hold(chunk.subarray(start));
  }

  /** The last line needs no line break. */
  end(): void {
    this.discarding = false;
    if (this.pending.length === 0) return;
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.line(line, 0, line.length);
  }

  /** Keeps the unfinished start of a line, unless it has grown past the limit. */
  private hold(piece: Buffer): void {
    if (this.discarding) return;
    this.pending.push(piece);
    this.pendingBytes += piece.length;
    if (this.pendingBytes > this.options.maxLineBytes) this.cutOff();
  }

  /** Drops the line read so far and the rest of it, and counts it. */
  private cutOff(): void {
    this.pending = [];
    this.pendingBytes = 0;
    this.discarding = true;
    this.oversized += 1;
    this.sink.skip(OVERSIZED_LINE);
  }

  private line(bytes: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (end - start > this.options.maxLineBytes) {
      this.oversized += 1;
      this.sink.skip(OVERSIZED_LINE);
      return;
    }
    const from = this.options.timePrefixed ? start + timePrefixLength(bytes, start, end) : start;
    const facts = scanRecordLine(bytes, from, end);
    if (facts !== null) {
      this.sink.add({ ok: true, facts });
      return;
    }
    // The scanner declines any line holding `\r`; readline would have cut it there too.
    for (const piece of bytes.toString("utf8", from, end).split("\r")) this.sink.addLine(piece);
  }
}
