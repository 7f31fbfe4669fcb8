/**
 * The patterns the Athena query reads latency and guardrail blocks with, on
 * bodies as the OpenX SerDe hands a string column a nested object: JSON text,
 * key order not kept, numbers possibly quoted
 * (https://github.com/rcongiu/Hive-JSON-Serde/issues/204). Plain regular
 * expressions: the same in Java (Athena), RE2 (DuckDB) and JavaScript.
 */
import { expect } from "chai";
import { BODY_PATTERNS } from "../../../reporting/src/kernel/athena/usage-query";

const last = (pattern: string, text: string) => [...text.matchAll(new RegExp(pattern, "g"))].at(-1)?.[1] ?? null;

describe("Athena body patterns", () => {
  it("find a Converse latency, quoted or not, whatever the key order", () => {
    expect(last(BODY_PATTERNS.converseLatencyMs, '{"stopReason":"end_turn","metrics":{"latencyMs":1234}}')).to.equal(
      "1234",
    );
    expect(last(BODY_PATTERNS.converseLatencyMs, '{"metrics":{"latencyMs":"1234"},"stopReason":"end_turn"}')).to.equal(
      "1234",
    );
  });

  it("find the last stream event's invocation latency, after other metrics", () => {
    const body = JSON.stringify([
      { type: "message_start" },
      {
        type: "message_stop",
        "amazon-bedrock-invocationMetrics": { firstByteLatency: "900", invocationLatency: "2400" },
      },
    ]);
    expect(last(BODY_PATTERNS.streamLatencyMs, body)).to.equal("2400");
  });

  it("ignore JSON written inside a text field (escaped quotes)", () => {
    const body = JSON.stringify({
      output: { text: '{"metrics":{"latencyMs":5}} "stopReason":"guardrail_intervened"' },
    });
    expect(last(BODY_PATTERNS.converseLatencyMs, body)).to.equal(null);
    expect(new RegExp(BODY_PATTERNS.guardrailIntervened).test(body)).to.equal(false);
  });

  it("see a guardrail block in Converse and InvokeModel bodies", () => {
    expect(new RegExp(BODY_PATTERNS.guardrailIntervened).test('{"stopReason":"guardrail_intervened"}')).to.equal(true);
    expect(
      new RegExp(BODY_PATTERNS.guardrailIntervened).test('[{"amazon-bedrock-guardrailAction":"INTERVENED"}]'),
    ).to.equal(true);
    expect(new RegExp(BODY_PATTERNS.guardrailIntervened).test('{"amazon-bedrock-guardrailAction":"NONE"}')).to.equal(
      false,
    );
  });
});
