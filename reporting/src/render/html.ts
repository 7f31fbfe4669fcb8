/**
 * The report as one self-contained HTML page: summary figures, charts as
 * inline SVG, then the text report's tables and every note. No script, no
 * external style, font or image; a Content-Security-Policy that allows none
 * keeps it so, so the file can be mailed or attached and opened offline.
 * Every text from the data is escaped (htmlText).
 */
import type { UsageReport } from "../model/report";
import { renderCharts, type RenderedChart } from "./chart-svg";
import { htmlText } from "./safe-text";
import { formatCount, formatRate, formatUsd, layoutReport, type Section } from "./sections";
import { HTML_STYLE } from "./html-style";

interface Figure {
  key: string;
  label: string;
  text: string;
  /** The figure as in the JSON report, for tools and tests that read the page. */
  value: string | number | null;
  detail?: string;
}

/** A window edge as a date, or a date and time when either edge is not at midnight UTC. */
function windowTime(iso: string, otherEdge: string): string {
  const midnight = (time: string) => time.slice(11, 23) === "00:00:00.000";
  return midnight(iso) && midnight(otherEdge) ? iso.slice(0, 10) : iso.slice(0, 16).replace("T", " ");
}

function summaryFigures(report: UsageReport): Figure[] {
  const { totals } = report;
  return [
    {
      key: "costUsd",
      label: "Cost",
      text: formatUsd(totals.costUsd),
      value: totals.costUsd,
      detail: totals.unpricedInvocations > 0 ? "priced invocations only" : undefined,
    },
    { key: "invocations", label: "Invocations", text: formatCount(totals.invocations), value: totals.invocations },
    {
      key: "errors",
      label: "Errors",
      text: formatCount(totals.errors),
      value: totals.errors,
    },
    { key: "errorRate", label: "Error rate", text: formatRate(totals.errorRate), value: totals.errorRate },
    { key: "inputTokens", label: "Input tokens", text: formatCount(totals.inputTokens), value: totals.inputTokens },
    { key: "outputTokens", label: "Output tokens", text: formatCount(totals.outputTokens), value: totals.outputTokens },
    {
      key: "cacheReadInputTokens",
      label: "Cache read tokens",
      text: formatCount(totals.cacheReadInputTokens),
      value: totals.cacheReadInputTokens,
    },
    {
      key: "cacheWriteInputTokens",
      label: "Cache write tokens",
      text: formatCount(totals.cacheWriteInputTokens),
      value: totals.cacheWriteInputTokens,
    },
    {
      key: "unpricedInvocations",
      label: "Unpriced invocations",
      text: formatCount(totals.unpricedInvocations),
      value: totals.unpricedInvocations,
      detail: totals.unpricedInvocations > 0 ? "tokens counted, cost left out" : undefined,
    },
    {
      key: "window",
      label: "Window (UTC)",
      text: `${windowTime(report.window.start, report.window.end)} to ${windowTime(report.window.end, report.window.start)}`,
      value: `${report.window.start}/${report.window.end}`,
      detail: `${formatCount(report.window.hours)} hours`,
    },
    {
      key: "source",
      label: "Source",
      text: report.source + (report.complete ? "" : " (INCOMPLETE)"),
      value: report.source,
    },
    {
      key: "pricingAsOf",
      label: "Prices as of",
      text: report.pricing.asOf,
      value: report.pricing.asOf,
      detail: report.pricing.overrides ? `with ${report.pricing.overrides.file}` : undefined,
    },
  ];
}

function figureHtml(figure: Figure): string {
  const value = figure.value === null ? "" : htmlText(String(figure.value));
  const detail = figure.detail ? `<span class="detail">${htmlText(figure.detail)}</span>` : "";
  return (
    `<div class="figure" data-figure="${figure.key}" data-value="${value}">` +
    `<dt>${htmlText(figure.label)}</dt><dd><span class="value">${htmlText(figure.text)}</span>${detail}</dd></div>`
  );
}

function chartHtml(chart: RenderedChart): string {
  return (
    `<figure class="chart" id="chart-${chart.id}"><figcaption><h3>${htmlText(chart.title)}</h3>` +
    `<p>${htmlText(chart.summary)}</p></figcaption><div class="chart-body">${chart.svgs.map(({ size, svg }) => `<div class="${size}">${svg}</div>`).join("")}</div></figure>`
  );
}

function tableHtml(section: Section): string {
  const keyValue = section.head.every((cell) => cell === "");
  const cell = (text: string, index: number, tag: "td" | "th") =>
    `<${tag}${index >= section.textColumns ? ' class="num"' : ""}>${htmlText(text)}</${tag}>`;
  const head = keyValue
    ? ""
    : `<thead><tr>${section.head.map((text, index) => cell(text, index, "th")).join("")}</tr></thead>`;
  const rows = section.rows
    .map((row) =>
      keyValue
        ? `<tr><th scope="row">${htmlText(row[0])}</th>${row
            .slice(1)
            .map((text, index) => cell(text, index + 1, "td"))
            .join("")}</tr>`
        : `<tr>${row.map((text, index) => cell(text, index, "td")).join("")}</tr>`,
    )
    .join("");
  return (
    `<section class="table"><h3>${htmlText(section.title)}</h3>` +
    `<div class="table-scroll" tabindex="0" role="region" aria-label="${htmlText(section.title)} (scrolls sideways)">` +
    `<table${keyValue ? ' class="key-value"' : ""}>${head}<tbody>${rows}</tbody></table></div></section>`
  );
}

function noteClass(note: string): string {
  return /^(INCOMPLETE|Unpriced|Unconfirmed)/.test(note) ? ' class="warning"' : "";
}

export async function renderHtml(report: UsageReport): Promise<string> {
  const layout = layoutReport(report);
  const charts = await renderCharts(report);
  const period = `${report.window.start.slice(0, 10)} to ${report.window.end.slice(0, 10)}`;
  const incomplete = report.complete
    ? ""
    : `<p class="banner" role="alert">INCOMPLETE: part of the window could not be read; every figure is a lower bound.</p>`;
  const noLatency =
    report.latencyMs.samples === 0
      ? `<p class="muted">No latency samples in this window, so no latency chart.</p>`
      : "";
  const notes =
    layout.notes.length === 0
      ? ""
      : `<section class="notes" aria-labelledby="notes"><h2 id="notes">Notes</h2><ul>${layout.notes
          .map((note) => `<li${noteClass(note)}>${htmlText(note)}</li>`)
          .join("")}</ul></section>`;
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing to load and nothing to run: a style element and inline SVG are all the page is.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${htmlText(`${layout.title}, ${period}`)}</title>`,
    `<style>${HTML_STYLE}</style></head><body><main>`,
    `<header><h1>${htmlText(layout.title)}</h1><p class="muted">${htmlText(
      `${period} (UTC), ${formatCount(report.window.hours)} hours, from ${report.source}`,
    )}</p></header>`,
    incomplete,
    `<section aria-labelledby="summary"><h2 id="summary" class="visually-hidden">Summary</h2><dl class="figures">`,
    ...summaryFigures(report).map(figureHtml),
    "</dl></section>",
    `<section aria-labelledby="charts"><h2 id="charts">Charts</h2><div class="charts">`,
    ...charts.map(chartHtml),
    `</div>${noLatency}</section>`,
    `<section aria-labelledby="tables"><h2 id="tables">Tables</h2>`,
    ...layout.sections.map(tableHtml),
    "</section>",
    notes,
    `<footer class="muted">${htmlText(
      `Prices as of ${report.pricing.asOf}, ${report.pricing.currency} ${report.pricing.unit}. Sources: ${report.pricing.sources.join("; ")}.`,
    )}</footer>`,
    "</main></body></html>",
    "",
  ].join("\n");
}
