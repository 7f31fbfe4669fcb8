/** One entry point per output format; every renderer reads the same report model. */
import type { UsageReport } from "../model/report";
import { renderCsv } from "./csv";
import { renderMarkdown } from "./markdown";
import { renderTable } from "./table";

export const OUTPUT_FORMATS = ["table", "json", "csv", "markdown"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** The formats `reconcile` renders (render/bill-reconciliation.ts): a report format joins only with a renderer there. */
export const RECONCILE_FORMATS = ["table", "json", "csv", "markdown"] as const satisfies readonly OutputFormat[];
export type ReconcileFormat = (typeof RECONCILE_FORMATS)[number];

export function renderReport(report: UsageReport, format: OutputFormat, color: boolean): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "csv":
      return renderCsv(report);
    case "markdown":
      return renderMarkdown(report);
    case "table":
      return renderTable(report, color);
  }
}
