/**
 * The WebAssembly half of the JSON scan (source: reporting/assembly/json-skip.ts,
 * built by `npm run build`): skipValue checks and skips a JSON value as
 * JsonBytesReader.value() does, sixteen bytes a step through string text.
 * Each thread that scans loads its own instance; the text it reads must be
 * copied into the instance's text area first.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** An instance of the module and its text area. */
export interface JsonSkipper {
  /** The module's whole memory: positions given to skipValue are indexes into it. */
  memory: Buffer;
  /** Where the text area starts in `memory`. */
  textStart: number;
  /** Bytes the text area holds: longer lines are scanned in JavaScript. */
  textCapacity: number;
  /** The position after the JSON value at `pos` in a line ending at `end`, nested `depth` deep; -1 to give up. */
  skipValue(pos: number, end: number, depth: number): number;
}

interface JsonSkipExports {
  memory: { buffer: ArrayBuffer };
  TEXT_CAPACITY: { value: number };
  textArea(): number;
  skipValue(pos: number, end: number, depth: number): number;
}

/** The part of the WebAssembly JavaScript API used here: the compiler's `lib` (ES2022) declares none of it. */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * The built module, beside the compiled report in reporting/dist, and found
 * from there by the report's sources too (tests run them through tsx).
 */
export const JSON_SKIP_WASM = join(__dirname, "..", "..", "dist", "json-skip.wasm");

/**
 * A new instance of the built module; null where it cannot run (a CPU without
 * the SIMD instructions WebAssembly needs), and the scan then stays in
 * JavaScript, with the same results.
 */
export function loadJsonSkipper(path = JSON_SKIP_WASM): JsonSkipper | null {
  let instance: { exports: unknown };
  try {
    instance = new Instance(new Module(readFileSync(path)));
  } catch {
    return null;
  }
  const exports = instance.exports as unknown as JsonSkipExports;
  return {
    memory: Buffer.from(exports.memory.buffer),
    textStart: exports.textArea(),
    textCapacity: exports.TEXT_CAPACITY.value,
    skipValue: exports.skipValue,
  };
}
