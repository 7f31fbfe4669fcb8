/**
 * A small evaluator for the part of CloudWatch metric math the dashboard and
 * the cost estimator use, over an in-memory set of metrics, so tests can check
 * what the expressions compute rather than how they are spelled. Semantics
 * follow "Metric math syntax and functions"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html):
 *
 * - SEARCH('{Namespace,Dim} Key="value" ...', 'Sum', period) returns one time
 *   series per matching metric (only exact `Key="value"` terms, AND, OR and
 *   parentheses are supported; anything else throws);
 * - SUM and MAX of an array of time series return one time series, the sum or
 *   maximum of the values present at each timestamp (no series, no points);
 * - FILL(series, value) gives every timestamp of the window a value;
 * - arithmetic between a time series and a number applies to each point, and
 *   between two time series to the timestamps both have.
 *
 * Anything outside that subset throws, so a test cannot pass on an expression
 * this evaluator only pretends to understand.
 */

export interface StoredMetric {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  /** Sum per period, by timestamp (ms). */
  sums: Record<number, number>;
}

type Series = Map<number, number>;
type Value = number | Series | Series[] | string;

export interface Evaluation {
  metrics: StoredMetric[];
  /** Every period start of the queried window (ms), for FILL. */
  timeline: number[];
  /** Other expressions by id, evaluated when referenced. */
  expressions: Record<string, string>;
}

class Parser {
  private position = 0;
  private readonly tokens: string[];

  constructor(
    text: string,
    private readonly resolve: (id: string) => Value,
    private readonly call: (name: string, args: Value[]) => Value,
  ) {
    this.tokens = text.match(/'[^']*'|\d+(?:\.\d+)?|[A-Za-z_][A-Za-z0-9_]*|[-+*/(),[\]]|\S/g) ?? [];
  }

  parse(): Value {
    const value = this.sum();
    if (this.position !== this.tokens.length) throw new Error(`unexpected ${this.tokens[this.position]}`);
    return value;
  }

  private peek(): string | undefined {
    return this.tokens[this.position];
  }

  private take(expected?: string): string {
    const token = this.tokens[this.position++];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new Error(`expected ${expected ?? "a token"}, got ${token}`);
    }
    return token;
  }

  private sum(): Value {
    let left = this.product();
    while (this.peek() === "+" || this.peek() === "-") {
      const operator = this.take();
      left = arithmetic(left, this.product(), operator);
    }
    return left;
  }

  private product(): Value {
    let left = this.operand();
    while (this.peek() === "*" || this.peek() === "/") {
      const operator = this.take();
      left = arithmetic(left, this.operand(), operator);
    }
    return left;
  }

  private operand(): Value {
    const token = this.take();
    if (token === "(") {
      const inner = this.sum();
      this.take(")");
      return inner;
    }
    if (token === "[") {
      const items: Series[] = [];
      while (this.peek() !== "]") {
        const item = this.sum();
        if (typeof item === "number" || typeof item === "string") throw new Error("an array holds time series only");
        items.push(...(Array.isArray(item) ? item : [item]));
        if (this.peek() === ",") this.take(",");
      }
      this.take("]");
      return items;
    }
    if (token.startsWith("'")) return token.slice(1, -1);
    if (/^\d/.test(token)) return Number(token);
    if (this.peek() === "(") {
      this.take("(");
      const args: Value[] = [];
      while (this.peek() !== ")") {
        args.push(this.sum());
        if (this.peek() === ",") this.take(",");
      }
      this.take(")");
      return this.call(token, args);
    }
    return this.resolve(token);
  }
}

function mapSeries(series: Series | Series[], apply: (value: number) => number): Series | Series[] {
  const one = (s: Series) => new Map([...s].map(([time, value]) => [time, apply(value)]));
  return Array.isArray(series) ? series.map(one) : one(series);
}

function arithmetic(left: Value, right: Value, operator: string): Value {
  const op = (a: number, b: number) =>
    operator === "+" ? a + b : operator === "-" ? a - b : operator === "*" ? a * b : a / b;
  if (typeof left === "string" || typeof right === "string") throw new Error("no arithmetic on strings");
  if (typeof left === "number" && typeof right === "number") return op(left, right);
  if (typeof right === "number") return mapSeries(left as Series | Series[], (value) => op(value, right));
  if (typeof left === "number") return mapSeries(right, (value) => op(left, value));
  if (Array.isArray(left) || Array.isArray(right))
    throw new Error("arithmetic between arrays of time series is not supported here");
  const result: Series = new Map();
  for (const [time, value] of left) {
    const other = right.get(time);
    // A zero denominator leaves the point out, as a graph shows nothing there.
    if (other !== undefined && !(operator === "/" && other === 0)) result.set(time, op(value, other));
  }
  return result;
}

/** Evaluates a boolean SEARCH term list against one metric's name and dimensions. */
function matchesSearch(terms: string[], metric: StoredMetric): boolean {
  let position = 0;
  const fieldValue = (key: string) => (key === "MetricName" ? metric.metricName : metric.dimensions[key]);
  const or = (): boolean => {
    let result = and();
    while (terms[position] === "OR") {
      position += 1;
      result = and() || result;
    }
    return result;
  };
  const and = (): boolean => {
    let result = atom();
    while (position < terms.length && terms[position] !== "OR" && terms[position] !== ")") {
      if (terms[position] === "AND") position += 1;
      result = atom() && result;
    }
    return result;
  };
  const atom = (): boolean => {
    const term = terms[position++];
    if (term === "(") {
      const inner = or();
      if (terms[position++] !== ")") throw new Error("unbalanced SEARCH parentheses");
      return inner;
    }
    const exact = /^([A-Za-z]+)="([^"]*)"$/.exec(term ?? "");
    if (exact === null) throw new Error(`unsupported SEARCH term ${term}`);
    return fieldValue(exact[1]) === exact[2];
  };
  const result = or();
  if (position !== terms.length) throw new Error(`unexpected SEARCH term ${terms[position]}`);
  return result;
}

function search(metrics: StoredMetric[], query: string, statistic: string): Series[] {
  if (statistic !== "Sum") throw new Error(`only the Sum statistic is stored, not ${statistic}`);
  const schema = /^\s*\{([^}]*)\}\s*(.*)$/.exec(query);
  if (schema === null) throw new Error(`SEARCH query without a schema: ${query}`);
  const [namespace, ...dimensionNames] = schema[1].split(",").map((part) => part.trim());
  const terms = schema[2].match(/\(|\)|[A-Za-z]+="[^"]*"|\S+/g) ?? [];
  return metrics
    .filter((metric) => metric.namespace === namespace)
    .filter((metric) => Object.keys(metric.dimensions).sort().join(",") === [...dimensionNames].sort().join(","))
    .filter((metric) => matchesSearch(terms, metric))
    .map((metric) => new Map(Object.entries(metric.sums).map(([time, value]) => [Number(time), value])));
}

function combine(series: Series[], reduce: (values: number[]) => number): Series {
  const times = [...new Set(series.flatMap((s) => [...s.keys()]))].sort((a, b) => a - b);
  return new Map(
    times.map((time) => [time, reduce(series.flatMap((s) => (s.has(time) ? [s.get(time) as number] : [])))]),
  );
}

function asArray(value: Value, fn: string): Series[] {
  if (Array.isArray(value)) return value;
  throw new Error(`${fn} is evaluated here only over an array of time series`);
}

/** Evaluates one expression; ids of other expressions resolve through `evaluation.expressions`. */
export function evaluate(expression: string, evaluation: Evaluation, resolving: string[] = []): Value {
  const resolve = (id: string): Value => {
    const referenced = evaluation.expressions[id];
    if (referenced === undefined) throw new Error(`unknown id ${id}`);
    if (resolving.includes(id)) throw new Error(`circular reference to ${id}`);
    return evaluate(referenced, evaluation, [...resolving, id]);
  };
  const call = (name: string, args: Value[]): Value => {
    switch (name) {
      case "SEARCH":
        return search(evaluation.metrics, String(args[0]), String(args[1]));
      case "SUM":
        return combine(asArray(args[0], name), (values) => values.reduce((a, b) => a + b, 0));
      case "MAX":
        return combine(asArray(args[0], name), (values) => Math.max(...values));
      case "FILL": {
        const [series, fill] = args;
        if (!(series instanceof Map) || typeof fill !== "number")
          throw new Error("FILL is evaluated here only as FILL(series, number)");
        return new Map(evaluation.timeline.map((time) => [time, series.get(time) ?? fill]));
      }
      default:
        throw new Error(`metric math function ${name} is not supported here`);
    }
  };
  return new Parser(expression, resolve, call).parse();
}

/** One series as plain `[timestamp, value]` pairs, for assertions. */
export function pointsOf(value: Value): [number, number][] {
  if (!(value instanceof Map)) throw new Error("expected a single time series");
  return [...value].sort(([a], [b]) => a - b);
}
