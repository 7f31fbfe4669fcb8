import { expect } from "chai";
import { runConcurrently } from "../../../reporting/src/sources/concurrency";

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Work that records how many run at once and finishes after a few turns of the event loop. */
function tracked(turns = 3) {
  const seen: number[] = [];
  let running = 0;
  let mostAtOnce = 0;
  const work = async (item: number): Promise<number[] | void> => {
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    for (let turn = 0; turn < turns; turn += 1) await tick();
    running -= 1;
    seen.push(item);
  };
  return { work, seen, mostAtOnce: () => mostAtOnce };
}

async function* slowly(items: number[]): AsyncGenerator<number> {
  for (const item of items) {
    await tick();
    yield item;
  }
}

describe("runConcurrently", () => {
  it("runs every item with every slot in use, and no more", async () => {
    const run = tracked();
    await runConcurrently([1, 2, 3, 4, 5, 6, 7], 3, run.work);
    expect([...run.seen].sort()).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect(run.mostAtOnce()).to.equal(3);
  });

  it("reads an async iterable as slots free up", async () => {
    const run = tracked(6);
    await runConcurrently(slowly([1, 2, 3, 4, 5]), 2, run.work);
    expect([...run.seen].sort()).to.deep.equal([1, 2, 3, 4, 5]);
    expect(run.mostAtOnce()).to.equal(2);
  });

  it("runs what the work hands back, in parallel with the rest", async () => {
    const run = tracked();
    let running = 0;
    let mostAtOnce = 0;
    await runConcurrently([10, 20], 4, async (item) => {
      running += 1;
      mostAtOnce = Math.max(mostAtOnce, running);
      await run.work(item);
      running -= 1;
      return item >= 10 ? [item / 10, item / 10 + 0.5] : [];
    });
    expect([...run.seen].sort((a, b) => a - b)).to.deep.equal([1, 1.5, 2, 2.5, 10, 20]);
    expect(mostAtOnce).to.equal(4);
  });

  it("on the first failure starts nothing more, tells onFailure once, rethrows once running work settles", async () => {
    const started: number[] = [];
    const failures: unknown[] = [];
    let settled = 0;
    const boom = new Error("item 2 failed");
    const error = await runConcurrently(
      [1, 2, 3, 4, 5, 6],
      2,
      async (item) => {
        started.push(item);
        await tick();
        if (item === 2 || item === 3) throw item === 2 ? boom : new Error("a later failure");
        await tick();
        settled += 1;
      },
      (failure) => failures.push(failure),
    ).catch((caught: unknown) => caught);
    expect(error).to.equal(boom);
    expect(failures).to.deep.equal([boom]);
    expect(started).to.deep.equal([1, 2]);
    expect(settled).to.equal(1);
  });

  it("treats a failure to read the items as a failure of the run", async () => {
    const listing = new Error("ListObjectsV2 failed");
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      throw listing;
    }
    const run = tracked();
    const failures: unknown[] = [];
    const onFailure = (failure: unknown) => failures.push(failure);
    const error = await runConcurrently(failing(), 4, run.work, onFailure).catch((caught) => caught);
    expect(error).to.equal(listing);
    expect(failures).to.deep.equal([listing]);
    expect(run.seen).to.deep.equal([1]);
  });
});
