/**
 * Validation of the user's options: every problem becomes one UsageError line
 * naming what was wrong and what is allowed (exit 2).
 */
import { UsageError } from "../kernel/errors";
import { HOUR_MS, parseIsoTime } from "../kernel/time";
import { OUTPUT_FORMATS, type OutputFormat } from "../render/formats";
import type { GroupBy } from "../model/report";
import type { ReportWindow } from "../model/usage";

export const DEFAULT_HOURS = 24;
export const GROUP_BY_CHOICES: readonly GroupBy[] = ["model", "family", "caller"];
/** `auto`: the log group's retention decides between Logs Insights and the S3 archive; `logs`: the files given with --logs. */
export const SOURCE_CHOICES = ["auto", "insights", "archive", "logs"] as const;
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

export function parseFormat<F extends string = OutputFormat>(
  text: string | undefined,
  allowed: readonly F[] = OUTPUT_FORMATS as readonly string[] as readonly F[],
): F {
  const format = text ?? "table";
  if (!(allowed as readonly string[]).includes(format))
    throw new UsageError(`--format ${format}: unknown format; allowed: ${allowed.join(", ")}`);
  return format as F;
}

export function parseGroupBy(text: string | undefined): GroupBy {
  const groupBy = text ?? "model";
  if (!(GROUP_BY_CHOICES as readonly string[]).includes(groupBy))
    throw new UsageError(`--group-by ${groupBy}: unknown grouping; allowed: ${GROUP_BY_CHOICES.join(", ")}`);
  return groupBy as GroupBy;
}

export function parseSource(text: string | undefined): SourceChoice {
  const source = text ?? "auto";
  if (!(SOURCE_CHOICES as readonly string[]).includes(source))
    throw new UsageError(`--source ${source}: unknown source; allowed: ${SOURCE_CHOICES.join(", ")}`);
  return source as SourceChoice;
}
