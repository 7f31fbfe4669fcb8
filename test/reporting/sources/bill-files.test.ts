import { mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { expect } from "chai";
import { UsageError } from "../../../reporting/src/kernel/errors";
import { billFromCurRows, MAX_BILL_BYTES, readBillFile } from "../../../reporting/src/sources/bill-files";

const COLUMNS = ["line_item_usage_type", "line_item_unblended_cost", "line_item_usage_start_date"];

describe("CUR rows as bill lines", () => {
  it("counts a row with an absurd or non-numeric cost as unreadable instead of billing it", () => {
    const row = (cost: string) => ({
      line_item_usage_type: "USE1-Claude4.5Sonnet-input-tokens",
      line_item_unblended_cost: cost,
      line_item_usage_start_date: "2026-11-14T00:00:00Z",
    });
    const bill = billFromCurRows([row("1.25"), row("1e308"), row("=1+1"), row("")], COLUMNS, "cur.csv");
    expect(bill.lines.map((line) => line.costUsd)).to.deep.equal([1.25]);
    expect(bill.unreadableRows).to.equal(3);
  });

  it("refuses a bill file, or a gzip one once inflated, beyond MAX_BILL_BYTES, before holding it in memory", async () => {
    const folder = await mkdtemp(join(tmpdir(), "bill-"));
    try {
      const big = join(folder, "big.csv");
      await writeFile(big, "");
      await truncate(big, MAX_BILL_BYTES + 1);
      const bomb = join(folder, "bomb.csv.gz");
      await writeFile(bomb, gzipSync(Buffer.alloc(MAX_BILL_BYTES + 1, 0x61)));
      for (const path of [big, bomb]) {
        const error = await readBillFile(path).catch((caught: unknown) => caught);
        expect(error, path).to.be.instanceOf(UsageError);
        expect((error as Error).message).to.match(/--bill .*: more than 128 MiB; export Bedrock's rows only/);
      }
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
