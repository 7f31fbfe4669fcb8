import { expect } from "chai";
import { parseBenchArgs } from "../../bench/run";
import { generateLogObjects, generateOptions, parseGenLogsArgs } from "../../scripts/gen-logs";
import { requireFitsInMemory } from "../../scripts/gen-logs-checks";
import { UsageError } from "../../reporting/src/kernel/errors";

/** yargs may throw while parsing, before it returns a promise, so the parse runs inside the try. */
async function usageError(parse: () => Promise<unknown>): Promise<string> {
  try {
    await parse();
  } catch (error) {
    expect(error).to.be.instanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error("expected the arguments to be refused");
}

describe("developer script options", () => {
  describe("gen:logs", () => {
    it("takes sizes and a seed", async () => {
      const args = await parseGenLogsArgs([
        "--out",
        "/tmp/x",
        "--hours",
        "24",
        "--rate",
        "2.5",
        "--body-bytes",
        "3600",
      ]);
      expect(args).to.include({ hours: 24, rate: 2.5, bodyBytes: 3600 });
    });

    it("refuses counts that are zero, negative, fractional or not numbers, naming the option", async () => {
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--hours", "-3"]))).to.equal(
        "--hours -3: must be a whole number greater than 0",
      );
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--rate", "0"]))).to.equal(
        "--rate 0: must be a number greater than 0",
      );
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--body-bytes", "abc"]))).to.equal(
        "--body-bytes: not a number; must be a whole number greater than 0",
      );
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--records-per-object", "2.5"]))).to.match(
        /^--records-per-object 2.5:/,
      );
    });

    it("refuses an --end that is not a date, and a missing --out", async () => {
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--end", "yesterday"]))).to.match(
        /^--end yesterday: not an ISO-8601 date or time/,
      );
      expect(await usageError(() => parseGenLogsArgs([]))).to.match(/out/);
    });

    it("reads --end as the report does: ISO-8601 only, UTC without a zone, no impossible dates", async () => {
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--end", "Nov 20 2026"]))).to.match(
        /^--end Nov 20 2026: not an ISO-8601 date or time/,
      );
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--end", "2026-02-30T00:00:00Z"]))).to.match(
        /^--end 2026-02-30T00:00:00Z: February 2026 has no day 30/,
      );
      const saved = process.env.TZ;
      process.env.TZ = "America/Los_Angeles";
      try {
        const options = generateOptions(
          await parseGenLogsArgs(["--out", "/tmp/x", "--end", "2026-11-20T00:00", "--hours", "2", "--rate", "1"]),
        );
        expect(options.end.toISOString()).to.equal("2026-11-20T00:00:00.000Z");
        const hours = [...generateLogObjects(options)].map((object) => object.key.split("/").slice(-5, -1).join("/"));
        expect(hours).to.deep.equal(["2026/11/19/22", "2026/11/19/23"]);
      } finally {
        if (saved === undefined) delete process.env.TZ;
        else process.env.TZ = saved;
      }
    });

    it("refuses a period longer than a report reads, and sizes that would not fit in memory", async () => {
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--hours", "1000000000"]))).to.equal(
        "--hours 1000000000: at most 87,672 (3,653 days), the longest window a report reads",
      );
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--rate", "1e9"]))).to.match(
        /^--rate 1000000000: the busiest hour would take about .* MB of memory, more than half of Node's heap limit/,
      );
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--body-bytes", "1000000000"]))).to.match(
        /^--rate 12 with --body-bytes 1000000000: the busiest hour would take/,
      );
    });

    it("judges memory against the heap limit it is given, and an object's text against the longest string", () => {
      expect(requireFitsInMemory({ rate: 100, bodyBytes: 3600 }, 4e9)).to.equal(true);
      expect(() => requireFitsInMemory({ rate: 100, bodyBytes: 3600 }, 1e6)).to.throw(
        UsageError,
        /more than half of Node's heap limit \(1 MB\)/,
      );
      expect(() => requireFitsInMemory({ rate: 1000, bodyBytes: 300_000 }, 1e12)).to.throw(
        UsageError,
        /one object would be about .* characters, more than a JavaScript string holds/,
      );
      expect(requireFitsInMemory({ rate: 1000, bodyBytes: 300_000, recordsPerObject: 50 }, 1e12)).to.equal(true);
    });
  });

  describe("bench", () => {
    it("takes a scale and a number of runs", async () => {
      expect(await parseBenchArgs(["--scale", "10", "--runs", "5"])).to.include({ scale: 10, runs: 5 });
    });

    it("refuses a scale or a run count that is not a whole number above zero", async () => {
      expect(await usageError(() => parseBenchArgs(["--scale", "0"]))).to.equal(
        "--scale 0: must be a whole number greater than 0",
      );
      expect(await usageError(() => parseBenchArgs(["--runs", "abc"]))).to.equal(
        "--runs: not a number; must be a whole number greater than 0",
      );
      expect(await usageError(() => parseBenchArgs(["--sacle", "2"]))).to.match(/sacle/);
    });

    it("takes start-up rounds, and a start-up-only run", async () => {
      expect(await parseBenchArgs([])).to.include({ startupRuns: 20, startupOnly: false, startup: true });
      expect(await parseBenchArgs(["--no-startup"])).to.include({ startup: false });
      expect(await parseBenchArgs(["--startup-runs", "50", "--startup-only"])).to.include({
        startupRuns: 50,
        startupOnly: true,
      });
      expect(await usageError(() => parseBenchArgs(["--startup-runs", "0"]))).to.equal(
        "--startup-runs 0: must be a whole number greater than 0",
      );
    });
  });
});
