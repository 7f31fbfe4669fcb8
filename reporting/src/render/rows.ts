/**
 * Plain rows of named fields (saved query results, the price list) in any
 * output format. Query results are log data: made safe as in the report.
 */
import Table from "cli-table3";
import { stringify } from "csv-stringify/sync";
import { createColors } from "picocolors";
import type { TextFormat } from "./formats";
import { csvValue, markdownText, visibleText } from "./safe-text";

export type FieldRow = Record<string, string | number | null>;

function columnsOf(rows: FieldRow[]): string[] {
  const columns: string[] = [];
  for (const row of rows) for (const key of Object.keys(row)) if (!columns.includes(key)) columns.push(key);
  return columns;
}

function cellText(value: string | number | null | undefined): string {
  return value === null || value === undefined ? "" : String(value);
}

export function renderRows(
  rows: FieldRow[],
  format: TextFormat,
  color: boolean,
  title: string,
  footer: string[] = [],
): string {
  const columns = columnsOf(rows);
  switch (format) {
    case "json":
      return `${JSON.stringify(rows, null, 2)}\n`;
    case "csv": {
      const values = rows.map((row) => Object.fromEntries(columns.map((column) => [column, csvValue(row[column])])));
      return stringify(values, { header: true, columns, escape_formulas: true, cast: { string: visibleText } });
    }
    case "markdown": {
      const lines = [
        columns,
        columns.map(() => "---"),
        ...rows.map((row) => columns.map((column) => cellText(row[column]))),
      ];
      const table =
        rows.length > 0 ? lines.map((cells) => `| ${cells.map(markdownText).join(" | ")} |`).join("\n") : "(no rows)";
      return `# ${markdownText(title)}\n\n${table}\n${footer.map((line) => `\n${markdownText(line)}`).join("")}${footer.length > 0 ? "\n" : ""}`;
    }
    case "table": {
      const colors = createColors(color);
      const table = new Table({
        head: columns.map((column) => colors.bold(visibleText(column))),
        style: { head: [], border: [], compact: true },
      });
      for (const row of rows) table.push(columns.map((column) => visibleText(cellText(row[column]))));
      const body = rows.length > 0 ? table.toString() : "(no rows)";
      return `${colors.bold(colors.cyan(visibleText(title)))}\n${body}\n${footer.map((line) => `${visibleText(line)}\n`).join("")}`;
    }
  }
}
