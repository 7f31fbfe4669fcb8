import { expect } from "chai";
import { columnBuffers, UsageRowBuilder } from "../../../reporting/src/model/usage-rows";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { HOUR_MS } from "../../../reporting/src/kernel/time";

const HOUR = Date.parse("2026-11-20T10:00:00Z");

function usage(partial: Partial<UsageRow>): UsageRow {
  return {
    hourStartMs: HOUR,
    modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    caller: null,
    context: "standard",
    invocations: 1,
    errors: 0,
    inputTokens: 10,
    outputTokens: 1,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    ...partial,
  };
}

describe("usage rows: UsageRowBuilder", () => {
  it("keeps rows of starts that are not whole hours apart, even a hair's breadth from one", () => {
    const builder = new UsageRowBuilder();
    // A third of an hour after a long-context row: hour * 3 + class would give both one key.
    const starts = [HOUR, HOUR + 0.25, HOUR + HOUR_MS / 3, HOUR - 1, HOUR, 0.5, -0.5];
    builder.addRow(usage({ context: "long" }));
    for (const hourStartMs of starts) builder.addRow(usage({ hourStartMs }));
    const rows = builder.rows();
    expect(rows.map((row) => [row.hourStartMs, row.context, row.invocations])).to.deep.equal([
      [HOUR, "long", 1],
      [HOUR, "standard", 2],
      [HOUR + 0.25, "standard", 1],
      [HOUR + HOUR_MS / 3, "standard", 1],
      [HOUR - 1, "standard", 1],
      [0.5, "standard", 1],
      [-0.5, "standard", 1],
    ]);
  });

  it("keeps every count exactly, however large, and leaves out the ones a source could not count", () => {
    const builder = new UsageRowBuilder();
    const counts = { inputTokens: 2 ** 40, outputTokens: 2 ** 30, cacheReadInputTokens: 2 ** 30 - 1, errors: 2 ** 31 };
    builder.addRow(usage({ ...counts, cacheWriteInputTokens: -(2 ** 30) - 1, guardrailInterventions: 2 ** 53 - 1 }));
    builder.addRow(usage({ hourStartMs: HOUR + HOUR_MS, cacheWriteInvocations: 3 }));
    const [big, partly] = builder.sortedRows();
    expect(big).to.deep.equal(
      usage({ ...counts, cacheWriteInputTokens: -(2 ** 30) - 1, guardrailInterventions: 2 ** 53 - 1 }),
    );
    expect(partly).to.deep.equal(usage({ hourStartMs: HOUR + HOUR_MS, cacheWriteInvocations: 3 }));
    expect(partly).to.not.have.property("guardrailInterventions");
  });

  it("keeps the three context classes of one hour apart, next to the hours before and after", () => {
    const builder = new UsageRowBuilder();
    for (const hourStartMs of [HOUR - HOUR_MS, HOUR, HOUR + HOUR_MS])
      for (const context of ["standard", "long", "unknown"] as const) builder.addRow(usage({ hourStartMs, context }));
    builder.addRow(usage({ context: "long" }));
    expect(builder.rows()).to.have.length(9);
    expect(builder.rows().find((row) => row.hourStartMs === HOUR && row.context === "long")?.invocations).to.equal(2);
  });

  it("holds any number of rows, merged the same way when they cross a thread", () => {
    const requests = Array.from({ length: 3000 }, (_, index) => ({
      timestampMs: HOUR + (index % 1000) * HOUR_MS + index,
      modelId: ["model-a", "model-b", "model-c"][index % 3],
      caller: "arn:aws:iam::1:user/a",
      inputTokens: index,
      outputTokens: 1,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: index % 3,
      errorCode: index % 7 === 0 ? "ThrottlingException" : null,
      latencyMs: null,
      guardrailIntervened: index % 5 === 0,
      requestMetadata: null,
    }));
    const whole = new UsageRowBuilder();
    for (const facts of requests) whole.add(facts);
    const [first, second] = [new UsageRowBuilder(), new UsageRowBuilder()];
    requests.forEach((facts, index) => (index % 2 === 0 ? first : second).add(facts));
    const columns = second.columns();
    first.addColumns(structuredClone(columns, { transfer: columnBuffers(columns) }));
    expect(whole.rows()).to.have.length(3000);
    expect(first.sortedRows()).to.deep.equal(whole.sortedRows());
    const total = (rows: UsageRow[], key: keyof UsageRow) => rows.reduce((sum, row) => sum + Number(row[key]), 0);
    for (const key of [
      "invocations",
      "errors",
      "inputTokens",
      "guardrailInterventions",
      "cacheWriteInvocations",
    ] as const)
      expect(total(first.rows(), key)).to.equal(
        total(
          requests.map((facts) => usageOf(facts)),
          key,
        ),
      );
  });
});

/** One request as the counts of a row of its own. */
function usageOf(facts: {
  errorCode: string | null;
  inputTokens: number;
  cacheWriteInputTokens: number;
  guardrailIntervened: boolean;
}) {
  return usage({
    invocations: 1,
    errors: facts.errorCode === null ? 0 : 1,
    inputTokens: facts.inputTokens,
    guardrailInterventions: facts.guardrailIntervened ? 1 : 0,
    cacheWriteInvocations: facts.cacheWriteInputTokens > 0 ? 1 : 0,
  });
}
