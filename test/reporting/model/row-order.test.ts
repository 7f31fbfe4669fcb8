import { expect } from "chai";
import fc from "fast-check";
import { compareRows } from "../../../reporting/src/model/row-order";
import { UsageRowBuilder } from "../../../reporting/src/model/usage-rows";
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

function builderOf(rows: UsageRow[]): UsageRowBuilder {
  const builder = new UsageRowBuilder();
  for (const each of rows) builder.addRow(each);
  return builder;
}

describe("row order: UsageRowBuilder.sortedRows", () => {
  it("orders rows exactly as a stable sort with compareRows does, a null caller next to an empty one included", () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 60 }), (rows) => {
        const builder = builderOf(rows);
        expect(builder.sortedRows()).to.deep.equal(builder.rows().sort(compareRows));
      }),
      { numRuns: 300 },
    );
  });

  it("orders rows of few distinct hours and series (as the log readers make them) as compareRows does", () => {
    const few = row.chain((base) =>
      fc.record({
        ...Object.fromEntries(Object.entries(base).map(([key, value]) => [key, fc.constant(value)])),
        hourStartMs: fc.integer({ min: 0, max: 5 }).map((hour) => hour * HOUR_MS),
        modelId: fc.constantFrom("b.model", "a.model", "a.model-2"),
        caller: fc.constantFrom("arn:aws:iam::1:user/b", "arn:aws:iam::1:user/a"),
      }),
    ) as fc.Arbitrary<UsageRow>;
    fc.assert(
      fc.property(fc.array(few, { maxLength: 80 }), (rows) => {
        const builder = builderOf(rows);
        expect(builder.sortedRows()).to.deep.equal(builder.rows().sort(compareRows));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps rows compareRows finds equal (null and empty caller) in the order first seen, per hour", () => {
    const counts = { invocations: 1, errors: 0, inputTokens: 1, outputTokens: 0, cacheReadInputTokens: 0 };
    const base = { modelId: "m", context: "standard" as const, ...counts, cacheWriteInputTokens: 0 };
    const builder = builderOf([
      { ...base, hourStartMs: HOUR_MS, caller: "" },
      { ...base, hourStartMs: 0, caller: null },
      { ...base, hourStartMs: 0, caller: "" },
    ]);
    expect(builder.sortedRows().map((each) => [each.hourStartMs, each.caller])).to.deep.equal([
      [0, null],
      [0, ""],
      [HOUR_MS, ""],
    ]);
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
    const builder = builderOf([
      { ...base, metadata: { team: "support" } },
      { ...base, metadata: {} },
      { ...base, metadata: { team: "analytics" } },
    ]);
    expect(builder.sortedRows()).to.deep.equal(builder.rows().sort(compareRows));
    expect(builder.sortedRows().map((each) => each.metadata?.team)).to.deep.equal(["analytics", "support", undefined]);
  });
});
