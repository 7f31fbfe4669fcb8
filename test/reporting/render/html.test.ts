/**
 * The HTML report as text: self-contained, escaped, sized by the groups it
 * shows, and loaded only when asked for. test/reporting/render/html-browser.test.ts
 * opens it in Chromium.
 */
import { expect } from "chai";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { buildReport } from "../../../reporting/src/model/report";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { barLabels, CHART_SIZES, modelLabel } from "../../../reporting/src/render/chart-style";
import { chartSpecs } from "../../../reporting/src/render/charts";
import { renderOutput } from "../../../reporting/src/render/formats";
import { htmlText } from "../../../reporting/src/render/safe-text";
import { writeFileWhole } from "../../../reporting/src/commands/output-file";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { run, SAMPLE_ARGS } from "../../helpers/cli-helpers";
import { sourceResult } from "../../helpers/source-results";

const ROOT = resolve(__dirname, "..", "..", "..");
const WINDOW = { start: new Date("2026-11-13T00:00:00Z"), end: new Date("2026-11-20T00:00:00Z") };
const HOUR_MS = 3_600_000;
const MODELS = [
  "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "global.anthropic.claude-haiku-4-5-20251001-v1:0",
  "us.anthropic.claude-opus-4-5-20251101-v1:0",
];

/** Every hour of the window, for each model and caller: `scale` multiplies the counts (more records, same groups). */
function usageRows(callers: number, scale: number): UsageRow[] {
  const rows: UsageRow[] = [];
  for (let startMs = WINDOW.start.getTime(); startMs < WINDOW.end.getTime(); startMs += HOUR_MS) {
    MODELS.forEach((modelId, modelIndex) => {
      for (let caller = 0; caller < callers; caller += 1) {
        const weight = 1 + ((startMs / HOUR_MS + modelIndex + caller) % 7);
        rows.push({
          hourStartMs: startMs,
          modelId,
          caller: `arn:aws:iam::123456789012:role/team-${caller}`,
          context: "standard",
          invocations: weight * scale,
          errors: (weight % 3) * scale,
          inputTokens: 1000 * weight * scale,
          outputTokens: 200 * weight * scale,
          cacheReadInputTokens: 500 * weight * scale,
          cacheWriteInputTokens: 50 * weight * scale,
          guardrailInterventions: 0,
        });
      }
    });
  }
  return rows;
}

function source(rows: UsageRow[], notes: string[] = []): SourceResult {
  return sourceResult(rows, { notes });
}

async function html(result: SourceResult): Promise<string> {
  return renderOutput(buildReport(result, { window: WINDOW, groupBy: "caller" }), "html", false);
}

const HOSTILE = {
  script: "<script>window.hostile=1</script>",
  attribute: `" onmouseover="window.hostile=1" x="`,
  singleQuote: "' onfocus='window.hostile=1",
  image: "<img src=x onerror=window.hostile=1>",
  terminal: "\u001b[31mred\u001b[0m",
  nul: "a\u0000b",
  replacementPatterns: "$1$&$`$'",
};

describe("the HTML report", () => {
  it("is one page that loads nothing: no script, no external style, image, font or link, and a policy forbidding them", async () => {
    const page = await html(source(usageRows(3, 1)));
    expect(page.startsWith("<!doctype html>")).to.equal(true);
    expect(page).to.not.match(/<script|<link|<img|<iframe|<object|@import|url\(/i);
    expect(page).to.not.match(/\s(src|href|xlink:href)=/i);
    expect(page).to.include(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    // Six charts: no latency chart without latency samples.
    expect(page.match(/<svg role="img" aria-label="[^"]+" data-chart="/g)).to.have.length(6 * CHART_SIZES.length);
  });

  it("escapes every text from the logs: model IDs, callers and notes open no tag, close no attribute, carry no control character", async () => {
    const texts = Object.values(HOSTILE);
    const rows = texts.flatMap((text) =>
      usageRows(1, 1)
        .slice(0, 2)
        .map((row) => ({ ...row, modelId: text, caller: text })),
    );
    const page = await html(
      source(
        rows,
        texts.map((text) => `Could not read ${text}`),
      ),
    );
    expect(page).to.not.include("<script");
    expect(page).to.not.include("<img");
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    expect(page).to.not.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/);
    expect(page).to.include("&lt;script&gt;window.hostile=1&lt;/script&gt;");
    expect(page).to.include("&quot; onmouseover=&quot;window.hostile=1&quot;");
    expect(page).to.include("\\u001b[31mred");
    expect(page).to.include("$1$&amp;$`$&#39;");
    expect(page.match(/<svg /g), "one SVG per chart and size, none repeated by a $ pattern").to.have.length(
      page.match(/data-chart="/g)?.length ?? -1,
    );
  });

  it("htmlText writes out the five HTML characters and control characters", () => {
    expect(htmlText(`<a href="x">'&'</a>\u001b`)).to.equal(
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\\u001b",
    );
  });

  it("grows with the groups shown, not with the records: double the records of the same groups, about the same size", async () => {
    const base = (await html(source(usageRows(4, 1)))).length;
    const doubled = (await html(source([...usageRows(4, 1), ...usageRows(4, 1)]))).length;
    const tenfold = (await html(source(usageRows(4, 10)))).length;
    const moreGroups = (await html(source(usageRows(16, 1)))).length;
    expect(Math.abs(doubled - base) / base, "twice the records").to.be.below(0.03);
    expect(Math.abs(tenfold - base) / base, "ten times the records").to.be.below(0.05);
    expect(moreGroups - base, "12 more callers").to.be.above(12 * 1000);
  });

  it("shows at most 20 bars in a by-group chart, says so in its title, and keeps labels short and distinct", () => {
    const report = buildReport(source(usageRows(30, 1)), { window: WINDOW, groupBy: "caller" });
    for (const size of CHART_SIZES) {
      const byGroup = chartSpecs(report, size).find((chart) => chart.id === "cost-by-group");
      expect(byGroup?.title).to.equal("Cost by caller (USD) (top 20 of 30)");
      const values = (byGroup?.spec.data as { values: Array<{ label: string }> }).values;
      expect(values).to.have.length(20);
      expect(new Set(values.map((value) => value.label)).size).to.equal(20);
    }
    expect(barLabels(["arn:aws:sts::123456789012:assumed-role/App/session"], 40)).to.deep.equal([
      "assumed-role/App/session",
    ]);
    expect(barLabels(["abcdefghij", "abcdefghik"], 6)).to.deep.equal(["abcde…", "abcde… #2"]);
    expect(modelLabel("us.anthropic.claude-sonnet-4-5-20250929-v1:0")).to.equal("us.sonnet-4-5-20250929");
  });

  it("says INCOMPLETE in its title and in a banner when part of the window could not be read", async () => {
    const page = await html({ ...source(usageRows(1, 1)), complete: false });
    expect(page).to.match(/<title>Bedrock usage report \(INCOMPLETE\)/);
    expect(page).to.include('<p class="banner" role="alert">INCOMPLETE: part of the window could not be read');
  });

  it("counts invocations per day instead of per hour past 31 days, so a long window keeps bars wider than a pixel", () => {
    const long = { start: new Date("2026-08-01T00:00:00Z"), end: new Date("2026-10-01T00:00:00Z") };
    const report = buildReport(source(usageRows(1, 1)), { window: long, groupBy: "caller" });
    const invocations = chartSpecs(report, CHART_SIZES[0]).find((chart) => chart.id === "hourly-invocations");
    expect(invocations?.title).to.equal("Invocations and errors per day (UTC)");
    expect((invocations?.spec.data as { values: unknown[] }).values).to.have.length(61 * 2);
    const week = buildReport(source(usageRows(1, 1)), { window: WINDOW, groupBy: "caller" });
    const hourly = chartSpecs(week, CHART_SIZES[0]).find((chart) => chart.id === "hourly-invocations");
    expect(hourly?.title).to.equal("Invocations and errors per hour (UTC)");
    expect((hourly?.spec.data as { values: unknown[] }).values).to.have.length(168 * 2);
  });

  it("has no latency chart without latency samples, and says so", async () => {
    const page = await html(source(usageRows(1, 1)));
    expect(page).to.include("No latency samples in this window");
    expect(page).to.not.include('data-chart="latency"');
  });
});

describe("--format html on the command line", function () {
  this.timeout(60_000);

  it("writes the sample report to --out, under 1 MB, with the JSON report's figures", async () => {
    const folder = await mkdtemp(join(tmpdir(), "bedrock-html-"));
    try {
      const out = join(folder, "report.html");
      const written = await run([...SAMPLE_ARGS, "--format", "html", "--out", out], {
        cwd: process.cwd(),
        writeTextFile: writeFileWhole,
      });
      expect(written.code, written.stderr).to.equal(0);
      expect(written.stdout).to.equal("");
      const page = await readFile(out, "utf8");
      expect(Buffer.byteLength(page)).to.be.below(1024 * 1024);
      const json = JSON.parse((await run([...SAMPLE_ARGS, "--format", "json"], { cwd: process.cwd() })).stdout);
      expect(page).to.include(`data-figure="costUsd" data-value="${json.totals.costUsd}"`);
      expect(page).to.include(`data-figure="invocations" data-value="${json.totals.invocations}"`);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it("is refused by the commands that print rows, naming the formats they allow", async () => {
    const result = await run(["pricing", "--format", "html"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.equal("error: --format html: unknown format; allowed: table, json, csv, markdown\n");
  });

  it("loads its renderer only when asked: a JSON report loads neither it nor the charts", async () => {
    execFileSync("npm", ["run", "-s", "prepare", "--workspace", "reporting"], { cwd: ROOT, stdio: "ignore" });
    const folder = await mkdtemp(join(tmpdir(), "bedrock-html-modules-"));
    try {
      const loadedFile = join(folder, "loaded.json");
      const preload = join(folder, "record-modules.cjs");
      const write = `require("node:fs").writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache)))`;
      await writeFile(preload, `process.on("exit", () => ${write});`);
      const main = join(ROOT, "reporting", "dist", "main.js");
      const sample = ["--hours", "1", "--logs", "reporting/samples/bedrock-logs", "--end", "2026-11-20T00:00:00Z"];
      const loaded = async (format: string) => {
        const result = spawnSync(process.execPath, ["--require", preload, main, ...sample, "--format", format], {
          cwd: ROOT,
          encoding: "utf8",
        });
        expect(result.status, result.stderr).to.equal(0);
        return (JSON.parse(await readFile(loadedFile, "utf8")) as string[]).map((path) => relative(ROOT, path));
      };
      const charting = /^reporting\/dist\/render\/(html|chart-svg|charts)\.js$/;
      expect((await loaded("json")).filter((path) => charting.test(path))).to.deep.equal([]);
      expect((await loaded("html")).filter((path) => charting.test(path))).to.have.length(3);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
