/**
 * A reader of JSON in UTF-8 bytes that checks the grammar as strictly as
 * JSON.parse (strings and their escapes, numbers, literals, nesting, where
 * whitespace may go) without building anything: subclasses ask for the
 * members they want and skip the rest. Anything it cannot vouch for ends the
 * read with GIVE_UP, for the caller to hand the text to JSON.parse.
 */
import { ESCAPED, stringEnd, textArea } from "./special-bytes";

/** Thrown to give up on a text; callers catch it and fall back to JSON.parse. */
export const GIVE_UP: unique symbol = Symbol("give up");

/** Deeper than real records nest; past it the text is left to JSON.parse. */
const MAX_DEPTH = 64;

const QUOTE = 0x22;


/** Where a string value lies in the bytes; start is -1 when there is none. */
export interface Span {
  start: number;
  end: number;
}

const NO_FIELDS = [] as const;

/**
 * The longest text read here: texts are copied into WebAssembly memory
 * (textArea), which never shrinks, so longer ones are left to JSON.parse
 * (records of the inline-body kind are far shorter: larger bodies go to S3).
 */
export const MAX_READ_BYTES = 8 * 1024 * 1024;

/** Reads from `pos` up to `end` (exclusive) of `bytes`; a subclass calls read() and then the grammar below. */
export class JsonBytesReader {
  protected bytes: Buffer = textArea(0);
  protected pos = 0;
  protected end = 0;
  protected depth = 0;
  /** Set by string(): where the last string's content lies. */
  protected stringStart = 0;
  protected stringEnd = 0;
  protected stringEscaped = false;

  /** Starts reading `text[start, end)`, copied where stringEnd searches; false if longer than MAX_READ_BYTES. */
  protected read(text: Buffer, start: number, end: number): boolean {
    if (end - start > MAX_READ_BYTES) return false;
    this.bytes = textArea(end - start);
    text.copy(this.bytes, 0, start, end);
    this.pos = 0;
    this.end = end - start;
    this.depth = 0;
    return true;
  }

  /** A string value into `span` (false, after skipping it, for a value of another type); escaped content is left to JSON.parse. */
  protected stringValue(span: Span): boolean {
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
  protected objectOrSkip(member: (name: Buffer | null) => void, names: readonly Buffer[]): void {
    if (this.byteAt(this.pos) === 0x7b) this.members(member, names);
    else this.value();
  }

  // --- JSON grammar -------------------------------------------------------

  /** An object at pos; calls `member` with the value at pos for every member, which must consume it. */
  protected members(member: (name: Buffer | null) => void, names: readonly Buffer[]): void {
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
  protected elements(element: () => void): void {
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

  protected readonly skipMember = () => this.value();

  /** Any JSON value at pos, checked and skipped. */
  protected value(): void {
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

  /** A string at pos (the opening quote), checked and passed by stringEnd. */
  protected string(): void {
    const start = this.pos + 1;
    const found = stringEnd(start, this.end);
    if (found < 0) throw GIVE_UP;
    this.stringStart = start;
    this.stringEscaped = found >= ESCAPED;
    this.stringEnd = found & (ESCAPED - 1);
    this.pos = this.stringEnd + 1;
  }

  protected isNumberStart(): boolean {
    const byte = this.byteAt(this.pos);
    return byte === 0x2d || (byte >= 0x30 && byte <= 0x39);
  }

  /** A number at pos, checked against JSON's grammar; its value as JSON.parse reads it. */
  protected number(): number {
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
  protected digits(from: number): number {
    let pos = from;
    while (pos < this.end && this.bytes[pos] >= 0x30 && this.bytes[pos] <= 0x39) pos += 1;
    if (pos === from) throw GIVE_UP;
    return pos;
  }

  protected literal(word: "true" | "false" | "null"): void {
    for (let index = 0; index < word.length; index += 1) {
      if (this.pos >= this.end || this.bytes[this.pos] !== word.charCodeAt(index)) throw GIVE_UP;
      this.pos += 1;
    }
  }

  /** JSON whitespace within a line; a carriage return splits lines for readline, so such a line goes the slow way. */
  protected whitespace(): void {
    while (this.pos < this.end && (this.bytes[this.pos] === 0x20 || this.bytes[this.pos] === 0x09)) this.pos += 1;
  }

  protected expect(byte: number): void {
    if (this.byteAt(this.pos) !== byte) throw GIVE_UP;
    this.pos += 1;
  }

  /** The byte at `pos`, or -1 past the end of the line: the buffer may go on with the next line. */
  protected byteAt(pos: number): number {
    return pos < this.end ? this.bytes[pos] : -1;
  }

  protected enter(): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) throw GIVE_UP;
  }

  /** Whether bytes [start, end) are `expected`; keys are short, so a loop beats a native call. */
  protected spells(start: number, end: number, expected: Buffer): boolean {
    if (end - start !== expected.length) return false;
    for (let index = 0; index < expected.length; index += 1) if (this.bytes[start + index] !== expected[index]) return false;
    return true;
  }
}
