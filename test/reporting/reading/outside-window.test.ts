import { expect } from "chai";
import { coveringWindow, emptySpan, emptyWindowHint, widen } from "../../../reporting/src/reading/outside-window";

const ms = (iso: string) => new Date(iso).getTime();
const WINDOW = { start: new Date("2026-12-01T00:00:00Z"), end: new Date("2026-12-02T00:00:00Z") };

describe("the empty-window hint", () => {
  it("covers the first and last instants with whole UTC days, the end exclusive", () => {
    expect(coveringWindow(ms("2026-11-10T23:59:59Z"), ms("2026-11-12T00:00:00Z"))).to.equal(
      "--start 2026-11-10 --end 2026-11-13",
    );
    expect(coveringWindow(ms("2026-11-10T00:00:00Z"), ms("2026-11-10T00:00:00Z"))).to.equal(
      "--start 2026-11-10 --end 2026-11-11",
    );
  });

  it("covers records and skipped folders together; a folder's end is exclusive", () => {
    const records = emptySpan();
    widen(records, ms("2026-11-20T05:00:00Z"));
    widen(records, ms("2026-11-19T05:00:00Z"));
    const folders = emptySpan();
    widen(folders, ms("2026-11-03T00:00:00Z"), ms("2026-11-04T00:00:00Z"));
    expect(emptyWindowHint(WINDOW, records, folders, "the files hold")).to.equal(
      "No records in the window 2026-12-01T00:00:00Z to 2026-12-02T00:00:00Z, but the files hold records from " +
        "2026-11-19T05:00:00Z to 2026-11-20T05:00:00Z and dated folders from 2026-11-03 to 2026-11-03: " +
        "--start 2026-11-03 --end 2026-11-21 covers them.",
    );
  });

  it("is null when nothing was seen outside the window", () => {
    expect(emptyWindowHint(WINDOW, emptySpan(), emptySpan(), "the files hold")).to.equal(null);
  });
});
