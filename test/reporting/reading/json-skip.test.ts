import { expect } from "chai";
import fc from "fast-check";
import { GIVE_UP, JsonBytesReader } from "../../../reporting/src/reading/json-bytes";
import { JSON_SKIP_WASM, loadJsonSkipper, type JsonSkipper } from "../../../reporting/src/reading/json-skip";

/** value() of JsonBytesReader on one text, in JavaScript or through the WebAssembly skipper. */
class ValueReader extends JsonBytesReader {
  constructor(private readonly wasm: JsonSkipper | null) {
    super();
  }

  /** The position after the value at the start of `text`, entered `depth` deep; "give up" when the reader does. */
  skip(text: Buffer, depth: number): number | "give up" {
    let offset = 0;
    if (this.wasm === null) {
      this.view(text);
    } else {
      text.copy(this.wasm.memory, this.wasm.textStart);
      this.view(this.wasm.memory);
      offset = this.wasm.textStart;
    }
    this.skipper = this.wasm?.skipValue ?? null;
    this.pos = offset;
    this.end = offset + text.length;
    this.depth = depth;
    try {
      this.value();
    } catch (error) {
      if (error === GIVE_UP) return "give up";
      throw error;
    }
    expect(this.depth, "nesting is left as found").to.equal(depth);
    return this.pos - offset;
  }
}

function loaded(): JsonSkipper {
  const skipper = loadJsonSkipper();
  if (skipper === null) throw new Error(`${JSON_SKIP_WASM} did not load: run \`npm run build\``);
  return skipper;
}

describe("the WebAssembly value skipper", () => {
  const wasm = new ValueReader(loaded());
  const javaScript = new ValueReader(null);

  function expectSame(text: string | Buffer, depth = 0): number | "give up" {
    const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
    const expected = javaScript.skip(bytes, depth);
    expect(wasm.skip(bytes, depth), `${JSON.stringify(bytes.toString("utf8"))} at depth ${depth}`).to.equal(expected);
    return expected;
  }

  it("loads from the build, with a text area for the longest real records", () => {
    const skipper = loaded();
    expect(skipper.textCapacity).to.be.at.least(1024 * 1024);
    expect(skipper.memory.length).to.be.at.least(skipper.textStart + skipper.textCapacity + 16);
  });

  it("is not there when the module cannot load, and the scan then stays in JavaScript", () => {
    expect(loadJsonSkipper("/nonexistent/json-skip.wasm")).to.equal(null);
  });

  it("skips any JSON value exactly where JavaScript does, followed by anything", () => {
    fc.assert(
      fc.property(fc.json(), fc.constantFrom("", " ", ",", "}", "]", ' "x"', "\t:"), (json, after) => {
        const text = json + after;
        const skipped = expectSame(text);
        expect(skipped, text).to.equal(Buffer.byteLength(json));
      }),
      { numRuns: 3000 },
    );
  });

  it("gives up where JavaScript does: truncations and single-byte changes of JSON, and raw bytes", () => {
    const significant = [" ", "\t", "\r", "\n", '"', "\\", "{", "}", "[", "]", ",", ":", "0", "-", "+", ".", "e"];
    const changed = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom(...significant, "u", "x", "\u0001", "é", "t", "n", "f", ""))
      .map(([json, at, replacement]) => {
        const index = json.length === 0 ? 0 : at % json.length;
        return json.slice(0, index) + replacement + json.slice(index + 1);
      });
    fc.assert(
      fc.property(changed, (text) => {
        for (let length = 0; length <= text.length; length += 1) expectSame(text.slice(0, length));
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => void expectSame(Buffer.from(bytes))),
      { numRuns: 3000 },
    );
  });

  it("reads string text sixteen bytes a step without passing the line's end, whatever lies beyond it", () => {
    for (let length = 0; length <= 48; length += 1) {
      const closed = `"${"a".repeat(length)}"`;
      expect(expectSame(closed)).to.equal(length + 2);
      // A longer line copied first leaves its closing quote, and more text, past the end of this one.
      wasm.skip(Buffer.from(`${closed}${"b".repeat(40)}"`), 0);
      expect(expectSame(closed.slice(0, -1))).to.equal("give up");
      expect(expectSame(`"${"a".repeat(length)}\\`)).to.equal("give up");
      expect(expectSame(`"${"a".repeat(length)}\\u12`)).to.equal("give up");
    }
    for (const escape of ['\\"', "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u00e9", "\\uD83D\\uDE42"])
      expect(expectSame(`"x${escape}y"`), escape).to.not.equal("give up");
    for (const bad of ["\\a", "\\u12G4", "\\x41", "\\U0041", "\u0000", "\u001f", "\t", "\n"])
      expect(expectSame(`"x${bad}y"`), JSON.stringify(bad)).to.equal("give up");
    expect(expectSame('"\u007f 東京 🙂"')).to.equal(Buffer.byteLength('"\u007f 東京 🙂"'));
  });

  it("checks numbers and literals as JSON.parse does", () => {
    const good = ["0", "-0", "12", "1.5", "-0.5e-3", "1E+3", "1e400", "true", "false", "null"];
    for (const text of good) expect(expectSame(text), text).to.equal(text.length);
    const bad = ["01", "-", "1.", ".5", "1e", "1e+", "+1", "tru", "nul", "falsey", "True"];
    for (const text of bad) {
      const skipped = expectSame(text);
      if (skipped !== "give up") expect(skipped, text).to.be.below(text.length);
    }
  });

  it("nests as deep as the reader allows and no deeper, counting from the depth it is entered at", () => {
    for (const depth of [0, 1, 30, 63, 64]) {
      for (const levels of [0, 1, 63 - depth, 64 - depth, 65 - depth]) {
        if (levels < 0) continue;
        expectSame("[".repeat(levels) + "]".repeat(levels), depth);
        expectSame('{"a":'.repeat(levels) + "1" + "}".repeat(levels), depth);
        expectSame("[{}, {".repeat(levels) + "}]".repeat(levels), depth);
      }
    }
    expect(expectSame("[".repeat(64) + "]".repeat(64))).to.equal(128);
    expect(expectSame("[".repeat(65) + "]".repeat(65))).to.equal("give up");
  });

  it("takes whitespace where JSON allows it within a line: spaces and tabs", () => {
    const spaced = '{ "a" :\t[ 1 , { } , [ ] ] ,"b":"c" }';
    expect(expectSame(spaced)).to.equal(spaced.length);
    for (const text of ['{"a":1,}', "[1,]", '{"a"}', '{"a":}', "[1 2]", '{,"a":1}', "{1:2}", "[", "{"])
      expect(expectSame(text), text).to.equal("give up");
  });
});
