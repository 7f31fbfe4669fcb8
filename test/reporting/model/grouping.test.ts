import { expect } from "chai";
import { buildReport } from "../../../reporting/src/model/report";
import type { ApplicationProfile } from "../../../reporting/src/model/grouping";
import type { ReportWindow, UsageRow } from "../../../reporting/src/model/usage";
import { UsageRowBuilder } from "../../../reporting/src/model/usage-rows";
import type { InvocationFacts } from "../../../reporting/src/reading/records";
import { parseRecordLine } from "../../../reporting/src/reading/records";
import { scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { metadataKeysOf, parseGroupBy } from "../../../reporting/src/commands/options";
import { UsageError } from "../../../reporting/src/kernel/errors";
import { sourceResult as source } from "../../helpers/source-results";

const WINDOW: ReportWindow = { start: new Date("2026-11-20T00:00:00Z"), end: new Date("2026-11-21T00:00:00Z") };
const HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
const SONNET_45_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const PROFILE = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123";
const PROFILES = new Map<string, ApplicationProfile>([
  [PROFILE, { arn: PROFILE, name: "chat-prod", modelId: SONNET_45_US, tags: { CostCenter: "cc-42" } }],
]);

function request(partial: Partial<InvocationFacts>): InvocationFacts {
  return {
    timestampMs: Date.parse("2026-11-20T10:15:00Z"),
    modelId: HAIKU,
    caller: "arn:aws:iam::111122223333:user/alice",
    inputTokens: 100_000,
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    errorCode: null,
    latencyMs: null,
    guardrailIntervened: false,
    requestMetadata: null,
    ...partial,
  };
}

function rows(metadataKeys: string[], requests: InvocationFacts[]): UsageRow[] {
  const builder = new UsageRowBuilder(metadataKeys);
  for (const facts of requests) builder.add(facts);
  return builder.rows();
}

function report(groupBy: string[], requests: InvocationFacts[]) {
  const groupings = parseGroupBy(groupBy);
  const usage = rows(metadataKeysOf(groupings), requests);
  return buildReport(source(usage), {
    window: WINDOW,
    groupBy: groupings[0],
    groupings,
    profiles: PROFILES,
    overrides: { label: "test", models: {}, applicationProfiles: { [PROFILE]: SONNET_45_US } },
  });
}

/** Each group's values and cost, in the report's order. */
function groups(groupBy: string[], requests: InvocationFacts[]) {
  return report(groupBy, requests).groups?.entries.map((entry) => ({ ...entry.values, costUsd: entry.costUsd }));
}

describe("--group-by beyond the caller", () => {
  // A traceId per request, as real callers set: rows are split only by the key grouped by.
  let traces = 0;
  const team = (name: string) => ({ team: name, traceId: `t-${(traces += 1)}` });

  it("metadata:<key> sums cost per value of the request's requestMetadata key, (none) without it", () => {
    // 100,000 input tokens: Haiku 3 input is $0.25 per 1M tokens.
    expect(
      groups(
        ["metadata:team"],
        [
          request({ requestMetadata: team("search") }),
          request({ requestMetadata: team("search") }),
          request({ requestMetadata: team("support") }),
          request({ requestMetadata: { other: "x" } }),
          request({}),
        ],
      ),
    ).to.deep.equal([
      { "metadata:team": "(none)", costUsd: 0.05 },
      { "metadata:team": "search", costUsd: 0.05 },
      { "metadata:team": "support", costUsd: 0.025 },
    ]);
  });

  it("several group-bys make one row per combination of values", () => {
    const result = groups(
      ["metadata:team", "model"],
      [
        request({ requestMetadata: team("search") }),
        request({ requestMetadata: team("search"), modelId: SONNET_45_US }),
        request({ requestMetadata: team("search") }),
      ],
    );
    // Sonnet 4.5 through us. is $3.30 per 1M input tokens (below the long-context threshold).
    expect(result).to.deep.equal([
      { "metadata:team": "search", model: SONNET_45_US, costUsd: 0.33 },
      { "metadata:team": "search", model: HAIKU, costUsd: 0.05 },
    ]);
  });

  it("profile and tag:<key> name an application inference profile's name and tag; other requests fall under (none)", () => {
    const requests = [request({ modelId: PROFILE }), request({})];
    expect(groups(["profile"], requests)).to.deep.equal([
      { profile: "chat-prod", costUsd: 0.33 },
      { profile: "(none)", costUsd: 0.025 },
    ]);
    expect(groups(["tag:CostCenter"], requests)).to.deep.equal([
      { "tag:CostCenter": "cc-42", costUsd: 0.33 },
      { "tag:CostCenter": "(none)", costUsd: 0.025 },
    ]);
  });

  it("an application profile nobody resolved is grouped under its ARN", () => {
    const other = "arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/zzz";
    expect(groups(["profile"], [request({ modelId: other })])).to.deep.equal([{ profile: other, costUsd: null }]);
  });

  it("family, caller and model still work together with the new ones", () => {
    const result = groups(
      ["family", "caller"],
      [request({}), request({ caller: "arn:aws:iam::111122223333:user/bob", modelId: SONNET_45_US })],
    );
    expect(result).to.deep.equal([
      { family: "Sonnet", caller: "arn:aws:iam::111122223333:user/bob", costUsd: 0.33 },
      { family: "Haiku", caller: "arn:aws:iam::111122223333:user/alice", costUsd: 0.025 },
    ]);
  });

  it("one classic group-by keeps the report as it was (no groups section)", () => {
    expect(report(["model"], [request({})]).groups).to.equal(null);
    expect(report(["caller"], [request({})]).groups).to.equal(null);
  });

  it("rows split by metadata values still add up across workers", () => {
    const requests = [request({ requestMetadata: team("a") }), request({ requestMetadata: team("b") })];
    const merged = new UsageRowBuilder(["team"]);
    for (const row of [...rows(["team"], requests.slice(0, 1)), ...rows(["team"], requests)]) merged.addRow(row);
    expect(merged.rows().map((row) => [row.metadata, row.invocations])).to.deep.equal([
      [{ team: "a" }, 2],
      [{ team: "b" }, 1],
    ]);
  });
});

describe("parseGroupBy", () => {
  it("takes one or several, in order", () => {
    expect(parseGroupBy(undefined)).to.deep.equal(["model"]);
    expect(parseGroupBy(["metadata:team", "model", "tag:Env", "profile"])).to.deep.equal([
      "metadata:team",
      "model",
      "tag:Env",
      "profile",
    ]);
  });

  it("refuses unknown groupings, bad keys and repeats with one line naming what is allowed", () => {
    for (const [given, message] of [
      [["team"], /unknown grouping; allowed: model, family, caller, profile, tag:<key>, metadata:<key>/],
      [["metadata:"], /1 to 128 letters, digits or _/],
      [["metadata:a.b"], /1 to 128 letters, digits or _/],
      [["model", "model"], /given twice/],
    ] as const) {
      expect(() => parseGroupBy([...given])).to.throw(UsageError, message);
    }
  });
});

describe("requestMetadata in a record", () => {
  const record = (requestMetadata: unknown) =>
    JSON.stringify({
      schemaType: "ModelInvocationLog",
      timestamp: "2026-11-20T10:31:02Z",
      modelId: HAIKU,
      identity: { arn: "arn:aws:iam::111122223333:user/alice" },
      input: { inputTokenCount: 10 },
      requestMetadata,
    });

  it("is read as a string map by the full parser and the fast scanner alike", () => {
    for (const [value, expected] of [
      // The shape of a public record: {"traceId": "..."} (speakerdeck.com/licux, "Model Invocation Logの分析").
      [
        { traceId: "b956002a-0000", team: "search" },
        { traceId: "b956002a-0000", team: "search" },
      ],
      [{ team: 'sé"arch\\' }, { team: 'sé"arch\\' }],
      [{ count: 3, team: "x" }, { team: "x" }],
      [{ count: 3 }, null],
      ["not a map", null],
    ] as const) {
      const line = record(value);
      const parsed = parseRecordLine(line);
      expect(parsed.ok && parsed.facts.requestMetadata).to.deep.equal(expected);
      const bytes = Buffer.from(line);
      expect(scanRecordLine(bytes, 0, bytes.length)?.requestMetadata).to.deep.equal(expected);
    }
  });
});

describe("cache writes priced by the 5-minute assumption", () => {
  it("are counted in requests and tokens, with a note saying why", () => {
    const result = report(
      ["model"],
      [
        request({ cacheWriteInputTokens: 500, modelId: SONNET_45_US }),
        request({ cacheWriteInputTokens: 700, modelId: SONNET_45_US }),
        // Claude 3 Haiku has no cache write rate: its write is unpriced, not priced by an assumption.
        request({ cacheWriteInputTokens: 1_000 }),
        request({}),
      ],
    );
    expect(result.cacheWritesAssumed5m).to.deep.equal({ invocations: 2, tokens: 1_200 });
    expect(result.notes.join(" ")).to.include(
      "Cache writes: 1200 tokens from 2 requests are priced at the 5-minute rate",
    );
  });

  it("count no requests for a source that gives only aggregates without them", () => {
    const [row] = rows([], [request({ cacheWriteInputTokens: 1_000, modelId: SONNET_45_US })]);
    const aggregate: UsageRow = { ...row, cacheWriteInvocations: undefined };
    const result = buildReport(source([aggregate]), { window: WINDOW, groupBy: "model" });
    expect(result.cacheWritesAssumed5m).to.deep.equal({ invocations: null, tokens: 1_000 });
  });
});
