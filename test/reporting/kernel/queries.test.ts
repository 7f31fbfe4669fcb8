import { expect } from "chai";
import {
  buildScanQuery,
  COST_PROXY_WEIGHTS,
  findSavedQuery,
  RAW_FALLBACK_PATTERNS,
  SAVED_QUERIES,
  SCAN_COLUMNS,
} from "../../../reporting/src/kernel/queries";
import { fieldReferences, RECORD_SCHEMA_FIELDS, SYSTEM_FIELDS } from "../../helpers/query-fields";

const knownFields = new Set([...RECORD_SCHEMA_FIELDS, ...SYSTEM_FIELDS]);

/** A Logs Insights regex literal `/.../` as a JavaScript RegExp (the subset we use is the same syntax). */
const toRegExp = (literal: string): RegExp => new RegExp(literal.slice(1, -1));

/** A ConverseStream-style record whose long inline body pushes the token counts past the first 200 fields. */
function recordWithLongBody(): string {
  const messages = Array.from({ length: 150 }, (_, i) => ({
    role: "user",
    content: [{ text: `turn ${i} says "inputTokenCount": 999` }],
  }));
  return JSON.stringify({
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
    timestamp: "2026-11-20T10:31:02Z",
    accountId: "123456789012",
    identity: { arn: "arn:aws:sts::123456789012:assumed-role/App/session" },
    region: "us-east-1",
    requestId: "req-1",
    operation: "Converse",
    modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    input: {
      inputContentType: "application/json",
      inputBodyJson: { messages },
      inputTokenCount: 1234,
      cacheReadInputTokenCount: 50,
      cacheWriteInputTokenCount: 7,
    },
    output: {
      outputContentType: "application/json",
      outputBodyJson: {
        output: { message: { role: "assistant" } },
        usage: { inputTokens: 1234 },
        metrics: { latencyMs: 812 },
      },
      outputTokenCount: 321,
    },
  });
}

describe("saved Logs Insights queries", () => {
  it("offers usage by model hourly and daily, expensive requests, latency, errors by code, usage by caller", () => {
    const names = SAVED_QUERIES.map((query) => query.name);
    expect(names).to.include.members([
      "usage-hourly",
      "usage-daily",
      "expensive-requests",
      "latency-by-model",
      "errors-by-code",
      "usage-by-caller",
      "usage-by-metadata",
    ]);
    expect(new Set(names).size).to.equal(names.length);
  });

  it("files every query in the Bedrock/ folder with a description", () => {
    for (const query of SAVED_QUERIES) {
      expect(query.displayName, query.name).to.match(/^Bedrock\/\S/);
      expect(query.description, query.name).to.have.length.greaterThan(20);
    }
  });

  it("reads only fields of the documented record schema (no top-level inputTokenCount)", () => {
    for (const query of [
      ...SAVED_QUERIES.map((q) => q.queryString),
      buildScanQuery({ byCaller: true, startMs: 0, endMs: 1 }),
    ]) {
      const unknown = fieldReferences(query).filter((field) => !knownFields.has(field));
      expect(unknown, query).to.deep.equal([]);
    }
  });

  it("aggregates usage hourly and daily with all four token counts", () => {
    const hourly = findSavedQuery("usage-hourly")!.queryString;
    const daily = findSavedQuery("usage-daily")!.queryString;
    expect(hourly).to.contain("by bin(1h), modelId");
    expect(daily).to.contain("by bin(1d), modelId");
    for (const field of [
      "input.inputTokenCount",
      "output.outputTokenCount",
      "input.cacheReadInputTokenCount",
      "input.cacheWriteInputTokenCount",
    ]) {
      expect(fieldReferences(hourly)).to.include(field);
      expect(fieldReferences(daily)).to.include(field);
    }
  });

  it("says 'proxy' in the name of the cost-sorted query and sorts by the documented weights", () => {
    const query = findSavedQuery("expensive-requests")!;
    expect(query.displayName).to.match(/proxy/i);
    expect(query.queryString).to.contain(`outTok * ${COST_PROXY_WEIGHTS.output}`);
    expect(query.queryString).to.contain("sort costProxyInputTokens desc");
  });

  it("measures latency from Converse metrics.latencyMs and the streaming invocation metrics, with p99", () => {
    const query = findSavedQuery("latency-by-model")!.queryString;
    expect(fieldReferences(query)).to.include("output.outputBodyJson.metrics.latencyMs");
    expect(query).to.contain("amazon-bedrock-invocationMetrics");
    expect(query).to.contain("pct(latencyMs, 99)");
  });

  it("groups errors by error code and model, and usage by identity.arn", () => {
    expect(findSavedQuery("errors-by-code")!.queryString).to.contain("by errorCodeValue, modelId");
    expect(findSavedQuery("usage-by-caller")!.queryString).to.contain("by identity.arn, modelId");
  });

  it("returns undefined for an unknown query name", () => {
    expect(findSavedQuery("no-such-query")).to.equal(undefined);
  });
});

describe("fieldReferences", () => {
  it("flags a top-level inputTokenCount, which matches nothing in a Bedrock record", () => {
    const refs = fieldReferences("stats sum(inputTokenCount) by modelId");
    expect(refs).to.deep.equal(["inputTokenCount", "modelId"]);
    expect(refs.filter((field) => !knownFields.has(field))).to.deep.equal(["inputTokenCount"]);
  });

  it("ignores functions, keywords, numbers, strings, regexes and names the query defines", () => {
    const query =
      'parse @message /"x":\\s*(?<rawX>\\d+)/ | fields coalesce(errorCode, rawX) as e | filter operation like /Converse/ ' +
      '| filter modelId = "anthropic.claude-v2" | fields (e + 2) / 3 as ratio | stats count(*) as n by bin(1h), `identity.arn` | sort n desc';
    expect(fieldReferences(query)).to.deep.equal(["@message", "errorCode", "operation", "modelId", "identity.arn"]);
  });
});

describe("the report's scan query", () => {
  it("groups by hour and model, and by caller only when asked", () => {
    expect(buildScanQuery({ byCaller: false })).to.contain("by bin(1h), modelId, longContext");
    expect(buildScanQuery({ byCaller: false })).not.to.contain("identity.arn");
    expect(buildScanQuery({ byCaller: true })).to.contain("by bin(1h), modelId, longContext, identity.arn");
  });

  it("groups by the requestMetadata keys of --group-by metadata:<key>, and counts the requests that wrote to the cache", () => {
    const query = buildScanQuery({ byCaller: false, metadataKeys: ["team", "app"] });
    expect(query).to.contain("by bin(1h), modelId, longContext, requestMetadata.team, requestMetadata.app");
    expect(query).to.contain("sum(least(cacheWriteTok, 1)) as cacheWriteInvocations");
  });
});

describe("the usage-by-metadata saved query", () => {
  it("takes a record's whole requestMetadata map, and (none) for a record without one", () => {
    const pattern = toRegExp(RAW_FALLBACK_PATTERNS.requestMetadata);
    const withMap = JSON.stringify({ modelId: "m", requestMetadata: { team: "search", app: "web" } });
    expect(pattern.exec(withMap)?.groups?.requestMetadataJson).to.equal('{"team":"search","app":"web"}');
    expect(pattern.exec(JSON.stringify({ modelId: "m" }))).to.equal(null);
    const query = findSavedQuery("usage-by-metadata")?.queryString ?? "";
    expect(query).to.contain('coalesce(requestMetadataJson, "(none)") as requestMetadata');
    expect(query).to.contain("by requestMetadata, modelId");
  });

  it("bounds the sub-window half-open in milliseconds so adjacent splits never count an event twice", () => {
    const query = buildScanQuery({ byCaller: false, startMs: 1000, endMs: 5000 });
    expect(query).to.match(/^filter toMillis\(@timestamp\) >= 1000 and toMillis\(@timestamp\) < 5000\n/);
  });

  it("returns every column the Insights source reads", () => {
    const query = buildScanQuery({ byCaller: true });
    for (const column of Object.values(SCAN_COLUMNS)) expect(query).to.contain(column);
  });

  it("classifies long context above 200,000 input + cache tokens with plain arithmetic", () => {
    const longContext = (tokens: number) => Math.min(Math.floor(tokens / 200_001), 1);
    expect(buildScanQuery({ byCaller: false })).to.contain(
      "least(floor((inTok + cacheReadTok + cacheWriteTok) / 200001), 1)",
    );
    expect([longContext(0), longContext(200_000), longContext(200_001), longContext(900_000)]).to.deep.equal([
      0, 0, 1, 1,
    ]);
  });
});

describe("fallbacks for fields Logs Insights may not extract from long records", () => {
  it("falls back from every token field to a raw parse of the message", () => {
    const query = buildScanQuery({ byCaller: false });
    expect(query).to.contain("coalesce(input.inputTokenCount, rawInputTokens, 0)");
    expect(query).to.contain("coalesce(output.outputTokenCount, rawOutputTokens, 0)");
    expect(query).to.contain("coalesce(input.cacheReadInputTokenCount, rawCacheReadTokens, 0)");
    expect(query).to.contain("coalesce(input.cacheWriteInputTokenCount, rawCacheWriteTokens, 0)");
  });

  it("the raw patterns read the real counts from a record with a long body, not look-alikes in the text", () => {
    const message = recordWithLongBody();
    expect(toRegExp(RAW_FALLBACK_PATTERNS.inputTokens).exec(message)?.groups?.rawInputTokens).to.equal("1234");
    expect(toRegExp(RAW_FALLBACK_PATTERNS.outputTokens).exec(message)?.groups?.rawOutputTokens).to.equal("321");
    expect(toRegExp(RAW_FALLBACK_PATTERNS.cacheReadTokens).exec(message)?.groups?.rawCacheReadTokens).to.equal("50");
    expect(toRegExp(RAW_FALLBACK_PATTERNS.cacheWriteTokens).exec(message)?.groups?.rawCacheWriteTokens).to.equal("7");
    expect(toRegExp(RAW_FALLBACK_PATTERNS.converseLatencyMs).exec(message)?.groups?.rawConverseLatencyMs).to.equal(
      "812",
    );
    expect(toRegExp(RAW_FALLBACK_PATTERNS.errorCode).exec(message)).to.equal(null);
  });

  it("the streaming pattern reads invocationLatency from the last stream event", () => {
    const message = JSON.stringify({
      errorCode: "ThrottlingException",
      output: {
        outputBodyJson: [
          { type: "content_block_delta" },
          {
            type: "message_stop",
            "amazon-bedrock-invocationMetrics": {
              inputTokenCount: 10,
              outputTokenCount: 20,
              invocationLatency: 2345,
              firstByteLatency: 300,
            },
          },
        ],
      },
    });
    expect(toRegExp(RAW_FALLBACK_PATTERNS.streamLatencyMs).exec(message)?.groups?.rawStreamLatencyMs).to.equal("2345");
    expect(toRegExp(RAW_FALLBACK_PATTERNS.errorCode).exec(message)?.groups?.rawErrorCode).to.equal(
      "ThrottlingException",
    );
  });

  it("the error code pattern ignores an errorCode a tool call carries in the request body", () => {
    const message = JSON.stringify({
      modelId: "anthropic.claude-3-haiku-20240307-v1:0",
      input: {
        inputBodyJson: {
          messages: [{ role: "assistant", content: [{ toolUse: { name: "lookup", input: { errorCode: "E42" } } }] }],
        },
      },
    });
    expect(toRegExp(RAW_FALLBACK_PATTERNS.errorCode).exec(message)).to.equal(null);
  });
});
