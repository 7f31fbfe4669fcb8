/**
 * CSV for spreadsheets: one row per group (model, family or caller) with raw
 * numbers. An unpriced model has an empty cost, never 0; so has a guardrail
 * count the source could not make. Text cells that a spreadsheet would run
 * as a formula get a leading `'`, control characters are written out; numbers stay numbers.
 */
import { stringify } from "csv-stringify/sync";
import type { UsageReport } from "../model/report";
import { visibleText } from "./safe-text";

/**
 * csv-stringify writes booleans as "1" and ""; spreadsheets read true/false unambiguously.
 * Text has its control characters written out, as in the table: CSV on stdout reaches terminals too.
 */
const CAST = { boolean: (value: boolean) => String(value), string: (value: string) => visibleText(value) };
/** csv-stringify's own OWASP neutralisation: a `'` before text starting with =, +, -, @, tab or CR (and their full-width forms). */
const OPTIONS = { header: true, cast: CAST, escape_formulas: true };

/** New columns go last, so a spreadsheet that reads columns by position keeps working. */
const USAGE_COLUMNS = [
  "invocations",
  "errors",
  "errorRate",
  "inputTokens",
  "outputTokens",
  "cacheReadInputTokens",
  "cacheWriteInputTokens",
  "costUsd",
  "unpricedInvocations",
  "guardrailInterventions",
];

export function renderCsv(report: UsageReport): string {
  const window = {
    windowStart: report.window.start,
    windowEnd: report.window.end,
    pricingAsOf: report.pricing.asOf,
    complete: report.complete,
  };
  if (report.groups) {
    const { by, entries } = report.groups;
    return stringify(
      entries.map(({ values, ...entry }) => ({ ...window, ...values, ...entry })),
      { ...OPTIONS, columns: [...Object.keys(window), ...by, ...USAGE_COLUMNS] },
    );
  }
  if (report.groupBy === "caller") {
    return stringify(
      (report.byCaller ?? []).map((entry) => ({ ...window, ...entry })),
      { ...OPTIONS, columns: [...Object.keys(window), "caller", ...USAGE_COLUMNS] },
    );
  }
  if (report.groupBy === "family") {
    return stringify(
      report.byFamily.map((entry) => ({ ...window, ...entry })),
      { ...OPTIONS, columns: [...Object.keys(window), "family", ...USAGE_COLUMNS] },
    );
  }
  return stringify(
    report.byModel.map((entry) => ({ ...window, ...entry, loggedModelIds: entry.loggedModelIds.join(" ") })),
    {
      ...OPTIONS,
      columns: [...Object.keys(window), "modelId", "family", "priced", ...USAGE_COLUMNS, "loggedModelIds"],
    },
  );
}
