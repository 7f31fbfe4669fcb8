import { expect } from "chai";
import { parseBenchArgs } from "../../bench/run";
import { parseGenLogsArgs } from "../../scripts/gen-logs";
import { ScriptUsageError } from "../../scripts/option-checks";

/** yargs may throw while parsing, before it returns a promise, so the parse runs inside the try. */
async function usageError(parse: () => Promise<unknown>): Promise<string> {
  try {
    await parse();
  } catch (error) {
    expect(error).to.be.instanceOf(ScriptUsageError);
    return (error as Error).message;
  }
  throw new Error("expected the arguments to be refused");
}

describe("developer script options", () => {
  describe("gen:logs", () => {
    it("takes sizes and a seed", async () => {
      const args = await parseGenLogsArgs(["--out", "/tmp/x", "--hours", "24", "--rate", "2.5", "--body-bytes", "3600"]);
      expect(args).to.include({ hours: 24, rate: 2.5, bodyBytes: 3600 });
    });

    it("refuses counts that are zero, negative, fractional or not numbers, naming the option", async () => {
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--hours", "-3"]))).to.equal("--hours -3: must be a whole number greater than 0");
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--rate", "0"]))).to.equal("--rate 0: must be a number greater than 0");
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--body-bytes", "abc"]))).to.equal("--body-bytes NaN: must be a whole number greater than 0");
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--records-per-object", "2.5"]))).to.match(/^--records-per-object 2.5:/);
    });

    it("refuses an --end that is not a date, and a missing --out", async () => {
      expect(await usageError(() => parseGenLogsArgs(["--out", "/tmp/x", "--end", "yesterday"]))).to.match(/^--end yesterday: is not an ISO-8601 date/);
      expect(await usageError(() => parseGenLogsArgs([]))).to.match(/out/);
    });
  });

  describe("bench", () => {
    it("takes a scale and a number of runs", async () => {
      expect(await parseBenchArgs(["--scale", "10", "--runs", "5"])).to.include({ scale: 10, runs: 5 });
    });

    it("refuses a scale or a run count that is not a whole number above zero", async () => {
      expect(await usageError(() => parseBenchArgs(["--scale", "0"]))).to.equal("--scale 0: must be a whole number greater than 0");
      expect(await usageError(() => parseBenchArgs(["--runs", "abc"]))).to.equal("--runs NaN: must be a whole number greater than 0");
      expect(await usageError(() => parseBenchArgs(["--sacle", "2"]))).to.match(/sacle/);
    });
  });
});
