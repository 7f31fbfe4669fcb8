/** Markdown for wikis, pull requests and chat: the same layout as the terminal table, every text escaped. */
import type { UsageReport } from "../model/report";
import { markdownText } from "./safe-text";
import { layoutReport, type Section } from "./sections";

function renderSection(section: Section): string {
  const keyValue = section.head.every((cell) => cell === "");
  const head = keyValue ? ["", ""] : section.head;
  const divider = head.map((_, index) => (index >= section.textColumns ? "---:" : "---"));
  const lines = [head, divider, ...section.rows].map((row) => `| ${row.map(markdownText).join(" | ")} |`);
  return `## ${section.title}\n\n${lines.join("\n")}`;
}

export function renderMarkdown(report: UsageReport): string {
  const layout = layoutReport(report);
  const parts = [`# ${layout.title}`, ...layout.sections.map(renderSection)];
  if (layout.notes.length > 0)
    parts.push(`## Notes\n\n${layout.notes.map((note) => `- ${markdownText(note)}`).join("\n")}`);
  return `${parts.join("\n\n")}\n`;
}
