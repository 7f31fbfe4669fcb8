/**
 * Where the records were when a window holds none: the first and last record
 * times seen outside it, and the first and last dated folders skipped, so an
 * empty report can say which `--start/--end` would cover the data.
 */
import { DAY_MS } from "../kernel/time";
import type { ReportWindow } from "../model/usage";

/** A span of epoch milliseconds; empty while `firstMs` > `lastMs`. */
export interface TimeSpan {
  firstMs: number;
  lastMs: number;
}

export const emptySpan = (): TimeSpan => ({ firstMs: Infinity, lastMs: -Infinity });

export function widen(span: TimeSpan, firstMs: number, lastMs = firstMs): void {
  if (firstMs < span.firstMs) span.firstMs = firstMs;
  if (lastMs > span.lastMs) span.lastMs = lastMs;
}

const isEmpty = (span: TimeSpan) => span.firstMs > span.lastMs;
const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const floorDay = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** `--start/--end` in whole UTC days covering [firstMs, lastMs], the last instant included. */
export function coveringWindow(firstMs: number, lastMs: number): string {
  return `--start ${day(floorDay(firstMs))} --end ${day(floorDay(lastMs) + DAY_MS)}`;
}

/**
 * The one line an empty window gets when records or dated folders were seen
 * outside it, else null. `records`: timestamps of records read and left out;
 * `folders`: [start, end) of dated folders skipped unread.
 */
export function emptyWindowHint(
  window: ReportWindow,
  records: TimeSpan,
  folders: TimeSpan,
  where: string,
): string | null {
  if (isEmpty(records) && isEmpty(folders)) return null;
  const seen: string[] = [];
  if (!isEmpty(records)) seen.push(`records from ${iso(records.firstMs)} to ${iso(records.lastMs)}`);
  if (!isEmpty(folders)) seen.push(`dated folders from ${day(folders.firstMs)} to ${day(folders.lastMs - 1)}`);
  const firstMs = Math.min(records.firstMs, folders.firstMs);
  const lastMs = Math.max(records.lastMs, isEmpty(folders) ? -Infinity : folders.lastMs - 1);
  return (
    `No records in the window ${iso(window.start.getTime())} to ${iso(window.end.getTime())}, but ${where} ` +
    `${seen.join(" and ")}: ${coveringWindow(firstMs, lastMs)} covers them.`
  );
}
