/** One thread of RecordParsePool: reads the objects it is sent, in order, into its own collector. */
import { parentPort, workerData } from "node:worker_threads";
import type { ParseReply, ParseTask, ParseWorkerData } from "./parse-pool";
import { RecordCollector, readRecordBytes, readRecordFile } from "./record-collector";

const port = parentPort;
if (port === null) throw new Error("parse-worker runs only as a worker thread of RecordParsePool");

const collector = new RecordCollector((workerData as ParseWorkerData).window);
let queue = Promise.resolve();

async function run(task: Exclude<ParseTask, { type: "finish" }>): Promise<ParseReply> {
  try {
    if (task.type === "file") await readRecordFile(task.path, task.gzipped, collector);
    else await readRecordBytes(task.bytes, task.gzipped, collector);
    return { type: "done", id: task.id };
  } catch (error) {
    return { type: "done", id: task.id, error: (error as Error).message };
  }
}

port.on("message", (task: ParseTask) => {
  queue = queue.then(async () => {
    if (task.type === "finish") {
      const partial = collector.partial();
      port.postMessage({ type: "partial", partial } satisfies ParseReply, [partial.latencies.values.buffer as ArrayBuffer, partial.latencies.counts.buffer as ArrayBuffer]);
    } else {
      port.postMessage(await run(task));
    }
  });
});
