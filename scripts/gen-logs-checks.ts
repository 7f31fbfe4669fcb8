/**
 * The gen:logs options the shared checks do not cover: --end and --hours as
 * the report reads them, and whether a run fits in memory, decided before it
 * starts. The generator holds one hour's records at a time, as objects and as
 * JSON lines, and joins an object's lines into one string to gzip it: the
 * busiest hour and the largest object set the peak, whatever the number of hours.
 */
import { constants } from "node:buffer";
import { getHeapStatistics } from "node:v8";
import { MAX_WINDOW_HOURS } from "../reporting/src/commands/options";
import { UsageError } from "../reporting/src/kernel/errors";
import { parseIsoTime } from "../reporting/src/kernel/time";

/** --end as the report reads times: ISO-8601 only, UTC without a zone, no impossible dates. */
export function parseEnd(text: string): Date {
  const parsed = parseIsoTime(text);
  if (!parsed.ok)
    throw new UsageError(
      `--end ${text}: ${parsed.problem}; use an ISO-8601 date or time, e.g. 2026-11-20T00:00:00Z (without a zone, UTC)`,
    );
  return parsed.time;
}

/** No longer a period than a report reads in one window. */
export function requireReportableHours(hours: number): true {
  if (hours > MAX_WINDOW_HOURS)
    throw new UsageError(
      `--hours ${hours}: at most ${MAX_WINDOW_HOURS.toLocaleString("en-US")} (3,653 days), the longest window a report reads`,
    );
  return true;
}

/** Requests in the busiest hour per --rate: daytime (x1.5), growth (up to x1.3), jitter (up to x1.3), as generateLogObjects draws them. */
const BUSIEST_HOUR_FACTOR = 1.5 * 1.3 * 1.3;
/**
 * Heap held per record at the peak of an hour, measured with
 * `node --expose-gc` (heapUsed): 3.6 KB with short bodies, plus 5.5 bytes per
 * --body-bytes (the prose is two-byte text, held as strings and as JSON).
 */
const HEAP_BYTES_PER_RECORD = 4096;
const HEAP_BYTES_PER_BODY_BYTE = 6;
/** Characters of one JSON line: about 1,100 with short bodies, plus up to 1.5x --body-bytes of prose and its escapes. */
const LINE_CHARS = 1200;
const LINE_CHARS_PER_BODY_BYTE = 1.6;

export interface GeneratedSize {
  rate: number;
  bodyBytes?: number;
  recordsPerObject?: number;
}

const megabytes = (bytes: number) => `${Math.round(bytes / 1e6).toLocaleString("en-US")} MB`;

/**
 * Throws a UsageError when the busiest hour would take more than half
 * of the heap Node may use, or an object's text would not fit in one string.
 * Returns true for yargs' `.check()`.
 */
export function requireFitsInMemory(size: GeneratedSize, heapLimitBytes = getHeapStatistics().heap_size_limit): true {
  const bodyBytes = size.bodyBytes ?? 0;
  const recordsPerHour = Math.ceil(size.rate * BUSIEST_HOUR_FACTOR) + 1;
  const options = `--rate ${size.rate}${size.bodyBytes === undefined ? "" : ` with --body-bytes ${bodyBytes}`}`;
  const heapBytes = recordsPerHour * (HEAP_BYTES_PER_RECORD + HEAP_BYTES_PER_BODY_BYTE * bodyBytes);
  if (heapBytes > heapLimitBytes / 2) {
    throw new UsageError(
      `${options}: the busiest hour would take about ${megabytes(heapBytes)} of memory, more than half of Node's heap limit (${megabytes(heapLimitBytes)}); lower --rate or --body-bytes`,
    );
  }
  const objectChars =
    Math.min(recordsPerHour, size.recordsPerObject ?? recordsPerHour) *
    (LINE_CHARS + LINE_CHARS_PER_BODY_BYTE * bodyBytes);
  if (objectChars > constants.MAX_STRING_LENGTH) {
    throw new UsageError(
      `${options}: one object would be about ${Math.round(objectChars).toLocaleString("en-US")} characters, more than a JavaScript string holds (${constants.MAX_STRING_LENGTH.toLocaleString("en-US")}); set --records-per-object or lower --body-bytes`,
    );
  }
  return true;
}
