import { expect } from "chai";
import { buildDashboardBody, GRID_COLUMNS, type DashboardSpec, type MetricExpression, type Widget } from "../../infra/dashboard";
import { costTerms } from "../../infra/cost-expressions";
import { PRICE_CATALOG } from "../../reporting/src/pricing/catalog";
import { fieldReferences, RECORD_SCHEMA_FIELDS, SYSTEM_FIELDS } from "../../reporting/src/queries";

const spec: DashboardSpec = {
  region: "eu-central-1",
  logGroupName: "/aws/bedrock/modelinvocations",
  periodSeconds: 300,
  rangeHours: 24,
  catalog: PRICE_CATALOG,
};

const body = buildDashboardBody(spec);
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

describe("dashboard body (Requirement 4)", () => {
  it("is valid JSON that round-trips", () => {
    expect(JSON.parse(JSON.stringify(body))).to.deep.equal(body);
  });

  it("opens on the configured range and lets widgets inherit the period", () => {
    expect(body.start).to.equal("-PT24H");
    expect(buildDashboardBody({ ...spec, rangeHours: 168 }).start).to.equal("-PT168H");
    expect(metricWidgets.filter((w) => w.properties.title !== "Estimated cost by model family (USD per hour)").every((w) => w.properties.period === 300)).to.equal(true);
    expect(buildDashboardBody({ ...spec, periodSeconds: 3600 }).widgets.find((w) => w.properties.title === "Input tokens")?.properties.period).to.equal(3600);
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
    for (const widget of body.widgets.filter((w) => w.type !== "text")) expect(widget.properties.region).to.equal("eu-central-1");
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
    const counts = expressionsOf(titled("Errors and throttles")).map((e) => e.expression).join(" ");
    for (const metric of ["InvocationClientErrors", "InvocationServerErrors", "InvocationThrottles"]) expect(counts).to.include(metric);
    const rate = expressionsOf(titled("Error rate (%)")).find((e) => e.id === "errorRate");
    expect(rate?.expression).to.match(/^100 \* /);
    expect(rate?.visible).to.not.equal(false);
  });

  it("follows whatever models are in use: per-model series are SEARCHes over ModelId, no model ID outside the cost widget", () => {
    for (const widget of metricWidgets.filter((w) => w.properties.title !== "Estimated cost by model family (USD per hour)")) {
      const text = JSON.stringify(widget.properties.metrics);
      expect(text, String(widget.properties.title)).to.not.match(/anthropic\.|claude/);
    }
    expect(JSON.stringify(titled("Input tokens").properties.metrics)).to.include("{AWS/Bedrock,ModelId}");
  });

  it("shows cache tokens, time to first token and log delivery failures", () => {
    expect(JSON.stringify(titled("Prompt cache tokens").properties.metrics)).to.include("CacheReadInputTokens").and.include("CacheWriteInputTokens");
    expect(JSON.stringify(titled("Time to first token (ms, streaming)").properties.metrics)).to.include("TimeToFirstToken");
    const delivery = JSON.stringify(titled("Invocation log delivery failures").properties.metrics);
    for (const metric of ["ModelInvocationLogsCloudWatchDeliveryFailure", "ModelInvocationLogsS3DeliveryFailure", "ModelInvocationLargeDataS3DeliveryFailure"]) {
      expect(delivery).to.include(metric);
    }
  });

  describe("estimated cost per hour by family", () => {
    const cost = titled("Estimated cost by model family (USD per hour)");
    const expressions = expressionsOf(cost);

    it("draws one visible line per family, summing hidden priced slices", () => {
      const visible = expressions.filter((e) => e.visible !== false);
      expect(visible.map((e) => e.label)).to.deep.equal(["Opus (USD per hour)", "Sonnet (USD per hour)", "Haiku (USD per hour)", "Other (USD per hour)"]);
      for (const line of visible) expect(line.expression).to.match(/^SUM\(\[c\d+(, c\d+)*\]\)$/);
      expect(cost.properties.period).to.equal(3600);
    });

    it("prices each slice from the catalog: the Sonnet 4.5 global input slice costs $3 per 1M tokens", () => {
      const terms = costTerms(PRICE_CATALOG, 3600);
      const slice = terms.find((t) => t.tokenKind === "input" && t.modelIds.includes("global.anthropic.claude-sonnet-4-5-20250929-v1:0"));
      expect(slice?.ratePerMillion).to.equal(3);
      expect(slice?.expression).to.match(/\* 3 \/ 1000000$/);
      const regional = terms.find((t) => t.tokenKind === "output" && t.modelIds.includes("us.anthropic.claude-sonnet-4-5-20250929-v1:0"));
      expect(regional?.ratePerMillion).to.equal(16.5);
      expect(regional?.modelIds).to.include("anthropic.claude-sonnet-4-5-20250929-v1:0").and.include("eu.anthropic.claude-sonnet-4-5-20250929-v1:0");
    });

    it("covers every confirmed model on every route, and no unconfirmed one", () => {
      const priced = new Set(costTerms(PRICE_CATALOG, 3600).flatMap((t) => t.modelIds));
      for (const model of PRICE_CATALOG.models) {
        const id = model.baseModelId;
        expect(priced.has(id), id).to.equal(model.confirmed);
        expect(priced.has(`apac.${id}`), `apac.${id}`).to.equal(model.confirmed);
        expect(priced.has(`global.${id}`), `global.${id}`).to.equal(model.confirmed && model.global !== null);
      }
    });

    it("keeps each SEARCH query within CloudWatch's 1,024-character limit", () => {
      for (const term of costTerms(PRICE_CATALOG, 3600)) {
        const query = /SEARCH\('([^']*)'/.exec(term.expression)?.[1] ?? "";
        expect(query.length).to.be.within(1, 1024);
      }
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
      for (const field of ["@timestamp", "modelId", "identity.arn", "input.inputTokenCount", "output.outputTokenCount", "input.cacheReadInputTokenCount", "input.cacheWriteInputTokenCount", "errorCode"]) {
        expect(query).to.include(field);
      }
      const known = new Set([...RECORD_SCHEMA_FIELDS, ...SYSTEM_FIELDS]);
      // A top-level `inputTokenCount` would be flagged here: it is not in the record schema.
      for (const field of fieldReferences(query)) expect(known.has(field), field).to.equal(true);
    });
  });
});
