/**
 * The offline source (`--logs <path>`): invocation log records from local
 * files or folders, e.g. a copy of the S3 archive
 * (`AWSLogs/<acct>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/*.json.gz`),
 * a CloudWatch Logs export, or records saved from the console or the CLI.
 * Every file is read by its content, whatever its name (record-formats.ts);
 * LogTree says which files. Large reads go to worker threads (RecordParsePool).
 */
import { statSync } from "node:fs";
import { OperationalError } from "../kernel/errors";
import type { ReportWindow } from "../model/usage";
import type { SourceResult } from "./contract";
import { LogTree, type LogFile } from "../reading/log-tree";
import { PoolForLargeReads, type PoolForLargeReadsOptions, type RecordParsePool } from "../reading/parse-pool";
import { RecordCollector } from "../reading/record-collector";
import { NO_LOG_RECORDS, OVERSIZED_LINES, readRecordFile, type ReadRecordOptions } from "../reading/record-input";

/**
 * Names under which a file that holds no log records is reported as
 * unreadable (the report is then incomplete): whoever put it there meant it
 * as logs. Any other file without records (a README, `.DS_Store`) is only
 * counted as `unsupportedFile`.
 */
const LOG_FILE_NAME = /\.(jsonl?|ndjson|log|gz)$/i;

/** The main thread yields to the event loop at least this often, so Ctrl-C is heard while it reads files itself. */
const MAX_BUSY_MS = 50;

/** Reads the files LogTree finds, first in this thread, then on worker threads and this one; failures are noted in file order. */
class LogFileReader {
  private readonly parsing: PoolForLargeReads;
  /** Files handed to the pool and not settled yet. */
  private inFlight = 0;
  /**
   * The one caller waiting for a file to settle (read() for a free slot, or
   * finish() for the last): a counter and one callback instead of
   * Promise.race over every file in flight, whose reactions per file were
   * garbage in the thread that feeds the workers.
   */
  private settled: (() => void) | null = null;
  private readonly failures: Array<{ index: number; file: LogFile; error: NodeJS.ErrnoException; root: boolean }> = [];
  private files = 0;
  private lastYieldMs = performance.now();

  constructor(
    private readonly collector: RecordCollector,
    window: ReportWindow,
    options: PoolForLargeReadsOptions,
    private readonly readOptions: ReadRecordOptions,
  ) {
    this.parsing = new PoolForLargeReads(window, options);
  }

  get fileCount(): number {
    return this.files;
  }

  /** `root`: the file was given as a `--logs` path itself. */
  async read(file: LogFile, root: boolean): Promise<void> {
    const index = this.files++;
    const fail = (error: NodeJS.ErrnoException) => {
      this.failures.push({ index, file, error, root });
    };
    let pool: RecordParsePool | null;
    try {
      pool = this.parsing.poolFor(() => statSync(file.path).size);
      // Every worker has work queued: reading this file here beats waiting for one to finish.
      if (pool === null || this.inFlight >= this.parsing.capacity) {
        await readRecordFile(file.path, this.collector, this.readOptions).catch(fail);
        // The walk yields files without a turn of the event loop; the workers' replies, and Ctrl-C, must get in.
        if (pool !== null || performance.now() - this.lastYieldMs > MAX_BUSY_MS) {
          await new Promise(setImmediate);
          this.lastYieldMs = performance.now();
        }
        return;
      }
    } catch (error) {
      fail(error as NodeJS.ErrnoException);
      return;
    }
    this.inFlight += 1;
    void pool
      .readFile(file.path)
      .catch(fail)
      .finally(() => {
        this.inFlight -= 1;
        const wake = this.settled;
        this.settled = null;
        wake?.();
      });
  }

  private nextSettled(): Promise<void> {
    return new Promise((resolve) => (this.settled = resolve));
  }

  /** Waits for the workers, merges what they read and notes the files that could not be read (in full). */
  async finish(): Promise<void> {
    while (this.inFlight > 0) await this.nextSettled();
    await this.parsing.finish(this.collector);
    this.failures.sort((a, b) => a.index - b.index);
    for (const failure of this.failures) this.noteFailure(failure);
  }

  private noteFailure({ file, error, root }: { file: LogFile; error: NodeJS.ErrnoException; root: boolean }): void {
    if (error.code === OVERSIZED_LINES) {
      this.collector.markIncomplete(
        `Could not read all of ${file.shown} (${error.message}); records on those lines are missing from this report.`,
      );
      return;
    }
    if (error.code === NO_LOG_RECORDS && !root && !LOG_FILE_NAME.test(file.path)) {
      this.collector.skip("unsupportedFile");
      return;
    }
    this.collector.skip("unreadableFile");
    this.collector.markIncomplete(
      `Could not read ${file.shown} (${error.message}); its records are missing from this report.`,
    );
  }

  /** Stops the workers after a failure that ends the report, or Ctrl-C. */
  async close(): Promise<void> {
    await this.parsing.close();
    // Files in flight on the stopped workers fail now; nobody waits for them any more.
    this.settled?.();
  }
}

export interface ReadLogFilesOptions extends ReadRecordOptions {
  paths: string[];
  window: ReportWindow;
  /** Bytes of files read in this thread before worker threads start (default 1 MiB; 0: workers from the first file). */
  inlineBytes?: number;
  /** Files queued per worker before this thread reads the next one itself (default 16; a test's 1 makes this thread read most). */
  queuePerWorker?: number;
}

function interrupted(): OperationalError {
  return new OperationalError("Interrupted: reading the log files stopped and no report was produced.");
}

/**
 * Reads every record under the given paths; records outside the window,
 * bodies, broken lines and files that cannot be read are counted, not fatal.
 * A root that cannot be read rejects with a UsageError; the signal (Ctrl-C)
 * stops the read, its workers too, and rejects: no partial report.
 */
export async function readLogFiles(options: ReadLogFilesOptions): Promise<SourceResult> {
  const { signal } = options;
  const collector = new RecordCollector(options.window);
  const readOptions = { maxLineBytes: options.maxLineBytes, signal };
  const poolOptions = {
    inlineBytes: options.inlineBytes,
    queuePerWorker: options.queuePerWorker,
    maxLineBytes: options.maxLineBytes,
  };
  const reader = new LogFileReader(collector, options.window, poolOptions, readOptions);
  const tree = new LogTree(collector, options.window);
  const stop = () => void reader.close();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (const root of options.paths) {
      for (const file of tree.files(root)) {
        if (signal?.aborted) throw interrupted();
        await reader.read(file, file.path === root);
      }
    }
    await reader.finish();
    if (signal?.aborted) throw interrupted();
  } catch (error) {
    // Stopped workers fail their files and their share of the totals: after Ctrl-C that is no failure to report.
    throw signal?.aborted ? interrupted() : error;
  } finally {
    signal?.removeEventListener("abort", stop);
    await reader.close();
  }
  tree.finish();
  collector.note(
    `Read ${collector.recordsUsed} records in the window from ${reader.fileCount} file(s) under ${options.paths.join(", ")}.`,
  );
  const hint = collector.emptyWindowHint("the files hold");
  if (hint) collector.note(hint);
  return { ...collector.result(), ...(hint && { emptyWindowHint: hint }) };
}
