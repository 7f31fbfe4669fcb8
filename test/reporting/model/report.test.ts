import { expect } from "chai";
import { buildReport } from "../../../reporting/src/model/report";
import { renderReport } from "../../../reporting/src/render/formats";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { sourceResult as source } from "../../helpers/source-results";

const WINDOW = { start: new Date("2026-11-19T00:00:00Z"), end: new Date("2026-11-20T00:00:00Z") };

function row(partial: Partial<UsageRow>): UsageRow {
  return {
    hourStartMs: WINDOW.start.getTime(),
    modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    caller: "arn:aws:iam::1:user/a",
    context: "standard",
    invocations: 1,
    errors: 0,
    inputTokens: 1000,
    outputTokens: 100,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    ...partial,
  };
}

describe("report model", () => {
  it("gives a family whose every invocation is unpriced a null cost, never $0", () => {
    const report = buildReport(
      source([row({ modelId: "arn:aws:bedrock:us-east-1:1:application-inference-profile/x" }), row({})]),
      { window: WINDOW, groupBy: "model" },
    );
    const other = report.byFamily.find((family) => family.family === "Other");
    expect(other).to.include({ costUsd: null, unpricedInvocations: 1, invocations: 1 });
    expect(report.unpricedModels).to.deep.equal([
      {
        modelId: "arn:aws:bedrock:us-east-1:1:application-inference-profile/x",
        reason: "unmappedApplicationProfile",
        invocations: 1,
      },
    ]);
    expect(report.notes.join("\n")).to.match(
      /Unpriced: arn:aws:bedrock.*application inference profile with no model mapping/,
    );
  });

  it("flags costs computed from an unconfirmed catalog price", () => {
    const report = buildReport(source([row({ modelId: "anthropic.claude-3-5-sonnet-20241022-v2:0" })]), {
      window: WINDOW,
      groupBy: "model",
    });
    expect(report.byModel[0]).to.include({ priced: true, priceConfirmed: false });
    expect(report.notes.join("\n")).to.match(/Unconfirmed price: anthropic\.claude-3-5-sonnet-20241022-v2:0/);
  });

  it("prices the Logs Insights scan at $0.005 per GB", () => {
    const report = buildReport(
      source([], {
        source: "insights",
        scan: { queries: 3, bytesScanned: 10 * 1024 ** 3, recordsScanned: 5, recordsMatched: 5 },
      }),
      { window: WINDOW, groupBy: "model" },
    );
    expect(report.scan).to.include({ queries: 3, costUsd: 0.05 });
  });

  it("leads with an INCOMPLETE note and says so in every format when the source was not fully read", () => {
    const report = buildReport(source([row({})], { complete: false, notes: ["Could not read a.json.gz"] }), {
      window: WINDOW,
      groupBy: "model",
    });
    expect(report.complete).to.equal(false);
    expect(report.notes[0]).to.match(/^INCOMPLETE/);
    expect(renderReport(report, "table", false)).to.include("INCOMPLETE");
    expect(renderReport(report, "markdown", false)).to.include("INCOMPLETE");
    expect(renderReport(report, "csv", false).split("\n")[1]).to.match(/,false,/);
  });

  it("always reports malformed as a count, even when nothing was malformed", () => {
    expect(buildReport(source([]), { window: WINDOW, groupBy: "model" }).skipped).to.deep.equal({ malformed: 0 });
  });

  it("has no by-caller breakdown, and says why, when the source gave no callers", () => {
    const report = buildReport(source([row({ caller: null })]), { window: WINDOW, groupBy: "caller" });
    expect(report.byCaller).to.equal(null);
    expect(report.notes.join("\n")).to.match(/no callers/);
  });

  it("counts requests billed at long-context rates, only on models that have them", () => {
    const report = buildReport(
      source([
        row({ context: "long", invocations: 2 }),
        row({ modelId: "us.anthropic.claude-opus-4-5-20251101-v1:0", context: "long", invocations: 5 }),
      ]),
      { window: WINDOW, groupBy: "model" },
    );
    expect(report.longContext).to.deep.equal({
      appliedPerRequest: true,
      invocations: 2,
      invocationsWithoutRequestDetail: 0,
    });
    expect(report.notes.join("\n")).to.include(
      "2 requests above 200,000 input + cache tokens were billed at long-context rates",
    );
  });
});
