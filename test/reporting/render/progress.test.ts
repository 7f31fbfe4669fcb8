import { expect } from "chai";
import {
  describeProgress,
  formatBytes,
  formatDuration,
  ProgressLine,
  type TransferProgress,
} from "../../../reporting/src/render/progress";

const progress = (done: number, expected: number | null, totalKnown = true): TransferProgress => ({
  objectsDone: done,
  bytesDone: done * 10_000,
  objectsExpected: expected,
  bytesExpected: expected === null ? null : expected * 10_000,
  totalKnown,
});

describe("progress display", () => {
  it("formats bytes in decimal units and durations as m:ss or h:mm:ss", () => {
    expect([0, 999, 1_000, 1_234_567, 5e12].map(formatBytes)).to.deep.equal([
      "0 B",
      "999 B",
      "1.0 KB",
      "1.2 MB",
      "5.0 TB",
    ]);
    expect([0, 9.4, 65, 3_600, 3_725].map(formatDuration)).to.deep.equal([
      "0:00",
      "0:09",
      "1:05",
      "1:00:00",
      "1:02:05",
    ]);
  });

  it("shows objects and bytes done of the total, the average rate and the time left at that rate", () => {
    expect(describeProgress(progress(300, 1_200), 3_000)).to.equal(
      "300/1200 objects, 3.0 MB/12.0 MB, 1.0 MB/s, ETA 0:09",
    );
  });

  it("marks extrapolated totals and ETA with ~, and shows no rate before any byte is done", () => {
    expect(describeProgress(progress(300, 1_200, false), 3_000)).to.equal(
      "300/~1200 objects, 3.0 MB/~12.0 MB, 1.0 MB/s, ETA ~0:09",
    );
    expect(describeProgress(progress(0, null, false), 0)).to.equal("0 objects, 0 B");
  });

  it("redraws one line in place at most every minIntervalMs, and finish draws the last state and ends the line", () => {
    let now = 1_000;
    const written: string[] = [];
    const line = new ProgressLine({
      write: (text) => written.push(text),
      now: () => now,
      label: "S3 archive",
      minIntervalMs: 200,
    });
    for (const [at, done] of [
      [1_000, 1],
      [1_050, 2],
      [1_150, 3],
      [1_250, 4],
      [1_300, 5],
    ]) {
      now = at;
      line.update(progress(done, 10));
    }
    line.finish();
    const clearToEndOfLine = `${String.fromCharCode(27)}[K`;
    expect(
      written.map((text) => (text.startsWith("\r") && text.endsWith(clearToEndOfLine)) || text === "\n"),
    ).to.not.include(false);
    expect(written.map((text) => text.match(/: (\d+)\//)?.[1] ?? text)).to.deep.equal(["1", "4", "5", "\n"]);
    expect(written[0]).to.match(/^\rS3 archive: 1\/10 objects/);
  });

  it("writes nothing at all when nothing was reported", () => {
    const written: string[] = [];
    new ProgressLine({ write: (text) => written.push(text), now: () => 0, label: "S3 archive" }).finish();
    expect(written).to.deep.equal([]);
  });
});
