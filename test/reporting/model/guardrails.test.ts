import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanRecordLine } from "../../../reporting/src/reading/record-scanner";
import { parseRecordLine } from "../../../reporting/src/reading/records";
import { buildReport, type UsageReport } from "../../../reporting/src/model/report";
import { renderReport } from "../../../reporting/src/render/formats";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import {
  converseRecord,
  invokeModelRecord,
  jsonLines,
  OPUS_46_GLOBAL,
  SONNET_4_US,
  streamRecord,
} from "../../helpers/record-shapes";
import { sourceResult } from "../../helpers/source-results";

const WINDOW = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-11T00:00:00Z") };

/** What both record readers say about one line: the JSON.parse path, and the byte scanner when it answers. */
function intervened(line: string): boolean {
  const parsed = parseRecordLine(line);
  if (!parsed.ok) throw new Error(`expected a record, got ${parsed.reason}`);
  const bytes = Buffer.from(line);
  const scanned = scanRecordLine(bytes, 0, bytes.length);
  expect(scanned, "the scanner reads this shape").to.not.equal(null);
  expect(scanned).to.deep.equal(parsed.facts);
  return parsed.facts.guardrailIntervened;
}

describe("guardrail interventions", () => {
  it("are read from Converse, InvokeModel and streamed bodies, by both record readers", () => {
    expect(
      intervened(
        JSON.stringify(converseRecord({ stopReason: "guardrail_intervened", inputTokens: 0, outputTokens: 0 })),
      ),
    ).to.equal(true);
    expect(intervened(JSON.stringify(invokeModelRecord({ guardrailAction: "INTERVENED" })))).to.equal(true);
    expect(intervened(JSON.stringify(streamRecord({ blocked: true })))).to.equal(true);
    // A guardrail that looked and let the request through, and a blocked answer quoted in the trace, are not interventions.
    expect(intervened(JSON.stringify(converseRecord({ stopReason: "end_turn" })))).to.equal(false);
    expect(intervened(JSON.stringify(invokeModelRecord({ guardrailAction: "NONE" })))).to.equal(false);
    expect(intervened(JSON.stringify(streamRecord({ blocked: false })))).to.equal(false);
  });

  it("follow JSON's last-key-wins, as JSON.parse does", () => {
    const line = JSON.stringify(converseRecord({ stopReason: "end_turn" })).replace(
      '"stopReason":"end_turn"',
      '"stopReason":"guardrail_intervened","stopReason":"end_turn"',
    );
    expect(intervened(line)).to.equal(false);
    expect(
      intervened(
        line.replace(
          '"stopReason":"guardrail_intervened","stopReason":"end_turn"',
          '"stopReason":"end_turn","stopReason":"guardrail_intervened"',
        ),
      ),
    ).to.equal(true);
  });

  describe("in the report", () => {
    let report: UsageReport;
    before(async () => {
      const root = await mkdtemp(join(tmpdir(), "bedrock-guardrails-"));
      try {
        const records = [
          converseRecord({ stopReason: "guardrail_intervened", inputTokens: 0, outputTokens: 0 }),
          converseRecord({ stopReason: "end_turn" }),
          invokeModelRecord({ guardrailAction: "INTERVENED" }),
          invokeModelRecord({ guardrailAction: "INTERVENED" }),
          invokeModelRecord({ guardrailAction: "NONE" }),
          streamRecord({ blocked: true }),
          streamRecord({ blocked: false }),
        ];
        await writeFile(join(root, "records.jsonl"), jsonLines(records));
        report = buildReport(await readLogFiles({ paths: [root], window: WINDOW }), {
          window: WINDOW,
          groupBy: "model",
        });
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });

    it("are counted by model and in total, as successful invocations rather than errors", () => {
      expect(report.totals).to.include({ invocations: 7, errors: 0, guardrailInterventions: 4 });
      expect(
        report.byModel.map((model) => [model.modelId, model.invocations, model.guardrailInterventions]),
      ).to.have.deep.members([
        [SONNET_4_US, 5, 3],
        [OPUS_46_GLOBAL, 2, 1],
      ]);
      expect(report.byFamily.map((family) => [family.family, family.guardrailInterventions])).to.deep.equal([
        ["Opus", 1],
        ["Sonnet", 3],
      ]);
      expect(report.daily[0]).to.include({ guardrailInterventions: 4 });
      expect(report.notes.join("\n")).to.include("Guardrail: 4 invocations were blocked by a guardrail.");
    });

    it("are shown in the table, Markdown and CSV", () => {
      const table = renderReport(report, "table", false);
      expect(table).to.match(/Blocked by a guardrail\s*│\s*4\s/);
      expect(table).to.include("Guardrail blocks");
      expect(renderReport(report, "markdown", false)).to.match(
        /\| us\.anthropic\.claude-sonnet-4-20250514-v1:0 \| Sonnet \| 5 \| 0 \| 0\.0% \| 3 \|/,
      );
      const [head, ...rows] = renderReport(report, "csv", false).trim().split("\n");
      const column = head.split(",").indexOf("guardrailInterventions");
      expect(column).to.be.greaterThan(0);
      expect(rows.map((row) => row.split(",")[column])).to.have.members(["3", "1"]);
    });
  });

  it("are unknown, not zero, from a source that does not read response bodies", () => {
    const insights = sourceResult(
      [
        {
          hourStartMs: WINDOW.start.getTime(),
          modelId: SONNET_4_US,
          caller: null,
          context: "unknown",
          invocations: 3,
          errors: 0,
          inputTokens: 10,
          outputTokens: 10,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 0,
        },
      ],
      { source: "insights" },
    );
    const report = buildReport(insights, { window: WINDOW, groupBy: "model" });
    expect(report.totals.guardrailInterventions).to.equal(null);
    expect(report.byModel[0].guardrailInterventions).to.equal(null);
    expect(report.notes.join("\n")).to.match(
      /Guardrail interventions are unknown: the insights source does not read response bodies/,
    );
    expect(renderReport(report, "table", false)).to.match(/Blocked by a guardrail\s*│\s*unknown/);
    const [head, row] = renderReport(report, "csv", false).trim().split("\n");
    expect(row.split(",")[head.split(",").indexOf("guardrailInterventions")]).to.equal("");
  });
});
