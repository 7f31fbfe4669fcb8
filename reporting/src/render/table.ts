/** Terminal tables (cli-table3), coloured only when the caller allows it; no control character from the data reaches the terminal. */
import Table from "cli-table3";
import { createColors } from "picocolors";
import type { UsageReport } from "../model/report";
import { visibleText } from "./safe-text";
import { layoutReport, type Section } from "./sections";

function renderSection(section: Section, colors: ReturnType<typeof createColors>): string {
  const keyValue = section.head.every((cell) => cell === "");
  const table = new Table({
    // cli-table3 colours headers itself by default; colour is decided here, once.
    style: { head: [], border: [], compact: true },
    ...(keyValue ? {} : { head: section.head.map((cell) => colors.bold(cell)) }),
    colAligns: section.head.map((_, index) => (index >= section.textColumns ? "right" : "left")),
  });
  for (const row of section.rows) table.push(row.map(visibleText));
  return `${colors.bold(colors.cyan(section.title))}\n${table.toString()}`;
}

export function renderTable(report: UsageReport, color: boolean): string {
  const colors = createColors(color);
  const layout = layoutReport(report);
  const parts = [report.complete ? colors.bold(layout.title) : colors.red(colors.bold(layout.title))];
  for (const section of layout.sections) parts.push(renderSection(section, colors));
  if (layout.notes.length > 0) {
    const highlight = (note: string) => (/^(INCOMPLETE|Unpriced|Unconfirmed)/.test(note) ? colors.yellow(note) : note);
    parts.push(
      `${colors.bold(colors.cyan("Notes"))}\n${layout.notes.map((note) => `- ${highlight(visibleText(note))}`).join("\n")}`,
    );
  }
  return `${parts.join("\n\n")}\n`;
}
