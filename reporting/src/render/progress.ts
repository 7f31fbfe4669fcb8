/**
 * A one-line progress display for long reads (the S3 archive: objects and
 * bytes done, rate and ETA; Logs Insights: queries done, records and bytes
 * scanned, time elapsed), redrawn in place a few times a second. The
 * report turns it off when stderr is not a terminal or with --quiet, so
 * pipes and CI logs never fill with carriage returns.
 */

/** What a reader has done so far and expects in all. */
export interface TransferProgress {
  objectsDone: number;
  bytesDone: number;
  /** Null until the reader can estimate it. */
  objectsExpected: number | null;
  bytesExpected: number | null;
  /** False while the expected totals are an extrapolation (shown with `~`). */
  totalKnown: boolean;
}

export interface ProgressLineOptions {
  /** Where the line goes (stderr). */
  write(text: string): void;
  /** Epoch milliseconds; injectable so tests control rate and ETA. */
  now(): number;
  /** What is being read, e.g. `S3 archive`. */
  label: string;
  /** Redraws closer together than this are skipped; the last state is always drawn by finish(). */
  minIntervalMs?: number;
}

export interface ProgressDisplay {
  update(progress: TransferProgress): void;
  /** Shows any state: `describe` turns the time elapsed since the start into the text after the label. */
  show(describe: (elapsedMs: number) => string): void;
  /** Draws the final state and ends the line; nothing when nothing was drawn. */
  finish(): void;
}

/** For when progress must not be shown. */
export const NO_PROGRESS: ProgressDisplay = { update: () => undefined, show: () => undefined, finish: () => undefined };

/** What the Logs Insights queries of one report have done so far; records and bytes include running queries. */
export interface InsightsProgress {
  queriesStarted: number;
  queriesCompleted: number;
  recordsScanned: number;
  bytesScanned: number;
}

const CLEAR_TO_END_OF_LINE = "\u001b[K";
const DEFAULT_MIN_INTERVAL_MS = 200;
const UNITS = ["B", "KB", "MB", "GB", "TB"];

/** Decimal units, as S3 and AWS bills count them. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `m:ss`, or `h:mm:ss` from an hour on. */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const pad = (n: number) => String(n).padStart(2, "0");
  const [h, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** The text of one progress line; rate is the average since the start, the ETA what remains at that rate. */
export function describeProgress(progress: TransferProgress, elapsedMs: number): string {
  const about = progress.totalKnown ? "" : "~";
  const objects =
    progress.objectsExpected === null
      ? `${progress.objectsDone}`
      : `${progress.objectsDone}/${about}${progress.objectsExpected}`;
  const bytes =
    progress.bytesExpected === null
      ? formatBytes(progress.bytesDone)
      : `${formatBytes(progress.bytesDone)}/${about}${formatBytes(progress.bytesExpected)}`;
  const parts = [`${objects} objects`, bytes];
  const seconds = elapsedMs / 1000;
  if (seconds > 0 && progress.bytesDone > 0) {
    const rate = progress.bytesDone / seconds;
    parts.push(`${formatBytes(rate)}/s`);
    if (progress.bytesExpected !== null)
      parts.push(`ETA ${about}${formatDuration(Math.max(0, progress.bytesExpected - progress.bytesDone) / rate)}`);
  }
  return parts.join(", ");
}

/** Queries done, what they scanned so far and the time elapsed: a long query still shows it is alive. */
export function describeInsightsProgress(progress: InsightsProgress, elapsedMs: number): string {
  return (
    `${progress.queriesCompleted}/${progress.queriesStarted} queries done, ` +
    `${progress.recordsScanned.toLocaleString("en-US")} records (${formatBytes(progress.bytesScanned)}) scanned, ` +
    `${formatDuration(elapsedMs / 1000)} elapsed`
  );
}

/** Redraws one line in place with `\r`, throttled. */
export class ProgressLine implements ProgressDisplay {
  private readonly startMs: number;
  private lastDrawMs = Number.NEGATIVE_INFINITY;
  /** The text of the latest state, given the time elapsed since the start. */
  private latest: ((elapsedMs: number) => string) | null = null;
  private drawnLatest = false;
  private drawnAny = false;

  constructor(private readonly options: ProgressLineOptions) {
    this.startMs = options.now();
  }

  update(progress: TransferProgress): void {
    this.show((elapsedMs) => describeProgress(progress, elapsedMs));
  }

  show(describe: (elapsedMs: number) => string): void {
    this.latest = describe;
    this.drawnLatest = false;
    const now = this.options.now();
    if (now - this.lastDrawMs >= (this.options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS)) this.draw(now);
  }

  finish(): void {
    if (this.latest !== null && !this.drawnLatest) this.draw(this.options.now());
    if (this.drawnAny) this.options.write("\n");
  }

  private draw(now: number): void {
    if (this.latest === null) return;
    this.options.write(`\r${this.options.label}: ${this.latest(now - this.startMs)}${CLEAR_TO_END_OF_LINE}`);
    this.lastDrawMs = now;
    this.drawnLatest = true;
    this.drawnAny = true;
  }
}
