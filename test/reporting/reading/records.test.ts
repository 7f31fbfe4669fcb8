import { expect } from "chai";
import { scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { parseRecordTimestamp } from "../../../reporting/src/reading/record-timestamps";
import {
  callerFromArn,
  parseRecordLine,
  UNKNOWN_CALLER,
  type InvocationFacts,
} from "../../../reporting/src/reading/records";

function converseRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
    timestamp: "2026-11-20T10:31:02Z",
    accountId: "123456789012",
    region: "us-east-1",
    requestId: "6f1c0b7e-0000-4000-8000-000000000001",
    operation: "Converse",
    modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    identity: { arn: "arn:aws:sts::123456789012:assumed-role/DataScience/alice@example.com" },
    input: {
      inputContentType: "application/json",
      inputTokenCount: 1200,
      cacheReadInputTokenCount: 3000,
      cacheWriteInputTokenCount: 500,
    },
    output: {
      outputContentType: "application/json",
      outputTokenCount: 340,
      outputBodyJson: {
        output: { message: { role: "assistant", content: [{ text: "hi" }] } },
        stopReason: "end_turn",
        metrics: { latencyMs: 1834 },
      },
    },
    ...overrides,
  };
}

function facts(record: unknown): InvocationFacts {
  const parsed = parseRecordLine(JSON.stringify(record));
  if (!parsed.ok) throw new Error(`expected a record, got ${parsed.reason}`);
  return parsed.facts;
}

describe("invocation log records", () => {
  it("reads time, model, caller, the four token counts and the Converse latency", () => {
    expect(facts(converseRecord())).to.deep.equal({
      timestampMs: Date.parse("2026-11-20T10:31:02Z"),
      modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      caller: "arn:aws:sts::123456789012:assumed-role/DataScience",
      inputTokens: 1200,
      outputTokens: 340,
      cacheReadInputTokens: 3000,
      cacheWriteInputTokens: 500,
      errorCode: null,
      latencyMs: 1834,
      guardrailIntervened: false,
      requestMetadata: null,
    });
  });

  it("reads the latency from the last event of a streamed body", () => {
    const record = converseRecord({
      operation: "InvokeModelWithResponseStream",
      output: {
        outputTokenCount: 20,
        outputBodyJson: [
          { type: "message_start" },
          { type: "content_block_delta", delta: { text: "x" } },
          {
            type: "message_stop",
            "amazon-bedrock-invocationMetrics": {
              inputTokenCount: 9,
              outputTokenCount: 20,
              invocationLatency: 2210,
              firstByteLatency: 380,
            },
          },
        ],
      },
    });
    expect(facts(record).latencyMs).to.equal(2210);
  });

  it("has no latency for plain InvokeModel or bodies stored in S3", () => {
    const record = converseRecord({
      operation: "InvokeModel",
      output: { outputTokenCount: 5, outputBodyS3Path: "s3://bucket/data/x.json" },
    });
    expect(facts(record).latencyMs).to.equal(null);
  });

  it("counts a failed request with its errorCode and no output as zero output tokens", () => {
    const record = converseRecord({ errorCode: "ThrottlingException", output: undefined });
    expect(facts(record)).to.include({ errorCode: "ThrottlingException", outputTokens: 0, latencyMs: null });
  });

  it("keeps user ARNs as they are and marks a missing identity", () => {
    expect(callerFromArn("arn:aws:iam::123456789012:user/ci-bot")).to.equal("arn:aws:iam::123456789012:user/ci-bot");
    expect(facts(converseRecord({ identity: undefined })).caller).to.equal(UNKNOWN_CALLER);
  });

  const malformed: Array<[string, string]> = [
    ["text that is not JSON", '{"timestamp": "2026-11-20T10:31:02Z", '],
    ["a JSON array", "[1,2]"],
    ["a record without modelId", JSON.stringify(converseRecord({ modelId: undefined }))],
    ["a record with an unparseable timestamp", JSON.stringify(converseRecord({ timestamp: "yesterday" }))],
    ["a record with a token count as text", JSON.stringify(converseRecord({ input: { inputTokenCount: "12" } }))],
    ["a record with a negative token count", JSON.stringify(converseRecord({ output: { outputTokenCount: -3 } }))],
    [
      "a record with a token count that overflows (1e308)",
      JSON.stringify(converseRecord({ input: { inputTokenCount: 1e308 } })),
    ],
    [
      "a record with a token count past 2^53",
      JSON.stringify(converseRecord({ input: { inputTokenCount: 2 ** 53 + 2, cacheReadInputTokenCount: 0 } })),
    ],
    [
      "a record with an impossible date (February 30th)",
      JSON.stringify(converseRecord({ timestamp: "2026-02-30T10:31:02Z" })),
    ],
    ["a record with hour 24", JSON.stringify(converseRecord({ timestamp: "2026-11-20T24:00:00Z" }))],
    [
      "a record with a date that is not ISO-8601",
      JSON.stringify(converseRecord({ timestamp: "Nov 20 2026 10:31:02" })),
    ],
  ];
  for (const [what, line] of malformed) {
    it(`returns malformed, without throwing, for ${what}`, () => {
      expect(parseRecordLine(line)).to.deep.equal({ ok: false, reason: "malformed" });
    });
  }

  it("has no latency, rather than an overflowing one, for a latency past 2^53", () => {
    const record = converseRecord({
      output: { outputTokenCount: 5, outputBodyJson: { metrics: { latencyMs: 1e308 } } },
    });
    expect(facts(record).latencyMs).to.equal(null);
  });

  describe("timestamps", () => {
    let savedZone: string | undefined;
    beforeEach(() => {
      savedZone = process.env.TZ;
      // Node applies a change of TZ at once; a zone far from UTC, with a half-hour offset.
      process.env.TZ = "Asia/Kolkata";
    });
    afterEach(() => {
      if (savedZone === undefined) delete process.env.TZ;
      else process.env.TZ = savedZone;
    });

    it("reads a time without a zone as UTC, never local time, in the full parser and the fast scanner alike", () => {
      expect(new Date(2026, 10, 20).getTimezoneOffset(), "the test runs in another zone than UTC").to.equal(-330);
      const line = JSON.stringify(converseRecord({ timestamp: "2026-11-20T10:31:02" }));
      const expected = Date.UTC(2026, 10, 20, 10, 31, 2);
      expect(facts(converseRecord({ timestamp: "2026-11-20T10:31:02" })).timestampMs).to.equal(expected);
      expect(scanRecordLine(Buffer.from(line), 0, Buffer.byteLength(line))?.timestampMs).to.equal(expected);
      expect(parseRecordTimestamp("2026-11-20 10:31:02.250")).to.equal(expected + 250);
      expect(parseRecordTimestamp("2026-11-20")).to.equal(Date.UTC(2026, 10, 20));
    });

    it("applies a zone or offset when there is one, and reads Bedrock's own form exactly", () => {
      expect(parseRecordTimestamp("2026-11-20T10:31:02Z")).to.equal(Date.UTC(2026, 10, 20, 10, 31, 2));
      expect(parseRecordTimestamp("2026-11-20T16:01:02+05:30")).to.equal(Date.UTC(2026, 10, 20, 10, 31, 2));
      expect(parseRecordTimestamp("2026-11-20T05:31:02-0500")).to.equal(Date.UTC(2026, 10, 20, 10, 31, 2));
      expect(parseRecordTimestamp("2028-02-29T00:00:00Z")).to.equal(Date.UTC(2028, 1, 29));
      expect(parseRecordTimestamp("1969-12-31T23:59:59.999Z")).to.equal(-1);
    });

    it("refuses impossible dates and times instead of rolling them over", () => {
      for (const text of [
        "2026-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-11-20T23:60:00Z",
        "2026-11-20T10:31:60Z",
        "2026-11-20T10:31:02+24:00",
        "20261120T103102Z",
        "yesterday",
        "",
      ]) {
        expect(Number.isNaN(parseRecordTimestamp(text)), text).to.equal(true);
      }
    });
  });

  it("returns notARecord for JSON of another schema", () => {
    expect(parseRecordLine(JSON.stringify({ schemaType: "Other", timestamp: "2026-11-20T10:31:02Z" }))).to.deep.equal({
      ok: false,
      reason: "notARecord",
    });
  });
});
