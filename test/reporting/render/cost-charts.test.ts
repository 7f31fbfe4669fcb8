/**
 * The HTML report's cost bars follow --group-by (a chart per dimension), say
 * what has no price instead of drawing it as $0, and escape every metadata
 * value; and the report's online-only parts (bedrock-mantle traffic from
 * metrics, the Athena scan) are shown, not dropped.
 */
import { expect } from "chai";
import { buildReport, type UsageReport } from "../../../reporting/src/model/report";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { CHART_SIZES } from "../../../reporting/src/render/chart-style";
import { chartSpecs } from "../../../reporting/src/render/charts";
import { renderOutput } from "../../../reporting/src/render/formats";
import { run, SAMPLE_ARGS } from "../../helpers/cli-helpers";
import { sourceResult as source } from "../../helpers/source-results";

const WINDOW = { start: new Date("2026-11-19T00:00:00Z"), end: new Date("2026-11-20T00:00:00Z") };
const SONNET = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

async function sampleReport(...groupBys: string[]): Promise<UsageReport> {
  const args = [...SAMPLE_ARGS, ...groupBys.flatMap((key) => ["--group-by", key]), "--format", "json"];
  const result = await run(args, { cwd: process.cwd() });
  expect(result.code, result.stderr).to.equal(0);
  return JSON.parse(result.stdout) as UsageReport;
}

interface BarValue {
  label: string;
  costUsd: number;
}

function bars(report: UsageReport, id: string, size = CHART_SIZES[0]) {
  const chart = chartSpecs(report, size).find((spec) => spec.id === id);
  if (!chart) throw new Error(`no ${id} chart`);
  return { ...chart, values: (chart.spec.data as { values: BarValue[] }).values };
}

/** The priced cost per value of one dimension, summed from the JSON report's groups, dearest first. */
function expectedBars(report: UsageReport, key: string): BarValue[] {
  const costs = new Map<string, number | null>();
  for (const entry of report.groups?.entries ?? []) {
    const before = costs.get(entry.values[key]) ?? null;
    costs.set(entry.values[key], entry.costUsd === null ? before : (before ?? 0) + entry.costUsd);
  }
  return [...costs.entries()]
    .filter((pair): pair is [string, number] => pair[1] !== null)
    .map(([label, costUsd]) => ({ label, costUsd: Math.round(costUsd * 1e6) / 1e6 }))
    .sort((a, b) => b.costUsd - a.costUsd);
}

function row(modelId: string, metadata: Record<string, string> | undefined, invocations: number): UsageRow {
  return {
    hourStartMs: WINDOW.start.getTime(),
    modelId,
    caller: "arn:aws:iam::123456789012:role/app",
    context: "standard",
    invocations,
    errors: 0,
    inputTokens: 1000 * invocations,
    outputTokens: 100 * invocations,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    ...(metadata && { metadata }),
  };
}

describe("the HTML report's cost bars by --group-by", function () {
  this.timeout(60_000);

  it("--group-by metadata:team on the sample: cost by team, the JSON report's groups summed, (none) shown as such", async () => {
    const report = await sampleReport("metadata:team");
    const expected = expectedBars(report, "metadata:team");
    expect(expected.map((bar) => bar.label)).to.include("(none)");
    for (const size of CHART_SIZES) {
      const chart = bars(report, "cost-by-group", size);
      expect(chart.title).to.equal("Cost by team (request metadata, USD)");
      expect(chart.values.map(({ label, costUsd }) => ({ label, costUsd }))).to.deep.equal(expected);
      expect(chart.summary).to.include(`${report.groups?.entries.length} team values, costliest first`);
    }
    const unpriced = report.groups?.entries.reduce((sum, entry) => sum + entry.unpricedInvocations, 0) ?? 0;
    expect(unpriced, "the sample has unpriced invocations").to.be.above(0);
    expect(bars(report, "cost-by-group").summary).to.include(`The bars leave out ${unpriced} unpriced invocations`);
    const page = await renderOutput(report, "html", false);
    expect(page).to.include("<h3>Cost by team (request metadata, USD)</h3>");
  });

  it("several group-bys: one chart per dimension but the model (charted already), each summing the combinations", async () => {
    const report = await sampleReport("metadata:team", "model", "caller");
    const ids = chartSpecs(report, CHART_SIZES[0]).map((chart) => chart.id);
    expect(ids.filter((id) => id.startsWith("cost-by"))).to.deep.equal([
      "cost-by-model",
      "cost-by-group",
      "cost-by-group-2",
    ]);
    expect(bars(report, "cost-by-group").values.map(({ label, costUsd }) => ({ label, costUsd }))).to.deep.equal(
      expectedBars(report, "metadata:team"),
    );
    const byCaller = bars(report, "cost-by-group-2");
    expect(byCaller.title).to.equal("Cost by caller (USD)");
    expect(byCaller.values.map((bar) => bar.costUsd)).to.deep.equal(
      expectedBars(report, "caller").map((bar) => bar.costUsd),
    );
  });

  it("grouped by the model alone: callers when the source saw them, else model families", () => {
    const withCallers = buildReport(source([row(SONNET, undefined, 2)]), { window: WINDOW, groupBy: "model" });
    expect(bars(withCallers, "cost-by-group").title).to.equal("Cost by caller (USD)");
    const anonymous = { ...row(SONNET, undefined, 2), caller: null };
    const withoutCallers = buildReport(source([anonymous]), { window: WINDOW, groupBy: "model" });
    expect(bars(withoutCallers, "cost-by-group").title).to.equal("Cost by model family (USD)");
  });

  it("draws no bar for a group with no price, names it in the caption, and never draws it as $0", () => {
    const report = buildReport(
      source([
        row(SONNET, { team: "search" }, 4),
        row("anthropic.claude-unknown-9-v1:0", { team: "research" }, 3),
        row("anthropic.claude-unknown-9-v1:0", { team: "search" }, 2),
      ]),
      { window: WINDOW, groupBy: "metadata:team", groupings: ["metadata:team"] },
    );
    const chart = bars(report, "cost-by-group");
    expect(chart.values.map((bar) => bar.label)).to.deep.equal(["search"]);
    expect(chart.values[0].costUsd).to.be.above(0);
    expect(chart.summary).to.include("Not drawn, having no price: research (3 invocations).");
    expect(chart.summary).to.include("The bars leave out 2 unpriced invocations (of 1 team values).");
  });

  it("escapes hostile metadata values in bar labels, chart names (aria-label, title) and tables", async () => {
    const hostile = [
      "<script>window.hostile=1</script>",
      `" onmouseover="window.hostile=1" x="`,
      "' onfocus='window.hostile=1",
      "\u001b[31mred\u001b[0m\u0000",
    ];
    const report = buildReport(source(hostile.map((team, index) => row(SONNET, { team }, 10 - index))), {
      window: WINDOW,
      groupBy: "metadata:team",
      groupings: ["metadata:team"],
    });
    const page = await renderOutput(report, "html", false);
    expect(page).to.not.include("<script");
    // No tag gains an event-handler attribute; quotes inside element text are only text.
    expect(page).to.not.match(/<[a-z][^>]*\son\w+\s*=/i);
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(page).to.not.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    const ariaLabels = page.match(/aria-label="[^"]*"/g) ?? [];
    const groupLabel = ariaLabels.find((label) => label.startsWith('aria-label="Cost by team'));
    expect(groupLabel).to.include("The costliest, &lt;script&gt;window.hostile=1&lt;/script&gt;, cost");
    expect(page).to.include("<td>&quot; onmouseover=&quot;window.hostile=1&quot; x=&quot;</td>");
    expect(page).to.include("<td>&#39; onfocus=&#39;window.hostile=1</td>");
    expect(page).to.include("\\u001b[31mred");
    // Vega writes the bar labels into the SVG as text, escaped.
    expect(page).to.include("&lt;script&gt;window.hostile=1&lt;/script&gt;</text>");
  });
});

describe("the HTML report's online-only parts", () => {
  it("shows bedrock-mantle traffic as its own table, marked from metrics, not logs, and the Athena scan", async () => {
    const report = buildReport(
      source([row(SONNET, undefined, 5)], {
        source: "athena",
        scan: { queries: 2, bytesScanned: 52_428_800, recordsScanned: 1200, recordsMatched: 5 },
        unloggedTraffic: [
          {
            model: "example-mantle-model",
            inferences: 42,
            clientErrors: 3,
            inputTokens: 9000,
            outputTokens: 700,
            complete: true,
          },
        ],
      }),
      { window: WINDOW, groupBy: "model" },
    );
    expect(report.unloggedTraffic?.byModel).to.have.length(1);
    const page = await renderOutput(report, "html", false);
    expect(page).to.include("<h3>bedrock-mantle (from metrics, not logs; not in the totals above)</h3>");
    expect(page).to.match(/<tr><td>example-mantle-model<\/td><td class="num">42<\/td><td class="num">3<\/td>/);
    expect(page).to.include("<h3>Athena scan</h3>");
    expect(page).to.match(/<td class="num">52,428,800<\/td>/);
    for (const note of report.notes) expect(page).to.include(`>${note.replace(/&/g, "&amp;")}</li>`);
  });
});
