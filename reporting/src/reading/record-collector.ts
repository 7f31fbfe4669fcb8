/**
 * One SourceResult from any number of log records, for every source that
 * reads them (local files, the S3 archive), in the main thread or in the
 * parse pool's workers: RecordCollector accumulates, the readers of
 * record-input.ts feed it.
 */
import { UsageRowBuilder, type RowColumns } from "../model/usage-rows";
import type { ParsedRecord } from "./records";
import { LatencyCounts, type LatencyTally } from "../model/stats";
import type { ReportWindow, UsageRow } from "../model/usage";
import type { SourceResult } from "../sources/contract";
import { recordsInValue } from "./record-documents";
import { emptySpan, emptyWindowHint, widen, type TimeSpan } from "./outside-window";

/** What one collector gathered, to be merged into another (a worker's share of the records). */
export interface PartialAggregate {
  rows: RowColumns;
  latencies: LatencyTally;
  skipped: Record<string, number>;
  recordsUsed: number;
  /** Timestamps of the records left out as outside the window. */
  outside: TimeSpan;
}

/** Rows in one order whatever thread read which file, so sums of costs come out the same to the last bit. */
export function compareRows(a: UsageRow, b: UsageRow): number {
  return (
    a.hourStartMs - b.hourStartMs ||
    compareText(a.modelId, b.modelId) ||
    compareText(a.caller ?? "", b.caller ?? "") ||
    compareText(a.context, b.context) ||
    compareText(metadataText(a), metadataText(b))
  );
}

/** A row's metadata values as one text, to order rows that differ only there. */
function metadataText(row: UsageRow): string {
  return row.metadata === undefined ? "" : JSON.stringify(row.metadata);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each distinct value's place in `compare` order. */
function ranks<T>(distinct: Set<T>, compare: (a: T, b: T) => number): Map<T, number> {
  return new Map([...distinct].sort(compare).map((value, rank) => [value, rank]));
}

/**
 * Rows in compareRows order. Comparing model IDs (long shared prefixes) and
 * callers as text, ~300,000 times for the benchmark archive's 20,000 rows,
 * was ~20 ms of the report's serial tail; instead each row gets one number
 * from the ranks of its hour, model, caller, context and metadata among the
 * distinct ones, which orders rows exactly as compareRows does, times the row count
 * plus the row's index, so a typed array's own numeric sort (no comparator
 * call per comparison) orders them, equal keys in their first order as a
 * stable sort would. Should that number not fit a double exactly,
 * compareRows sorts them as before.
 */
export function sortRows(rows: UsageRow[]): UsageRow[] {
  // One pass for the distinct values, without an array of 20,000 per field first: garbage in the serial tail.
  const distinct = {
    hours: new Set<number>(),
    models: new Set<string>(),
    callers: new Set<string>(),
    contexts: new Set<string>(),
    metadata: new Set<string>(),
  };
  // Each row's metadata as text once, not once per comparison.
  const metadataTexts = rows.map(metadataText);
  for (const [index, row] of rows.entries()) {
    distinct.hours.add(row.hourStartMs);
    distinct.models.add(row.modelId);
    distinct.callers.add(row.caller ?? "");
    distinct.contexts.add(row.context);
    distinct.metadata.add(metadataTexts[index]);
  }
  const hours = ranks(distinct.hours, (a, b) => a - b);
  const models = ranks(distinct.models, compareText);
  const callers = ranks(distinct.callers, compareText);
  const contexts = ranks(distinct.contexts, compareText);
  const metadata = ranks(distinct.metadata, compareText);
  const combinations = hours.size * models.size * callers.size * contexts.size * metadata.size;
  if (combinations * rows.length > Number.MAX_SAFE_INTEGER) return rows.sort(compareRows);
  const keys = new Float64Array(rows.length);
  rows.forEach((row, index) => {
    const place = (hours.get(row.hourStartMs) as number) * models.size + (models.get(row.modelId) as number);
    const withCaller = place * callers.size + (callers.get(row.caller ?? "") as number);
    const withContext = withCaller * contexts.size + (contexts.get(row.context) as number);
    const key = withContext * metadata.size + (metadata.get(metadataTexts[index]) as number);
    keys[index] = key * rows.length + index;
  });
  keys.sort();
  return Array.from(keys, (key) => rows[key % rows.length]);
}

/** Accumulates records from any number of streams into one SourceResult. */
export class RecordCollector {
  private readonly rows: UsageRowBuilder;
  private readonly latencies = new LatencyCounts();
  private readonly skipped: Record<string, number> = {};
  private readonly notes: string[] = [];
  private complete = true;
  private readonly outside = emptySpan();
  private readonly foldersOutside = emptySpan();
  recordsUsed = 0;

  constructor(private readonly window: ReportWindow) {
    this.rows = new UsageRowBuilder(window.metadataKeys);
  }

  skip(reason: string, count = 1): void {
    this.skipped[reason] = (this.skipped[reason] ?? 0) + count;
  }

  /** A dated folder delivered over [startMs, endMs), outside the window: its `objects` are counted, not read. */
  skipFolder(startMs: number, endMs: number, objects: number): void {
    this.skip("objectOutsideWindow", objects);
    this.sawFolder(startMs, endMs);
  }

  /** A dated folder delivered over [startMs, endMs), found outside the window without reading it. */
  sawFolder(startMs: number, endMs: number): void {
    widen(this.foldersOutside, startMs, endMs);
  }

  /** Marks the result incomplete, with the reason shown in the report. */
  markIncomplete(note: string): void {
    this.complete = false;
    this.notes.push(note);
  }

  note(text: string): void {
    this.notes.push(text);
  }

  add(parsed: ParsedRecord): void {
    if (!parsed.ok) {
      this.skip(parsed.reason);
      return;
    }
    const { facts } = parsed;
    if (facts.timestampMs < this.window.start.getTime() || facts.timestampMs >= this.window.end.getTime()) {
      this.skip("outsideWindow");
      widen(this.outside, facts.timestampMs);
      return;
    }
    this.recordsUsed += 1;
    this.rows.add(facts);
    if (facts.latencyMs !== null) this.latencies.add(facts.latencyMs);
  }

  /** A line or JSON value of text: a record, or a log event, Insights row or list holding records. */
  addLine(line: string): void {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      this.skip("malformed");
      return;
    }
    recordsInValue(value, this.addParsed);
  }

  private readonly addParsed = (parsed: ParsedRecord) => this.add(parsed);

  /** Everything counted so far except notes, compact enough to post between threads. */
  partial(): PartialAggregate {
    return {
      rows: this.rows.columns(),
      latencies: this.latencies.tally(),
      skipped: { ...this.skipped },
      recordsUsed: this.recordsUsed,
      outside: { ...this.outside },
    };
  }

  merge(partial: PartialAggregate): void {
    this.rows.addColumns(partial.rows);
    this.latencies.merge(partial.latencies);
    for (const [reason, count] of Object.entries(partial.skipped)) this.skip(reason, count);
    this.recordsUsed += partial.recordsUsed;
    widen(this.outside, partial.outside.firstMs, partial.outside.lastMs);
  }

  /** When the window held no record: where the records it saw were, and the window that would cover them; else null. */
  emptyWindowHint(where: string): string | null {
    return this.recordsUsed > 0 ? null : emptyWindowHint(this.window, this.outside, this.foldersOutside, where);
  }

  result(): SourceResult {
    return {
      source: "logs",
      rows: sortRows(this.rows.rows()),
      latency: this.latencies.summarize("logs"),
      latencyHistogram: this.latencies.histogram(),
      metricErrors: null,
      scan: null,
      skipped: { malformed: 0, ...this.skipped },
      complete: this.complete,
      notes: [...this.notes],
    };
  }
}
