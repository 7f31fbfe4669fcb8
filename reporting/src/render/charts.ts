/**
 * The HTML report's charts as Vega-Lite specifications (https://vega.github.io/vega-lite/docs/),
 * built from the report model alone. Pure: chart-svg.ts renders them. Each
 * chart's data has one entry per day, hour, family, group or bin, never one
 * per record, so the report's size follows the groups shown, not the traffic.
 */
import { MODEL_FAMILIES } from "../kernel/pricing/catalog";
import type { UsageReport } from "../model/report";
import { chart, familyColor, OKABE_ITO, share, type ChartSize, type ChartSpec } from "./chart-style";
import { byGroupCharts, byModelChart } from "./cost-charts";
import { formatCount, formatUsd } from "./sections";

export type { ChartSpec } from "./chart-style";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Nov 13` for a UTC day's ISO start; the window's dates are in the summary above the charts. */
function dayLabel(iso: string): string {
  return `${MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(8, 10)}`;
}

function dailyCostChart(report: UsageReport, size: ChartSize): ChartSpec {
  const values = report.dailyByFamily.map((point) => ({
    day: dayLabel(point.start),
    family: point.family,
    costUsd: point.costUsd ?? 0,
    order: MODEL_FAMILIES.indexOf(point.family),
  }));
  const families = MODEL_FAMILIES.filter((family) => values.some((value) => value.family === family));
  const busiest = [...report.daily].sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0))[0];
  return {
    id: "daily-cost",
    title: "Daily cost by model family (USD, UTC days)",
    summary:
      busiest && (busiest.costUsd ?? 0) > 0
        ? `Cost per UTC day, stacked by model family. The costliest day was ${busiest.start.slice(0, 10)} at ${formatUsd(busiest.costUsd)}.`
        : "Cost per UTC day, stacked by model family. Nothing was priced in this window.",
    spec: chart({
      width: size.plotWidth,
      height: 220,
      data: { values },
      mark: { type: "bar" },
      encoding: {
        // Days as bands, a label under each, in date order (a long window drops labels that would overlap).
        x: {
          field: "day",
          type: "ordinal",
          title: "Day (UTC)",
          sort: report.daily.map((day) => dayLabel(day.start)),
          axis: { labelAngle: 0, labelOverlap: "greedy" },
        },
        y: { field: "costUsd", type: "quantitative", aggregate: "sum", title: "Cost (USD)", axis: { format: "$,.2f" } },
        color: familyColor(families),
        order: { field: "order" },
      },
    }),
  };
}

/** Past this many hours (31 days) the chart counts per day: a bar per hour would be thinner than a pixel. */
export const MAX_HOURLY_BARS = 744;

function hourlyChart(report: UsageReport, size: ChartSize): ChartSpec {
  const hourly = report.hourly.length <= MAX_HOURLY_BARS;
  const points = hourly ? report.hourly : report.daily;
  const unit = hourly ? "hour" : "day";
  const values = points.flatMap((point) => [
    { start: point.start, series: "Invocations", count: point.invocations },
    { start: point.start, series: "Errors", count: point.errors },
  ]);
  const peak = [...points].sort((a, b) => b.invocations - a.invocations)[0];
  return {
    id: "hourly-invocations",
    title: `Invocations and errors per ${unit} (UTC)`,
    summary: `${formatCount(report.totals.invocations)} invocations and ${formatCount(report.totals.errors)} errors, per UTC ${unit}${
      peak && peak.invocations > 0
        ? `; the busiest ${unit} began ${peak.start.slice(0, hourly ? 16 : 10).replace("T", " ")} with ${formatCount(peak.invocations)}`
        : ""
    }.`,
    spec: chart({
      width: size.plotWidth,
      height: 200,
      data: { values },
      mark: { type: "bar", binSpacing: 0 },
      encoding: {
        x: {
          field: "start",
          type: "temporal",
          timeUnit: hourly ? "utcyearmonthdatehours" : "utcyearmonthdate",
          title: `${hourly ? "Hour" : "Day"} (UTC)`,
          axis: { format: "%b %d", labelAngle: 0, tickCount: size.plotWidth > 400 ? 8 : 4 },
        },
        y: { field: "count", type: "quantitative", title: `Requests per ${unit}`, stack: null },
        color: {
          field: "series",
          type: "nominal",
          title: null,
          scale: { domain: ["Invocations", "Errors"], range: [OKABE_ITO.skyBlue, OKABE_ITO.vermillion] },
        },
        order: { field: "series", sort: "descending" },
      },
    }),
  };
}

const TOKEN_KINDS = [
  { key: "inputTokens", label: "Input", color: OKABE_ITO.blue },
  { key: "outputTokens", label: "Output", color: OKABE_ITO.vermillion },
  { key: "cacheReadInputTokens", label: "Cache read", color: OKABE_ITO.skyBlue },
  { key: "cacheWriteInputTokens", label: "Cache write", color: OKABE_ITO.orange },
] as const;

function tokensChart(report: UsageReport, size: ChartSize): ChartSpec {
  const values = report.byFamily.flatMap((family) =>
    TOKEN_KINDS.map((kind, order) => ({ family: family.family, kind: kind.label, tokens: family[kind.key], order })),
  );
  const { totals } = report;
  const all = TOKEN_KINDS.reduce((sum, kind) => sum + totals[kind.key], 0);
  return {
    id: "tokens-by-kind",
    title: "Tokens by kind and model family",
    summary: `${formatCount(all)} tokens: ${TOKEN_KINDS.map((kind) => `${kind.label.toLowerCase()} ${share(totals[kind.key], all)}`).join(", ")}.`,
    spec: chart({
      width: size.plotWidth - 80,
      height: { step: 34 },
      data: { values },
      mark: { type: "bar" },
      encoding: {
        y: { field: "family", type: "nominal", title: "Model family", sort: MODEL_FAMILIES },
        x: {
          field: "tokens",
          type: "quantitative",
          title: "Tokens",
          // Each label formatted alone: the axis's shared SI format writes 0 as "0M".
          axis: { labelExpr: "format(datum.value, '~s')", tickCount: 5 },
        },
        color: {
          field: "kind",
          type: "nominal",
          title: "Kind",
          scale: { domain: TOKEN_KINDS.map((kind) => kind.label), range: TOKEN_KINDS.map((kind) => kind.color) },
        },
        order: { field: "order" },
      },
    }),
  };
}

function latencyChart(report: UsageReport, size: ChartSize): ChartSpec | null {
  const { latencyMs, latencyHistogram } = report;
  if (latencyMs.samples === 0) return null;
  const markers = (["p50", "p90", "p99"] as const)
    .filter((key) => latencyMs[key] !== null)
    .map((key) => ({
      ms: latencyMs[key] as number,
      text: `${key} ${formatCount(latencyMs[key] as number)} ms`,
      name: key,
    }));
  const rules = {
    data: { values: markers },
    layer: [
      {
        mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 2, color: "#000000" },
        encoding: { x: { field: "ms", type: "quantitative", title: "Latency (ms)" } },
      },
      {
        mark: { type: "text", align: "left", dx: 3, baseline: "top", fontSize: 11, fontWeight: "bold" },
        encoding: {
          x: { field: "ms", type: "quantitative" },
          // At the top of the plot, named only: the caption gives each figure.
          y: { value: 0 },
          text: { field: "name" },
        },
      },
    ],
  };
  const bins = latencyHistogram ?? [];
  const x = {
    field: "fromMs",
    type: "quantitative",
    bin: { binned: true },
    title: "Latency (ms)",
    axis: { format: ",d", tickCount: size.plotWidth > 400 ? 8 : 4, labelOverlap: "greedy", labelFlush: true },
  };
  const histogram = {
    data: { values: bins },
    mark: { type: "bar", color: OKABE_ITO.skyBlue, binSpacing: 1 },
    encoding: { x, x2: { field: "toMs" }, y: { field: "count", type: "quantitative", title: "Requests" } },
  };
  const markerText = markers.map((marker) => marker.text).join(", ");
  return {
    id: "latency",
    title: `Latency distribution (ms, from ${latencyMs.from})`,
    summary: `${formatCount(latencyMs.samples)} latency samples from ${latencyMs.from}: ${markerText}${
      bins.length === 0 ? " (the source gives percentiles only, no distribution)" : ""
    }.`,
    spec: chart({
      width: size.plotWidth,
      height: 180,
      layer: bins.length > 0 ? [histogram, rules] : [rules],
    }),
  };
}

function projectionChart(report: UsageReport, size: ChartSize): ChartSpec {
  const { projection, totals } = report;
  const bars: Array<{ label: string; usd: number | null; kind: string }> = [
    { label: `Spent, ${formatCount(report.window.hours)} h`, usd: totals.costUsd, kind: "Seen" },
    { label: "Linear, 730 h", usd: projection.linearMonthlyCostUsd, kind: "Projected" },
    { label: "Trend, 730 h", usd: projection.trendMonthlyCostUsd, kind: "Projected" },
  ];
  if (projection.monthEnd) {
    bars.push({
      label: `Seen in ${projection.monthEnd.month}`,
      usd: projection.monthEnd.observedCostUsd,
      kind: "Seen",
    });
    bars.push({
      label: `Month-end ${projection.monthEnd.month}`,
      usd: projection.monthEnd.totalUsd,
      kind: "Projected",
    });
  }
  const values = bars.map((bar) => ({
    label: bar.label,
    usd: bar.usd ?? 0,
    kind: bar.kind,
    text: bar.usd === null ? "not enough data" : formatUsd(bar.usd),
  }));
  const maxUsd = Math.max(0, ...values.map((value) => value.usd));
  const x = {
    field: "usd",
    type: "quantitative",
    title: "Cost (USD)",
    // A tick every ~70 px at most: "$0$100$200" run together otherwise.
    axis: { format: "$,.0f", tickCount: Math.max(2, Math.floor((size.plotWidth - size.labelLimit) / 70)) },
    scale: { domainMax: maxUsd > 0 ? maxUsd * 1.3 : 1 },
  };
  const y = {
    field: "label",
    type: "nominal",
    title: null,
    sort: values.map((value) => value.label),
    axis: { labelLimit: size.labelLimit },
  };
  return {
    id: "projection",
    title: "Monthly projection against spend so far (USD)",
    summary:
      `Spent ${formatUsd(totals.costUsd)} in the ${formatCount(report.window.hours)}-hour window. ` +
      `Linear: that rate for a month (730 h) is ${formatUsd(projection.linearMonthlyCostUsd)}. ` +
      (projection.trendMonthlyCostUsd === null
        ? "Trend: not enough days yet."
        : `Trend: a line through daily cost gives ${formatUsd(projection.trendMonthlyCostUsd)} for the next 730 h.`) +
      (projection.monthEnd
        ? ` Month-end estimate for ${projection.monthEnd.month}: ${formatUsd(projection.monthEnd.totalUsd)}` +
          ` (${formatUsd(projection.monthEnd.observedCostUsd)} seen).`
        : ""),
    spec: chart({
      width: size.plotWidth - size.labelLimit,
      height: { step: 26 },
      data: { values },
      layer: [
        {
          mark: { type: "bar" },
          encoding: {
            x,
            y,
            color: {
              field: "kind",
              type: "nominal",
              title: null,
              scale: { domain: ["Seen", "Projected"], range: [OKABE_ITO.blue, OKABE_ITO.orange] },
            },
          },
        },
        { mark: { type: "text", align: "left", dx: 4, fontSize: 11 }, encoding: { x, y, text: { field: "text" } } },
      ],
    }),
  };
}

/** Every chart the report's data supports, in reading order. */
export function chartSpecs(report: UsageReport, size: ChartSize): ChartSpec[] {
  const charts = [
    dailyCostChart(report, size),
    hourlyChart(report, size),
    byModelChart(report, size),
    ...byGroupCharts(report, size),
    tokensChart(report, size),
    latencyChart(report, size),
    projectionChart(report, size),
  ];
  return charts.filter((spec): spec is ChartSpec => spec !== null);
}
