import { expect } from "chai";
import fc from "fast-check";
import {
  loadRecordScanModule,
  RECORD_SCAN_WASM,
  type RecordScanModule,
} from "../../../reporting/src/reading/record-scanner";

/**
 * JSON's grammar in the WebAssembly scanner (reporting/assembly/json-values.ts),
 * through the skipValue it exports, held to JSON.parse.
 */
function loaded(): RecordScanModule {
  const module = loadRecordScanModule();
  if (module === null) throw new Error(`${RECORD_SCAN_WASM} did not load: run \`npm run build\``);
  return module;
}

describe("the WebAssembly scanner's JSON grammar", () => {
  const module = loaded();

  /** Where the JSON value at the start of `text` ends (bytes), entered `depth` deep; null when the scanner gives up. */
  function skip(text: string | Buffer, depth = 0): number | null {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    bytes.copy(module.memory, module.textStart);
    const next = module.exports.skipValue(module.textStart, module.textStart + bytes.length, depth);
    return next < 0 ? null : next - module.textStart;
  }

  /** Whether JSON.parse takes the text whole. */
  function parses(text: string): boolean {
    try {
      JSON.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The grammar's contract: what it skips, JSON.parse takes; and what JSON.parse
   * takes, it skips whole, unless it holds a line break or a carriage return
   * (never within a line; such a line goes to JSON.parse) or nests deeper than 64.
   */
  function expectAgreement(text: string): void {
    const skipped = skip(text);
    const bytes = Buffer.from(text, "utf8");
    if (skipped !== null) {
      const value = bytes.subarray(0, skipped).toString("utf8");
      expect(parses(value), `skipped ${JSON.stringify(value)} of ${JSON.stringify(text)}`).to.equal(true);
      // It stops right after the value: JSON.parse takes no shorter start of it, nor a longer one.
      expect(parses(bytes.subarray(0, skipped - 1).toString("utf8")) && !/^-?\d/.test(value), text).to.equal(false);
    }
    if (parses(text) && !/[\r\n]/.test(text) && !/^[ \t]/.test(text) && !/[ \t]$/.test(text))
      expect(skipped, JSON.stringify(text)).to.equal(bytes.length);
  }

  it("has a text area for the longest real records and sixteen bytes beyond it", () => {
    expect(module.textCapacity).to.be.at.least(1024 * 1024);
    expect(module.memory.length).to.be.at.least(module.textStart + module.textCapacity + 16);
  });

  it("is not there when the module cannot load; every line then takes the JSON.parse path", () => {
    expect(loadRecordScanModule("/nonexistent/record-scan.wasm")).to.equal(null);
  });

  it("skips any JSON value whole, and stops right after it", () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom("", ",", "}", "]", ' "x"', ":"), (json, after) => {
        expect(skip(json + after), json).to.equal(Buffer.byteLength(json));
        expectAgreement(json);
      }),
      { numRuns: 3000 },
    );
  });

  it("agrees with JSON.parse on truncations and single-byte changes of JSON, and on raw bytes", () => {
    const significant = [" ", "\t", '"', "\\", "{", "}", "[", "]", ",", ":", "0", "-", "+", ".", "e", "E"];
    const changed = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom(...significant, "u", "x", "\u0001", "é", "t", "n", "f", ""))
      .map(([json, at, replacement]) => {
        const index = json.length === 0 ? 0 : at % json.length;
        return json.slice(0, index) + replacement + json.slice(index + 1);
      });
    fc.assert(
      fc.property(changed, (text) => {
        for (let length = 0; length <= text.length; length += 1) expectAgreement(text.slice(0, length));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 64 }), (text) => expectAgreement(text)),
      { numRuns: 3000 },
    );
  });

  it("reads string text sixteen bytes a step without passing the line's end, whatever lies beyond it", () => {
    for (let length = 0; length <= 48; length += 1) {
      const closed = `"${"a".repeat(length)}"`;
      expect(skip(closed)).to.equal(length + 2);
      // A longer line copied first leaves its closing quote, and more text, past the end of this one.
      skip(`${closed}${"b".repeat(40)}"`);
      expect(skip(closed.slice(0, -1))).to.equal(null);
      expect(skip(`"${"a".repeat(length)}\\`)).to.equal(null);
      expect(skip(`"${"a".repeat(length)}\\u12`)).to.equal(null);
    }
    for (const escape of ['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\uD83D\\uDE42"])
      expect(skip(`"x${escape}y"`), escape).to.equal(escape.length + 4);
    for (const bad of ["\\a", "\\u12G4", "\\x41", "\\U0041", "\u0000", "\u001f", "\t", "\n"])
      expect(skip(`"x${bad}y"`), JSON.stringify(bad)).to.equal(null);
    expect(skip('"\u007f 東京 🙂"')).to.equal(Buffer.byteLength('"\u007f 東京 🙂"'));
  });

  it("checks numbers and literals as JSON.parse does", () => {
    for (const text of ["0", "-0", "12", "1.5", "-0.5e-3", "1E+3", "1e400", "true", "false", "null"])
      expect(skip(text), text).to.equal(text.length);
    for (const text of ["-", "1.", ".5", "1e", "1e+", "+1", "tru", "nul", "True", "-a"])
      expect(skip(text), text).to.equal(null);
    // A value JSON.parse would not take whole stops where its grammar does; what follows is the caller's to judge.
    for (const [text, length] of [
      ["falsey", 5],
      ["1.5.5", 3],
      ["-0x1", 2],
      ["0.1.", 3],
    ] as const)
      expect(skip(text), text).to.equal(length);
    // A leading zero followed by more digits is no number at all.
    for (const text of ["01", "-01", "00"]) expect(skip(text), text).to.equal(null);
  });

  it("nests 64 deep and no deeper, counting from the depth it is entered at", () => {
    for (const depth of [0, 1, 30, 63, 64]) {
      const allowed = 64 - depth;
      for (const levels of [allowed - 1, allowed, allowed + 1].filter((levels) => levels >= 1)) {
        const expected = levels <= allowed;
        const arrays = "[".repeat(levels) + "]".repeat(levels);
        const objects = '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
        expect(skip(arrays, depth) !== null, `${levels} arrays at ${depth}`).to.equal(expected);
        expect(skip(objects, depth) !== null, `${levels} objects at ${depth}`).to.equal(expected);
      }
    }
  });

  it("takes whitespace where JSON allows it within a line, spaces and tabs, and gives up on a line break", () => {
    const spaced = '{ "a" :\t[ 1 , { } , [ ] ] ,"b":"c" }';
    expect(skip(spaced)).to.equal(spaced.length);
    for (const text of ['{"a":1,}', "[1,]", '{"a"}', '{"a":}', "[1 2]", '{,"a":1}', "{1:2}", "[", "{", '{"a":\n1}'])
      expect(skip(text), JSON.stringify(text)).to.equal(null);
  });
});
