/**
 * Worker threads that gunzip and parse log objects (as many as asked for;
 * PoolForLargeReads asks for one fewer than the cores and reads in the
 * calling thread too): gunzip and the JSON scan are CPU work, and a report
 * over an archive is mostly that.
 * Each worker keeps its own RecordCollector over everything it is given and
 * hands it back once, at the end, to be merged; only paths or object bytes
 * cross threads on the way in, so memory does not grow with the archive.
 *
 * Any source of log records can use it: give it files (readFile) or bytes
 * already in memory, e.g. S3 object bodies (readBytes), a bounded number at
 * a time (PoolForLargeReads.capacity keeps every worker busy), then finish().
 * PoolForLargeReads starts one only once a read turns out large, with a
 * worker fewer than the cores: its caller reads objects too.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ReportWindow } from "../model/usage";
import type { PartialAggregate, RecordCollector } from "./record-collector";

/** Work for one worker, answered by a ParseReply with the same id (or, for `finish`, a partial aggregate). */
export type ParseTask =
  | { type: "start"; window: ReportWindow; maxLineBytes?: number }
  | { type: "file"; id: number; path: string }
  | { type: "bytes"; id: number; bytes: Uint8Array }
  | { type: "finish" };

/** Tasks finished since the last reply (one message for many small objects), or, after `finish`, everything the worker collected. */
export type ParseReply = { type: "done"; tasks: TaskOutcome[] } | { type: "partial"; partial: PartialAggregate };

/** How one object went; a failure keeps its message and its code (zlib's `Z_...`), which callers tell apart. */
export interface TaskOutcome {
  id: number;
  error?: { message: string; code?: string };
}

interface Pending {
  resolve(): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  inFlight: Set<number>;
  partial: Promise<PartialAggregate>;
}

/**
 * A small young generation: a worker's garbage is short-lived (one record's
 * facts at a time), so scavenges stay cheap, and a 4 MB young generation
 * instead of V8's default took ~50 MB off the report's peak RSS at no cost in
 * time (measured on the benchmark archive).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 4 };

/** The worker's entry point: compiled JavaScript next to this file, or TypeScript through tsx when the report runs from its sources (tests). */
function startWorker(): Worker {
  if (__filename.endsWith(".ts")) {
    const script = `require("tsx/cjs"); require(${JSON.stringify(join(__dirname, "parse-worker.ts"))});`;
    return new Worker(script, { eval: true, resourceLimits: WORKER_LIMITS });
  }
  return new Worker(join(__dirname, "parse-worker.js"), { resourceLimits: WORKER_LIMITS });
}

/** Workers started by prestartParseWorkers and not yet taken by a pool, with the listener that drops one that dies meanwhile. */
const spareWorkers: Array<{ worker: Worker; dropped(): void }> = [];

/**
 * Starts the workers a PoolForLargeReads would use, before the report even
 * knows it reads a large folder: a worker takes ~70 ms to start (Node's own
 * bootstrap in the new thread), and started first thing, that overlaps the
 * main thread loading the CLI's modules instead of the start of the read.
 * Workers no pool takes are unreferenced and end with the process.
 */
export function prestartParseWorkers(count = availableParallelism() - 1): void {
  for (let started = 0; started < count; started += 1) {
    const worker = startWorker();
    worker.unref();
    const spare = {
      worker,
      dropped: () => {
        spareWorkers.splice(spareWorkers.indexOf(spare), 1);
      },
    };
    // A spare that fails before any pool takes it is only dropped; the pool starts a fresh one instead.
    worker.on("error", spare.dropped);
    worker.on("exit", spare.dropped);
    spareWorkers.push(spare);
  }
}

/** A prestarted worker if one is left, else a new one. */
function takeWorker(): Worker {
  const spare = spareWorkers.shift();
  if (spare === undefined) return startWorker();
  spare.worker.off("error", spare.dropped);
  spare.worker.off("exit", spare.dropped);
  spare.worker.ref();
  return spare.worker;
}

export class RecordParsePool {
  private readonly workers: PoolWorker[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  constructor(
    window: ReportWindow,
    readonly threads = availableParallelism(),
    maxLineBytes?: number,
  ) {
    this.workers = Array.from({ length: threads }, () => this.spawn(window, maxLineBytes));
  }

  /** Reads a file of log records (gzipped or not) into the pool's records; rejects, like readRecordFile, if it cannot be read. */
  readFile(path: string): Promise<void> {
    return this.submit((id) => ({ type: "file", id, path }));
  }

  /**
   * The same for an object already in memory, e.g. an S3 object body; a
   * failure carries the stream's message and code. Bytes that own their whole
   * buffer are moved to the worker, not copied: do not use them afterwards.
   */
  readBytes(bytes: Uint8Array): Promise<void> {
    const owned =
      bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer;
    return this.submit((id) => ({ type: "bytes", id, bytes }), owned ? [bytes.buffer as ArrayBuffer] : []);
  }

  /** Waits for every submitted object, adds what the workers collected to `collector`, and stops them. */
  async finish(collector: RecordCollector): Promise<void> {
    try {
      for (const { worker } of this.workers) worker.postMessage({ type: "finish" } satisfies ParseTask);
      await Promise.all(this.workers.map(async (entry) => collector.merge(await entry.partial)));
    } finally {
      // A thread takes tens of milliseconds to wind down; the report need not wait for that.
      void this.close();
    }
  }

  /** Stops the workers (without collecting anything, after a failure that ends the report); they no longer keep the process alive. */
  async close(): Promise<void> {
    for (const { worker } of this.workers) worker.unref();
    await Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }

  private submit(task: (id: number) => ParseTask, transfer: ArrayBuffer[] = []): Promise<void> {
    const id = this.nextId++;
    const target = this.workers.reduce((least, entry) => (entry.inFlight.size < least.inFlight.size ? entry : least));
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      target.inFlight.add(id);
      target.worker.postMessage(task(id), transfer);
    });
  }

  private spawn(window: ReportWindow, maxLineBytes: number | undefined): PoolWorker {
    const worker = takeWorker();
    worker.postMessage({ type: "start", window, maxLineBytes } satisfies ParseTask);
    const inFlight = new Set<number>();
    const partial = new Promise<PartialAggregate>((resolve, reject) => {
      worker.on("message", (reply: ParseReply) => {
        if (reply.type === "partial") {
          resolve(reply.partial);
          return;
        }
        for (const { id, error } of reply.tasks) {
          inFlight.delete(id);
          const pending = this.pending.get(id);
          this.pending.delete(id);
          if (error === undefined) pending?.resolve();
          else
            pending?.reject(
              Object.assign(new Error(error.message), error.code === undefined ? {} : { code: error.code }),
            );
        }
      });
      // A worker that dies takes its objects with it: fail them all rather than wait forever.
      const fail = (error: Error) => {
        for (const id of inFlight) {
          this.pending.get(id)?.reject(error);
          this.pending.delete(id);
        }
        inFlight.clear();
        reject(error);
      };
      worker.on("error", fail);
      worker.on("exit", (code) => fail(new Error(`log parsing worker stopped (exit code ${code})`)));
    });
    // finish() is the one place that waits for it; until then a failure shows on the objects themselves.
    partial.catch(() => undefined);
    return { worker, inFlight, partial };
  }
}

/**
 * Until this many bytes are read, objects are read in the calling thread:
 * starting workers costs more than it saves on a small read. Past it, the
 * rest goes to a RecordParsePool.
 */
const INLINE_READ_BYTES = 1024 * 1024;

/**
 * Objects queued on each worker. The calling thread reads objects itself
 * whenever every worker has this many, so a short queue means the workers
 * and the caller finish close together; 16 objects of the S3 layout are
 * ~15 ms of a worker's time, ample to cover the caller reading one.
 */
const QUEUE_PER_WORKER = 16;

export interface PoolForLargeReadsOptions {
  /** Bytes read in the calling thread before any worker starts (default 1 MiB). */
  inlineBytes?: number;
  /** Objects queued per worker before the caller reads the next one itself (default 16). */
  queuePerWorker?: number;
  /** The workers' line limit (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
}

/**
 * A RecordParsePool for reads that turn out large: none for the first
 * `inlineBytes`, started when half of them are read so it is ready in time.
 * Its workers are one fewer than the cores, because the caller reads objects
 * too (see capacity): a parse pool as large as the cores left the caller's
 * thread idle, or competing for a core with two parsers when it walked the
 * folders, and cost one more worker start-up and one more merge.
 */
export class PoolForLargeReads {
  private pool: RecordParsePool | null = null;
  private inlineBytesLeft: number;
  private readonly inlineBytes: number;
  private readonly queuePerWorker: number;
  private readonly maxLineBytes: number | undefined;
  private readonly workers = availableParallelism() - 1;

  constructor(
    private readonly window: ReportWindow,
    options: PoolForLargeReadsOptions = {},
  ) {
    this.inlineBytes = options.inlineBytes ?? INLINE_READ_BYTES;
    this.queuePerWorker = options.queuePerWorker ?? QUEUE_PER_WORKER;
    this.maxLineBytes = options.maxLineBytes;
    this.inlineBytesLeft = this.inlineBytes;
  }

  /**
   * Where to read the next object: on the pool, or (null) in this thread.
   * `sizeOf` is asked only while objects are still read here: past that the
   * size no longer matters, and for files it costs a stat each, in the thread
   * that shares the cores with the workers.
   */
  poolFor(sizeOf: () => number): RecordParsePool | null {
    if (this.inlineBytesLeft < 0 || this.workers < 1) return this.pool;
    // Workers already started (prestartParseWorkers) cost nothing more to use: they take files from the first.
    if (this.pool === null && spareWorkers.length > 0) this.inlineBytesLeft = 0;
    this.inlineBytesLeft -= sizeOf();
    if (this.pool === null && this.inlineBytesLeft < this.inlineBytes / 2)
      this.pool = new RecordParsePool(this.window, this.workers, this.maxLineBytes);
    return this.inlineBytesLeft < 0 ? this.pool : null;
  }

  /** Objects in flight that keep every worker busy (none when nothing went to the pool); past it, the caller reads the next object itself. */
  get capacity(): number {
    return (this.pool?.threads ?? 0) * this.queuePerWorker;
  }

  /** Merges what the workers read into the collector (after every object has settled). */
  async finish(collector: RecordCollector): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.finish(collector);
  }

  /** Stops the workers after a failure that ends the read. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}
