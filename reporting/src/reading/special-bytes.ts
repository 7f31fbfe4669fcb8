/**
 * The hot loop of the JSON scan: where a string ends. Bodies are long
 * strings, so this was most of the scan's time; in WebAssembly it compares
 * sixteen bytes a step with SIMD instructions, and the scan of the benchmark
 * archive's lines took about a third less time than with JavaScript's bit
 * tricks on eight bytes (measured). The text must lie in the module's
 * memory: callers copy a line into textArea() and read it there.
 *
 * The module, hand-assembled (see the WebAssembly core and SIMD
 * specifications, https://webassembly.github.io/spec/core/binary/ ), has two
 * functions:
 *
 *   firstSpecial(pos, end): while pos + 16 <= end, load 16 bytes, mark each
 *   that is < 0x20 (i8x16.lt_u), = 0x22 or = 0x5c (i8x16.eq), and if any is
 *   marked return pos + ctz(i8x16.bitmask); then byte by byte; else end.
 *
 *   stringEnd(pos, end), exported: from pos (just after an opening quote),
 *   firstSpecial, then: a quote ends the string; a backslash must start one
 *   of JSON's escapes (one of "\\/bfnrt, or u and four hex digits), which
 *   is passed; anything else (a raw control character, a bad escape, the end
 *   of the text) answers -1.
 */
const MODULE = Buffer.from(
  "AGFzbQEAAAABBwFgAn9/AX8DAwIAAAUDAQABBxYCCXN0cmluZ0VuZAABBm1lbW9yeQIACt0DAq4BAgF/AXsCQANAIABBEGog" +
    "AUsNASAA/QAAACID/QwgICAgICAgICAgICAgICAg/SYgA/0MIiIiIiIiIiIiIiIiIiIiIv0j/VAgA/0MXFxcXFxcXFxcXFxc" +
    "XFxcXP0j/VD9ZCICBEAgACACaGoPCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AACICQSBJIAJBIkZyIAJB3ABGcgRAIAAP" +
    "CyAAQQFqIQAMAAsLIAELqgIBAn8DQCAAIAEQACIAIAFPBEBBfw8LIAAtAAAiAkEiRgRAIAAgA0EedHIPCyACQdwARwRAQX8P" +
    "C0EBIQMgAEEBaiABTwRAQX8PCyAALQABIQIgAkEiRiACQdwARnIgAkEvRnIgAkHiAEZyIAJB5gBGciACQe4ARnIgAkHyAEZy" +
    "IAJB9ABGcgRAIABBAmohAAwBCyACQfUARwRAQX8PCyAAQQVqIAFPBEBBfw8LIAAtAAIiAkEwa0EKSSACQSByQeEAa0EGSXIg" +
    "AC0AAyICQTBrQQpJIAJBIHJB4QBrQQZJcnEgAC0ABCICQTBrQQpJIAJBIHJB4QBrQQZJcnEgAC0ABSICQTBrQQpJIAJBIHJB" +
    "4QBrQQZJcnFFBEBBfw8LIABBBmohAAwACwAL",
  "base64",
);

const PAGE_BYTES = 64 * 1024;

/** Set in stringEnd's answer when the string held an escape. */
export const ESCAPED = 1 << 30;

/** The little of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: SearchExports };
}
interface SearchExports {
  stringEnd(pos: number, end: number): number;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
const search = new wasm.Instance(new wasm.Module(MODULE)).exports;

/**
 * For a string whose content starts at `pos` in textArea(), read no further
 * than `end`: the index of its closing quote, plus ESCAPED if it held an
 * escape; -1 if it is no valid JSON string content.
 */
export const stringEnd: (pos: number, end: number) => number = search.stringEnd;

let area = Buffer.from(search.memory.buffer);

/**
 * The module's memory as a Buffer of at least `bytes` bytes, for the text to
 * search. It grows as needed and never shrinks (WebAssembly memory cannot),
 * so callers keep what they copy in small: one line at a time, up to a cap.
 */
export function textArea(bytes: number): Buffer {
  if (bytes > area.length) {
    search.memory.grow(Math.ceil((bytes - area.length) / PAGE_BYTES));
    area = Buffer.from(search.memory.buffer);
  }
  return area;
}
