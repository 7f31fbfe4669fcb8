/**
 * Validation of the user's options: every problem becomes one UsageError line
 * naming what was wrong and what is allowed (exit 2).
 */
import { UsageError } from "../kernel/errors";
import { HOUR_MS, parseIsoTime } from "../kernel/time";
import { OUTPUT_FORMATS, type OutputFormat } from "../render/formats";
import { CLASSIC_GROUPS, type GroupKey } from "../model/grouping";
import type { ReportWindow } from "../model/usage";

export const DEFAULT_HOURS = 24;
export const GROUP_BY_CHOICES: readonly string[] = [...CLASSIC_GROUPS, "profile", "tag:<key>", "metadata:<key>"];
/**
 * `requestMetadata` and tag keys a report groups by: Logs Insights reads them
 * as `requestMetadata.<key>`, which these characters keep plain.
 */
const GROUP_KEY_NAME = /^[A-Za-z0-9_]{1,128}$/;
/**
 * `auto`: the log group's retention decides between Logs Insights and the S3 archive (Athena for a large archive
 * window when the stack has it); `athena`: one Athena query over the archive; `logs`: the files given with --logs.
 */
export const SOURCE_CHOICES = ["auto", "insights", "archive", "athena", "logs"] as const;
export type SourceChoice = (typeof SOURCE_CHOICES)[number];
/**
 * The longest window a report covers: 3,653 days, the longest retention
 * CloudWatch Logs offers (the list in infra/settings.ts). The report keeps a
 * point per hour of the window, and the sources split it by hour or day, so a
 * window of millions of hours would exhaust memory before reading a record.
 */
export const MAX_WINDOW_HOURS = 3653 * 24;
/** A function, not a constant: the first number formatted loads ICU's data (~25 ms), which no valid window needs. */
const maxWindowText = () => `${MAX_WINDOW_HOURS.toLocaleString("en-US")} hours (3,653 days)`;
const TIME_EXAMPLE = "use a date or time such as 2026-11-20 or 2026-11-20T09:00:00Z (without a zone, UTC)";

export interface WindowOptions {
  hours?: string;
  start?: string;
  end?: string;
}

function parseTime(option: "--start" | "--end", text: string): Date {
  const parsed = parseIsoTime(text);
  if (!parsed.ok) throw new UsageError(`${option} ${text}: ${parsed.problem}; ${TIME_EXAMPLE}`);
  return parsed.time;
}

function parseHours(text: string): number {
  const hours = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(hours > 0)) throw new UsageError(`--hours ${text}: must be a positive number of hours, e.g. 24 or 168`);
  if (hours > MAX_WINDOW_HOURS) throw new UsageError(`--hours ${text}: at most ${maxWindowText()}`);
  return hours;
}

/** The half-open window `[end - hours, end)` or `[start, end)`; `end` defaults to now. */
export function resolveWindow(options: WindowOptions, now: Date): ReportWindow {
  if (options.hours !== undefined && options.start !== undefined) {
    throw new UsageError(
      "--hours and --start cannot be combined: give --hours <n> or --start <ISO>, each with an optional --end <ISO>",
    );
  }
  const end = options.end !== undefined ? parseTime("--end", options.end) : now;
  const start =
    options.start !== undefined
      ? parseTime("--start", options.start)
      : new Date(end.getTime() - parseHours(options.hours ?? String(DEFAULT_HOURS)) * HOUR_MS);
  if (end.getTime() <= start.getTime()) {
    throw new UsageError(
      `--end ${end.toISOString()} is not after --start ${start.toISOString()}: the window [start, end) must not be empty`,
    );
  }
  const hours = (end.getTime() - start.getTime()) / HOUR_MS;
  if (hours > MAX_WINDOW_HOURS) {
    throw new UsageError(
      `--start ${start.toISOString()} to --end ${end.toISOString()} is ${Math.ceil(hours).toLocaleString("en-US")} hours: at most ${maxWindowText()}; report on a shorter window`,
    );
  }
  return { start, end };
}

/** --format, one of the formats the command renders (by default the report's). */
export function parseFormat<Format extends string = OutputFormat>(
  text: string | undefined,
  allowed: readonly Format[] = OUTPUT_FORMATS as readonly string[] as readonly Format[],
): Format {
  const format = text ?? "table";
  if (!(allowed as readonly string[]).includes(format))
    throw new UsageError(`--format ${format}: unknown format; allowed: ${allowed.join(", ")}`);
  return format as Format;
}

function parseGroupKey(text: string): GroupKey {
  if ((CLASSIC_GROUPS as readonly string[]).includes(text) || text === "profile") return text as GroupKey;
  const prefix = text.startsWith("tag:") ? "tag:" : text.startsWith("metadata:") ? "metadata:" : null;
  if (prefix === null)
    throw new UsageError(`--group-by ${text}: unknown grouping; allowed: ${GROUP_BY_CHOICES.join(", ")}`);
  if (!GROUP_KEY_NAME.test(text.slice(prefix.length))) {
    throw new UsageError(
      `--group-by ${text}: the key after "${prefix}" must be 1 to 128 letters, digits or _ (e.g. ${prefix}team)`,
    );
  }
  return text as GroupKey;
}

/** One or more `--group-by` (default `model`), each once. */
export function parseGroupBy(given: string | string[] | undefined): GroupKey[] {
  const texts = given === undefined ? ["model"] : Array.isArray(given) ? given : [given];
  const keys = texts.map(parseGroupKey);
  const repeated = keys.find((key, index) => keys.indexOf(key) !== index);
  if (repeated !== undefined) throw new UsageError(`--group-by ${repeated} is given twice; give each grouping once`);
  return keys;
}

/** The `requestMetadata` keys among the groupings, which the sources split their rows by. */
export function metadataKeysOf(keys: readonly GroupKey[]): string[] {
  return keys.filter((key) => key.startsWith("metadata:")).map((key) => key.slice("metadata:".length));
}

export function parseSource(text: string | undefined): SourceChoice {
  const source = text ?? "auto";
  if (!(SOURCE_CHOICES as readonly string[]).includes(source))
    throw new UsageError(`--source ${source}: unknown source; allowed: ${SOURCE_CHOICES.join(", ")}`);
  return source as SourceChoice;
}
