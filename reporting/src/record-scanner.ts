/**
 * The fast path for what a report reads most: one well-formed invocation
 * record on a line of UTF-8 bytes. Records carry request and response bodies
 * of several KB, and the report needs a dozen small fields around them;
 * JSON.parse would build every body string and object only to drop them.
 *
 * The scanner walks the bytes once. It checks the whole line against the JSON
 * grammar (strings, escapes, numbers, literals, nesting), so it never accepts
 * a line JSON.parse rejects, and reads only the fields factsFromRecord reads,
 * with the same rules (the last of duplicate keys wins, a field of another
 * type counts as absent where factsFromRecord says so). Whatever it is not
 * sure of (a syntax error, a record the report would reject, an escaped key or
 * field value, a carriage return, deep nesting) makes it return null: the
 * caller then takes the full JSON.parse path, so every answer is the one
 * parseRecordLine gives. Rejections are rare, so they cost nothing here.
 */
import { callerFromArn, UNKNOWN_CALLER, type InvocationFacts } from "./records";

/** Thrown inside the scanner to give up on a line; never escapes this module. */
const GIVE_UP: unique symbol = Symbol("give up");

/** Deeper than real records nest; past it the scanner leaves the line to JSON.parse. */
const MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Bytes that can stand in a JSON string as they are: not a control character, quote or backslash (UTF-8 sequences included). */
const PLAIN_STRING_BYTE = new Uint8Array(256).map((_, byte) => (byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH ? 1 : 0));
/** Characters allowed after a backslash, besides `u`. */
const SIMPLE_ESCAPE = new Uint8Array(256).map((_, byte) => ('"\\/bfnrt'.includes(String.fromCharCode(byte)) ? 1 : 0));
const HEX_DIGIT = new Uint8Array(256).map((_, byte) => (/[0-9a-fA-F]/.test(String.fromCharCode(byte)) ? 1 : 0));

const key = (name: string) => Buffer.from(name, "latin1");
const KEYS = {
  schemaType: key("schemaType"),
  timestamp: key("timestamp"),
  modelId: key("modelId"),
  errorCode: key("errorCode"),
  identity: key("identity"),
  arn: key("arn"),
  input: key("input"),
  inputTokenCount: key("inputTokenCount"),
  cacheReadInputTokenCount: key("cacheReadInputTokenCount"),
  cacheWriteInputTokenCount: key("cacheWriteInputTokenCount"),
  output: key("output"),
  outputTokenCount: key("outputTokenCount"),
  outputBodyJson: key("outputBodyJson"),
  metrics: key("metrics"),
  latencyMs: key("latencyMs"),
  invocationMetrics: key("amazon-bedrock-invocationMetrics"),
  invocationLatency: key("invocationLatency"),
};
const MODEL_INVOCATION_LOG = key("ModelInvocationLog");

/** The keys the report reads, object by object. */
const RECORD_FIELDS = [KEYS.schemaType, KEYS.timestamp, KEYS.modelId, KEYS.errorCode, KEYS.identity, KEYS.input, KEYS.output] as const;
const IDENTITY_FIELDS = [KEYS.arn] as const;
const INPUT_FIELDS = [KEYS.inputTokenCount, KEYS.cacheReadInputTokenCount, KEYS.cacheWriteInputTokenCount] as const;
const OUTPUT_FIELDS = [KEYS.outputTokenCount, KEYS.outputBodyJson] as const;
const EVENT_FIELDS = [KEYS.metrics, KEYS.invocationMetrics] as const;
const METRICS_FIELDS = [KEYS.latencyMs] as const;
const INVOCATION_METRICS_FIELDS = [KEYS.invocationLatency] as const;
const NO_FIELDS = [] as const;

/** Where a field's string value lies in the line, or -1 when the field is absent. */
interface Span {
  start: number;
  end: number;
}

class LineScanner {
  private bytes: Buffer = Buffer.alloc(0);
  /** The same memory as `bytes`, for reading four bytes at once. */
  private words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private pos = 0;
  private end = 0;
  private depth = 0;
  /** Set by string(): where the last string's content lies. */
  private stringStart = 0;
  private stringEnd = 0;
  private stringEscaped = false;

  private timestamp: Span = { start: -1, end: -1 };
  private modelId: Span = { start: -1, end: -1 };
  private errorCode: Span = { start: -1, end: -1 };
  private arn: Span = { start: -1, end: -1 };
  private inputTokens = 0;
  private cacheReadInputTokens = 0;
  private cacheWriteInputTokens = 0;
  private outputTokens = 0;
  private latencyMs: number | null = null;

  scan(bytes: Buffer, start: number, end: number): InvocationFacts | null {
    if (bytes !== this.bytes) this.view(bytes);
    this.pos = start;
    this.end = end;
    this.depth = 0;
    this.timestamp.start = this.modelId.start = this.errorCode.start = this.arn.start = -1;
    this.resetInput();
    this.resetOutput();
    try {
      this.whitespace();
      this.record();
      this.whitespace();
      if (this.pos !== this.end) return null;
    } catch (error) {
      if (error === GIVE_UP) return null;
      throw error;
    }
    return this.facts();
  }

  private view(bytes: Buffer): void {
    this.bytes = bytes;
    this.words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private facts(): InvocationFacts | null {
    if (this.timestamp.start < 0 || this.modelId.start < 0 || this.modelId.start === this.modelId.end) return null;
    const timestampMs = Date.parse(this.text(this.timestamp));
    if (!Number.isFinite(timestampMs)) return null;
    return {
      timestampMs,
      modelId: this.text(this.modelId),
      caller: this.arn.start < 0 || this.arn.start === this.arn.end ? UNKNOWN_CALLER : callerFromArn(this.text(this.arn)),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadInputTokens: this.cacheReadInputTokens,
      cacheWriteInputTokens: this.cacheWriteInputTokens,
      errorCode: this.errorCode.start < 0 || this.errorCode.start === this.errorCode.end ? null : this.text(this.errorCode),
      latencyMs: this.latencyMs,
    };
  }

  private text(span: Span): string {
    return this.bytes.toString("utf8", span.start, span.end);
  }

  private resetInput(): void {
    this.inputTokens = this.cacheReadInputTokens = this.cacheWriteInputTokens = 0;
  }

  private resetOutput(): void {
    this.outputTokens = 0;
    this.latencyMs = null;
  }

  // --- the record's own shape -------------------------------------------
  // Member handlers are bound once, and what they find goes into fields: a
  // closure or array per record would be garbage to collect a million times.

  private record(): void {
    if (this.byteAt(this.pos) !== 0x7b) throw GIVE_UP;
    this.members(this.recordMember, RECORD_FIELDS);
  }

  private readonly recordMember = (name: Buffer | null): void => {
    if (name === KEYS.schemaType) {
      // Another schema is not a record; JSON.parse's path says so.
      if (!this.stringValue(this.scratch) || !this.spells(this.scratch.start, this.scratch.end, MODEL_INVOCATION_LOG)) throw GIVE_UP;
    } else if (name === KEYS.timestamp) {
      if (!this.stringValue(this.timestamp)) throw GIVE_UP;
    } else if (name === KEYS.modelId) {
      if (!this.stringValue(this.modelId)) throw GIVE_UP;
    } else if (name === KEYS.errorCode) {
      this.stringValue(this.errorCode);
    } else if (name === KEYS.identity) {
      this.arn.start = -1;
      this.objectOrSkip(this.identityMember, IDENTITY_FIELDS);
    } else if (name === KEYS.input) {
      this.resetInput();
      this.objectOrSkip(this.inputMember, INPUT_FIELDS);
    } else if (name === KEYS.output) {
      this.resetOutput();
      this.objectOrSkip(this.outputMember, OUTPUT_FIELDS);
    } else {
      this.value();
    }
  };

  private readonly scratch: Span = { start: -1, end: -1 };

  private readonly identityMember = (name: Buffer | null): void => {
    if (name === KEYS.arn) this.stringValue(this.arn);
    else this.value();
  };

  private readonly inputMember = (name: Buffer | null): void => {
    if (name === KEYS.inputTokenCount) this.inputTokens = this.tokenCount();
    else if (name === KEYS.cacheReadInputTokenCount) this.cacheReadInputTokens = this.tokenCount();
    else if (name === KEYS.cacheWriteInputTokenCount) this.cacheWriteInputTokens = this.tokenCount();
    else this.value();
  };

  private readonly outputMember = (name: Buffer | null): void => {
    if (name === KEYS.outputTokenCount) this.outputTokens = this.tokenCount();
    else if (name === KEYS.outputBodyJson) this.latencyMs = this.bodyLatency();
    else this.value();
  };

  /** latencyFromOutputBody: one event object, or a list of events of which the last one with a latency counts. */
  private bodyLatency(): number | null {
    const first = this.byteAt(this.pos);
    if (first === 0x7b) return this.event();
    if (first !== 0x5b) {
      this.value();
      return null;
    }
    this.lastEventLatency = null;
    this.elements(this.bodyElement);
    return this.lastEventLatency;
  }

  private lastEventLatency: number | null = null;

  private readonly bodyElement = (): void => {
    if (this.byteAt(this.pos) === 0x7b) this.lastEventLatency = this.event() ?? this.lastEventLatency;
    else this.value();
  };

  /** latencyOfEvent: `metrics.latencyMs`, else `amazon-bedrock-invocationMetrics.invocationLatency`. */
  private event(): number | null {
    this.metricsLatency = null;
    this.invocationLatency = null;
    this.members(this.eventMember, EVENT_FIELDS);
    return this.metricsLatency ?? this.invocationLatency;
  }

  private metricsLatency: number | null = null;
  private invocationLatency: number | null = null;

  private readonly eventMember = (name: Buffer | null): void => {
    if (name === KEYS.metrics) this.metricsLatency = this.latencyIn(METRICS_FIELDS);
    else if (name === KEYS.invocationMetrics) this.invocationLatency = this.latencyIn(INVOCATION_METRICS_FIELDS);
    else this.value();
  };

  /** The non-negative number under the one field named if the value is an object holding one; null otherwise. */
  private latencyIn(field: readonly Buffer[]): number | null {
    this.latencyFound = null;
    this.objectOrSkip(this.latencyMember, field);
    return this.latencyFound;
  }

  private latencyFound: number | null = null;

  private readonly latencyMember = (name: Buffer | null): void => {
    if (name === null) {
      this.value();
      return;
    }
    const value = this.isNumberStart() ? this.number() : (this.value(), -1);
    this.latencyFound = Number.isFinite(value) && value >= 0 ? value : null;
  };

  /** tokenCount: absent or null is zero; a non-negative integer is itself; anything else is malformed (left to JSON.parse's path). */
  private tokenCount(): number {
    if (this.byteAt(this.pos) === 0x6e) {
      this.literal("null");
      return 0;
    }
    if (!this.isNumberStart() || this.byteAt(this.pos) === 0x2d) throw GIVE_UP;
    const value = this.number();
    if (!Number.isInteger(value)) throw GIVE_UP;
    return value;
  }

  /** A string value into `span` (false, after skipping it, for a value of another type); escaped content is left to JSON.parse. */
  private stringValue(span: Span): boolean {
    if (this.byteAt(this.pos) !== QUOTE) {
      this.value();
      span.start = -1;
      return false;
    }
    this.string();
    if (this.stringEscaped) throw GIVE_UP;
    span.start = this.stringStart;
    span.end = this.stringEnd;
    return true;
  }

  /** The members of an object at pos; any other value is skipped. */
  private objectOrSkip(member: (name: Buffer | null) => void, names: readonly Buffer[]): void {
    if (this.byteAt(this.pos) === 0x7b) this.members(member, names);
    else this.value();
  }

  // --- JSON grammar -------------------------------------------------------

  /** An object at pos; calls `member` with the value at pos for every member, which must consume it. */
  private members(member: (name: Buffer | null) => void, names: readonly Buffer[]): void {
    this.enter();
    this.pos += 1;
    this.whitespace();
    if (this.byteAt(this.pos) === 0x7d) {
      this.pos += 1;
      this.depth -= 1;
      return;
    }
    for (;;) {
      if (this.byteAt(this.pos) !== QUOTE) throw GIVE_UP;
      this.string();
      let name: Buffer | null = null;
      for (const candidate of names) {
        if (this.spells(this.stringStart, this.stringEnd, candidate)) {
          name = candidate;
          break;
        }
      }
      // An escaped key might spell a field the report reads.
      if (name === null && this.stringEscaped && names.length > 0) throw GIVE_UP;
      this.whitespace();
      this.expect(0x3a);
      this.whitespace();
      member(name);
      this.whitespace();
      const next = this.byteAt(this.pos);
      this.pos += 1;
      if (next === 0x7d) break;
      if (next !== 0x2c) throw GIVE_UP;
      this.whitespace();
    }
    this.depth -= 1;
  }

  /** An array at pos; calls `element` with each element at pos, which must consume it. */
  private elements(element: () => void): void {
    this.enter();
    this.pos += 1;
    this.whitespace();
    if (this.byteAt(this.pos) === 0x5d) {
      this.pos += 1;
      this.depth -= 1;
      return;
    }
    for (;;) {
      element();
      this.whitespace();
      const next = this.byteAt(this.pos);
      this.pos += 1;
      if (next === 0x5d) break;
      if (next !== 0x2c) throw GIVE_UP;
      this.whitespace();
    }
    this.depth -= 1;
  }

  private readonly skipMember = () => this.value();

  /** Any JSON value at pos, checked and skipped. */
  private value(): void {
    const first = this.byteAt(this.pos);
    if (first === QUOTE) this.string();
    else if (first === 0x7b) this.members(this.skipMember, NO_FIELDS);
    else if (first === 0x5b) this.elements(this.skipMember);
    else if (first === 0x74) this.literal("true");
    else if (first === 0x66) this.literal("false");
    else if (first === 0x6e) this.literal("null");
    else if (this.isNumberStart()) this.number();
    else throw GIVE_UP;
  }

  /**
   * A string at pos (the opening quote). Bodies are long strings, so this is
   * the hot loop of the whole report. It reads four bytes at a time (unaligned
   * DataView loads): the classic "has a zero byte" bit trick flags a byte
   * below 0x20, a quote or a backslash, and the lowest flag is exactly the
   * first such byte, so plain text is passed four bytes a step and the loop
   * lands right on the next byte that matters.
   */
  private string(): void {
    const bytes = this.bytes;
    const words = this.words;
    const end = this.end;
    let pos = this.pos + 1;
    this.stringStart = pos;
    this.stringEscaped = false;
    for (;;) {
      if (pos + 4 <= end) {
        const x = words.getInt32(pos, true);
        const quote = x ^ 0x22222222;
        const backslash = x ^ 0x5c5c5c5c;
        const flags = (((x - 0x20202020) & ~x) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) & 0x80808080;
        if (flags === 0) {
          pos += 4;
          continue;
        }
        pos += (31 - Math.clz32(flags & -flags)) >> 3;
      } else {
        while (pos < end && PLAIN_STRING_BYTE[bytes[pos]] === 1) pos += 1;
        if (pos >= end) throw GIVE_UP;
      }
      const byte = bytes[pos];
      if (byte === QUOTE) break;
      if (byte !== BACKSLASH) throw GIVE_UP; // a raw control character
      this.stringEscaped = true;
      const escaped = bytes[pos + 1];
      if (pos + 1 < end && SIMPLE_ESCAPE[escaped] === 1) {
        pos += 2;
      } else if (escaped === 0x75 && pos + 5 < end && HEX_DIGIT[bytes[pos + 2]] & HEX_DIGIT[bytes[pos + 3]] & HEX_DIGIT[bytes[pos + 4]] & HEX_DIGIT[bytes[pos + 5]]) {
        pos += 6;
      } else {
        throw GIVE_UP;
      }
    }
    this.stringEnd = pos;
    this.pos = pos + 1;
  }

  private isNumberStart(): boolean {
    const byte = this.byteAt(this.pos);
    return byte === 0x2d || (byte >= 0x30 && byte <= 0x39);
  }

  /** A number at pos, checked against JSON's grammar; its value as JSON.parse reads it. */
  private number(): number {
    const bytes = this.bytes;
    const start = this.pos;
    let pos = start;
    if (bytes[pos] === 0x2d) pos += 1;
    const digitsStart = pos;
    let value = 0;
    while (pos < this.end && bytes[pos] >= 0x30 && bytes[pos] <= 0x39) {
      value = value * 10 + (bytes[pos] - 0x30);
      pos += 1;
    }
    const digits = pos - digitsStart;
    if (digits === 0 || (digits > 1 && bytes[digitsStart] === 0x30)) throw GIVE_UP;
    let exact = digits <= 15 && start === digitsStart;
    if (this.byteAt(pos) === 0x2e) {
      pos = this.digits(pos + 1);
      exact = false;
    }
    const exponent = this.byteAt(pos);
    if (exponent === 0x65 || exponent === 0x45) {
      pos += 1;
      const sign = this.byteAt(pos);
      if (sign === 0x2b || sign === 0x2d) pos += 1;
      pos = this.digits(pos);
      exact = false;
    }
    this.pos = pos;
    // Small non-negative integers are exact as summed; anything else gets JavaScript's own conversion, which is JSON.parse's.
    return exact ? value : Number(bytes.toString("latin1", start, pos));
  }

  /** At least one digit from pos; returns the position after them. */
  private digits(from: number): number {
    let pos = from;
    while (pos < this.end && this.bytes[pos] >= 0x30 && this.bytes[pos] <= 0x39) pos += 1;
    if (pos === from) throw GIVE_UP;
    return pos;
  }

  private literal(word: "true" | "false" | "null"): void {
    for (let index = 0; index < word.length; index += 1) {
      if (this.pos >= this.end || this.bytes[this.pos] !== word.charCodeAt(index)) throw GIVE_UP;
      this.pos += 1;
    }
  }

  /** JSON whitespace within a line; a carriage return splits lines for readline, so such a line goes the slow way. */
  private whitespace(): void {
    while (this.pos < this.end && (this.bytes[this.pos] === 0x20 || this.bytes[this.pos] === 0x09)) this.pos += 1;
  }

  private expect(byte: number): void {
    if (this.byteAt(this.pos) !== byte) throw GIVE_UP;
    this.pos += 1;
  }

  /** The byte at `pos`, or -1 past the end of the line: the buffer may go on with the next line. */
  private byteAt(pos: number): number {
    return pos < this.end ? this.bytes[pos] : -1;
  }

  private enter(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw GIVE_UP;
  }

  /** Whether bytes [start, end) are `expected`; keys are short, so a loop beats a native call. */
  private spells(start: number, end: number, expected: Buffer): boolean {
    if (end - start !== expected.length) return false;
    for (let index = 0; index < expected.length; index += 1) if (this.bytes[start + index] !== expected[index]) return false;
    return true;
  }
}

const scanner = new LineScanner();

/**
 * The facts of the record in `bytes[start, end)` (one line, without its line
 * break) when the line is a well-formed record the report uses; null when
 * the line must go through parseRecordLine instead (anything else).
 */
export function scanRecordLine(bytes: Buffer, start: number, end: number): InvocationFacts | null {
  return scanner.scan(bytes, start, end);
}
