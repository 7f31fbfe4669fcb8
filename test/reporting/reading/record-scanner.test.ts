import { expect } from "chai";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { gunzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { RecordLineScanner, scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { parseRecordLine } from "../../../reporting/src/reading/records";
import { RecordCollector } from "../../../reporting/src/reading/record-collector";
import { MAX_LINE_BYTES, RecordLineReader } from "../../../reporting/src/reading/record-lines";

/** The scanner's contract: when it answers, it answers exactly what JSON.parse + factsFromRecord would. */
function expectAgreement(line: string): boolean {
  const bytes = Buffer.from(line, "utf8");
  const scanned = scanRecordLine(bytes, 0, bytes.length);
  if (scanned !== null) expect({ ok: true, facts: scanned }, line).to.deep.equal(parseRecordLine(line));
  return scanned !== null;
}

const text = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    'say "hi"',
    "back\\slash",
    "tab\there",
    "line\nbreak",
    "crlf\r\n",
    "nul\u0000",
    "東京 🙂 café",
    "\u2028\u2029",
    "\ud800 lone",
    '}"],{[',
    "\\u0041",
  ),
);
const tokenValue = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 300_000 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom<unknown>(null, -3, 1.5, "12", true, [], {}, 1e21, 2 ** 53 + 2, 2 ** 53 - 1, 1e308, -0),
  },
);
const latencyValue = fc.oneof(
  fc.nat({ max: 60_000 }),
  fc.double({ noNaN: true }),
  fc.constantFrom<unknown>("12", null, -1, {}),
);
const event = fc.record(
  {
    metrics: fc.oneof(
      fc.record({ latencyMs: latencyValue }, { requiredKeys: [] }),
      fc.constantFrom<unknown>(null, 5, []),
    ),
    "amazon-bedrock-invocationMetrics": fc.record(
      { invocationLatency: latencyValue, firstByteLatency: fc.nat() },
      { requiredKeys: [] },
    ),
    type: text,
    delta: fc.record({ text }),
    stopReason: fc.oneof(fc.constantFrom<unknown>("guardrail_intervened", "end_turn", null, 1), text),
    "amazon-bedrock-guardrailAction": fc.oneof(fc.constantFrom<unknown>("INTERVENED", "NONE", "intervened", []), text),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  event,
  fc.array(fc.oneof(event, text, fc.array(event, { maxLength: 2 })), { maxLength: 4 }),
  text,
  fc.constant(null),
);
const record = fc.record(
  {
    schemaType: fc.oneof(
      { weight: 8, arbitrary: fc.constant("ModelInvocationLog") },
      { weight: 1, arbitrary: fc.constantFrom<unknown>("Other", null, 1) },
    ),
    schemaVersion: fc.constant("1.0"),
    timestamp: fc.oneof(
      {
        weight: 8,
        arbitrary: fc
          .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-01-01T00:00:00Z"), noInvalidDate: true })
          .map((date) => date.toISOString().replace(/\.\d{3}Z$/, "Z")),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom<unknown>(
          "yesterday",
          "",
          1_700_000_000,
          null,
          "2026-11-20",
          "2026-11-20T10:31:02",
          "2026-02-30T00:00:00Z",
          "2026-11-20T10:31:02.5+01:00",
          "2026-11-2OT10:31:02Z",
          "2026-11-20T10:31:02z",
        ),
      },
    ),
    modelId: fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom(
          "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
          "anthropic.claude-3-haiku-20240307-v1:0",
          "modèle/ü",
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom<unknown>("", null, 7, 'a"b') },
    ),
    identity: fc.oneof(
      fc.record(
        {
          arn: fc.oneof(
            fc.constantFrom("arn:aws:sts::123456789012:assumed-role/Role/session-1", "arn:aws:iam::1:user/bob", ""),
            text,
            fc.constant(null),
          ),
        },
        { requiredKeys: [] },
      ),
      fc.constant(null),
    ),
    errorCode: fc.oneof(fc.constantFrom("ThrottlingException", ""), text, fc.constantFrom<unknown>(null, 3)),
    input: fc.oneof(
      fc.record(
        {
          inputBodyJson: fc.record({
            messages: fc.array(fc.record({ role: fc.constant("user"), content: fc.array(fc.record({ text })) }), {
              maxLength: 2,
            }),
          }),
          inputTokenCount: tokenValue,
          cacheReadInputTokenCount: tokenValue,
          cacheWriteInputTokenCount: tokenValue,
        },
        { requiredKeys: [] },
      ),
      fc.constantFrom<unknown>(null, [], "input"),
    ),
    output: fc.oneof(
      fc.record({ outputBodyJson: body, outputTokenCount: tokenValue, outputBodyS3Path: text }, { requiredKeys: [] }),
      fc.constantFrom<unknown>(null, []),
    ),
  },
  { requiredKeys: [] },
);

/** A record as JSON text with its keys in any order, sometimes pretty-printed, sometimes with a key repeated. */
const recordLine = fc
  .tuple(
    record,
    fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
    fc.constantFrom(undefined, 1, "\t"),
    fc.boolean(),
  )
  .map(([value, ranks, indent, repeatKey]) => {
    const entries = Object.entries(value as Record<string, unknown>);
    const shuffled = entries
      .map((entry, index) => ({ entry, rank: ranks[index] }))
      .sort((a, b) => a.rank - b.rank)
      .map(({ entry }) => entry);
    let line = JSON.stringify(Object.fromEntries(shuffled), null, indent).replace(/\n/g, "");
    if (repeatKey && shuffled.length > 0) line = line.replace(/^\{/, `{${JSON.stringify(shuffled[0][0])}: 0, `);
    return line;
  });

describe("fast record scanner", () => {
  it("agrees with JSON.parse + factsFromRecord on generated records: escapes, unicode, quotes in bodies, any key order, wrong types", () => {
    let scanned = 0;
    fc.assert(
      fc.property(recordLine, (line) => {
        if (expectAgreement(line)) scanned += 1;
      }),
      { numRuns: 3000 },
    );
    expect(scanned, "most generated records should take the fast path").to.be.greaterThan(300);
  });

  it("agrees on broken lines: every truncation, and single-byte changes, of a record", () => {
    const line = JSON.stringify({
      schemaType: "ModelInvocationLog",
      timestamp: "2026-11-20T10:31:02Z",
      modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
      identity: { arn: "arn:aws:sts::1:assumed-role/R/s" },
      input: {
        inputBodyJson: { messages: [{ content: [{ text: 'a "b" \\ c\n東京' }] }] },
        inputTokenCount: 120,
        cacheReadInputTokenCount: 1e3,
      },
      output: {
        outputTokenCount: 34,
        outputBodyJson: [
          { metrics: { latencyMs: 1.5e3 } },
          { "amazon-bedrock-invocationMetrics": { invocationLatency: 2210 } },
          7,
        ],
      },
      errorCode: null,
      extra: [true, false, null, -0.5e-3, {}],
    });
    expect(expectAgreement(line)).to.equal(true);
    for (let length = 0; length < line.length; length += 1) expectAgreement(line.slice(0, length));
    fc.assert(
      fc.property(
        fc.nat({ max: line.length - 1 }),
        fc.constantFrom(" ", "\t", "\r", '"', "\\", "{", "}", "[", "]", ",", ":", "0", "-", "e", "\u0001", "é", "x"),
        (index, replacement) => {
          expectAgreement(line.slice(0, index) + replacement + line.slice(index + 1));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("agrees on numbers JSON spells in unusual ways, and leaves token counts that are not plain integers to JSON.parse", () => {
    const withTokens = (tokens: string) =>
      `{"timestamp":"2026-11-20T10:31:02Z","modelId":"m","input":{"inputTokenCount":${tokens}}}`;
    for (const tokens of [
      "0",
      "12",
      "1.0",
      "1e3",
      "1E+3",
      "12.5",
      "-0",
      "-1",
      "01",
      "1.",
      ".5",
      "1e",
      "123456789012345678",
      "1e400",
      '"12"',
      "null",
      "true",
      "[]",
    ]) {
      expectAgreement(withTokens(tokens));
    }
    expect(expectAgreement(withTokens("12")), "a plain integer takes the fast path").to.equal(true);
    expect(expectAgreement(withTokens("1e3")), "1e3 is left to JSON.parse, which reads 1000").to.equal(false);
  });

  it("reads every well-formed record of the bundled sample logs itself, leaving JSON.parse only the broken lines", () => {
    const sample = join(__dirname, "..", "..", "..", "reporting", "samples", "bedrock-logs");
    const files = readdirSync(sample, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    let scanned = 0;
    for (const entry of files) {
      const bytes = gunzipSync(readFileSync(join(entry.parentPath, entry.name)));
      for (const line of bytes
        .toString("utf8")
        .split("\n")
        .filter((text) => text !== "")) {
        const parsed = parseRecordLine(line);
        const taken = expectAgreement(line);
        if (parsed.ok) expect(taken, line.slice(0, 200)).to.equal(true);
        if (taken) scanned += 1;
      }
    }
    expect(scanned).to.be.above(1800);
  });

  it("leaves a line longer than the WebAssembly text area, and every line where the module cannot load, to JSON.parse", () => {
    const record = {
      schemaType: "ModelInvocationLog",
      timestamp: "2026-11-20T10:31:02Z",
      modelId: "m",
      input: { inputTokenCount: 3 },
    };
    const short = Buffer.from(JSON.stringify(record));
    expect(scanRecordLine(short, 0, short.length)).to.not.equal(null);
    expect(new RecordLineScanner(null).scan(short, 0, short.length)).to.equal(null);
    const long = Buffer.from(JSON.stringify({ ...record, padding: "x".repeat(1024 * 1024) }));
    expect(scanRecordLine(long, 0, long.length)).to.equal(null);
    const reader = new RecordCollector({ start: new Date(0), end: new Date("2030-01-01T00:00:00Z") });
    new RecordLineReader(reader, { maxLineBytes: MAX_LINE_BYTES }).push(Buffer.concat([long, Buffer.from("\n")]));
    expect(reader.recordsUsed, "read by JSON.parse").to.equal(1);
  });

  it("splits lines as readline did: LF, CRLF, a lone CR, blank lines, a last line without a break, at any chunk boundary", async () => {
    const good = JSON.stringify({
      timestamp: "2026-11-20T10:31:02Z",
      modelId: "m",
      input: { inputTokenCount: 3 },
      output: { outputTokenCount: 4, outputBodyJson: { metrics: { latencyMs: 9 } } },
    });
    const piece = fc.constantFrom(
      good,
      "",
      "   ",
      "not json",
      `${good}\r`,
      `\r${good}`,
      `${good.slice(0, 30)}\r${good.slice(30)}`,
      "\ufeff" + good,
      "{}",
      `{"schemaType":"Other"}`,
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(piece, { maxLength: 8 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        async (lines, finalBreak, cuts) => {
          const data = Buffer.from(lines.join("\n") + (finalBreak ? "\n" : ""));
          const boundaries = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...boundaries]
            .map((start, index, all) => data.subarray(start, all[index + 1] ?? data.length))
            .filter((chunk) => chunk.length > 0);
          const window = { start: new Date(0), end: new Date("2030-01-01T00:00:00Z") };
          const scanned = new RecordCollector(window);
          const reader = new RecordLineReader(scanned, { maxLineBytes: MAX_LINE_BYTES });
          for (const chunk of chunks) reader.push(chunk);
          reader.end();
          const reference = new RecordCollector(window);
          for await (const line of createInterface({ input: Readable.from(chunks), crlfDelay: Infinity }))
            reference.addLine(line);
          expect(scanned.result()).to.deep.equal(reference.result());
        },
      ),
      { numRuns: 300 },
    );
  });
});
