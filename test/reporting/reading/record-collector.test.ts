import { expect } from "chai";
import fc from "fast-check";
import { RecordCollector, type PartialAggregate } from "../../../reporting/src/reading/record-collector";
import { columnBuffers } from "../../../reporting/src/model/usage-rows";
import { compareRows } from "../../../reporting/src/model/row-order";
import { summarizeUsage } from "../../../reporting/src/model/summary";
import type { ReportWindow } from "../../../reporting/src/model/usage";
import type { InvocationFacts } from "../../../reporting/src/reading/records";

const WINDOW: ReportWindow = {
  start: new Date("2026-11-20T00:00:00Z"),
  end: new Date("2026-11-21T00:00:00Z"),
  metadataKeys: ["team"],
};
const SONNET_45_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

const request: fc.Arbitrary<InvocationFacts> = fc.record({
  timestampMs: fc.integer({ min: WINDOW.start.getTime(), max: WINDOW.end.getTime() - 1 }),
  modelId: fc.constantFrom(
    SONNET_45_US,
    "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    "us.anthropic.claude-sonnet-9-20300101-v1:0",
    `arn:aws:bedrock:us-east-1:111122223333:inference-profile/${SONNET_45_US}`,
  ),
  caller: fc.constantFrom("arn:aws:sts::1:assumed-role/A", "arn:aws:iam::1:user/b"),
  // Odd token counts at fractional per-token prices: sums whose rounding depends on the order of the rows.
  inputTokens: fc.integer({ min: 0, max: 300_000 }),
  outputTokens: fc.integer({ min: 0, max: 10_000 }),
  cacheReadInputTokens: fc.integer({ min: 0, max: 100_000 }),
  cacheWriteInputTokens: fc.integer({ min: 0, max: 100_000 }),
  errorCode: fc.option(fc.constant("ThrottlingException"), { nil: null }),
  latencyMs: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
  guardrailIntervened: fc.boolean(),
  requestMetadata: fc.option(fc.record({ team: fc.constantFrom("search", "support") }, { requiredKeys: [] }), {
    nil: null,
  }),
});

function collected(requests: InvocationFacts[]): RecordCollector {
  const collector = new RecordCollector(WINDOW);
  for (const facts of requests) collector.add({ ok: true, facts });
  return collector;
}

/** A collector's partial as a worker thread posts it: through the structured clone, its buffers moved. */
function posted(collector: RecordCollector): PartialAggregate {
  const partial = collector.partial();
  const { whole, values, counts } = partial.latencies;
  return structuredClone(partial, {
    transfer: [
      ...columnBuffers(partial.rows),
      whole.buffer as ArrayBuffer,
      values.buffer as ArrayBuffer,
      counts.buffer as ArrayBuffer,
    ],
  });
}

describe("record collector: merging a worker's partial", () => {
  it("gives the same rows, in compareRows order, and bit-identical costs whichever thread read which records", () => {
    fc.assert(
      fc.property(
        fc.array(request, { minLength: 1, maxLength: 80 }),
        fc.array(fc.boolean(), { maxLength: 80 }),
        (requests, onWorker) => {
          const parts: InvocationFacts[][] = [[], []];
          requests.forEach((facts, index) => parts[onWorker[index] ? 1 : 0].push(facts));
          const mainFirst = collected(parts[0]);
          mainFirst.merge(posted(collected(parts[1])));
          const workerFirst = collected(parts[1]);
          workerFirst.merge(posted(collected(parts[0])));
          const whole = collected(requests).result();
          const results = [mainFirst.result(), workerFirst.result()];
          for (const result of results) {
            expect(result.rows).to.deep.equal(whole.rows);
            expect(result.latency).to.deep.equal(whole.latency);
          }
          expect(whole.rows).to.deep.equal([...whole.rows].sort(compareRows));
          const costs = [whole, ...results].map((result) => {
            const summary = summarizeUsage(result.rows, WINDOW);
            return [
              summary.totals.costUsd,
              ...summary.byModel.map((model) => model.costUsd),
              ...summary.hourly.map((hour) => hour.costUsd),
            ];
          });
          // Object.is: the same double to the last bit, not merely close.
          for (const cost of costs.slice(1))
            cost.forEach((value, index) => expect(Object.is(value, costs[0][index])).to.equal(true));
        },
      ),
      { numRuns: 150 },
    );
  });
});
