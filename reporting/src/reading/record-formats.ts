/**
 * Which of the shapes people keep log records in a text is, told by its
 * content (never its file name), then read with the reader for it:
 *
 * - JSON lines, one record a line (Bedrock's S3 objects, `.jsonl` files): the
 *   fast path, also when the first line is cut off (a file copied from the
 *   middle of a stream) and the next one is whole;
 * - `<ISO time> <record>` lines: a CloudWatch Logs export to S3
 *   (`<prefix>/<task>/<stream>/000000.gz`; the line and key shapes as users
 *   of CreateExportTask show them, e.g. github.com/darold/pgbadger/issues/609
 *   and /654);
 * - JSON documents: an array of records, pretty-printed records, a Logs
 *   Insights export or an `aws logs` command's output (RecordDocumentReader).
 *
 * A UTF-8 byte order mark at the start is dropped. Text that is none of these
 * (a CSV, a README, binary data) holds no log records: `noRecords` says so.
 */
import { RecordDocumentReader } from "./record-documents";
import { RecordLineReader, timePrefixLength, type RecordSink } from "./record-lines";

/** Enough of the start of a text to tell its shape: a record line is far shorter. */
const SNIFF_BYTES = 1024 * 1024;
const LINE_FEED = 0x0a;
const COMMA = 0x2c;
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);

export type RecordTextShape = "lines" | "timePrefixedLines" | "document" | "none";

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0d || byte === 0x0a;
}

function trimmedEnd(text: Buffer, start: number, end: number): number {
  let trimmed = end;
  while (trimmed > start && isBlank(text[trimmed - 1])) trimmed -= 1;
  return trimmed;
}

/** `[start, end)` of the first non-blank line at or after `from`, trimmed; null when the text ends first. */
function nextLine(text: Buffer, from: number): { start: number; end: number; next: number; complete: boolean } | null {
  let start = from;
  while (start < text.length && isBlank(text[start])) start += 1;
  if (start >= text.length) return null;
  const lineFeed = text.indexOf(LINE_FEED, start);
  const next = lineFeed < 0 ? text.length : lineFeed + 1;
  return { start, end: trimmedEnd(text, start, lineFeed < 0 ? text.length : lineFeed), next, complete: lineFeed >= 0 };
}

/** A line that is one compact JSON object: `{...}`, checked by its ends only (the line reader checks the rest). */
function isObjectLine(text: Buffer, line: { start: number; end: number }): boolean {
  return text[line.start] === 0x7b && text[line.end - 1] === 0x7d;
}

function isTimePrefixedLine(text: Buffer, line: { start: number; end: number }): boolean {
  const prefix = timePrefixLength(text, line.start, line.end);
  return prefix > 0 && isObjectLine(text, { start: line.start + prefix, end: line.end });
}

/**
 * The shape of a text from its start, or null when more of it is needed
 * (`final`: there is no more). Records one a line are told by a line that is
 * a JSON object: the first, or the second when the first is cut off.
 */
export function textShape(text: Buffer, final: boolean): RecordTextShape | null {
  const first = nextLine(text, 0);
  if (first === null) return final ? "lines" : null;
  if (text[first.start] === 0x5b) return "document";
  if (!first.complete && !final)
    return text.length < SNIFF_BYTES ? null : text[first.start] === 0x7b ? "document" : "none";
  if (isObjectLine(text, first)) return "lines";
  if (isTimePrefixedLine(text, first)) return "timePrefixedLines";
  // `{...},`: records pasted with commas between them, read as a document.
  if (
    text[first.end - 1] === COMMA &&
    isObjectLine(text, { start: first.start, end: trimmedEnd(text, first.start, first.end - 1) })
  )
    return "document";
  const second = nextLine(text, first.next);
  if ((second === null || !second.complete) && !final && text.length < SNIFF_BYTES) return null;
  if (second !== null && isObjectLine(text, second)) return "lines";
  if (second !== null && isTimePrefixedLine(text, second)) return "timePrefixedLines";
  return text[first.start] === 0x7b ? "document" : "none";
}

export interface RecordTextOptions {
  maxLineBytes: number;
}

/** Decompressed text in, records out, in whichever shape the text turns out to be. */
export class RecordTextReader {
  private head: Buffer[] = [];
  private headBytes = 0;
  private reader: RecordLineReader | RecordDocumentReader | null = null;
  private atStart = true;
  /** The text is none of the shapes above; nothing of it was read. */
  noRecords = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly options: RecordTextOptions,
  ) {}

  /** Lines or values cut off at the line limit so far. */
  get oversized(): number {
    return this.reader?.oversized ?? 0;
  }

  push(chunk: Buffer): void {
    if (this.reader !== null) {
      this.reader.push(chunk);
      return;
    }
    if (this.noRecords) return;
    let piece = chunk;
    if (this.atStart && this.headBytes + piece.length >= BYTE_ORDER_MARK.length) {
      this.atStart = false;
      const start = this.headBytes === 0 ? piece : Buffer.concat([...this.head, piece]);
      piece = start.subarray(0, 3).equals(BYTE_ORDER_MARK) ? start.subarray(3) : start;
      this.head = [];
      this.headBytes = 0;
    }
    this.head.push(piece);
    this.headBytes += piece.length;
    if (!this.atStart) this.decide(false);
  }

  end(): void {
    if (this.reader === null && !this.noRecords) this.decide(true);
    this.reader?.end();
  }

  private decide(final: boolean): void {
    const text = this.head.length === 1 ? this.head[0] : Buffer.concat(this.head);
    const shape = textShape(text, final);
    if (shape === null) return;
    this.head = [];
    if (shape === "none") {
      this.noRecords = true;
      return;
    }
    this.reader =
      shape === "document"
        ? new RecordDocumentReader(this.sink, this.options.maxLineBytes)
        : new RecordLineReader(this.sink, {
            maxLineBytes: this.options.maxLineBytes,
            timePrefixed: shape === "timePrefixedLines",
          });
    this.reader.push(text);
  }
}
