/**
 * The reconciliation in every output format: JSON is the whole model; the
 * table, Markdown and CSV show the day-by-family rows (with a Total row per
 * day) through the plain-rows renderer, so log data and bill text are made
 * safe as everywhere else. Table and Markdown add the per-model and
 * per-caller comparisons, the reasons for each flagged row and the notes.
 */
import type { BillReconciliation, Comparison } from "../model/bill-reconciliation";
import type { TextFormat } from "./formats";
import { renderRows, type FieldRow } from "./rows";
import { markdownText, visibleText } from "./safe-text";

const FLAG = "BEYOND TOLERANCE";

function comparisonCells(comparison: Comparison): FieldRow {
  return {
    estimateUsd: comparison.estimateUsd,
    billedUsd: comparison.billedUsd,
    differenceUsd: comparison.differenceUsd,
    differencePercent: comparison.differencePercent,
    flag: comparison.beyondTolerance ? FLAG : "",
  };
}

function dayRows(reconciliation: BillReconciliation, withReasons: boolean): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const day of reconciliation.days) {
    for (const family of reconciliation.byFamily.filter((row) => row.day === day.day)) {
      rows.push({
        day: family.day,
        family: family.family,
        complete: String(family.complete),
        ...comparisonCells(family),
        ...(withReasons ? { reasons: family.reasons.join("; ") } : {}),
      });
    }
    rows.push({
      day: day.day,
      family: "Total",
      complete: String(day.complete),
      ...comparisonCells(day),
      ...(withReasons ? { reasons: day.reasons.join("; ") } : {}),
    });
  }
  return rows;
}

function reasonLines(reconciliation: BillReconciliation): string[] {
  const lines: string[] = [];
  for (const row of [...reconciliation.byFamily, ...reconciliation.days.map((day) => ({ ...day, family: "Total" }))]) {
    if (row.beyondTolerance)
      lines.push(`${row.day} ${row.family}${row.complete ? "" : " (incomplete day)"}: ${row.reasons.join("; ")}`);
  }
  return lines.sort();
}

function summaryLines(reconciliation: BillReconciliation): string[] {
  const verdict =
    reconciliation.beyondToleranceOnCompleteDays === 0
      ? `Every complete day is within ${reconciliation.tolerancePercent}% of the bill.`
      : `${reconciliation.beyondToleranceOnCompleteDays} rows on complete days differ from the bill by more than ${reconciliation.tolerancePercent}%.`;
  return [
    `Bill: ${reconciliation.bill.label} (${reconciliation.bill.lines} lines). Window ${reconciliation.window.start} to ${reconciliation.window.end}.`,
    ...(reconciliation.netAmortizedUsd === null
      ? []
      : [`Net amortized cost over these days (after credits and discounts): $${reconciliation.netAmortizedUsd}.`]),
    verdict,
  ];
}

export function renderBillReconciliation(
  reconciliation: BillReconciliation,
  format: TextFormat,
  color: boolean,
): string {
  if (format === "json") return `${JSON.stringify(reconciliation, null, 2)}\n`;
  if (format === "csv") return renderRows(dayRows(reconciliation, true), format, color, "Reconciliation");
  const footer = [...summaryLines(reconciliation), ...reasonLines(reconciliation), ...reconciliation.notes];
  const unpriced = new Set(reconciliation.unpricedModels.map((model) => model.model));
  const parts = [
    renderRows(dayRows(reconciliation, false), format, color, "Estimate against the bill, by day and model family"),
    renderRows(
      reconciliation.byModel.map((model) => ({
        model: model.model,
        family: model.family,
        ...comparisonCells(model),
        // No price to compare the bill with: say so rather than show the whole bill as a difference.
        ...(unpriced.has(model.model) ? { estimateUsd: "unpriced", differenceUsd: null } : {}),
      })),
      format,
      color,
      "By model, over the window",
    ),
  ];
  if (reconciliation.byCaller !== null) {
    parts.push(
      renderRows(
        reconciliation.byCaller.map((caller) => ({ caller: caller.caller, ...comparisonCells(caller) })),
        format,
        color,
        "By caller (the bill's IAM principal), over the window",
      ),
    );
  }
  const notes =
    format === "markdown"
      ? `## Notes\n\n${footer.map((line) => `- ${markdownText(line)}`).join("\n")}\n`
      : `Notes\n${footer.map((line) => `- ${visibleText(line)}`).join("\n")}\n`;
  return [...parts, notes].join("\n");
}
