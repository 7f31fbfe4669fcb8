import { expect } from "chai";
import fc from "fast-check";
import { compareRows, sortRows } from "../../../reporting/src/reading/record-collector";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { HOUR_MS } from "../../../reporting/src/kernel/time";

const row = fc.record({
  hourStartMs: fc.oneof(
    fc.integer({ min: 0, max: 40 }).map((hour) => hour * HOUR_MS),
    fc.integer({ min: -1e12, max: 1e12 }),
  ),
  modelId: fc.oneof(
    fc.constantFrom(
      "global.anthropic.claude-opus-4-7",
      "global.anthropic.claude-sonnet-4-5",
      "us.anthropic.claude-haiku-4-5",
      "",
    ),
    fc.string(),
  ),
  caller: fc.oneof(
    fc.constant(null),
    fc.constant(""),
    fc.constantFrom("arn:aws:iam::1:user/a", "(unknown)"),
    fc.string(),
  ),
  context: fc.constantFrom("standard" as const, "long" as const, "unknown" as const),
  // Rows split by request metadata (--group-by metadata:<key>) order by its values last.
  metadata: fc.option(fc.record({ team: fc.constantFrom("a", "b", ""), app: fc.string() }, { requiredKeys: [] }), {
    nil: undefined,
  }),
  invocations: fc.nat(),
  errors: fc.nat(),
  inputTokens: fc.nat(),
  outputTokens: fc.nat(),
  cacheReadInputTokens: fc.nat(),
  cacheWriteInputTokens: fc.nat(),
}) satisfies fc.Arbitrary<UsageRow>;

describe("record collector: sortRows", () => {
  it("orders rows exactly as sorting with compareRows does, duplicates and a null caller next to an empty one included", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const expected = [...rows].sort(compareRows);
        expect(sortRows([...rows])).to.deep.equal(expected);
        // The same objects, not copies.
        sortRows([...rows]).forEach((sorted, index) => expect(sorted).to.equal(expected[index]));
      }),
      { numRuns: 300 },
    );
  });

  it("orders rows that differ only in their request metadata by its values", () => {
    const base = {
      hourStartMs: 0,
      modelId: "anthropic.claude-sonnet-4-5",
      caller: null,
      context: "standard" as const,
      invocations: 1,
      errors: 0,
      inputTokens: 1,
      outputTokens: 1,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    };
    const rows: UsageRow[] = [
      { ...base, metadata: { team: "support" } },
      { ...base, metadata: {} },
      { ...base, metadata: { team: "analytics" } },
    ];
    expect(sortRows([...rows])).to.deep.equal([...rows].sort(compareRows));
    expect(sortRows([...rows]).map((row) => row.metadata?.team)).to.deep.equal(["analytics", "support", undefined]);
  });
});
