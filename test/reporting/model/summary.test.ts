import { expect } from "chai";
import fc from "fast-check";
import { summarizeUsage } from "../../../reporting/src/model/summary";
import type { ReportWindow, UsageRow } from "../../../reporting/src/model/usage";
import { columnBuffers, UsageRowBuilder, type RowColumns } from "../../../reporting/src/model/usage-rows";
import type { InvocationFacts } from "../../../reporting/src/reading/records";

const WINDOW: ReportWindow = { start: new Date("2026-11-20T00:00:00Z"), end: new Date("2026-11-22T00:00:00Z") };
const SONNET_45_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";
const HAIKU_45_GLOBAL = "global.anthropic.claude-haiku-4-5-20251001-v1:0";
const UNKNOWN_MODEL = "us.anthropic.claude-sonnet-9-20300101-v1:0";

function request(partial: Partial<InvocationFacts>): InvocationFacts {
  return {
    timestampMs: Date.parse("2026-11-20T10:15:00Z"),
    modelId: SONNET_45_US,
    caller: "arn:aws:iam::123456789012:user/alice",
    inputTokens: 0,
    outputTokens: 0,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
    errorCode: null,
    latencyMs: null,
    guardrailIntervened: false,
    requestMetadata: null,
    ...partial,
  };
}

function rowsOf(requests: InvocationFacts[], metadataKeys: readonly string[] = []): UsageRow[] {
  const builder = new UsageRowBuilder(metadataKeys);
  for (const facts of requests) builder.add(facts);
  return builder.rows();
}

/** The rows of several builders merged into one, as the parse pool merges its workers' rows. */
function mergedRows(...rowSets: UsageRow[][]): UsageRow[] {
  const builder = new UsageRowBuilder();
  for (const rows of rowSets) for (const row of rows) builder.addRow(row);
  return builder.rows();
}

const rowKey = (row: UsageRow) =>
  [row.hourStartMs, row.modelId, row.caller, row.context, JSON.stringify(row.metadata)].join("\u0000");
const byKey = (rows: UsageRow[]) => [...rows].sort((a, b) => (rowKey(a) < rowKey(b) ? -1 : 1));

describe("aggregation", () => {
  it("counts invocations (failed included), errors and all four token kinds per model", () => {
    const summary = summarizeUsage(
      rowsOf([
        request({ inputTokens: 100_000, outputTokens: 100_000 }),
        request({ errorCode: "ValidationException" }),
        request({
          modelId: HAIKU_45_GLOBAL,
          inputTokens: 100_000,
          cacheReadInputTokens: 100_000,
          cacheWriteInputTokens: 100_000,
        }),
      ]),
      WINDOW,
    );
    expect(summary.totals).to.include({
      invocations: 3,
      errors: 1,
      inputTokens: 200_000,
      outputTokens: 100_000,
      cacheReadInputTokens: 100_000,
      cacheWriteInputTokens: 100_000,
      unpricedInvocations: 0,
    });
    expect(summary.totals.errorRate).to.be.closeTo(1 / 3, 1e-12);
    expect(summary.totals.costUsd).to.be.closeTo(0.33 + 1.65 + 0.1 + 0.01 + 0.125, 1e-9);
    expect(summary.byFamily.map((family) => [family.family, family.invocations])).to.deep.equal([
      ["Sonnet", 2],
      ["Haiku", 1],
    ]);
  });

  it("bills a Sonnet 4.5 request above 200,000 input + cache tokens entirely at the long-context rate", () => {
    const long = request({ inputTokens: 150_000, cacheReadInputTokens: 60_000, outputTokens: 1_000 });
    const summary = summarizeUsage(rowsOf([long]), WINDOW);
    expect(summary.totals.costUsd).to.be.closeTo((150_000 * 6.6 + 60_000 * 0.66 + 1_000 * 24.75) / 1e6, 1e-12);
  });

  it("reports unknown models as unpriced: tokens counted, cost null, never 0", () => {
    const summary = summarizeUsage(
      rowsOf([request({ modelId: UNKNOWN_MODEL, inputTokens: 500 }), request({ inputTokens: 100_000 })]),
      WINDOW,
    );
    expect(summary.totals).to.include({ invocations: 2, inputTokens: 100_500, unpricedInvocations: 1 });
    expect(summary.totals.costUsd).to.be.closeTo(0.33, 1e-12);
    const unknown = summary.byModel.find((model) => model.modelId === UNKNOWN_MODEL);
    expect(unknown).to.include({
      priced: false,
      costUsd: null,
      unpricedReason: "unknownModel",
      family: "Sonnet",
      inputTokens: 500,
    });
  });

  it("says how many long-context-capable invocations came only as aggregates", () => {
    const aggregate: UsageRow = {
      hourStartMs: WINDOW.start.getTime(),
      modelId: SONNET_45_US,
      caller: null,
      context: "unknown",
      invocations: 4,
      errors: 0,
      inputTokens: 10,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    };
    expect(summarizeUsage([aggregate], WINDOW).longContextUnknownInvocations).to.equal(4);
  });

  it("breaks usage down by caller with sessions of one role added up", () => {
    const summary = summarizeUsage(
      rowsOf([
        request({ caller: "arn:aws:sts::1:assumed-role/App" }),
        request({ caller: "arn:aws:sts::1:assumed-role/App" }),
        request({}),
      ]),
      WINDOW,
    );
    expect(summary.byCaller.map((caller) => [caller.caller, caller.invocations])).to.deep.equal([
      ["arn:aws:sts::1:assumed-role/App", 2],
      ["arn:aws:iam::123456789012:user/alice", 1],
    ]);
  });

  it("fills an hourly and a daily series across the whole window", () => {
    const summary = summarizeUsage(
      rowsOf([request({ timestampMs: Date.parse("2026-11-21T23:59:59Z"), inputTokens: 7 })]),
      WINDOW,
    );
    expect(summary.hourly).to.have.length(48);
    expect(summary.daily.map((day) => [day.start, day.inputTokens])).to.deep.equal([
      ["2026-11-20T00:00:00.000Z", 0],
      ["2026-11-21T00:00:00.000Z", 7],
    ]);
    expect(summary.hourly[47].inputTokens).to.equal(7);
  });
});

const requestArbitrary = fc.record({
  timestampMs: fc.integer({ min: WINDOW.start.getTime(), max: WINDOW.end.getTime() - 1 }),
  modelId: fc.constantFrom(
    SONNET_45_US,
    HAIKU_45_GLOBAL,
    UNKNOWN_MODEL,
    "anthropic.claude-3-haiku-20240307-v1:0",
    `arn:aws:bedrock:us-east-1:111122223333:inference-profile/${SONNET_45_US}`,
  ),
  caller: fc.constantFrom("arn:aws:sts::1:assumed-role/A", "arn:aws:iam::1:user/b"),
  inputTokens: fc.integer({ min: 0, max: 300_000 }),
  outputTokens: fc.integer({ min: 0, max: 10_000 }),
  cacheReadInputTokens: fc.integer({ min: 0, max: 100_000 }),
  cacheWriteInputTokens: fc.integer({ min: 0, max: 100_000 }),
  errorCode: fc.option(fc.constantFrom("ThrottlingException", "ValidationException"), { nil: null }),
  latencyMs: fc.constant(null),
  guardrailIntervened: fc.boolean(),
  // Most requests carry a team, some an app too, some nothing: rows split by team when the report groups by it.
  requestMetadata: fc.option(
    fc.record({ team: fc.constantFrom("search", "support"), app: fc.constantFrom("web", "cli") }, { requiredKeys: [] }),
    { nil: null },
  ),
});

describe("aggregation properties", () => {
  it("splitting the requests any way and merging the rows gives the same totals and breakdowns", () => {
    fc.assert(
      fc.property(
        fc.array(requestArbitrary, { maxLength: 60 }),
        fc.array(fc.nat({ max: 3 }), { maxLength: 60 }),
        (requests, assignment) => {
          const parts: InvocationFacts[][] = [[], [], [], []];
          requests.forEach((facts, index) => parts[assignment[index] ?? 0].push(facts));
          const whole = summarizeUsage(rowsOf(requests), WINDOW);
          const merged = summarizeUsage(mergedRows(...parts.map((part) => rowsOf(part))), WINDOW);
          const { costUsd: wholeCost, ...wholeCounts } = whole.totals;
          const { costUsd: mergedCost, ...mergedCounts } = merged.totals;
          expect(mergedCounts).to.deep.equal(wholeCounts);
          expect(mergedCost).to.be.closeTo(wholeCost, 1e-9);
          const byModel = (summary: typeof whole) =>
            summary.byModel
              .map((model) => [model.modelId, model.invocations, model.inputTokens, model.unpricedInvocations])
              .sort();
          expect(byModel(merged)).to.deep.equal(byModel(whole));
          expect(merged.hourly.map((hour) => hour.invocations)).to.deep.equal(
            whole.hourly.map((hour) => hour.invocations),
          );
        },
      ),
    );
  });

  it("a builder fed other builders' rows (a worker's share) holds exactly the rows of one builder fed every request", () => {
    fc.assert(
      fc.property(
        fc.array(requestArbitrary, { maxLength: 60 }),
        fc.array(fc.nat({ max: 2 }), { maxLength: 60 }),
        (requests, assignment) => {
          const parts: InvocationFacts[][] = [[], [], []];
          requests.forEach((facts, index) => parts[assignment[index] ?? 0].push(facts));
          const merging = new UsageRowBuilder();
          for (const facts of parts[0]) merging.add(facts);
          for (const part of parts.slice(1)) for (const row of rowsOf(part)) merging.addRow(row);
          expect(byKey(merging.rows())).to.deep.equal(byKey(rowsOf(requests)));
        },
      ),
    );
  });

  it("rows that cannot count guardrail interventions (Logs Insights') stay unknown when merged, never zero", () => {
    const aggregate: UsageRow = {
      hourStartMs: WINDOW.start.getTime(),
      modelId: SONNET_45_US,
      caller: null,
      context: "unknown",
      invocations: 4,
      errors: 1,
      inputTokens: 10,
      outputTokens: 2,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    };
    expect(mergedRows([aggregate], [aggregate])).to.deep.equal([
      { ...aggregate, invocations: 8, errors: 2, inputTokens: 20, outputTokens: 4 },
    ]);
    expect(
      summarizeUsage(mergedRows([aggregate], rowsOf([request({})])), WINDOW).totals.guardrailInterventions,
    ).to.equal(undefined);
  });

  it("rows sent as columns (a worker's share, moved across threads) merge exactly as the rows themselves", () => {
    /** A builder's rows as a worker thread sends them: columns, through the structured clone postMessage uses. */
    const posted = (builder: UsageRowBuilder): RowColumns => {
      const columns = builder.columns();
      return structuredClone(columns, { transfer: columnBuffers(columns) });
    };
    fc.assert(
      fc.property(
        fc.array(requestArbitrary, { maxLength: 60 }),
        fc.array(fc.nat({ max: 2 }), { maxLength: 60 }),
        fc.constantFrom([], ["team"], ["team", "app"]),
        (requests, assignment, metadataKeys) => {
          const parts: InvocationFacts[][] = [[], [], []];
          requests.forEach((facts, index) => parts[assignment[index] ?? 0].push(facts));
          const merging = new UsageRowBuilder(metadataKeys);
          for (const facts of parts[0]) merging.add(facts);
          for (const part of parts.slice(1)) {
            const builder = new UsageRowBuilder(metadataKeys);
            for (const facts of part) builder.add(facts);
            merging.addColumns(posted(builder));
          }
          // Metadata values and the count of cache writes priced by assumption cross the thread too.
          expect(byKey(merging.rows())).to.deep.equal(byKey(rowsOf(requests, metadataKeys)));
        },
      ),
    );
    // Rows no caller groups and that cannot count guardrail interventions (Logs Insights') keep both unknowns.
    const aggregate: UsageRow = {
      hourStartMs: WINDOW.start.getTime(),
      modelId: SONNET_45_US,
      caller: null,
      context: "unknown",
      invocations: 4,
      errors: 1,
      inputTokens: 10,
      outputTokens: 2,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    };
    const aggregates = new UsageRowBuilder();
    aggregates.addRow(aggregate);
    const counted = new UsageRowBuilder();
    counted.add(request({ timestampMs: WINDOW.start.getTime(), caller: "arn:aws:iam::1:user/b" }));
    const merged = new UsageRowBuilder();
    merged.addColumns(posted(aggregates));
    merged.addColumns(posted(counted));
    merged.addColumns(posted(aggregates));
    expect(byKey(merged.rows())).to.deep.equal(
      byKey(
        mergedRows(
          [aggregate],
          rowsOf([request({ timestampMs: WINDOW.start.getTime(), caller: "arn:aws:iam::1:user/b" })]),
          [aggregate],
        ),
      ),
    );
    expect(merged.rows().find((row) => row.caller === null)).to.deep.equal({
      ...aggregate,
      invocations: 8,
      errors: 2,
      inputTokens: 20,
      outputTokens: 4,
    });
  });

  it("merging is order-independent and loses no row", () => {
    fc.assert(
      fc.property(fc.array(requestArbitrary, { maxLength: 40 }), (requests) => {
        const rows = rowsOf(requests);
        const total = (list: UsageRow[]) => list.reduce((sum, row) => sum + row.invocations, 0);
        expect(total(mergedRows(rows, [...rows].reverse()))).to.equal(2 * requests.length);
        expect(mergedRows(rows, [...rows].reverse())).to.have.length(rows.length);
      }),
    );
  });
});
