import { expect } from "chai";
import { DAY_MS, daysInMonth, floorTo, HOUR_MS, MINUTE_MS } from "../../../reporting/src/kernel/time";

describe("time helpers", () => {
  it("floor to the UTC minute, hour and day, before 1970 too", () => {
    const at = Date.parse("2026-11-20T10:31:02.500Z");
    expect(new Date(floorTo(at, MINUTE_MS)).toISOString()).to.equal("2026-11-20T10:31:00.000Z");
    expect(new Date(floorTo(at, HOUR_MS)).toISOString()).to.equal("2026-11-20T10:00:00.000Z");
    expect(new Date(floorTo(at, DAY_MS)).toISOString()).to.equal("2026-11-20T00:00:00.000Z");
    const before1970 = Date.parse("1969-12-31T23:59:59Z");
    expect(new Date(floorTo(before1970, HOUR_MS)).toISOString()).to.equal("1969-12-31T23:00:00.000Z");
  });

  it("count the days of a month by the Gregorian leap-year rule", () => {
    expect([2024, 2026, 1900, 2000].map((year) => daysInMonth(year, 2))).to.deep.equal([29, 28, 28, 29]);
    const months = [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    expect(months.map((month) => daysInMonth(2026, month))).to.deep.equal([31, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
  });
});
