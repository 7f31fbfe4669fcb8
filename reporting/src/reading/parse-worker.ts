/** One thread of RecordParsePool: reads the objects it is sent, in order, into its own collector. */
import { parentPort } from "node:worker_threads";
import type { ParseReply, ParseTask, TaskOutcome } from "./parse-pool";
import { columnBuffers } from "../model/usage-rows";
import { RecordCollector } from "./record-collector";
import { readRecordBytes, readRecordFile, type ReadRecordOptions } from "./record-input";

const port = parentPort;
if (port === null) throw new Error("parse-worker runs only as a worker thread of RecordParsePool");

/** Made by the pool's first message, which carries the report window: a worker may start before the window is known (prestartParseWorkers). */
let collector: RecordCollector | null = null;
let readOptions: ReadRecordOptions = {};

function started(): RecordCollector {
  if (collector === null) throw new Error("parse-worker: a task arrived before the report window");
  return collector;
}
let queue = Promise.resolve();
let finished: TaskOutcome[] = [];
/** Objects received and not yet read. */
let queued = 0;

/**
 * Replies carry this many outcomes at most: each postMessage cost ~50 µs of
 * the worker's time (measured, --cpu-prof), so one per object added up to
 * ~60 ms a worker on the benchmark archive. The pool keeps up to 16 objects
 * queued per worker, so a reply every 4 lets it top the queue up long
 * before it runs dry.
 */
const REPLY_BATCH = 4;

async function run(task: Extract<ParseTask, { type: "file" | "bytes" }>): Promise<void> {
  try {
    if (task.type === "file") await readRecordFile(task.path, started(), readOptions);
    else await readRecordBytes(task.bytes, started(), readOptions);
    finished.push({ id: task.id });
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    finished.push({ id: task.id, error: { message, code } });
  }
  queued -= 1;
  // Reply once a batch is full, or when nothing else is waiting: the pool then needs to hear, to send more or to finish.
  if (finished.length >= REPLY_BATCH || queued === 0) reply();
}

function reply(): void {
  port?.postMessage({ type: "done", tasks: finished } satisfies ParseReply);
  finished = [];
}

port.on("message", (task: ParseTask) => {
  if (task.type === "start") {
    collector = new RecordCollector(task.window);
    readOptions = { maxLineBytes: task.maxLineBytes };
    return;
  }
  if (task.type !== "finish") queued += 1;
  queue = queue.then(async () => {
    if (task.type !== "finish") {
      await run(task);
      return;
    }
    if (finished.length > 0) reply();
    const partial = started().partial();
    port.postMessage({ type: "partial", partial } satisfies ParseReply, [
      ...columnBuffers(partial.rows),
      partial.latencies.whole.buffer as ArrayBuffer,
      partial.latencies.values.buffer as ArrayBuffer,
      partial.latencies.counts.buffer as ArrayBuffer,
    ]);
  });
});
