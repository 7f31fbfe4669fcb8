// The functions given to page.evaluate run in Chromium: they are typed against the DOM.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The HTML report of the bundled sample, opened in headless Chromium at a
 * desktop and a phone width: it loads nothing, logs no error, shows every
 * chart with marks, and its summary figures are the JSON report's. Skipped,
 * with a note, where Chromium is not installed (.ci/run installs Debian's).
 */
import { expect } from "chai";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { writeFileWhole } from "../../../reporting/src/commands/output-file";
import { buildReport, type UsageReport } from "../../../reporting/src/model/report";
import { renderOutput } from "../../../reporting/src/render/formats";
import { chromiumPath, launchChromium, offlinePage } from "../../../scripts/chromium";
import { run, SAMPLE_ARGS } from "../../helpers/cli-helpers";
import { sourceResult } from "../../helpers/source-results";

const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
];
const CHART_IDS = [
  "daily-cost",
  "hourly-invocations",
  "cost-by-model",
  "cost-by-group",
  "tokens-by-kind",
  "latency",
  "projection",
];

describe("the HTML report in Chromium", function () {
  this.timeout(120_000);
  let browser: Browser;
  let folder: string;
  let sampleUrl: string;
  let json: UsageReport;

  before(async function () {
    if (chromiumPath() === null) {
      console.log("    note: no Chromium (Debian's chromium package); the browser tests are skipped");
      this.skip();
    }
    folder = await mkdtemp(join(tmpdir(), "bedrock-html-browser-"));
    const out = join(folder, "report.html");
    const written = await run([...SAMPLE_ARGS, "--format", "html", "--out", out], {
      cwd: process.cwd(),
      writeTextFile: writeFileWhole,
    });
    expect(written.code, written.stderr).to.equal(0);
    json = JSON.parse((await run([...SAMPLE_ARGS, "--format", "json"], { cwd: process.cwd() })).stdout) as UsageReport;
    sampleUrl = pathToFileURL(out).href;
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  for (const { name, width, height } of WIDTHS) {
    it(`at ${name} width (${width} px): no request, no console error, every chart shown with marks, nothing wider than the screen`, async () => {
      const { page, requests, consoleErrors } = await offlinePage(browser, sampleUrl, { width, height });
      await page.goto(sampleUrl);
      const charts = await page.$$eval("figure.chart", (figures) =>
        figures.map((figure) => {
          const shown = [...figure.querySelectorAll("svg[data-chart]")].filter(
            (svg) => (svg as SVGElement).getBoundingClientRect().width > 0,
          );
          const marks = shown.flatMap((svg) => [...svg.querySelectorAll("g.mark-rect path, g.mark-rule line")]);
          return {
            id: shown.map((svg) => svg.getAttribute("data-chart")),
            marks: marks.filter((mark) => (mark as SVGGraphicsElement).getBBox().width > 0).length,
            label: shown.map((svg) => svg.getAttribute("aria-label") ?? ""),
            widest: Math.max(...shown.map((svg) => svg.getBoundingClientRect().right)),
          };
        }),
      );
      expect(charts.map((chart) => chart.id)).to.deep.equal(CHART_IDS.map((id) => [id]));
      for (const chart of charts) {
        expect(chart.marks, `${chart.id} marks`).to.be.above(0);
        expect(chart.label[0], `${chart.id} text alternative`).to.have.length.above(20);
        expect(chart.widest, `${chart.id} fits the screen`).to.be.at.most(width);
      }
      const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(pageWidth, "the page does not scroll sideways; wide tables scroll in their box").to.be.at.most(width);
      expect(requests).to.deep.equal([]);
      expect(consoleErrors).to.deep.equal([]);
      await page.close();
    });
  }

  it("with --group-by metadata:team: a bar per team, labelled and ordered as the JSON report's groups, at both widths", async () => {
    const out = join(folder, "team.html");
    const byTeam = [...SAMPLE_ARGS, "--group-by", "metadata:team"];
    const written = await run([...byTeam, "--format", "html", "--out", out, "--quiet"], {
      cwd: process.cwd(),
      writeTextFile: writeFileWhole,
    });
    expect(written.code, written.stderr).to.equal(0);
    const teams = JSON.parse(
      (await run([...byTeam, "--format", "json"], { cwd: process.cwd() })).stdout,
    ) as UsageReport;
    const expected = (teams.groups?.entries ?? [])
      .filter((entry) => entry.costUsd !== null)
      .sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0))
      .map((entry) => entry.values["metadata:team"]);
    expect(expected).to.include("(none)");
    const url = pathToFileURL(out).href;
    for (const { width, height } of WIDTHS) {
      const { page, requests, consoleErrors } = await offlinePage(browser, url, { width, height });
      await page.goto(url);
      const chart = await page.$eval("#chart-cost-by-group", (figure) => {
        const svg = [...figure.querySelectorAll("svg[data-chart]")].find(
          (shown) => (shown as SVGElement).getBoundingClientRect().width > 0,
        );
        return {
          title: figure.querySelector("h3")?.textContent ?? "",
          labels: [...(svg?.querySelectorAll("g.role-axis-label text") ?? [])].map((text) => text.textContent ?? ""),
          bars: svg?.querySelectorAll("g.mark-rect path").length ?? 0,
        };
      });
      expect(chart.title).to.equal("Cost by team (request metadata, USD)");
      expect(chart.labels.filter((label) => !label.startsWith("$"))).to.deep.equal(expected);
      expect(chart.bars).to.equal(expected.length);
      expect(requests).to.deep.equal([]);
      expect(consoleErrors).to.deep.equal([]);
      await page.close();
    }
  });

  it("shows the JSON report's summary figures, as data and as text", async () => {
    const { page } = await offlinePage(browser, sampleUrl, { width: 1280, height: 900 });
    await page.goto(sampleUrl);
    const figures = await page.$$eval(".figure", (elements) =>
      Object.fromEntries(
        elements.map((element) => [
          element.getAttribute("data-figure"),
          { value: element.getAttribute("data-value"), text: element.querySelector(".value")?.textContent ?? "" },
        ]),
      ),
    );
    const { totals } = json;
    const numeric = {
      costUsd: totals.costUsd,
      invocations: totals.invocations,
      errors: totals.errors,
      errorRate: totals.errorRate,
      inputTokens: totals.inputTokens,
      outputTokens: totals.outputTokens,
      cacheReadInputTokens: totals.cacheReadInputTokens,
      cacheWriteInputTokens: totals.cacheWriteInputTokens,
      unpricedInvocations: totals.unpricedInvocations,
    };
    for (const [key, value] of Object.entries(numeric)) {
      expect(Number(figures[key].value), key).to.equal(value);
      // The visible text says the same, rounded as the text report rounds it.
      const shown = Number(figures[key].text.replace(/[$,%]/g, ""));
      const expected = key === "errorRate" ? Number(((value as number) * 100).toFixed(1)) : value;
      expect(shown, `${key} as shown`).to.be.closeTo(expected as number, 0.005);
    }
    expect(figures.source.value).to.equal(json.source);
    expect(figures.pricingAsOf.value).to.equal(json.pricing.asOf);
    expect(figures.window.value).to.equal(`${json.window.start}/${json.window.end}`);
    const notes = await page.$$eval(".notes li", (items) => items.map((item) => item.textContent));
    expect(notes).to.deep.equal(json.notes);
    await page.close();
  });

  it("runs nothing from hostile model IDs, callers, request metadata and notes, and shows them as text", async () => {
    const hostile = `<img src=x onerror="window.hostile=1"><script>window.hostile=2</script>' onclick='x`;
    const window = { start: new Date("2026-11-19T00:00:00Z"), end: new Date("2026-11-20T00:00:00Z") };
    const row = {
      hourStartMs: window.start.getTime(),
      modelId: hostile,
      caller: hostile,
      context: "standard" as const,
      invocations: 3,
      errors: 1,
      inputTokens: 10,
      outputTokens: 5,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
      metadata: { team: hostile },
    };
    const report = buildReport(
      sourceResult([row, { ...row, modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" }], {
        notes: [`Could not read ${hostile}`],
      }),
      { window, groupBy: "caller", groupings: ["caller", "metadata:team"] },
    );
    const path = join(folder, "hostile.html");
    await writeFile(path, await renderOutput(report, "html", false));
    const url = pathToFileURL(path).href;
    const { page, requests, consoleErrors } = await offlinePage(browser, url, { width: 1280, height: 900 });
    await page.goto(url);
    const seen = await page.evaluate(() => ({
      hostile: (window as unknown as { hostile?: number }).hostile ?? null,
      scripts: document.querySelectorAll("script, img, [onclick], [onerror]").length,
      notes: [...document.querySelectorAll(".notes li")].map((item) => item.textContent),
      teamChart: document.querySelector("#chart-cost-by-group-2 h3")?.textContent,
      teamLabel: document.querySelector("#chart-cost-by-group-2 svg")?.getAttribute("aria-label"),
      cells: [...document.querySelectorAll("td")].map((cell) => cell.textContent),
    }));
    expect(seen).to.deep.include({ hostile: null, scripts: 0, notes: [...report.notes] });
    expect(seen.teamChart).to.equal("Cost by team (request metadata, USD)");
    expect(seen.teamLabel).to.include(`The costliest, ${hostile}, cost`);
    expect(seen.cells).to.include(hostile);
    expect(requests).to.deep.equal([]);
    expect(consoleErrors).to.deep.equal([]);
    await page.close();
  });
});
