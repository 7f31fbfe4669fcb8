/**
 * Time, as the report and the stack count it (shared kernel: pure, no I/O).
 * Minutes, hours and days in milliseconds, and flooring to them: UTC hours
 * and days are how the report, the archive's folders and Logs Insights' bins
 * cut time.
 *
 * And strict ISO-8601 dates and times for options and files. JavaScript's Date
 * parser reads a time without a zone as local time (so the same command gives
 * another window on another machine) and rolls impossible dates over
 * (2026-02-30 becomes March 2), and it accepts free text such as "Nov 20".
 * Here a time without a zone is UTC, as Bedrock's own timestamps are, and an
 * impossible date is an error naming what does not exist.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/**
 * The start of the `unitMs`-long slot that holds `ms`: with HOUR_MS or DAY_MS,
 * the UTC hour or day (epoch time counts no leap seconds).
 */
export function floorTo(ms: number, unitMs: number): number {
  return Math.floor(ms / unitMs) * unitMs;
}

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in a month (1-12) of the Gregorian calendar. Allocates nothing: the record reader calls it per record. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export type IsoTimeResult = { ok: true; time: Date } | { ok: false; problem: string };

/** `YYYY-MM-DD`, optionally `THH:MM[:SS[.fraction]]`, optionally `Z` or an offset `±HH[:MM]`. */
const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

/** Minutes east of UTC for `Z`, `+05:30`, `-0800` or `+01`. */
function offsetMinutes(zone: string | undefined): number | string {
  if (zone === undefined || zone === "Z") return 0;
  const hours = Number(zone.slice(1, 3));
  const minutes = zone.length > 3 ? Number(zone.slice(-2)) : 0;
  if (hours > 23 || minutes > 59) return `the offset ${zone} does not exist`;
  return (zone[0] === "-" ? -1 : 1) * (hours * 60 + minutes);
}

/** A date or time in ISO-8601 form; no zone means UTC. */
export function parseIsoTime(text: string): IsoTimeResult {
  const match = ISO_TIME.exec(text);
  if (!match) return { ok: false, problem: "not an ISO-8601 date or time" };
  const [, yearText, monthText, dayText, hourText = "0", minuteText = "0", secondText, fraction = "", zone] = match;
  const [year, month, day, hour, minute, second] = [
    yearText,
    monthText,
    dayText,
    hourText,
    minuteText,
    secondText ?? "0",
  ].map(Number);
  if (month < 1 || month > 12) return { ok: false, problem: `month ${monthText} does not exist` };
  const days = daysInMonth(year, month);
  if (day < 1 || day > days)
    return { ok: false, problem: `${MONTHS[month - 1]} ${year} has no day ${dayText} (it has ${days} days)` };
  if (hour > 23 || minute > 59 || second > 59) {
    return {
      ok: false,
      problem: `the time ${hourText}:${minuteText}${secondText === undefined ? "" : `:${secondText}`} does not exist`,
    };
  }
  const offset = offsetMinutes(zone);
  if (typeof offset === "string") return { ok: false, problem: offset };
  const time = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
  time.setUTCFullYear(year, month - 1, day);
  time.setUTCHours(hour, minute - offset, second, Number(fraction.padEnd(3, "0").slice(0, 3)));
  return { ok: true, time };
}

export const NOT_A_DATE: IsoTimeResult = { ok: false, problem: 'not a date "YYYY-MM-DD"' };

/** A calendar date `YYYY-MM-DD` that exists. */
export function parseIsoDate(text: string): IsoTimeResult {
  return ISO_DATE.test(text) ? parseIsoTime(text) : NOT_A_DATE;
}
