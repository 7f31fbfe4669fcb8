import { expect } from "chai";
import fc from "fast-check";
import { firstSpecialByte, textArea } from "../../../reporting/src/reading/special-bytes";
import { MAX_READ_BYTES } from "../../../reporting/src/reading/json-bytes";
import { scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { parseRecordLine } from "../../../reporting/src/reading/records";

/** The search spelled out byte by byte. */
function firstSpecialByteSlowly(bytes: Buffer, pos: number, end: number): number {
  for (let index = pos; index < end; index += 1) {
    if (bytes[index] < 0x20 || bytes[index] === 0x22 || bytes[index] === 0x5c) return index;
  }
  return end;
}

describe("the string search in WebAssembly", () => {
  it("finds the first byte below 0x20, quote or backslash from any start to any end, across its 16-byte steps", () => {
    const byte = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0xff }) },
      { weight: 1, arbitrary: fc.constantFrom(0x00, 0x09, 0x1f, 0x22, 0x5c, 0x21, 0x23, 0x5b, 0x5d, 0x7f, 0x80, 0xdc) },
    );
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 70 }), fc.nat(), fc.nat(), (values, a, b) => {
        const area = textArea(values.length);
        area.set(values);
        const pos = values.length === 0 ? 0 : a % (values.length + 1);
        const end = pos + (b % (values.length - pos + 1));
        expect(firstSpecialByte(pos, end)).to.equal(firstSpecialByteSlowly(area, pos, end));
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
    expect(firstSpecialByte(0, tail.length)).to.equal(firstSpecialByteSlowly(area, 0, tail.length));
  });
});
