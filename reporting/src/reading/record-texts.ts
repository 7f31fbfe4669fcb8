/**
 * The few texts a record scan keeps (model ID, caller, error code) repeat
 * from record to record: a report over 100,000 records sees a dozen models
 * and a few dozen roles. Decoding each one afresh, and running callerFromArn's
 * pattern over every ARN, made several strings per record for the garbage
 * collector; these caches decode a byte sequence once and hand back the same
 * string whenever the same bytes come again.
 */
import { callerFromArn } from "./records";

/** Texts longer than this are decoded every time: real model IDs, roles and error codes are far shorter. */
const MAX_CACHED_BYTES = 256;
/** Distinct texts kept per cache; past it, new ones are decoded every time, so memory stays flat on any input. */
const MAX_ENTRIES = 4096;

const SLASH = 0x2f;

interface Entry {
  bytes: Buffer;
  text: string;
}

/** Strings made from byte sequences, kept by content; `make` turns the decoded bytes into the string kept. */
export class TextCache {
  private readonly byHash = new Map<number, Entry[]>();
  private entries = 0;

  constructor(private readonly make: (text: string) => string = (text) => text) {}

  /** make() of the UTF-8 text of `bytes[start, end)`, from the cache when the same bytes were seen before. */
  text(bytes: Buffer, start: number, end: number): string {
    if (end - start > MAX_CACHED_BYTES) return this.make(bytes.toString("utf8", start, end));
    let hash = end - start;
    for (let index = start; index < end; index += 1) hash = Math.imul(hash ^ bytes[index], 0x01000193);
    const bucket = this.byHash.get(hash);
    if (bucket !== undefined) {
      for (const entry of bucket) if (sameBytes(entry.bytes, bytes, start, end)) return entry.text;
    }
    const text = this.make(bytes.toString("utf8", start, end));
    if (this.entries < MAX_ENTRIES) {
      // A copy: `bytes` is a chunk of the stream, reused or dropped once read.
      const entry = { bytes: Buffer.from(bytes.subarray(start, end)), text };
      if (bucket === undefined) this.byHash.set(hash, [entry]);
      else bucket.push(entry);
      this.entries += 1;
    }
    return text;
  }
}

function sameBytes(kept: Buffer, bytes: Buffer, start: number, end: number): boolean {
  if (kept.length !== end - start) return false;
  for (let index = 0; index < kept.length; index += 1) if (kept[index] !== bytes[start + index]) return false;
  return true;
}

/**
 * callerFromArn over UTF-8 bytes. Assumed-role ARNs end in a session name
 * that is new almost every time, so they are cached by what comes before it:
 * the pattern keeps `arn:...:assumed-role/<Role>` when a `/` and at least one
 * more character without a line break follow, so once the rest is known to be
 * such, the answer depends only on the bytes up to the second `/`.
 */
export class CallerCache {
  /** Up to and including the second `/` → the caller, or "" when the pattern does not match (the caller is then the whole ARN). */
  private readonly byPrefix = new TextCache((prefix) => {
    const sample = `${prefix}x`;
    const caller = callerFromArn(sample);
    return caller === sample ? "" : caller;
  });
  /** ARNs with fewer than two `/`s, which the pattern never shortens. */
  private readonly whole = new TextCache(callerFromArn);

  caller(bytes: Buffer, start: number, end: number): string {
    const firstSlash = indexOfByte(bytes, SLASH, start, end);
    const secondSlash = firstSlash < 0 ? -1 : indexOfByte(bytes, SLASH, firstSlash + 1, end);
    if (secondSlash < 0) return this.whole.text(bytes, start, end);
    if (secondSlash + 1 === end || hasLineSeparator(bytes, secondSlash + 1, end)) {
      return callerFromArn(bytes.toString("utf8", start, end));
    }
    const caller = this.byPrefix.text(bytes, start, secondSlash + 1);
    return caller === "" ? bytes.toString("utf8", start, end) : caller;
  }
}

function indexOfByte(bytes: Buffer, byte: number, start: number, end: number): number {
  for (let index = start; index < end; index += 1) if (bytes[index] === byte) return index;
  return -1;
}

/**
 * Whether the bytes hold U+2028 or U+2029, which `.` in a pattern does not
 * match (a string value's raw bytes hold no `\n` or `\r`: the scanner gives up
 * on control characters in strings).
 */
function hasLineSeparator(bytes: Buffer, start: number, end: number): boolean {
  for (let index = start; index + 2 < end; index += 1) {
    if (bytes[index] === 0xe2 && bytes[index + 1] === 0x80 && (bytes[index + 2] === 0xa8 || bytes[index + 2] === 0xa9))
      return true;
  }
  return false;
}
