/**
 * JSON's grammar over UTF-8 bytes in this module's memory, checked as
 * strictly as JSON.parse checks it (strings and their escapes, numbers,
 * literals, nesting) without building anything: record-scan.ts reads the
 * fields a report needs with these and skips the rest, request and response
 * bodies above all. String text goes sixteen bytes a step with SIMD
 * instructions. Whitespace is spaces and tabs only: a line holding a
 * carriage return is left to JSON.parse, as readline would have cut it there.
 *
 * Positions are addresses in the memory; `end` is the end of the line. A
 * sixteen-byte load may start at any position before `end`, so the memory
 * must hold sixteen bytes more than any line (record-scan.ts's text area).
 */

/** Deeper than real records nest; past it the line is left to JSON.parse. */
export const MAX_DEPTH: i32 = 64;
/** What skipValue returns when the text breaks the grammar or goes deeper than MAX_DEPTH. */
export const GIVE_UP: i32 = -1;

export const QUOTE: i32 = 0x22;
export const BACKSLASH: i32 = 0x5c;
export const COMMA: i32 = 0x2c;
export const COLON: i32 = 0x3a;
export const OPEN_OBJECT: i32 = 0x7b;
export const CLOSE_OBJECT: i32 = 0x7d;
export const OPEN_ARRAY: i32 = 0x5b;
export const CLOSE_ARRAY: i32 = 0x5d;

/** The byte at `pos`, or -1 past the end of the line (the text area may hold an older, longer line after it). */
export function byteAt(pos: i32, end: i32): i32 {
  return pos < end ? <i32>load<u8>(<usize>pos) : -1;
}

/** JSON whitespace within a line: spaces and tabs. */
export function whitespace(pos: i32, end: i32): i32 {
  while (pos < end) {
    const byte = <i32>load<u8>(<usize>pos);
    if (byte != 0x20 && byte != 0x09) break;
    pos += 1;
  }
  return pos;
}

function isHexDigit(byte: i32): bool {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

/** One of `"\/bfnrt`, the characters allowed after a backslash besides `u`. */
function isSimpleEscape(byte: i32): bool {
  return (
    byte == QUOTE ||
    byte == BACKSLASH ||
    byte == 0x2f ||
    byte == 0x62 ||
    byte == 0x66 ||
    byte == 0x6e ||
    byte == 0x72 ||
    byte == 0x74
  );
}

/**
 * A string at `pos` (its opening quote): the position after its closing quote,
 * or GIVE_UP for a raw control character, a bad escape or no closing quote
 * before `end`. Sixteen bytes a step: one compare for each kind of byte that
 * ends plain text (below 0x20, a quote, a backslash), and the lowest one found.
 * Sets stringEscaped.
 */
export function skipString(pos: i32, end: i32): i32 {
  stringEscaped = false;
  const quotes = i8x16.splat(<i8>QUOTE);
  const backslashes = i8x16.splat(<i8>BACKSLASH);
  const spaces = i8x16.splat(0x20);
  pos += 1;
  while (true) {
    if (pos >= end) return GIVE_UP;
    const chunk = v128.load(<usize>pos);
    const special = v128.or(v128.or(i8x16.eq(chunk, quotes), i8x16.eq(chunk, backslashes)), i8x16.lt_u(chunk, spaces));
    const flags = i8x16.bitmask(special);
    if (flags == 0) {
      pos += 16;
      continue;
    }
    pos += ctz(flags);
    if (pos >= end) return GIVE_UP;
    const byte = <i32>load<u8>(<usize>pos);
    if (byte == QUOTE) return pos + 1;
    if (byte != BACKSLASH) return GIVE_UP; // a raw control character
    stringEscaped = true;
    const escaped = byteAt(pos + 1, end);
    if (isSimpleEscape(escaped)) {
      pos += 2;
    } else if (
      escaped == 0x75 &&
      pos + 5 < end &&
      isHexDigit(<i32>load<u8>(<usize>(pos + 2))) &&
      isHexDigit(<i32>load<u8>(<usize>(pos + 3))) &&
      isHexDigit(<i32>load<u8>(<usize>(pos + 4))) &&
      isHexDigit(<i32>load<u8>(<usize>(pos + 5)))
    ) {
      pos += 6;
    } else {
      return GIVE_UP;
    }
  }
}

/** Whether the last string skipString read held an escape: its bytes are then not its text. */
export let stringEscaped = false;

/** At least one digit from `pos`: the position after them, or GIVE_UP. */
function digits(pos: i32, end: i32): i32 {
  const from = pos;
  while (pos < end) {
    const byte = <i32>load<u8>(<usize>pos);
    if (byte < 0x30 || byte > 0x39) break;
    pos += 1;
  }
  return pos == from ? GIVE_UP : pos;
}

/** A number at `pos`, checked against JSON's grammar: the position after it, or GIVE_UP. */
function skipNumber(pos: i32, end: i32): i32 {
  if (byteAt(pos, end) == 0x2d) pos += 1;
  const integerStart = pos;
  pos = digits(pos, end);
  if (pos == GIVE_UP) return GIVE_UP;
  if (pos - integerStart > 1 && <i32>load<u8>(<usize>integerStart) == 0x30) return GIVE_UP;
  if (byteAt(pos, end) == 0x2e) {
    pos = digits(pos + 1, end);
    if (pos == GIVE_UP) return GIVE_UP;
  }
  const exponent = byteAt(pos, end);
  if (exponent == 0x65 || exponent == 0x45) {
    pos += 1;
    const sign = byteAt(pos, end);
    if (sign == 0x2b || sign == 0x2d) pos += 1;
    pos = digits(pos, end);
  }
  return pos;
}

/** `true`, `false` or `null` at `pos` as told by its first byte: the position after it, or GIVE_UP. */
function skipLiteral(pos: i32, end: i32, first: i32): i32 {
  // The word's bytes as one little-endian number, and its length.
  let word: u64 = 0x65757274; // "true"
  let length = 4;
  if (first == 0x66) {
    word = 0x65736c6166; // "false"
    length = 5;
  } else if (first == 0x6e) {
    word = 0x6c6c756e; // "null"
  }
  for (let index = 0; index < length; index += 1) {
    if (byteAt(pos + index, end) != <i32>((word >> (<u64>index * 8)) & 0xff)) return GIVE_UP;
  }
  return pos + length;
}

/** What the loop of skipValue reads next. */
const AT_VALUE = 0;
const AT_KEY = 1;
const AFTER_VALUE = 2;

/**
 * Skips the JSON value at `pos`, checked against the grammar, in the line
 * that ends at `end`; `depth` is the nesting it is found at.
 * Returns the position after the value, or GIVE_UP (-1).
 *
 * Without recursion: `objects` holds one bit a level entered here, set for
 * an object and clear for an array, and MAX_DEPTH keeps it within 64 bits.
 */
export function skipValue(pos: i32, end: i32, depth: i32): i32 {
  let objects: u64 = 0;
  let levels = 0;
  let state = AT_VALUE;
  while (true) {
    if (state == AT_VALUE) {
      const first = byteAt(pos, end);
      if (first == QUOTE) {
        pos = skipString(pos, end);
        if (pos == GIVE_UP) return GIVE_UP;
        state = AFTER_VALUE;
      } else if (first == OPEN_OBJECT || first == OPEN_ARRAY) {
        depth += 1;
        if (depth > MAX_DEPTH) return GIVE_UP;
        const isObject = first == OPEN_OBJECT;
        objects = (objects << 1) | (<u64>isObject);
        levels += 1;
        pos = whitespace(pos + 1, end);
        if (byteAt(pos, end) == (isObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
          pos += 1;
          objects >>= 1;
          levels -= 1;
          depth -= 1;
          state = AFTER_VALUE;
        } else {
          state = isObject ? AT_KEY : AT_VALUE;
        }
      } else if (first == 0x74 || first == 0x66 || first == 0x6e) {
        pos = skipLiteral(pos, end, first);
        if (pos == GIVE_UP) return GIVE_UP;
        state = AFTER_VALUE;
      } else if (first == 0x2d || (first >= 0x30 && first <= 0x39)) {
        pos = skipNumber(pos, end);
        if (pos == GIVE_UP) return GIVE_UP;
        state = AFTER_VALUE;
      } else {
        return GIVE_UP;
      }
    } else if (state == AT_KEY) {
      if (byteAt(pos, end) != QUOTE) return GIVE_UP;
      pos = skipString(pos, end);
      if (pos == GIVE_UP) return GIVE_UP;
      pos = whitespace(pos, end);
      if (byteAt(pos, end) != COLON) return GIVE_UP;
      pos = whitespace(pos + 1, end);
      state = AT_VALUE;
    } else {
      if (levels == 0) return pos;
      pos = whitespace(pos, end);
      const next = byteAt(pos, end);
      pos += 1;
      const inObject = (objects & 1) != 0;
      if (next == COMMA) {
        pos = whitespace(pos, end);
        state = inObject ? AT_KEY : AT_VALUE;
      } else if (next == (inObject ? CLOSE_OBJECT : CLOSE_ARRAY)) {
        objects >>= 1;
        levels -= 1;
        depth -= 1;
      } else {
        return GIVE_UP;
      }
    }
  }
}
