import { expect } from "chai";
import {
  buildDashboardBody,
  GRID_COLUMNS,
  type DashboardSpec,
  type MetricExpression,
  type Widget,
} from "../../infra/dashboard";
import { costTerms, systemProfileArn } from "../../infra/cost-expressions";
import { PRICE_CATALOG } from "../../reporting/src/kernel/pricing/catalog";
import { fieldReferences, RECORD_SCHEMA_FIELDS, SYSTEM_FIELDS } from "../helpers/query-fields";
import { evaluate, pointsOf, type StoredMetric } from "../helpers/metric-math";
import { HOUR_MS } from "../../reporting/src/kernel/time";

const scope = { partition: "aws", region: "eu-central-1", accountId: "111122223333" };
const spec: DashboardSpec = {
  ...scope,
  logGroupName: "/aws/bedrock/modelinvocations",
  periodSeconds: 300,
  rangeHours: 24,
  catalog: PRICE_CATALOG,
};

const body = buildDashboardBody(spec);
const QUOTA_TITLE = "Quota headroom: estimated TPM quota used, per model";
const metricWidgets = body.widgets.filter((widget) => widget.type === "metric");
const titled = (title: string): Widget => {
  const widget = body.widgets.find((w) => w.properties.title === title);
  if (widget === undefined) throw new Error(`no widget titled ${title}`);
  return widget;
};
const expressionsOf = (widget: Widget): MetricExpression[] =>
  (widget.properties.metrics as MetricExpression[][]).map((entry) => {
    expect(entry, "a metric entry is a one-element array holding an expression").to.have.length(1);
    return entry[0];
  });

/** Checks quotes and parentheses pair up, outside of quoted text. */
function balanced(expression: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (const char of expression) {
    if (quote !== null) {
      if (char === quote) quote = null;
      continue;
    }
    if (char === "'" || char === '"') quote = char;
    else if (char === "(" || char === "[") depth += 1;
    else if (char === ")" || char === "]") depth -= 1;
    if (depth < 0) return false;
  }
  return depth === 0 && quote === null;
}

const T0 = Date.UTC(2026, 10, 20, 9);

/** A metric in AWS/Bedrock with one Sum per period, at T0, T0 + period, ... */
function bedrockMetric(
  metricName: string,
  dimensions: Record<string, string>,
  sums: number[],
  periodMs = HOUR_MS,
): StoredMetric {
  const byPeriod = Object.fromEntries(sums.map((sum, i) => [T0 + i * periodMs, sum]));
  return { namespace: "AWS/Bedrock", metricName, dimensions, sums: byPeriod };
}

/** Evaluates one line of a widget against the given metrics, over `periods` periods from T0. */
function lineOf(
  widget: Widget,
  id: string,
  metrics: StoredMetric[],
  periods = 1,
  periodMs = HOUR_MS,
): [number, number][] {
  const expressions = Object.fromEntries(expressionsOf(widget).map((e) => [e.id, e.expression]));
  const timeline = Array.from({ length: periods }, (_, i) => T0 + i * periodMs);
  return pointsOf(evaluate(expressions[id], { metrics, timeline, expressions }));
}

/** Every SEARCH query string in a list of expressions. */
function searchQueries(expressions: string[]): string[] {
  return expressions.flatMap((expression) => [...expression.matchAll(/SEARCH\('([^']*)'/g)].map((match) => match[1]));
}

describe("dashboard body", () => {
  it("is valid JSON that round-trips", () => {
    expect(JSON.parse(JSON.stringify(body))).to.deep.equal(body);
  });

  it("opens on the configured range and lets widgets inherit the period", () => {
    expect(body.start).to.equal("-PT24H");
    expect(buildDashboardBody({ ...spec, rangeHours: 168 }).start).to.equal("-PT168H");
    // Cost is hourly; quota use is per minute, so its maximum is taken over 1-minute points.
    const fixedPeriods = ["Estimated cost by model family (USD per hour)", QUOTA_TITLE];
    expect(
      metricWidgets
        .filter((w) => !fixedPeriods.includes(String(w.properties.title)))
        .every((w) => w.properties.period === 300),
    ).to.equal(true);
    expect(
      buildDashboardBody({ ...spec, periodSeconds: 3600 }).widgets.find((w) => w.properties.title === "Input tokens")
        ?.properties.period,
    ).to.equal(3600);
  });

  it("keeps every widget inside the 24-column grid, none overlapping", () => {
    for (const widget of body.widgets) {
      expect(widget.x).to.be.at.least(0);
      expect(widget.x + widget.width, String(widget.properties.title)).to.be.at.most(GRID_COLUMNS);
      expect(widget.width).to.be.greaterThan(0);
      expect(widget.height).to.be.greaterThan(0);
    }
    for (const [i, a] of body.widgets.entries()) {
      for (const b of body.widgets.slice(i + 1)) {
        const overlap = a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        expect(overlap, `${String(a.properties.title)} overlaps ${String(b.properties.title)}`).to.equal(false);
      }
    }
  });

  it("sets the region on every metric and log widget", () => {
    for (const widget of body.widgets.filter((w) => w.type !== "text"))
      expect(widget.properties.region).to.equal("eu-central-1");
  });

  it("has well-formed metric arrays: unique ids, balanced expressions, references only to ids of the same widget", () => {
    for (const widget of metricWidgets) {
      const expressions = expressionsOf(widget);
      const ids = expressions.map((e) => e.id);
      expect(new Set(ids).size, String(widget.properties.title)).to.equal(ids.length);
      for (const { id, expression } of expressions) {
        expect(id).to.match(/^[a-z][a-zA-Z0-9_]*$/);
        expect(balanced(expression), expression).to.equal(true);
        const outsideQuotes = expression.replace(/'[^']*'|"[^"]*"/g, "");
        const references = outsideQuotes.match(/\b[a-z][a-zA-Z0-9_]*\b/g) ?? [];
        for (const reference of references) expect(ids, `${reference} in ${expression}`).to.include(reference);
      }
    }
  });

  it("shows total invocations and input and output tokens as separate graphs", () => {
    expect(expressionsOf(titled("Invocations")).map((e) => e.expression)).to.include(
      `SUM(SEARCH('{AWS/Bedrock,ModelId} MetricName="Invocations"', 'Sum', 300))`,
    );
    expect(expressionsOf(titled("Input tokens"))[0].expression).to.include('MetricName="InputTokenCount"');
    expect(expressionsOf(titled("Output tokens"))[0].expression).to.include('MetricName="OutputTokenCount"');
  });

  it("shows average and p99 latency per model, never p99 derived from averages", () => {
    const latency = expressionsOf(titled("Latency, average and p99 (ms)")).map((e) => e.expression);
    expect(latency).to.deep.equal([
      `SEARCH('{AWS/Bedrock,ModelId} MetricName="InvocationLatency"', 'Average', 300)`,
      `SEARCH('{AWS/Bedrock,ModelId} MetricName="InvocationLatency"', 'p99', 300)`,
    ]);
  });

  it("shows client errors, server errors and throttles as counts, and the error rate in percent", () => {
    const counts = expressionsOf(titled("Errors and throttles"))
      .map((e) => e.expression)
      .join(" ");
    for (const metric of ["InvocationClientErrors", "InvocationServerErrors", "InvocationThrottles"])
      expect(counts).to.include(metric);
    const rate = expressionsOf(titled("Error rate (%)")).find((e) => e.id === "errorRate");
    expect(rate?.expression).to.match(/^100 \* /);
    expect(rate?.visible).to.not.equal(false);
  });

  // Invocations includes requests that later failed with a client or server error:
  // https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-runtime-metrics.html
  it("divides errors by Invocations alone, which already counts the failed requests", () => {
    const model = { ModelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" };
    const other = { ModelId: "anthropic.claude-3-haiku-20240307-v1:0" };
    const metrics = [
      bedrockMetric("Invocations", model, [150, 40], 300_000),
      bedrockMetric("Invocations", other, [50, 0], 300_000),
      bedrockMetric("InvocationClientErrors", model, [6, 0], 300_000),
      bedrockMetric("InvocationServerErrors", other, [4, 0], 300_000),
    ];
    const rate = lineOf(titled("Error rate (%)"), "errorRate", metrics, 2, 300_000);
    expect(rate).to.deep.equal([
      [T0, (100 * (6 + 4)) / (150 + 50)],
      [T0 + 300_000, 0],
    ]);
  });

  it("follows whatever models are in use: per-model series are SEARCHes over ModelId, no model ID outside the cost widget", () => {
    for (const widget of metricWidgets.filter(
      (w) => w.properties.title !== "Estimated cost by model family (USD per hour)",
    )) {
      const text = JSON.stringify(widget.properties.metrics);
      expect(text, String(widget.properties.title)).to.not.match(/anthropic\.|claude/);
    }
    expect(JSON.stringify(titled("Input tokens").properties.metrics)).to.include("{AWS/Bedrock,ModelId}");
  });

  it("shows cache tokens, time to first token and log delivery failures", () => {
    const cache = JSON.stringify(titled("Prompt cache tokens (all models)").properties.metrics);
    for (const metric of [
      "CacheReadInputTokens",
      "CacheReadInputTokenCount",
      "CacheWriteInputTokens",
      "CacheWriteInputTokenCount",
    ]) {
      expect(cache).to.include(metric);
    }
    expect(JSON.stringify(titled("Time to first token (ms, streaming)").properties.metrics)).to.include(
      "TimeToFirstToken",
    );
    const delivery = JSON.stringify(titled("Invocation log delivery failures").properties.metrics);
    for (const metric of [
      "ModelInvocationLogsCloudWatchDeliveryFailure",
      "ModelInvocationLogsS3DeliveryFailure",
      "ModelInvocationLargeDataS3DeliveryFailure",
    ]) {
      expect(delivery).to.include(metric);
    }
  });

  describe("prompt cache tokens", () => {
    const cache = titled("Prompt cache tokens (all models)");
    const sonnet = { ModelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" };
    const haiku = { ModelId: "global.anthropic.claude-haiku-4-5-20251001-v1:0" };

    it("counts cache tokens once when Bedrock publishes them under both names", () => {
      const metrics = [
        bedrockMetric("CacheReadInputTokens", sonnet, [4000, 100]),
        bedrockMetric("CacheReadInputTokenCount", sonnet, [4000, 100]),
        bedrockMetric("CacheReadInputTokens", haiku, [500, 0]),
        bedrockMetric("CacheReadInputTokenCount", haiku, [500, 0]),
        bedrockMetric("CacheWriteInputTokens", sonnet, [1200, 0]),
        bedrockMetric("CacheWriteInputTokenCount", sonnet, [1200, 0]),
      ];
      expect(lineOf(cache, "cacheRead", metrics, 2)).to.deep.equal([
        [T0, 4500],
        [T0 + HOUR_MS, 100],
      ]);
      expect(lineOf(cache, "cacheWrite", metrics, 2)).to.deep.equal([
        [T0, 1200],
        [T0 + HOUR_MS, 0],
      ]);
    });

    it("shows the tokens whichever single name is published, and zero when neither is", () => {
      const documentedName = [bedrockMetric("CacheReadInputTokens", sonnet, [4000])];
      const blogName = [bedrockMetric("CacheReadInputTokenCount", sonnet, [4000])];
      expect(lineOf(cache, "cacheRead", documentedName)).to.deep.equal([[T0, 4000]]);
      expect(lineOf(cache, "cacheRead", blogName)).to.deep.equal([[T0, 4000]]);
      expect(lineOf(cache, "cacheWrite", blogName)).to.deep.equal([[T0, 0]]);
    });
  });

  describe("traffic the invocation logs do not see, and quota headroom", () => {
    const mantleMetric = (metricName: string, dimensions: Record<string, string>, values: number[]): StoredMetric => ({
      namespace: "AWS/BedrockMantle",
      metricName,
      dimensions,
      sums: Object.fromEntries(values.map((value, index) => [T0 + index * HOUR_MS, value])),
    });

    it("graphs bedrock-mantle inferences, client errors and tokens per model, not the project-level copies", () => {
      const inferences = expressionsOf(titled("bedrock-mantle inferences and client errors"));
      const tokens = expressionsOf(titled("bedrock-mantle tokens"));
      const metrics = [
        mantleMetric("TotalInputTokens", { Model: "anthropic.claude-opus-4-8" }, [1000]),
        mantleMetric("TotalInputTokens", { Model: "openai.gpt-oss-120b" }, [50]),
        // The same traffic again at Project and Project+Model level: never counted twice.
        mantleMetric("TotalInputTokens", { Project: "p1" }, [1050]),
        mantleMetric("TotalInputTokens", { Project: "p1", Model: "openai.gpt-oss-120b" }, [50]),
        mantleMetric("Inferences", { Model: "anthropic.claude-opus-4-8" }, [3]),
      ];
      const evaluation = { metrics, timeline: [T0], expressions: {} };
      const input = tokens.find((entry) => entry.id === "mantleInput") as MetricExpression;
      const series = evaluate(input.expression, evaluation) as unknown[];
      expect(series).to.have.length(2);
      const names = [...inferences, ...tokens].map((entry) => /MetricName="(\w+)"/.exec(entry.expression)?.[1]);
      expect(names).to.have.members(["Inferences", "InferenceClientErrors", "TotalInputTokens", "TotalOutputTokens"]);
    });

    it("graphs each model's 1-minute maximum of EstimatedTPMQuotaUsage, with the configured quotas as lines", () => {
      const [quota] = expressionsOf(titled(QUOTA_TITLE));
      expect(quota.expression).to.equal(
        `SEARCH('{AWS/Bedrock,ModelId} MetricName="EstimatedTPMQuotaUsage"', 'Maximum', 60)`,
      );
      expect(titled(QUOTA_TITLE).properties.annotations).to.equal(undefined);
      const withQuotas = buildDashboardBody({
        ...spec,
        tpmQuotas: [{ modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", tokensPerMinute: 2_000_000 }],
      }).widgets.find((widget) => widget.properties.title === QUOTA_TITLE);
      expect(withQuotas?.properties.annotations).to.deep.equal({
        horizontal: [{ label: "us.anthropic.claude-sonnet-4-5-20250929-v1:0 quota", value: 2_000_000 }],
      });
    });
  });

  it("never adds two metric names up in one SEARCH, in any widget", () => {
    const queries = searchQueries(metricWidgets.flatMap((widget) => expressionsOf(widget).map((e) => e.expression)));
    expect(queries.length).to.be.greaterThan(10);
    for (const query of queries.filter((q) => q.startsWith("{AWS/Bedrock,ModelId}"))) {
      expect(query.match(/MetricName=/g), query.slice(0, 120)).to.have.length(1);
    }
  });

  describe("estimated cost per hour by family", () => {
    const cost = titled("Estimated cost by model family (USD per hour)");
    const expressions = expressionsOf(cost);
    const sonnet45 = PRICE_CATALOG.models.find((m) => m.baseModelId === "anthropic.claude-sonnet-4-5-20250929-v1:0");
    if (sonnet45?.global == null) throw new Error("the catalog lost Claude Sonnet 4.5 or its global rates");
    const { regional, global } = sonnet45;
    const usd = (tokens: number, ratePerMillion: number | null) => (tokens * (ratePerMillion ?? NaN)) / 1_000_000;
    const sonnetCost = (metrics: StoredMetric[]) => lineOf(cost, "familySonnet", metrics)[0][1];

    it("draws one visible line per family, summing hidden priced slices", () => {
      const visible = expressions.filter((e) => e.visible !== false);
      expect(visible.map((e) => e.label)).to.deep.equal([
        "Opus (USD per hour)",
        "Sonnet (USD per hour)",
        "Haiku (USD per hour)",
        "Other (USD per hour)",
      ]);
      for (const line of visible) expect(line.expression).to.match(/^SUM\(\[c\d+(, c\d+)*\]\)$/);
      expect(cost.properties.period).to.equal(3600);
    });

    it("prices each slice from the catalog: global and regional routes at their own rates", () => {
      const terms = costTerms(PRICE_CATALOG, 3600, scope);
      const slice = terms.find(
        (t) => t.tokenKind === "input" && t.modelIds.includes("global.anthropic.claude-sonnet-4-5-20250929-v1:0"),
      );
      expect(slice?.ratePerMillion).to.equal(global.input);
      for (const prefix of ["", "us.", "eu.", "apac.", "jp.", "au."]) {
        const id = `${prefix}anthropic.claude-sonnet-4-5-20250929-v1:0`;
        expect(terms.find((t) => t.tokenKind === "output" && t.modelIds.includes(id))?.ratePerMillion, id).to.equal(
          regional.output,
        );
      }
    });

    it("computes the dollars of an hour: every token kind at its rate, each model on its route", () => {
      const metrics = [
        bedrockMetric("InputTokenCount", { ModelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0" }, [2_000_000]),
        bedrockMetric("OutputTokenCount", { ModelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0" }, [100_000]),
        bedrockMetric("InputTokenCount", { ModelId: "anthropic.claude-sonnet-4-5-20250929-v1:0" }, [1_000_000]),
        bedrockMetric("CacheWriteInputTokens", { ModelId: "eu.anthropic.claude-sonnet-4-5-20250929-v1:0" }, [400_000]),
      ];
      const expected =
        usd(2_000_000, global.input) +
        usd(100_000, global.output) +
        usd(1_000_000, regional.input) +
        usd(400_000, regional.cacheWrite);
      expect(sonnetCost(metrics)).to.be.closeTo(expected, 1e-9);
    });

    it("prices cache tokens once when Bedrock publishes them under both names", () => {
      const model = { ModelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" };
      const both = [
        bedrockMetric("CacheReadInputTokens", model, [10_000_000]),
        bedrockMetric("CacheReadInputTokenCount", model, [10_000_000]),
        bedrockMetric("CacheWriteInputTokens", model, [1_000_000]),
        bedrockMetric("CacheWriteInputTokenCount", model, [1_000_000]),
      ];
      expect(sonnetCost(both)).to.be.closeTo(
        usd(10_000_000, regional.cacheRead) + usd(1_000_000, regional.cacheWrite),
        1e-9,
      );
    });

    it("prices cache tokens published under either name alone", () => {
      const model = { ModelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0" };
      for (const name of ["CacheReadInputTokens", "CacheReadInputTokenCount"]) {
        expect(sonnetCost([bedrockMetric(name, model, [10_000_000])]), name).to.be.closeTo(
          usd(10_000_000, regional.cacheRead),
          1e-9,
        );
      }
    });

    it("prices a system inference-profile ARN logged as ModelId at its profile's route", () => {
      const arn = (profileId: string) => ({
        ModelId: `arn:aws:bedrock:eu-central-1:111122223333:inference-profile/${profileId}`,
      });
      expect(systemProfileArn(scope, "eu.x")).to.equal(
        "arn:aws:bedrock:eu-central-1:111122223333:inference-profile/eu.x",
      );
      const geo = [bedrockMetric("InputTokenCount", arn("eu.anthropic.claude-sonnet-4-5-20250929-v1:0"), [1_000_000])];
      expect(sonnetCost(geo)).to.be.closeTo(usd(1_000_000, regional.input), 1e-9);
      const viaGlobal = [
        bedrockMetric("OutputTokenCount", arn("global.anthropic.claude-sonnet-4-5-20250929-v1:0"), [1_000_000]),
      ];
      expect(sonnetCost(viaGlobal)).to.be.closeTo(usd(1_000_000, global.output), 1e-9);
    });

    it("covers every confirmed model on every route, by ID and by profile ARN, and no unconfirmed one", () => {
      const priced = new Set(costTerms(PRICE_CATALOG, 3600, scope).flatMap((t) => t.modelIds));
      for (const model of PRICE_CATALOG.models) {
        const id = model.baseModelId;
        expect(priced.has(id), id).to.equal(model.confirmed);
        expect(priced.has(`apac.${id}`), `apac.${id}`).to.equal(model.confirmed);
        expect(priced.has(systemProfileArn(scope, `us.${id}`)), `us. ARN of ${id}`).to.equal(model.confirmed);
        expect(priced.has(`global.${id}`), `global.${id}`).to.equal(model.confirmed && model.global !== null);
        const globalArn = systemProfileArn(scope, `global.${id}`);
        expect(priced.has(globalArn), globalArn).to.equal(model.confirmed && model.global !== null);
      }
    });

    it("keeps each SEARCH query within CloudWatch's 1,024-character limit, and the graph within 500 metrics", () => {
      const queries = searchQueries(expressions.map((e) => e.expression));
      expect(queries.length).to.be.greaterThan(0);
      for (const query of queries) expect(query.length).to.be.within(1, 1024);
      expect(expressions.length).to.be.at.most(500);
    });
  });

  describe("recent invocations log widget", () => {
    const log = body.widgets.find((widget) => widget.type === "log");

    it("queries the stack's log group, newest first", () => {
      expect(log?.properties.query).to.match(/^SOURCE '\/aws\/bedrock\/modelinvocations' \| /);
      expect(log?.properties.query).to.include("sort @timestamp desc");
    });

    it("reads the nested record fields: time, model, caller, tokens, error code", () => {
      const query = String(log?.properties.query).replace(/^SOURCE '[^']*' \| /, "");
      for (const field of [
        "@timestamp",
        "modelId",
        "identity.arn",
        "input.inputTokenCount",
        "output.outputTokenCount",
        "input.cacheReadInputTokenCount",
        "input.cacheWriteInputTokenCount",
        "errorCode",
      ]) {
        expect(query).to.include(field);
      }
      const known = new Set([...RECORD_SCHEMA_FIELDS, ...SYSTEM_FIELDS]);
      // A top-level `inputTokenCount` would be flagged here: it is not in the record schema.
      for (const field of fieldReferences(query)) expect(known.has(field), field).to.equal(true);
    });
  });
});
