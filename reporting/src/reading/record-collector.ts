/**
 * One SourceResult from any number of log records, for every source that
 * reads them (local files, the S3 archive), in the main thread or in the
 * parse pool's workers: RecordCollector accumulates, the readers of
 * record-input.ts feed it.
 */
import { UsageRowBuilder, type RowColumns } from "../model/usage-rows";
import type { ParsedRecord } from "./records";
import { LatencyCounts, type LatencyTally } from "../model/stats";
import type { ReportWindow } from "../model/usage";
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
      rows: this.rows.sortedRows(),
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
