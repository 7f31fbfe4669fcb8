/**
 * Text from log records (model IDs, caller ARNs, file names, query results)
 * made safe for where it is shown. A model ID is whatever the caller sent, so
 * it may carry an escape sequence that recolours or rewrites a terminal, a
 * Markdown table break, HTML, or a spreadsheet formula.
 */

/**
 * C0 and C1 control characters (ESC starts terminal sequences; 0x9B is CSI
 * on its own), DEL, and the bidirectional controls that make a terminal show
 * text in another order than it is (CVE-2021-42574, "Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

const NAMED_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

/**
 * The text with every control character written out as an escape (`\u001b`,
 * `\n`): nothing reaches the terminal as a control sequence, and nothing is
 * dropped without a trace either.
 */
export function visibleText(text: string): string {
  return text.replace(
    UNSAFE_CHARACTERS,
    (character) => NAMED_ESCAPES[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

const HTML_ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Text for a Markdown table cell or list item: control characters written out,
 * HTML characters as entities, and the characters Markdown gives a meaning
 * (table pipes, emphasis, code, links, backslash escapes) escaped, so a cell
 * stays one cell of plain text.
 */
export function markdownText(text: string): string {
  return visibleText(text)
    .replace(/[&<>]/g, (character) => HTML_ENTITIES[character])
    .replace(/[\\`*_[\]|~]/g, "\\$&");
}

/** A string that reads as a number exactly (`-3`, `0.25`): a spreadsheet number, not a formula. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/;

/**
 * A CSV cell value. Strings that are exact numbers become numbers, so that
 * csv-stringify's `escape_formulas` (a `'` before a string starting with
 * `=`, `+`, `-`, `@`, tab or carriage return, as OWASP's CSV injection page
 * advises: https://owasp.org/www-community/attacks/CSV_Injection) leaves a
 * negative number a number and neutralises everything else.
 */
export function csvValue<T>(value: T): T | number {
  return typeof value === "string" && PLAIN_NUMBER.test(value) && String(Number(value)) === value
    ? Number(value)
    : value;
}

const HTML_TEXT_ENTITIES: Record<string, string> = { ...HTML_ENTITIES, '"': "&quot;", "'": "&#39;" };

/**
 * Text for HTML element content or a quoted attribute value: control
 * characters written out as for the terminal, and the five characters HTML
 * gives a meaning as entities, so log data can open no tag and close no attribute.
 */
export function htmlText(text: string): string {
  return visibleText(text).replace(/[&<>"']/g, (character) => HTML_TEXT_ENTITIES[character]);
}
