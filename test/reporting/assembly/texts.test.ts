import { expect } from "chai";
import fc from "fast-check";
import { loadRecordScanModule, RecordLineScanner, scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { callerFromArn } from "../../../reporting/src/reading/records";

/** A record whose caller's ARN is `arn`, as one line of bytes. */
function recordWith(fields: { arn?: string; modelId?: string }): Buffer {
  return Buffer.from(
    JSON.stringify({
      schemaType: "ModelInvocationLog",
      timestamp: "2026-11-20T10:31:02Z",
      modelId: fields.modelId ?? "anthropic.claude-sonnet-4-5-20250929-v1:0",
      identity: { arn: fields.arn ?? "arn:aws:iam::123456789012:user/ci-bot" },
      input: { inputTokenCount: 1 },
    }),
  );
}

describe("the WebAssembly scanner's texts, each decoded once", () => {
  it("give callerFromArn's caller for any ARN, first seen or known, whatever session follows the role", () => {
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
    const oddPiece = fc.constantFrom("\u2028", "\u2029", "é", "東京", "ARN");
    const arn = fc
      .array(fc.oneof({ weight: 6, arbitrary: piece }, { weight: 1, arbitrary: oddPiece }), { maxLength: 9 })
      .map((pieces) => pieces.join(""));
    let read = 0;
    fc.assert(
      fc.property(arn, (text) => {
        const line = recordWith({ arn: text });
        const facts = scanRecordLine(line, 0, line.length);
        expect(facts, text).to.not.equal(null);
        expect(facts?.caller, text).to.equal(text === "" ? "(unknown)" : callerFromArn(text));
        read += 1;
      }),
      { numRuns: 3000 },
    );
    expect(read).to.equal(3000);
  });

  it("keep one role's caller across sessions, and tell apart the ARNs the pattern does not shorten", () => {
    const scanner = new RecordLineScanner(loadRecordScanModule());
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
      const line = recordWith({ arn });
      expect(scanner.scan(line, 0, line.length)?.caller, arn).to.equal(caller);
    }
  });

  it("number the same bytes of the same kind alike, and give up on long texts and a full table", () => {
    const module = loadRecordScanModule();
    if (module === null) throw new Error("the scanner's WebAssembly module did not load: run `npm run build`");
    const { memory, textStart, exports } = module;
    const numberOf = (kind: number, text: string) => {
      const length = memory.write(text, textStart, "utf8");
      return exports.textNumber(kind, textStart, textStart + length);
    };
    const first = numberOf(0, "model-a");
    expect(numberOf(0, "model-b")).to.not.equal(first);
    expect(numberOf(0, "model-a")).to.equal(first);
    expect(numberOf(1, "model-a"), "another kind").to.not.equal(first);
    expect(numberOf(0, "modèle")).to.be.at.least(0);
    expect(numberOf(0, "m".repeat(256))).to.be.at.least(0);
    expect(numberOf(0, "m".repeat(257)), "too long").to.equal(-1);
    let last = 0;
    for (let index = 0; index < 5000; index += 1) last = numberOf(0, `model-${index}`);
    expect(last, "past the table's room").to.equal(-1);
    expect(numberOf(0, "model-a"), "known texts keep their number").to.equal(first);
  });

  it("are right for every record past the table's room too", () => {
    const scanner = new RecordLineScanner(loadRecordScanModule());
    for (let index = 0; index < 5000; index += 1) {
      const modelId = `anthropic.claude-model-${index}`;
      const arn = `arn:aws:sts::123456789012:assumed-role/Role${index}/session`;
      const line = recordWith({ modelId, arn });
      const facts = scanner.scan(line, 0, line.length);
      expect([facts?.modelId, facts?.caller]).to.deep.equal([
        modelId,
        `arn:aws:sts::123456789012:assumed-role/Role${index}`,
      ]);
    }
  });
});
