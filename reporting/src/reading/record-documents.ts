/**
 * Log records in the JSON documents people save, as opposed to one record a
 * line: a JSON array of records, pretty-printed records one after another,
 * a Logs Insights export (`[{"@timestamp": ..., "@message": "<record>"}]`),
 * or the output of `aws logs filter-log-events` / `get-log-events`
 * (`{"events": [{"timestamp": ..., "message": "<record>"}, ...]}`) or
 * `aws logs get-query-results` (`{"results": [[{"field": "@message",
 * "value": "<record>"}, ...]]}`).
 *
 * Shapes: FilterLogEvents, GetLogEvents and GetQueryResults responses
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html,
 * .../API_GetLogEvents.html, .../API_GetQueryResults.html; `events`, and
 * `results` as a list of rows of `{field, value}`, in @aws-sdk/client-cloudwatch-logs'
 * types too); the console export's rows as a public Bedrock export shows them
 * (github.com/ZainZia0341/Lambda-Artillery-loadTest, bedrock-logs-last-hour.json).
 *
 * Documents are split as they stream in, without parsing them whole: each
 * top-level value, each element of a top-level array, and each element of an
 * `events` or `results` array goes to the full parser on its own. So a
 * document of any size takes the memory of its largest record, and a value
 * past the line limit is cut off and counted like an overlong line.
 */
import { scanRecordLine } from "./record-scanner";
import { factsFromRecord, parseRecordLine, type ParsedRecord } from "./records";
import { OVERSIZED_LINE, type RecordSink } from "./record-lines";

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A row of `get-query-results`: a list of `{field, value}` pairs. */
function isQueryResultRow(value: unknown[]): value is Array<{ field: unknown; value?: unknown }> {
  return value.length > 0 && value.every((cell) => isObject(cell) && typeof cell.field === "string");
}

/**
 * Every record a parsed JSON value holds, to `add`: the value itself when it
 * is a record, else the records of the log events, Insights rows or list it
 * wraps. Wrapping goes two levels deep at most (a page of events in a list).
 */
export function recordsInValue(value: unknown, add: (parsed: ParsedRecord) => void, depth = 0): void {
  const direct = factsFromRecord(value);
  if (direct.ok || depth > 2) {
    add(direct);
    return;
  }
  if (Array.isArray(value)) {
    if (isQueryResultRow(value)) {
      const message = value.find((cell) => cell.field === "@message")?.value;
      add(typeof message === "string" ? parseRecordLine(message) : { ok: false, reason: "notARecord" });
      return;
    }
    for (const element of value) recordsInValue(element, add, depth + 1);
    return;
  }
  if (isObject(value)) {
    if (Array.isArray(value.events)) {
      for (const event of value.events) recordsInValue(event, add, depth + 1);
      return;
    }
    if (Array.isArray(value.results)) {
      for (const row of value.results) recordsInValue(row, add, depth + 1);
      return;
    }
    // A log event's message (Insights' `@message`, CloudWatch's `message`) is the record as JSON text.
    if (typeof value["@message"] === "string") {
      add(parseRecordLine(value["@message"]));
      return;
    }
    if (typeof value.message === "string" && value.schemaType === undefined && value.modelId === undefined) {
      add(parseRecordLine(value.message));
      return;
    }
  }
  add(direct);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function isOpening(byte: number): boolean {
  return byte === 0x7b || byte === 0x5b;
}

function isClosing(byte: number): boolean {
  return byte === 0x7d || byte === 0x5d;
}

/** Keys whose array holds the log events or rows of a CLI response; no record has them at its top level. */
const ENVELOPE_KEYS = new Set(["events", "results"]);
/** Longer keys are never envelope keys; only this much of a key is kept. */
const MAX_KEY_BYTES = 16;

/**
 * Splits a stream of JSON text into values as described above. It tracks
 * only nesting, strings and, in a top-level object, its keys; each value it
 * emits is checked in full by the parser. Between top-level values it takes
 * whitespace and commas (records pasted with commas between them); anything
 * else there, up to the end of its line, counts as one malformed value.
 */
export class RecordDocumentReader {
  /** Values cut off at the limit so far. */
  oversized = 0;

  private depth = 0;
  private inString = false;
  private escaped = false;
  /** The depth whose values are emitted: 0 for top-level values, 1 in a top-level array, 2 in an envelope array; -1 for none. */
  private emitDepth = 0;
  /** A top-level object became an envelope: the rest of it is skipped. */
  private inEnvelope = false;
  /** Parts of the value being captured, from earlier chunks. */
  private captured: Buffer[] = [];
  private capturedBytes = 0;
  /** Where the value being captured starts in the current chunk (-1: not capturing in this chunk). */
  private captureStart = -1;
  private capturing = false;
  /** The captured value outgrew the limit: counted once it ends, unless it turns out to be an envelope. */
  private tooLarge = false;
  /** A scalar (number, literal) at the emit depth is being read: it ends at the next delimiter. */
  private inScalar = false;
  /** Skipping junk between top-level values up to the end of the line. */
  private inJunk = false;
  // Keys of a top-level object, to spot an envelope.
  private expectKey = false;
  private readingKey = false;
  private key: number[] = [];
  private lastKey = "";
  private afterColon = false;

  constructor(
    private readonly sink: RecordSink,
    private readonly maxValueBytes: number,
  ) {}

  push(chunk: Buffer): void {
    if (this.capturing) this.captureStart = 0;
    for (let pos = 0; pos < chunk.length; pos += 1) {
      const byte = chunk[pos];
      if (this.inJunk) {
        if (byte === 0x0a) this.inJunk = false;
        continue;
      }
      if (this.inString) {
        this.stringByte(chunk, pos, byte);
        continue;
      }
      if (this.inScalar) {
        if (!isWhitespace(byte) && byte !== COMMA && !isClosing(byte)) continue;
        this.inScalar = false;
        this.finishValue(chunk, pos);
      }
      if (isWhitespace(byte)) continue;
      if (this.depth === 0) {
        if (byte === COMMA) continue;
        if (byte !== 0x7b && byte !== 0x5b && byte !== QUOTE) {
          this.junk();
          continue;
        }
        if (byte === 0x5b) this.emitDepth = 1;
        else this.startValue(pos, byte);
      } else if (this.depth === this.emitDepth && !this.capturing && byte !== COMMA && !isClosing(byte)) {
        this.startValue(pos, byte);
        if (this.inScalar) continue;
      }
      this.structure(chunk, pos, byte);
    }
    this.keepCaptured(chunk);
  }

  /** At the end of the text: a value left open is a broken one. */
  end(): void {
    if (this.inScalar && !this.tooLarge) {
      this.emit();
      return;
    }
    if (this.capturing) {
      if (this.tooLarge) this.countOversized();
      else this.sink.skip("malformed");
    }
    this.resetCapture();
  }

  /** A byte inside a string. */
  private stringByte(chunk: Buffer, pos: number, byte: number): void {
    if (this.escaped) {
      this.escaped = false;
      return;
    }
    if (byte === BACKSLASH) {
      this.escaped = true;
    } else if (byte === QUOTE) {
      this.inString = false;
      if (this.readingKey) {
        this.readingKey = false;
        this.lastKey = this.key.length <= MAX_KEY_BYTES ? String.fromCharCode(...this.key) : "";
      } else if (this.depth === this.emitDepth && this.capturing) {
        this.finishValue(chunk, pos + 1);
      }
    } else if (this.readingKey) {
      if (this.key.length <= MAX_KEY_BYTES) this.key.push(byte);
    }
  }

  private structure(chunk: Buffer, pos: number, byte: number): void {
    if (byte === QUOTE) {
      this.inString = true;
      this.escaped = false;
      if (this.depth === 1 && this.expectKey && !this.inEnvelope && this.emitDepth === 0) {
        this.readingKey = true;
        this.expectKey = false;
        this.key = [];
      }
      this.afterColon = false;
      return;
    }
    if (isOpening(byte)) {
      if (
        this.depth === 1 &&
        this.afterColon &&
        byte === 0x5b &&
        ENVELOPE_KEYS.has(this.lastKey) &&
        this.emitDepth === 0
      )
        this.enterEnvelope();
      this.depth += 1;
      if (this.depth === 1 && byte === 0x7b) this.expectKey = true;
      this.afterColon = false;
      return;
    }
    if (isClosing(byte)) {
      this.depth -= 1;
      if (this.depth === this.emitDepth && this.capturing) this.finishValue(chunk, pos + 1);
      if (this.depth === 1 && this.inEnvelope) this.emitDepth = -1;
      if (this.depth === 0) this.endTopLevel();
      return;
    }
    if (this.depth === 1) {
      if (byte === COMMA) this.expectKey = true;
      this.afterColon = byte === COLON;
    }
  }

  private startValue(pos: number, byte: number): void {
    this.capturing = true;
    this.captureStart = pos;
    if (!isOpening(byte) && byte !== QUOTE) this.inScalar = true;
  }

  /** The value being captured ends before `end` in this chunk. */
  private finishValue(chunk: Buffer, end: number): void {
    if (this.tooLarge || this.capturedBytes + end - this.captureStart > this.maxValueBytes) {
      this.countOversized();
      this.resetCapture();
      return;
    }
    this.captured.push(chunk.subarray(this.captureStart, end));
    this.emit();
  }

  private emit(): void {
    const value = this.captured.length === 1 ? this.captured[0] : Buffer.concat(this.captured);
    this.resetCapture();
    const facts = scanRecordLine(value, 0, value.length);
    if (facts !== null) this.sink.add({ ok: true, facts });
    else this.sink.addLine(value.toString("utf8"));
  }

  private countOversized(): void {
    this.oversized += 1;
    this.sink.skip(OVERSIZED_LINE);
  }

  /** Keeps what the chunk holds of the value being captured, unless that outgrows the limit. */
  private keepCaptured(chunk: Buffer): void {
    if (!this.capturing || this.captureStart < 0) return;
    if (!this.tooLarge) {
      const piece = chunk.subarray(this.captureStart);
      this.capturedBytes += piece.length;
      if (this.capturedBytes > this.maxValueBytes) {
        this.tooLarge = true;
        this.captured = [];
      } else {
        this.captured.push(piece);
      }
    }
    this.captureStart = -1;
  }

  private resetCapture(): void {
    this.capturing = false;
    this.captured = [];
    this.capturedBytes = 0;
    this.captureStart = -1;
    this.tooLarge = false;
  }

  /** The top-level object is a CLI response: its array's elements are the values now, and the object itself is not one. */
  private enterEnvelope(): void {
    this.resetCapture();
    this.inEnvelope = true;
    this.emitDepth = 2;
  }

  private endTopLevel(): void {
    this.emitDepth = 0;
    this.inEnvelope = false;
    this.expectKey = false;
    this.afterColon = false;
    this.lastKey = "";
  }

  private junk(): void {
    this.resetCapture();
    this.sink.skip("malformed");
    this.inJunk = true;
  }
}
