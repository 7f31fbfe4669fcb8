/**
 * Decompressed bytes in, records out: lines are cut where readline would cut
 * them (`\n`, `\r\n`, a lone `\r`) without decoding the text, and each line
 * goes to the fast scanner first, to parseRecordLine only when the scanner
 * declines it. Blank lines are ignored, as they always were.
 */
import { scanRecordLine } from "../record-scanner";
import type { ParsedRecord } from "../records";

/** What the lines go to: RecordCollector in either thread. */
export interface RecordSink {
  add(parsed: ParsedRecord): void;
  /** One line of text, for the full parser. */
  addLine(line: string): void;
}

const LINE_FEED = 0x0a;

export class RecordLineReader {
  /** The start of a line that the previous chunks did not finish. */
  private pending: Buffer[] = [];

  constructor(private readonly sink: RecordSink) {}

  push(chunk: Buffer): void {
    let start = 0;
    if (this.pending.length > 0) {
      const lineEnd = chunk.indexOf(LINE_FEED);
      if (lineEnd < 0) {
        this.pending.push(chunk);
        return;
      }
      const line = Buffer.concat([...this.pending, chunk.subarray(0, lineEnd)]);
      this.pending = [];
      this.line(line, 0, line.length);
      start = lineEnd + 1;
    }
    for (let lineEnd = chunk.indexOf(LINE_FEED, start); lineEnd >= 0; lineEnd = chunk.indexOf(LINE_FEED, start)) {
      this.line(chunk, start, lineEnd);
      start = lineEnd + 1;
    }
    if (start < chunk.length) this.pending.push(chunk.subarray(start));
  }

  /** The last line needs no line break. */
  end(): void {
    if (this.pending.length === 0) return;
    const line = Buffer.concat(this.pending);
    this.pending = [];
    this.line(line, 0, line.length);
  }

  private line(bytes: Buffer, start: number, end: number): void {
    if (start === end) return;
    const facts = scanRecordLine(bytes, start, end);
    if (facts !== null) {
      this.sink.add({ ok: true, facts });
      return;
    }
    // The scanner declines any line holding `\r`; readline would have cut it there too.
    for (const piece of bytes.toString("utf8", start, end).split("\r")) this.sink.addLine(piece);
  }
}
