/** Plain rows of named fields (saved query results, the price list) in any output format. */
import Table from "cli-table3";
import { stringify } from "csv-stringify/sync";
import { createColors } from "picocolors";
import type { OutputFormat } from "./index";

export type FieldRow = Record<string, string | number | null>;

function columnsOf(rows: FieldRow[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

function cellText(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

export function renderRows(rows: FieldRow[], format: OutputFormat, color: boolean, title: string, footer: string[] = []): string {
  const columns = columnsOf(rows);
  switch (format) {
    case "json":
      return `${JSON.stringify(rows, null, 2)}\n`;
    case "csv":
      return stringify(rows, { header: true, columns });
    case "markdown": {
      const lines = [columns, columns.map(() => "---"), ...rows.map((row) => columns.map((column) => cellText(row[column]).replace(/\|/g, "\\|")))];
      const table = rows.length > 0 ? lines.map((cells) => `| ${cells.join(" | ")} |`).join("\n") : "(no rows)";
      return `# ${title}\n\n${table}\n${footer.map((line) => `\n${line}`).join("")}${footer.length > 0 ? "\n" : ""}`;
    }
    case "table": {
      const colors = createColors(color);
      const table = new Table({ head: columns.map((column) => colors.bold(column)), style: { head: [], border: [], compact: true } });
      for (const row of rows) table.push(columns.map((column) => cellText(row[column])));
      const body = rows.length > 0 ? table.toString() : "(no rows)";
      return `${colors.bold(colors.cyan(title))}\n${body}\n${footer.map((line) => `${line}\n`).join("")}`;
    }
  }
}
