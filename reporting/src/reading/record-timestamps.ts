/**
 * The `timestamp` of an invocation record, to epoch milliseconds. Bedrock
 * writes ISO-8601 in UTC (`2026-11-20T10:31:02Z`); a time without a zone is
 * read as UTC too, never as the local time JavaScript's Date.parse would
 * assume. Only ISO-8601 is accepted, and an impossible date or time
 * (`2026-02-30`, `24:00`, `:60`) is no timestamp at all, where Date.parse
 * would roll it over into the next month or day.
 */
import { DAY_MS, daysInMonth, MINUTE_MS } from "../kernel/time";

const DIGIT_0 = 0x30;

/**
 * `YYYY-MM-DD`, optionally `T` (or a space) and `HH:MM[:SS[.fraction]]`,
 * optionally `Z` or an offset `±HH[:MM]`.
 */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?)?$/;

/** Days from 1970-01-01 to a date of the proleptic Gregorian calendar (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** Epoch milliseconds of a UTC date and time, or NaN when any part is out of its range. */
function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
): number {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
    return NaN;
  return daysFromCivil(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

/** Epoch milliseconds of an ISO-8601 timestamp (UTC when it names no zone), or NaN when it is not one. */
export function parseRecordTimestamp(text: string): number {
  const match = ISO_TIMESTAMP.exec(text);
  if (match === null) return NaN;
  const [, year, month, day, hour, minute, second, fraction, , sign, offsetHours, offsetMinutes] = match;
  const ms = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const local = utcMs(
    Number(year),
    Number(month),
    Number(day),
    Number(hour ?? 0),
    Number(minute ?? 0),
    Number(second ?? 0),
    ms,
  );
  if (sign === undefined) return local;
  const offset = Number(offsetHours) * 60 + Number(offsetMinutes ?? 0);
  if (Number(offsetHours) > 23 || Number(offsetMinutes ?? 0) > 59) return NaN;
  return local - (sign === "-" ? -offset : offset) * MINUTE_MS;
}

function twoDigits(bytes: Buffer, at: number): number {
  const high = bytes[at] - DIGIT_0;
  const low = bytes[at + 1] - DIGIT_0;
  return high >= 0 && high <= 9 && low >= 0 && low <= 9 ? high * 10 + low : -1;
}

/**
 * parseRecordTimestamp for bytes `[start, end)` of UTF-8: Bedrock's own
 * form, `YYYY-MM-DDTHH:MM:SSZ`, is read straight from the bytes (it is in
 * every record, so no string is made for it); any other text takes the
 * general path. Both give the same answer for the same text.
 */
export function parseRecordTimestampBytes(bytes: Buffer, start: number, end: number): number {
  if (
    end - start === 20 &&
    bytes[start + 4] === 0x2d &&
    bytes[start + 7] === 0x2d &&
    bytes[start + 10] === 0x54 &&
    bytes[start + 13] === 0x3a &&
    bytes[start + 16] === 0x3a &&
    bytes[start + 19] === 0x5a
  ) {
    const century = twoDigits(bytes, start);
    const yearOfCentury = twoDigits(bytes, start + 2);
    const month = twoDigits(bytes, start + 5);
    const day = twoDigits(bytes, start + 8);
    const hour = twoDigits(bytes, start + 11);
    const minute = twoDigits(bytes, start + 14);
    const second = twoDigits(bytes, start + 17);
    // twoDigits answers -1 for anything but two digits; the general path then says what it is.
    if (century >= 0 && yearOfCentury >= 0 && month >= 0 && day >= 0 && hour >= 0 && minute >= 0 && second >= 0) {
      return utcMs(century * 100 + yearOfCentury, month, day, hour, minute, second, 0);
    }
  }
  return parseRecordTimestamp(bytes.toString("utf8", start, end));
}
