import { expect } from "chai";
import { billAmountOf, MAX_BILL_LINE_USD } from "../../../reporting/src/model/bill";

describe("a bill line's amount", () => {
  it("reads decimal amounts, credits included", () => {
    expect(billAmountOf("12.345678")).to.equal(12.345678);
    expect(billAmountOf("-5")).to.equal(-5);
    expect(billAmountOf(" 0.0001 ")).to.equal(0.0001);
  });

  it("is no amount when missing, not a number, or too large to be one charge (it would sum to Infinity)", () => {
    for (const text of [undefined, null, "", "  ", "abc", "=cmd|calc", "NaN", "Infinity", "1e308", "-1e308"]) {
      expect(billAmountOf(text), String(text)).to.equal(null);
    }
    expect(billAmountOf(String(MAX_BILL_LINE_USD))).to.equal(MAX_BILL_LINE_USD);
  });
});
