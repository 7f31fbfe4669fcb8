/**
 * The human-readable layout of a report, shared by the table and Markdown
 * renderers so both always show the same figures.
 */
import type { Breakdown } from "../model/summary";
import type { ReportBreakdown, UsageReport } from "../model/report";
import type { Reconciliation, TokenComparison } from "../model/reconciliation";

export interface Section {
  title: string;
  head: string[];
  rows: string[][];
  /** How many leading columns hold text; the rest hold numbers and are right-aligned. */
  textColumns: number;
}

export interface ReportLayout {
  title: string;
  sections: Section[];
  notes: string[];
}

/** Made on first use: making it loads ICU's data (~25 ms at start-up), which a JSON or CSV report never needs. */
let integer: Intl.NumberFormat | undefined;

export function formatCount(value: number): string {
  integer ??= new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
  return integer.format(value);
}

export function formatUsd(value: number | null): string {
  if (value === null) return "unpriced";
  const digits = value !== 0 && Math.abs(value) < 1 ? 4 : 2;
  return `$${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
}

export function formatRate(value: number | null): string {
  return value === null ? "-" : `${(value * 100).toFixed(1)}%`;
}

function formatMs(value: number | null): string {
  return value === null ? "-" : formatCount(Math.round(value));
}

/** Guardrail interventions; null when the source cannot count them. */
function formatInterventions(value: number | null): string {
  return value === null ? "unknown" : formatCount(value);
}

const USAGE_HEAD = [
  "Invocations",
  "Errors",
  "Error rate",
  "Guardrail blocks",
  "Input",
  "Output",
  "Cache read",
  "Cache write",
  "Cost",
];

function usageCells(entry: ReportBreakdown<Breakdown>): string[] {
  const partlyUnpriced = entry.costUsd !== null && entry.unpricedInvocations > 0;
  return [
    formatCount(entry.invocations),
    formatCount(entry.errors),
    formatRate(entry.errorRate),
    formatInterventions(entry.guardrailInterventions),
    formatCount(entry.inputTokens),
    formatCount(entry.outputTokens),
    formatCount(entry.cacheReadInputTokens),
    formatCount(entry.cacheWriteInputTokens),
    formatUsd(entry.costUsd) + (partlyUnpriced ? ` (+${formatCount(entry.unpricedInvocations)} unpriced)` : ""),
  ];
}

function groupSection(report: UsageReport): Section | null {
  if (report.groups) {
    const { by, entries } = report.groups;
    return {
      title: `By ${by.join(", ")}`,
      head: [...by, ...USAGE_HEAD],
      rows: entries.map((entry) => [...by.map((key) => entry.values[key]), ...usageCells(entry)]),
      textColumns: by.length,
    };
  }
  if (report.groupBy === "caller") {
    if (!report.byCaller) return null;
    return {
      title: "By caller",
      head: ["Caller", ...USAGE_HEAD],
      rows: report.byCaller.map((entry) => [entry.caller, ...usageCells(entry)]),
      textColumns: 1,
    };
  }
  if (report.groupBy === "model") {
    return {
      title: "By model",
      head: ["Model ID", "Family", ...USAGE_HEAD],
      rows: report.byModel.map((entry) => [entry.modelId, entry.family, ...usageCells(entry)]),
      textColumns: 2,
    };
  }
  return null;
}

function projectionRows(report: UsageReport): string[][] {
  const { projection } = report;
  const rows = [
    ["Linear (window cost / hours x 730)", formatUsd(projection.linearMonthlyCostUsd)],
    [
      projection.trendDays > 0
        ? `Trend (least squares over ${projection.trendDays} days), next 730 h`
        : "Trend, next 730 h",
      projection.trendMonthlyCostUsd === null ? "not enough days" : formatUsd(projection.trendMonthlyCostUsd),
    ],
  ];
  if (projection.trendSlopeUsdPerDay !== null)
    rows.push([
      "Trend slope, per day",
      `${projection.trendSlopeUsdPerDay >= 0 ? "+" : "-"}${formatUsd(Math.abs(projection.trendSlopeUsdPerDay))}/day`,
    ]);
  if (projection.monthEnd) {
    const { monthEnd } = projection;
    rows.push([
      `Month-end estimate ${monthEnd.month}`,
      `${formatUsd(monthEnd.totalUsd)} (${formatUsd(monthEnd.observedCostUsd)} seen + ${formatUsd(monthEnd.estimatedRestUsd)} trend)`,
    ]);
  }
  return rows;
}

function formatDifference(comparison: TokenComparison): string {
  if (comparison.difference === null) return "-";
  const sign = comparison.difference > 0 ? "+" : "";
  const percent = comparison.percent === null ? "" : ` (${sign}${comparison.percent.toFixed(2)}%)`;
  return `${sign}${formatCount(comparison.difference)}${percent}`;
}

function reconciliationSection(reconciliation: Reconciliation): Section {
  const metric = (value: number | null) => (value === null ? "unavailable" : formatCount(value));
  return {
    title: `Token cross-check: Logs Insights vs CloudWatch metrics, ${reconciliation.start} to ${reconciliation.end}`,
    head: [
      "Model ID",
      `Over ${reconciliation.thresholdPercent}%`,
      "Input (Insights)",
      "Input (metrics)",
      "Difference",
      "Output (Insights)",
      "Output (metrics)",
      "Difference",
    ],
    rows: reconciliation.models.map((model) => [
      model.modelId,
      model.overThreshold ? "YES" : "no",
      formatCount(model.inputTokens.insights),
      metric(model.inputTokens.metrics),
      formatDifference(model.inputTokens),
      formatCount(model.outputTokens.insights),
      metric(model.outputTokens.metrics),
      formatDifference(model.outputTokens),
    ]),
    textColumns: 2,
  };
}

export function layoutReport(report: UsageReport): ReportLayout {
  const { totals, latencyMs } = report;
  const sections: Section[] = [
    {
      title: "Summary",
      head: ["", ""],
      rows: [
        ["Window", `${report.window.start} to ${report.window.end} (${formatCount(report.window.hours)} h)`],
        ["Source", report.source + (report.complete ? "" : " (INCOMPLETE)")],
        [
          "Prices as of",
          report.pricing.asOf + (report.pricing.overrides ? ` (with ${report.pricing.overrides.file})` : ""),
        ],
        ["Invocations", formatCount(totals.invocations)],
        ["Errors", `${formatCount(totals.errors)} (${formatRate(totals.errorRate)})`],
        ["Blocked by a guardrail", formatInterventions(totals.guardrailInterventions)],
        ["Input tokens", formatCount(totals.inputTokens)],
        ["Output tokens", formatCount(totals.outputTokens)],
        ["Cache read tokens", formatCount(totals.cacheReadInputTokens)],
        ["Cache write tokens", formatCount(totals.cacheWriteInputTokens)],
        ["Cost", formatUsd(totals.costUsd) + (totals.unpricedInvocations > 0 ? " (priced invocations only)" : "")],
        ["Unpriced invocations", formatCount(totals.unpricedInvocations)],
      ],
      textColumns: 2,
    },
    {
      title: "By family",
      head: ["Family", ...USAGE_HEAD],
      rows: report.byFamily.map((entry) => [entry.family, ...usageCells(entry)]),
      textColumns: 1,
    },
  ];
  const group = groupSection(report);
  if (group) sections.push(group);
  sections.push({
    title: `Latency (ms, from ${latencyMs.from})`,
    head: ["Samples", "Avg", "p50", "p90", "p99", "Max"],
    rows: [
      [
        formatCount(latencyMs.samples),
        formatMs(latencyMs.avg),
        formatMs(latencyMs.p50),
        formatMs(latencyMs.p90),
        formatMs(latencyMs.p99),
        formatMs(latencyMs.max),
      ],
    ],
    textColumns: 0,
  });
  if (report.metricErrors) {
    const { invocations, clientErrors, serverErrors, errorRate, throttles } = report.metricErrors;
    sections.push({
      title: "Errors from CloudWatch metrics",
      head: ["Invocations", "Client errors", "Server errors", "Error rate", "Throttles"],
      rows: [
        [
          formatCount(invocations),
          formatCount(clientErrors),
          formatCount(serverErrors),
          formatRate(errorRate),
          formatCount(throttles),
        ],
      ],
      textColumns: 0,
    });
  }
  if (report.reconciliation && report.reconciliation.models.length > 0) {
    sections.push(reconciliationSection(report.reconciliation));
  }
  if (report.unloggedTraffic && report.unloggedTraffic.byModel.length > 0) {
    sections.push({
      title: `bedrock-mantle (from metrics, not logs; not in the totals above)`,
      head: ["Model", "Inferences", "Client errors", "Input tokens", "Output tokens", "Cost"],
      rows: report.unloggedTraffic.byModel.map((model) => [
        model.model,
        formatCount(model.inferences),
        formatCount(model.clientErrors),
        formatCount(model.inputTokens),
        formatCount(model.outputTokens),
        formatUsd(model.costUsd),
      ]),
      textColumns: 1,
    });
  }
  sections.push({
    title: "Daily (UTC)",
    head: ["Day", ...USAGE_HEAD],
    rows: report.daily.map((day) => [day.start.slice(0, 10), ...usageCells(day)]),
    textColumns: 1,
  });
  sections.push({ title: "Monthly projection", head: ["", ""], rows: projectionRows(report), textColumns: 2 });
  if (report.scan) {
    const { scan } = report;
    sections.push({
      title: report.source === "athena" ? "Athena scan" : "Logs Insights scan",
      head: ["Queries", "Bytes scanned", "Records scanned", "Scan cost"],
      rows: [
        [
          formatCount(scan.queries),
          formatCount(scan.bytesScanned),
          formatCount(scan.recordsScanned),
          formatUsd(scan.costUsd),
        ],
      ],
      textColumns: 0,
    });
  }
  sections.push({
    title: "Skipped",
    head: ["Reason", "Count"],
    rows: Object.entries(report.skipped).map(([reason, count]) => [reason, formatCount(count)]),
    textColumns: 1,
  });
  return { title: `Bedrock usage report${report.complete ? "" : " (INCOMPLETE)"}`, sections, notes: report.notes };
}
