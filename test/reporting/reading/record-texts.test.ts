import { expect } from "chai";
import fc from "fast-check";
import { callerFromArn } from "../../../reporting/src/reading/records";
import { CallerCache, TextCache } from "../../../reporting/src/reading/record-texts";

/** The bytes of `text` inside other bytes, as the scanner sees a field: a span of a larger line. */
function inLine(text: string): { bytes: Buffer; start: number; end: number } {
  const field = Buffer.from(text, "utf8");
  return { bytes: Buffer.concat([Buffer.from('{"arn":"'), field, Buffer.from('"}')]), start: 8, end: 8 + field.length };
}

describe("record text caches", () => {
  it("answer callerFromArn for any ARN, first seen or cached, whatever session follows the role", () => {
    const callers = new CallerCache();
    const piece = fc.constantFrom(
      "arn:aws",
      "arn:aws-cn",
      ":sts::",
      "123456789012",
      ":assumed-role",
      ":iam::",
      "/",
      "Role",
      "user",
      "x",
      "",
    );
    const oddPiece = fc.constantFrom("\u2028", "\u2029", "é", "\ud800", "東京", "\n", "ARN");
    const arn = fc
      .array(fc.oneof({ weight: 6, arbitrary: piece }, { weight: 1, arbitrary: oddPiece }), { maxLength: 9 })
      .map((pieces) => pieces.join(""));
    fc.assert(
      fc.property(arn, (text) => {
        const { bytes, start, end } = inLine(text);
        expect(callers.caller(bytes, start, end), text).to.equal(callerFromArn(bytes.toString("utf8", start, end)));
      }),
      { numRuns: 3000 },
    );
  });

  it("keep one role's caller across sessions, and tell the ARNs apart that the pattern does not shorten", () => {
    const callers = new CallerCache();
    const role = "arn:aws:sts::123456789012:assumed-role/ChatBackend";
    const cases: Array<[string, string]> = [
      [`${role}/session-1`, role],
      [`${role}/session-2`, role],
      [`${role}/a\u2028b`, `${role}/a\u2028b`],
      [`${role}/`, `${role}/`],
      ["arn:aws:iam::123456789012:user/ci-bot", "arn:aws:iam::123456789012:user/ci-bot"],
      ["arn:aws:iam::123456789012:role/team/x", "arn:aws:iam::123456789012:role/team/x"],
      ["arn:aws:iam::123456789012:role/team/y", "arn:aws:iam::123456789012:role/team/y"],
    ];
    for (const [arn, caller] of [...cases, ...cases]) {
      const { bytes, start, end } = inLine(arn);
      expect(callers.caller(bytes, start, end), arn).to.equal(caller);
    }
  });

  it("decode each byte sequence once and hand back the same text, long texts included", () => {
    let decoded = 0;
    const texts = new TextCache((text) => {
      decoded += 1;
      return text;
    });
    const long = "m".repeat(300);
    for (const text of ["model-a", "model-b", "model-a", "modèle", "model-b", "modèle", long, long]) {
      const { bytes, start, end } = inLine(text);
      expect(texts.text(bytes, start, end)).to.equal(text);
    }
    // Three distinct short texts once each; the long one is not kept.
    expect(decoded).to.equal(5);
  });
});
