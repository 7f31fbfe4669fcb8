/**
 * The offline report's fast path, in WebAssembly (AssemblyScript, compiled by
 * `npm run build` to reporting/dist/record-scan.wasm): one invocation record
 * on a line of UTF-8 bytes in, the dozen fields the report uses out, without
 * building the request and response bodies JSON.parse would build only to
 * drop them. reporting/src/reading/record-scanner.ts copies each line into
 * the text area and reads what scanRecord leaves in the result slots.
 *
 * The whole line is checked against JSON's grammar (json-values.ts), and the
 * fields are read with factsFromRecord's rules (reporting/src/reading/records.ts):
 * the last of duplicate keys wins, a field of another type counts as absent
 * where factsFromRecord says so. Whatever it is not sure of (a syntax error,
 * an escaped key or field value, a token count or latency that is not a plain
 * integer of up to 15 digits, a wrong schema, deep nesting) makes scanRecord
 * answer 0, and the line then takes the JSON.parse path: every answer is the
 * one that path gives.
 */
import {
  byteAt,
  CLOSE_ARRAY,
  CLOSE_OBJECT,
  COLON,
  COMMA,
  GIVE_UP,
  MAX_DEPTH,
  OPEN_ARRAY,
  OPEN_OBJECT,
  QUOTE,
  skipString,
  skipValue,
  stringEscaped,
  whitespace,
} from "./json-values";
import { callerKeyEnd } from "./callers";
import {
  ARN,
  CACHE_READ_INPUT_TOKENS,
  CACHE_WRITE_INPUT_TOKENS,
  CALLER_KEY_END,
  CALLER_TEXT,
  ERROR_CODE,
  ERROR_CODE_TEXT,
  GUARDRAIL_INTERVENED,
  INPUT_TOKENS,
  LATENCY_MS,
  MODEL_ID,
  MODEL_ID_TEXT,
  OUTPUT_TOKENS,
  REQUEST_METADATA,
  resultArea,
  TIMESTAMP,
} from "./results";
import { textNumber } from "./texts";

// The result slots, read by record-scanner.ts.
export * from "./results";
// For the tests of json-values.ts and texts.ts.
export { skipValue, textNumber };

/** Bytes of line the text area holds: longer lines take the JSON.parse path. */
export const TEXT_CAPACITY: i32 = 1 << 20;
/** Sixteen bytes more than the text, for the last sixteen-byte load of a line. */
const TEXT: usize = memory.data(TEXT_CAPACITY + 16, 16);

/** Where the caller copies a line: positions passed to scanRecord are addresses in this memory. */
export function textArea(): usize {
  return TEXT;
}

function put(slot: i32, value: f64): void {
  store<f64>(resultArea() + ((<usize>slot) << 3), value);
}

function got(slot: i32): i32 {
  return <i32>load<f64>(resultArea() + ((<usize>slot) << 3));
}

// What a text number stands for, in texts.ts.
const MODEL_ID_KIND = 0;
const ERROR_CODE_KIND = 1;
const WHOLE_ARN_KIND = 2;
const ARN_PREFIX_KIND = 3;

// The objects whose members scanRecord reads, told apart in members().
const RECORD = 0;
const IDENTITY = 1;
const INPUT = 2;
const OUTPUT = 3;
const EVENT = 4;
const METRICS = 5;
const INVOCATION_METRICS = 6;

// Where the scan is: a line is read by one call, start to end, so these need not be passed around.
let pos: i32 = 0;
let end: i32 = 0;
let depth: i32 = 0;

// What the response body's events said (latencyFromOutputBody, guardrailIntervenedIn in records.ts).
let latencyMs: f64 = -1;
let guardrailIntervened = false;
let metricsLatency: f64 = -1;
let invocationLatency: f64 = -1;
let stoppedByGuardrail = false;
let guardrailActed = false;
let latencyFound: f64 = -1;
let eventLatency: f64 = -1;
/** Set by stringIs. */
let matched = false;

/**
 * Reads the record on the line [start, end) of the text area into the result
 * slots: 1 when it is a well-formed record the report uses, read in full; 0
 * when the line must go through JSON.parse instead.
 */
export function scanRecord(start: i32, stop: i32): i32 {
  pos = start;
  end = stop;
  depth = 0;
  put(TIMESTAMP, -1);
  put(MODEL_ID, -1);
  put(ERROR_CODE, -1);
  put(ARN, -1);
  put(REQUEST_METADATA, -1);
  resetInput();
  resetOutput();
  pos = whitespace(pos, end);
  if (byteAt(pos, end) != OPEN_OBJECT || !members(RECORD)) return 0;
  pos = whitespace(pos, end);
  if (pos != end) return 0;
  put(LATENCY_MS, latencyMs);
  put(GUARDRAIL_INTERVENED, guardrailIntervened ? 1 : 0);
  put(MODEL_ID_TEXT, spanText(MODEL_ID, MODEL_ID_KIND));
  put(ERROR_CODE_TEXT, spanText(ERROR_CODE, ERROR_CODE_KIND));
  callerText();
  return 1;
}

/** The text number of the string in the span at `slot`; -1 for none or an empty one. */
function spanText(slot: i32, kind: i32): i32 {
  const start = got(slot);
  const stop = got(slot + 1);
  return start < 0 || start == stop ? -1 : textNumber(kind, start, stop);
}

/** The text number of the bytes of the ARN that decide its caller (see callerKeyEnd), and where they end. */
function callerText(): void {
  put(CALLER_TEXT, -1);
  const start = got(ARN);
  const stop = got(ARN + 1);
  if (start < 0 || start == stop) return;
  const keyEnd = callerKeyEnd(start, stop);
  if (keyEnd < 0) return;
  put(CALLER_TEXT, textNumber(keyEnd == stop ? WHOLE_ARN_KIND : ARN_PREFIX_KIND, start, keyEnd));
  put(CALLER_KEY_END, keyEnd);
}

function resetInput(): void {
  put(INPUT_TOKENS, 0);
  put(CACHE_READ_INPUT_TOKENS, 0);
  put(CACHE_WRITE_INPUT_TOKENS, 0);
}

function resetOutput(): void {
  put(OUTPUT_TOKENS, 0);
  latencyMs = -1;
  guardrailIntervened = false;
}

/** Whether bytes [start, stop) are the ASCII `key`. */
function spells(start: i32, stop: i32, key: string): bool {
  const length = key.length;
  if (stop - start != length) return false;
  for (let index = 0; index < length; index += 1) {
    if (<i32>load<u8>(<usize>(start + index)) != key.charCodeAt(index)) return false;
  }
  return true;
}

/** Skips the value at pos; false when it breaks the grammar. */
function skip(): bool {
  const next = skipValue(pos, end, depth);
  if (next == GIVE_UP) return false;
  pos = next;
  return true;
}

/**
 * An object at pos whose members go to the reader for `kind`. False to give
 * up: a syntax error, too deep, or an escaped key, which might spell a field
 * the report reads.
 */
function members(kind: i32): bool {
  depth += 1;
  if (depth > MAX_DEPTH) return false;
  pos = whitespace(pos + 1, end);
  if (byteAt(pos, end) == CLOSE_OBJECT) {
    pos += 1;
    depth -= 1;
    return true;
  }
  while (true) {
    if (byteAt(pos, end) != QUOTE) return false;
    const keyStart = pos + 1;
    const next = skipString(pos, end);
    if (next == GIVE_UP || stringEscaped) return false;
    const keyEnd = next - 1;
    pos = whitespace(next, end);
    if (byteAt(pos, end) != COLON) return false;
    pos = whitespace(pos + 1, end);
    if (!member(kind, keyStart, keyEnd)) return false;
    pos = whitespace(pos, end);
    const after = byteAt(pos, end);
    pos += 1;
    if (after == CLOSE_OBJECT) break;
    if (after != COMMA) return false;
    pos = whitespace(pos, end);
  }
  depth -= 1;
  return true;
}

/** The value of the member named by bytes [keyStart, keyEnd) of an object of `kind`, read or skipped. */
function member(kind: i32, keyStart: i32, keyEnd: i32): bool {
  if (kind == RECORD) {
    if (spells(keyStart, keyEnd, "schemaType")) {
      // Another schema is not a record; JSON.parse's path says so.
      return stringIs("ModelInvocationLog") && matched;
    }
    // A record's timestamp and model ID are strings; any other value is for JSON.parse's path to reject.
    if (spells(keyStart, keyEnd, "timestamp")) return byteAt(pos, end) == QUOTE && stringValue(TIMESTAMP);
    if (spells(keyStart, keyEnd, "modelId")) return byteAt(pos, end) == QUOTE && stringValue(MODEL_ID);
    if (spells(keyStart, keyEnd, "errorCode")) return stringValue(ERROR_CODE);
    if (spells(keyStart, keyEnd, "identity")) {
      put(ARN, -1);
      return objectOrSkip(IDENTITY);
    }
    if (spells(keyStart, keyEnd, "input")) {
      resetInput();
      return objectOrSkip(INPUT);
    }
    if (spells(keyStart, keyEnd, "output")) {
      resetOutput();
      return objectOrSkip(OUTPUT);
    }
    if (spells(keyStart, keyEnd, "requestMetadata")) {
      put(REQUEST_METADATA, pos);
      if (!skip()) return false;
      put(REQUEST_METADATA + 1, pos);
      return true;
    }
  } else if (kind == IDENTITY) {
    if (spells(keyStart, keyEnd, "arn")) return stringValue(ARN);
  } else if (kind == INPUT) {
    if (spells(keyStart, keyEnd, "inputTokenCount")) return tokenCount(INPUT_TOKENS);
    if (spells(keyStart, keyEnd, "cacheReadInputTokenCount")) return tokenCount(CACHE_READ_INPUT_TOKENS);
    if (spells(keyStart, keyEnd, "cacheWriteInputTokenCount")) return tokenCount(CACHE_WRITE_INPUT_TOKENS);
  } else if (kind == OUTPUT) {
    if (spells(keyStart, keyEnd, "outputTokenCount")) return tokenCount(OUTPUT_TOKENS);
    if (spells(keyStart, keyEnd, "outputBodyJson")) {
      guardrailIntervened = false;
      return bodyLatency();
    }
  } else if (kind == EVENT) {
    if (spells(keyStart, keyEnd, "metrics")) {
      if (!latencyIn(METRICS)) return false;
      metricsLatency = latencyFound;
      return true;
    }
    if (spells(keyStart, keyEnd, "amazon-bedrock-invocationMetrics")) {
      if (!latencyIn(INVOCATION_METRICS)) return false;
      invocationLatency = latencyFound;
      return true;
    }
    if (spells(keyStart, keyEnd, "stopReason")) {
      if (!stringIs("guardrail_intervened")) return false;
      stoppedByGuardrail = matched;
      return true;
    }
    if (spells(keyStart, keyEnd, "amazon-bedrock-guardrailAction")) {
      if (!stringIs("INTERVENED")) return false;
      guardrailActed = matched;
      return true;
    }
  } else if (kind == METRICS) {
    if (spells(keyStart, keyEnd, "latencyMs")) return latencyValue();
  } else if (kind == INVOCATION_METRICS) {
    if (spells(keyStart, keyEnd, "invocationLatency")) return latencyValue();
  }
  return skip();
}

function objectOrSkip(kind: i32): bool {
  return byteAt(pos, end) == OPEN_OBJECT ? members(kind) : skip();
}

/**
 * A string value's span into `slot`, or -1 there for a value of another type
 * (skipped). False to give up: a syntax error, or an escaped string, whose
 * bytes are not its text.
 */
function stringValue(slot: i32): bool {
  if (byteAt(pos, end) != QUOTE) {
    put(slot, -1);
    return skip();
  }
  const next = skipString(pos, end);
  if (next == GIVE_UP || stringEscaped) return false;
  put(slot, pos + 1);
  put(slot + 1, next - 1);
  pos = next;
  return true;
}

/** Sets `matched` to whether the value at pos is the string `expected` (any other value is skipped). */
function stringIs(expected: string): bool {
  matched = false;
  if (byteAt(pos, end) != QUOTE) return skip();
  const next = skipString(pos, end);
  if (next == GIVE_UP || stringEscaped) return false;
  matched = spells(pos + 1, next - 1, expected);
  pos = next;
  return true;
}

/**
 * A number at pos that is a plain integer of up to 15 digits (exact as a
 * double): its value; -1 for anything else, left to JSON.parse's path.
 */
function plainInteger(): f64 {
  const start = pos;
  let value: f64 = 0;
  while (pos < end) {
    const digit = <i32>load<u8>(<usize>pos) - 0x30;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + <f64>digit;
    pos += 1;
  }
  const length = pos - start;
  if (length == 0 || length > 15 || (length > 1 && <i32>load<u8>(<usize>start) == 0x30)) return -1;
  const next = byteAt(pos, end);
  if (next == 0x2e || next == 0x65 || next == 0x45) return -1;
  return value;
}

/** tokenCount in records.ts: absent or null is zero; a plain integer is itself; anything else goes to JSON.parse's path. */
function tokenCount(slot: i32): bool {
  if (byteAt(pos, end) == 0x6e) {
    put(slot, 0);
    return skip();
  }
  const value = plainInteger();
  if (value < 0) return false;
  put(slot, value);
  return true;
}

/** The number under the one field named, if the value at pos is an object holding one: into latencyFound (-1: none). */
function latencyIn(kind: i32): bool {
  latencyFound = -1;
  return objectOrSkip(kind);
}

/** A latency: a plain integer, or none for a value that is not a number; any other number goes to JSON.parse's path. */
function latencyValue(): bool {
  const first = byteAt(pos, end);
  if (first == 0x2d || (first >= 0x30 && first <= 0x39)) {
    latencyFound = plainInteger();
    return latencyFound >= 0;
  }
  latencyFound = -1;
  return skip();
}

/** latencyFromOutputBody: one event object, or a list of events of which the last one with a latency counts. */
function bodyLatency(): bool {
  const first = byteAt(pos, end);
  if (first == OPEN_OBJECT) {
    if (!event()) return false;
    latencyMs = eventLatency;
    return true;
  }
  latencyMs = -1;
  if (first != OPEN_ARRAY) return skip();
  depth += 1;
  if (depth > MAX_DEPTH) return false;
  pos = whitespace(pos + 1, end);
  if (byteAt(pos, end) == CLOSE_ARRAY) {
    pos += 1;
    depth -= 1;
    return true;
  }
  while (true) {
    if (byteAt(pos, end) == OPEN_OBJECT) {
      if (!event()) return false;
      if (eventLatency >= 0) latencyMs = eventLatency;
    } else if (!skip()) {
      return false;
    }
    pos = whitespace(pos, end);
    const after = byteAt(pos, end);
    pos += 1;
    if (after == CLOSE_ARRAY) break;
    if (after != COMMA) return false;
    pos = whitespace(pos, end);
  }
  depth -= 1;
  return true;
}

/**
 * latencyOfEvent: `metrics.latencyMs`, else
 * `amazon-bedrock-invocationMetrics.invocationLatency`, into eventLatency; on
 * the way, guardrailIntervenedIn: the event's last `stopReason` is
 * "guardrail_intervened" or its last `amazon-bedrock-guardrailAction` is "INTERVENED".
 */
function event(): bool {
  metricsLatency = -1;
  invocationLatency = -1;
  stoppedByGuardrail = false;
  guardrailActed = false;
  if (!members(EVENT)) return false;
  if (stoppedByGuardrail || guardrailActed) guardrailIntervened = true;
  eventLatency = metricsLatency >= 0 ? metricsLatency : invocationLatency;
  return true;
}
