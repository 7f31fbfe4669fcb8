import { expect } from "chai";
import fc from "fast-check";
import { ESCAPED, stringEnd, textArea } from "../../../reporting/src/reading/special-bytes";
import { MAX_READ_BYTES } from "../../../reporting/src/reading/json-bytes";
import { scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { parseRecordLine } from "../../../reporting/src/reading/records";

const SIMPLE_ESCAPES = new Set([...'"\\/bfnrt'].map((char) => char.charCodeAt(0)));
const isHexDigit = (byte: number) => /[0-9a-fA-F]/.test(String.fromCharCode(byte));

/** stringEnd spelled out byte by byte, as JSON's grammar says. */
function stringEndSlowly(bytes: Buffer, from: number, end: number): number {
  let escaped = 0;
  for (let pos = from; pos < end; ) {
    const byte = bytes[pos];
    if (byte === 0x22) return pos + escaped;
    if (byte < 0x20) return -1;
    if (byte !== 0x5c) {
      pos += 1;
      continue;
    }
    escaped = ESCAPED;
    const unicode = pos + 5 < end && bytes[pos + 1] === 0x75 && [2, 3, 4, 5].every((at) => isHexDigit(bytes[pos + at]));
    if (pos + 1 < end && SIMPLE_ESCAPES.has(bytes[pos + 1])) pos += 2;
    else if (unicode) pos += 6;
    else return -1;
  }
  return -1;
}

describe("the string search in WebAssembly", () => {
  it("ends a string where JSON's grammar does, from any start to any end, across its 16-byte steps", () => {
    const byte = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0xff }) },
      { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x1f, 0x22, 0x5c, 0x21, 0x7f, 0x80, 0xdc) },
      { weight: 2, arbitrary: fc.constantFrom(...Buffer.from("u0123456789abcdefABCDEFgG/bfnrtx")) },
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 70 }), fc.nat(), fc.nat(), (values, a, b) => {
        const area = textArea(values.length);
        area.set(values);
        const pos = values.length === 0 ? 0 : a % (values.length + 1);
        const end = pos + (b % (values.length - pos + 1));
        expect(stringEnd(pos, end)).to.equal(stringEndSlowly(area, pos, end));
      }),
      { numRuns: 5000 },
    );
  });

  it("grows its memory for a long line, and leaves lines past MAX_READ_BYTES to JSON.parse, same answer", () => {
    const record = (body: string) =>
      JSON.stringify({
        schemaType: "ModelInvocationLog",
        timestamp: "2026-11-20T10:00:00Z",
        modelId: "m",
        input: { inputBodyJson: { text: body } },
      });
    for (const size of [200_000, MAX_READ_BYTES + 1]) {
      const line = Buffer.from(record("a".repeat(size) + '"'));
      const scanned = scanRecordLine(line, 0, line.length);
      expect(scanned === null, `${size} bytes`).to.equal(size > MAX_READ_BYTES);
      if (scanned !== null) expect({ ok: true, facts: scanned }).to.deep.equal(parseRecordLine(line.toString()));
    }
    const tail = Buffer.from(record("b".repeat(300_000)));
    const area = textArea(tail.length);
    tail.copy(area);
    const opening = tail.indexOf('"b') + 1;
    expect(stringEnd(opening, tail.length)).to.equal(stringEndSlowly(area, opening, tail.length));
    expect(stringEnd(opening, tail.length)).to.equal(opening + 300_000);
  });
});
