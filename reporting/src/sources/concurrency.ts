/**
 * Bounded concurrency for the sources' network work (S3 downloads, Logs
 * Insights queries): one helper, so every source fills its slots and stops
 * on a failure the same way.
 */

/**
 * Runs `work` on each item with at most `limit` running at once. Items come
 * from `items`, an array or an async iterable read one item at a time as slots
 * free up, and from what `work` returns (a query cut in two, say), which run
 * before further items. The first failure, of `work` or of reading `items`,
 * starts nothing more, is passed to `onFailure` (to abort what is running)
 * and is rethrown once everything running has settled.
 */
export async function runConcurrently<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  work: (item: T) => Promise<readonly T[] | void>,
  onFailure: (error: unknown) => void = () => undefined,
): Promise<void> {
  const source: Iterator<T> | AsyncIterator<T> =
    Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const slots = Math.max(1, limit);
  const queued: T[] = [];
  const running = new Set<Promise<void>>();
  let sourceDone = false;
  let failure: { error: unknown } | undefined;
  const fail = (error: unknown) => {
    if (failure !== undefined) return;
    failure = { error };
    onFailure(error);
  };
  const start = (item: T) => {
    const task: Promise<void> = work(item)
      .then((more) => void (more && queued.push(...more)), fail)
      .finally(() => running.delete(task));
    running.add(task);
  };

  while (failure === undefined) {
    while (failure === undefined && running.size < slots) {
      if (queued.length > 0) {
        start(queued.shift() as T);
        continue;
      }
      if (sourceDone) break;
      let next: IteratorResult<T>;
      try {
        next = await source.next();
      } catch (error) {
        fail(error);
        break;
      }
      if (next.done) sourceDone = true;
      else start(next.value);
    }
    if (running.size === 0) break;
    await Promise.race(running);
  }
  await Promise.all(running);
  if (failure !== undefined) throw failure.error;
}
