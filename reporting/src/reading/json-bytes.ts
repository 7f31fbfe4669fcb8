/**
 * A reader of JSON in UTF-8 bytes that checks the grammar as strictly as
 * JSON.parse (strings and their escapes, numbers, literals, nesting, where
 * whitespace may go) without building anything: subclasses ask for the
 * members they want and skip the rest. Anything it cannot vouch for ends the
 * read with GIVE_UP, for the caller to hand the text to JSON.parse.
 */

/** Thrown to give up on a text; callers catch it and fall back to JSON.parse. */
export const GIVE_UP: unique symbol = Symbol("give up");

/** Deeper than real records nest; past it the text is left to JSON.parse. */
const MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Bytes that can stand in a JSON string as they are: not a control character, quote or backslash (UTF-8 sequences included). */
const PLAIN_STRING_BYTE = new Uint8Array(256).map((_, byte) =>
  byte >= 0x20 && byte !== QUOTE && byte !== BACKSLASH ? 1 : 0,
);
/** Characters allowed after a backslash, besides `u`. */
const SIMPLE_ESCAPE = new Uint8Array(256).map((_, byte) => ('"\\/bfnrt'.includes(String.fromCharCode(byte)) ? 1 : 0));
const HEX_DIGIT = new Uint8Array(256).map((_, byte) => (/[0-9a-fA-F]/.test(String.fromCharCode(byte)) ? 1 : 0));

/**
 * The bytes of a little-endian word that end plain string text: below 0x20, a
 * quote or a backslash, each flagged by its top bit (the classic "has a zero
 * byte" bit trick). Flags above the lowest may be false; the lowest is exact.
 */
function specialBytes(word: number): number {
  const quote = word ^ 0x22222222;
  const backslash = word ^ 0x5c5c5c5c;
  return (
    (((word - 0x20202020) & ~word) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash)) &
    0x80808080
  );
}

/** The index (0-3) of the lowest flagged byte of specialBytes' answer. */
function firstFlagged(flags: number): number {
  return (31 - Math.clz32(flags & -flags)) >> 3;
}

/** Where a string value lies in the bytes; start is -1 when there is none. */
export interface Span {
  start: number;
  end: number;
}

const NO_FIELDS = [] as const;

/** Skips a JSON value as value() does, in WebAssembly (see json-skip.ts): set while the line lies in its memory. */
export type ValueSkipper = (pos: number, end: number, depth: number) => number;

/** Reads from `pos` up to `end` (exclusive) of `bytes`; a subclass sets them and calls the grammar below. */
export class JsonBytesReader {
  protected bytes: Buffer = Buffer.alloc(0);
  /** The same memory as `bytes`, for reading four bytes at once. */
  protected words: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  protected pos = 0;
  protected end = 0;
  protected depth = 0;
  /** Set by string(): where the last string's content lies. */
  protected stringStart = 0;
  protected stringEnd = 0;
  protected stringEscaped = false;
  /** Set by a subclass while `bytes` is the WebAssembly module's memory; null to skip in JavaScript. */
  protected skipper: ValueSkipper | null = null;

  protected view(bytes: Buffer): void {
    this.bytes = bytes;
    this.words = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
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
    if (this.skipper !== null) {
      const next = this.skipper(this.pos, this.end, this.depth);
      if (next < 0) throw GIVE_UP;
      this.pos = next;
      return;
    }
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
   * the hot loop of the whole report. It reads eight bytes a step as two
   * unaligned DataView loads (specialBytes), so plain text costs one branch
   * per eight bytes and the loop lands right on the next byte that matters.
   */
  protected string(): void {
    const bytes = this.bytes;
    const words = this.words;
    const end = this.end;
    let pos = this.pos + 1;
    this.stringStart = pos;
    this.stringEscaped = false;
    for (;;) {
      if (pos + 8 <= end) {
        const low = specialBytes(words.getInt32(pos, true));
        const high = specialBytes(words.getInt32(pos + 4, true));
        if ((low | high) === 0) {
          pos += 8;
          continue;
        }
        pos += low !== 0 ? firstFlagged(low) : 4 + firstFlagged(high);
      } else if (pos + 4 <= end) {
        const flags = specialBytes(words.getInt32(pos, true));
        if (flags === 0) {
          pos += 4;
          continue;
        }
        pos += firstFlagged(flags);
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
      } else if (
        escaped === 0x75 &&
        pos + 5 < end &&
        HEX_DIGIT[bytes[pos + 2]] & HEX_DIGIT[bytes[pos + 3]] & HEX_DIGIT[bytes[pos + 4]] & HEX_DIGIT[bytes[pos + 5]]
      ) {
        pos += 6;
      } else {
        throw GIVE_UP;
      }
    }
    this.stringEnd = pos;
    this.pos = pos + 1;
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
    for (let index = 0; index < expected.length; index += 1)
      if (this.bytes[start + index] !== expected[index]) return false;
    return true;
  }
}
