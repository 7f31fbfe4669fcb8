/** One entry point per output format; every renderer reads the same report model. */
import type { UsageReport } from "../report";
import { renderCsv } from "./csv";
import { renderMarkdown } from "./markdown";
import { renderTable } from "./table";

export const OUTPUT_FORMATS = ["table", "json", "csv", "markdown"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorAllowed(isTTY: boolean, env: Record<string, string | undefined>): boolean {
  return isTTY && (env.NO_COLOR === undefined || env.NO_COLOR === "");
}

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
