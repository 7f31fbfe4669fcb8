/** One entry point per output format; every renderer reads the same report model. */
import type { UsageReport } from "../model/report";
import { renderCsv } from "./csv";
import { renderMarkdown } from "./markdown";
import { renderTable } from "./table";

export const OUTPUT_FORMATS = ["table", "json", "csv", "markdown", "html"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** The formats of every command; the report alone also writes HTML. */
export const TEXT_FORMATS = ["table", "json", "csv", "markdown"] as const;
export type TextFormat = (typeof TEXT_FORMATS)[number];

export function renderReport(report: UsageReport, format: TextFormat, color: boolean): string {
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

/** Any format; HTML loads its renderer (and Vega through it) only when asked for. */
export async function renderOutput(report: UsageReport, format: OutputFormat, color: boolean): Promise<string> {
  if (format !== "html") return renderReport(report, format, color);
  /* eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred require keeps the other formats fast */
  const { renderHtml } = require("./html") as typeof import("./html");
  return renderHtml(report);
}
