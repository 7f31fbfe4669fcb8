import { expect } from "chai";
import { billFromCurRows } from "../../../reporting/src/sources/bill-files";

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
});
