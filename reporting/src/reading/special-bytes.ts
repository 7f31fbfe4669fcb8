/**
 * The search at the heart of the JSON scan: the next byte that ends plain
 * string text (below 0x20, a quote or a backslash). Bodies are long strings,
 * so this loop is most of the scan's time; in WebAssembly it compares sixteen
 * bytes a step with SIMD instructions, several times faster than JavaScript's
 * four-bytes-at-a-time bit tricks could. The text must lie in the module's
 * memory: callers copy a line into textArea() and read it there.
 *
 * The module, hand-assembled (see the WebAssembly core and SIMD specifications,
 * https://webassembly.github.io/spec/core/binary/ ), is one function:
 *
 *   firstSpecial(pos, end): while pos + 16 <= end, load 16 bytes, mark each
 *   that is < 0x20 (i8x16.lt_u), = 0x22 or = 0x5c (i8x16.eq), and if any is
 *   marked return pos + ctz(i8x16.bitmask); then byte by byte; else end.
 */
const MODULE = Buffer.from(
  "AGFzbQEAAAABBwFgAn9/AX8DAgEABQMBAAEHGQIMZmlyc3RTcGVjaWFsAAAGbWVtb3J5AgAKsQEBrgECAX8BewJAA0AgAEEQ" +
    "aiABSw0BIAD9AAAAIgP9DCAgICAgICAgICAgICAgICD9JiAD/QwiIiIiIiIiIiIiIiIiIiIi/SP9UCAD/QxcXFxcXFxcXFxc" +
    "XFxcXFxc/SP9UP1kIgIEQCAAIAJoag8LIABBEGohAAwACwsCQANAIAAgAU8NASAALQAAIgJBIEkgAkEiRnIgAkHcAEZyBEAg" +
    "AA8LIABBAWohAAwACwsgAQs=",
  "base64",
);

const PAGE_BYTES = 64 * 1024;

/** The little of the WebAssembly API used here (the project's TypeScript libraries do not declare it). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: SearchExports };
}
interface SearchExports {
  firstSpecial(pos: number, end: number): number;
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
}
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: WebAssemblyApi };
const search = new wasm.Instance(new wasm.Module(MODULE)).exports;

/** The index of the first byte in `[pos, end)` of textArea() below 0x20, a quote or a backslash; `end` if none. */
export const firstSpecialByte: (pos: number, end: number) => number = search.firstSpecial;

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
