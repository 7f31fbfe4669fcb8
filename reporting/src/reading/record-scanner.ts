/**
 * The fast path for what a report reads most: one well-formed invocation
 * record on a line of UTF-8 bytes. Records carry request and response bodies
 * of several KB, and the report needs a dozen small fields around them;
 * JSON.parse would build every body string and object only to drop them.
 *
 * The scan runs in WebAssembly (reporting/assembly/record-scan.ts, built by
 * `npm run build` to reporting/dist/record-scan.wasm): it checks the whole
 * line against the JSON grammar, so it never accepts a line JSON.parse
 * rejects, and reads only the fields factsFromRecord reads, with the same
 * rules. Whatever it is not sure of makes scanRecordLine return null, and the
 * caller then takes the full JSON.parse path, so every answer is the one
 * parseRecordLine gives. Each thread loads its own instance.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseRecordTimestampBytes } from "./record-timestamps";
import { callerFromArn, requestMetadataOf, UNKNOWN_CALLER, type InvocationFacts } from "./records";

/**
 * The built module, beside the compiled report in reporting/dist, and found
 * from there by the report's sources too (tests run them through tsx).
 */
export const RECORD_SCAN_WASM = join(__dirname, "..", "..", "dist", "record-scan.wasm");

/** record-scan.ts's result slots, by the names it exports their indexes under. */
const SLOT_NAMES = [
  "TIMESTAMP",
  "MODEL_ID",
  "ERROR_CODE",
  "ARN",
  "REQUEST_METADATA",
  "INPUT_TOKENS",
  "CACHE_READ_INPUT_TOKENS",
  "CACHE_WRITE_INPUT_TOKENS",
  "OUTPUT_TOKENS",
  "LATENCY_MS",
  "GUARDRAIL_INTERVENED",
  "MODEL_ID_TEXT",
  "ERROR_CODE_TEXT",
  "CALLER_TEXT",
  "CALLER_KEY_END",
  "SLOTS",
] as const;
type Slots = Record<(typeof SLOT_NAMES)[number], number>;

/** What record-scan.ts exports. */
interface RecordScanExports extends Record<(typeof SLOT_NAMES)[number], { value: number }> {
  memory: { buffer: ArrayBuffer };
  TEXT_CAPACITY: { value: number };
  textArea(): number;
  resultArea(): number;
  scanRecord(start: number, end: number): number;
  skipValue(pos: number, end: number, depth: number): number;
  textNumber(kind: number, start: number, end: number): number;
}

/** The part of the WebAssembly JavaScript API used here: the compiler's `lib` (ES2022) declares none of it. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}

/** An instance of the module, with its memory as a Buffer and its text and result areas. */
export interface RecordScanModule {
  exports: RecordScanExports;
  memory: Buffer;
  textStart: number;
  textCapacity: number;
  /** record-scan.ts's result slots, at the indexes `slots` names. */
  results: Float64Array;
  slots: Slots;
}

/**
 * A new instance of the built module; null where it cannot run (no build, or
 * a CPU V8 compiles no WebAssembly SIMD for: on x86-64 it needs SSE4.1,
 * https://github.com/win32ss/supermium/issues/1114): every line then takes
 * the JSON.parse path, with the same results, more slowly.
 */
export function loadRecordScanModule(path = RECORD_SCAN_WASM): RecordScanModule | null {
  const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  let exports: RecordScanExports;
  try {
    exports = new Instance(new Module(readFileSync(path))).exports as RecordScanExports;
  } catch {
    return null;
  }
  const slots = Object.fromEntries(SLOT_NAMES.map((name) => [name, exports[name].value])) as Slots;
  // The memory never grows (the text area is static), so these views stay valid.
  return {
    exports,
    memory: Buffer.from(exports.memory.buffer),
    textStart: exports.textArea(),
    textCapacity: exports.TEXT_CAPACITY.value,
    results: new Float64Array(exports.memory.buffer, exports.resultArea(), slots.SLOTS),
    slots,
  };
}

/**
 * The scanner of one thread: the module, and the texts it decoded before, by
 * the numbers the module gives their bytes (reporting/assembly/texts.ts).
 */
export class RecordLineScanner {
  /** Text by number; for a caller's number, "" when the caller is the whole ARN, decoded each time. */
  private readonly texts: string[] = [];

  constructor(private readonly module: RecordScanModule | null) {}

  /** The facts of the record in `bytes[start, end)`, as scanRecordLine. */
  scan(bytes: Buffer, start: number, end: number): InvocationFacts | null {
    const module = this.module;
    if (module === null || end - start > module.textCapacity) return null;
    const { memory, results, slots, textStart } = module;
    const { TIMESTAMP, MODEL_ID, ERROR_CODE, ARN, REQUEST_METADATA, LATENCY_MS } = slots;
    bytes.copy(memory, textStart, start, end);
    if (module.exports.scanRecord(textStart, textStart + (end - start)) === 0) return null;
    const timestampStart = results[TIMESTAMP];
    const modelIdStart = results[MODEL_ID];
    const modelIdEnd = results[MODEL_ID + 1];
    if (timestampStart < 0 || modelIdStart < 0 || modelIdStart === modelIdEnd) return null;
    const timestampMs = parseRecordTimestampBytes(memory, timestampStart, results[TIMESTAMP + 1]);
    if (!Number.isFinite(timestampMs)) return null;
    const arnStart = results[ARN];
    const arnEnd = results[ARN + 1];
    const errorStart = results[ERROR_CODE];
    const errorEnd = results[ERROR_CODE + 1];
    const metadataStart = results[REQUEST_METADATA];
    const latencyMs = results[LATENCY_MS];
    return {
      timestampMs,
      modelId: this.text(memory, results[slots.MODEL_ID_TEXT], modelIdStart, modelIdEnd),
      // An absent or empty string counts as no value.
      caller: arnStart < 0 || arnStart === arnEnd ? UNKNOWN_CALLER : this.caller(module, arnStart, arnEnd),
      inputTokens: results[slots.INPUT_TOKENS],
      outputTokens: results[slots.OUTPUT_TOKENS],
      cacheReadInputTokens: results[slots.CACHE_READ_INPUT_TOKENS],
      cacheWriteInputTokens: results[slots.CACHE_WRITE_INPUT_TOKENS],
      errorCode:
        errorStart < 0 || errorStart === errorEnd
          ? null
          : this.text(memory, results[slots.ERROR_CODE_TEXT], errorStart, errorEnd),
      latencyMs: latencyMs < 0 ? null : latencyMs,
      guardrailIntervened: results[slots.GUARDRAIL_INTERVENED] === 1,
      requestMetadata:
        metadataStart < 0
          ? null
          : requestMetadataOf(JSON.parse(memory.toString("utf8", metadataStart, results[REQUEST_METADATA + 1]))),
    };
  }

  /** The UTF-8 text of bytes [start, end) of the module's memory, decoded once per text number (-1: every time). */
  private text(memory: Buffer, number: number, start: number, end: number): string {
    if (number < 0) return memory.toString("utf8", start, end);
    return (this.texts[number] ??= memory.toString("utf8", start, end));
  }

  /**
   * callerFromArn of the ARN in bytes [start, end): by its text number, the
   * caller found for the ARN's bytes up to CALLER_KEY_END (the whole ARN, or
   * up to its second `/`, the role's end: callerFromArn keeps
   * `arn:...:assumed-role/<Role>` whatever session follows).
   */
  private caller({ memory, results, slots }: RecordScanModule, start: number, end: number): string {
    const number = results[slots.CALLER_TEXT];
    if (number < 0) return callerFromArn(memory.toString("utf8", start, end));
    const keyEnd = results[slots.CALLER_KEY_END];
    let known = this.texts[number];
    if (known === undefined) {
      const key = memory.toString("utf8", start, keyEnd);
      if (keyEnd === end) {
        known = callerFromArn(key);
      } else {
        // The role's caller, or "" when the pattern does not shorten such an ARN: the caller is then the whole ARN.
        const sample = `${key}x`;
        const caller = callerFromArn(sample);
        known = caller === sample ? "" : caller;
      }
      this.texts[number] = known;
    }
    return known === "" ? memory.toString("utf8", start, end) : known;
  }
}

const scanner = new RecordLineScanner(loadRecordScanModule());

/**
 * The facts of the record in `bytes[start, end)` (one line, without its line
 * break) when the line is a well-formed record the report uses; null when
 * the line must go through parseRecordLine instead (anything else).
 */
export function scanRecordLine(bytes: Buffer, start: number, end: number): InvocationFacts | null {
  return scanner.scan(bytes, start, end);
}
