/** One thread of RecordParsePool: reads the objects it is sent, in order, into its own collector. */
import { parentPort, workerData } from "node:worker_threads";
import type { ParseReply, ParseTask, ParseWorkerData, TaskOutcome } from "./parse-pool";
import { RecordCollector, readRecordBytes, readRecordFile } from "./record-collector";

const port = parentPort;
if (port === null) throw new Error("parse-worker runs only as a worker thread of RecordParsePool");

const collector = new RecordCollector((workerData as ParseWorkerData).window);
let queue = Promise.resolve();
let finished: TaskOutcome[] = [];

async function run(task: Exclude<ParseTask, { type: "finish" }>): Promise<void> {
  try {
    if (task.type === "file") await readRecordFile(task.path, task.gzipped, collector);
    else await readRecordBytes(task.bytes, task.gzipped, collector);
    finished.push({ id: task.id });
  } catch (error) {
    const { message, code } = error as NodeJS.ErrnoException;
    finished.push({ id: task.id, error: { message, code } });
  }
  // Objects arrive several to a message batch; one reply once the batch is done costs less than one per object.
  if (finished.length === 1) setImmediate(reply);
}

function reply(): void {
  port?.postMessage({ type: "done", tasks: finished } satisfies ParseReply);
  finished = [];
}

port.on("message", (task: ParseTask) => {
  queue = queue.then(async () => {
    if (task.type !== "finish") {
      await run(task);
      return;
    }
    if (finished.length > 0) reply();
    const partial = collector.partial();
    port.postMessage({ type: "partial", partial } satisfies ParseReply, [partial.latencies.values.buffer as ArrayBuffer, partial.latencies.counts.buffer as ArrayBuffer]);
  });
});
