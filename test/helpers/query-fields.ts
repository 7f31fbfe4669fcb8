/**
 * What the saved queries may read, for tests: the fields of an invocation log
 * record and those Logs Insights adds, and the fields a query text refers to.
 * The queries themselves are in reporting/src/kernel/queries.ts.
 */

/**
 * Fields of the invocation log record, as Logs Insights names them: nested
 * objects flattened by dot path. The record is the one Bedrock's model
 * invocation logging writes
 * (https://docs.aws.amazon.com/bedrock/latest/userguide/model-invocation-logging.html);
 * the shapes in test/helpers/record-shapes.ts follow it.
 */
export const RECORD_SCHEMA_FIELDS: readonly string[] = [
  "schemaType",
  "schemaVersion",
  "timestamp",
  "accountId",
  "region",
  "requestId",
  "identity.arn",
  "inferenceRegion",
  "operation",
  "modelId",
  "requestMetadata",
  "input.inputTokenCount",
  "input.cacheReadInputTokenCount",
  "input.cacheWriteInputTokenCount",
  "input.inputBodyJson",
  "input.inputBodyS3Path",
  "output.outputTokenCount",
  "output.outputBodyJson",
  "output.outputBodyS3Path",
  "output.outputBodyJson.metrics.latencyMs",
  "errorCode",
];

/** Fields Logs Insights generates for every event. */
export const SYSTEM_FIELDS: readonly string[] = ["@timestamp", "@message", "@logStream", "@log", "@ingestionTime"];

const KEYWORDS = new Set([
  "fields",
  "display",
  "filter",
  "stats",
  "sort",
  "limit",
  "parse",
  "dedup",
  "unmask",
  "as",
  "by",
  "and",
  "or",
  "not",
  "in",
  "like",
  "asc",
  "desc",
]);

/**
 * The log record fields a query reads: every identifier that is not a command,
 * keyword, function name, number, string or regex literal, or a name the query
 * itself defines (`as name`, or a regex capture group `(?<name>...)`).
 * Backtick-quoted names count as fields. Order of first use, no duplicates.
 */
export function fieldReferences(query: string): string[] {
  const defined = new Set<string>();
  const used: string[] = [];
  const tokens: string[] = [];
  let index = 0;
  while (index < query.length) {
    const char = query[index];
    if (/\s/.test(char)) {
      index += 1;
    } else if (char === '"' || char === "'") {
      index = endOfQuoted(query, index, char);
      tokens.push("<string>");
    } else if (char === "/" && regexAllowedAfter(tokens)) {
      const end = endOfQuoted(query, index, "/");
      for (const match of query.slice(index, end).matchAll(/\(\?<([A-Za-z_]\w*)>/g)) defined.add(match[1]);
      index = end;
      tokens.push("<regex>");
    } else if (char === "`") {
      const end = endOfQuoted(query, index, "`");
      index = classifyIdentifier(query.slice(index + 1, end - 1), query, end, tokens, defined, used);
    } else if (/[A-Za-z_@]/.test(char)) {
      const name = /^[A-Za-z0-9_.@]+/.exec(query.slice(index))![0];
      index = classifyIdentifier(name, query, index + name.length, tokens, defined, used);
    } else if (/[0-9]/.test(char)) {
      index += /^[0-9][A-Za-z0-9_.]*/.exec(query.slice(index))![0].length;
      tokens.push("<number>");
    } else {
      tokens.push(char);
      index += 1;
    }
  }
  return used.filter((name, position) => !defined.has(name) && used.indexOf(name) === position);
}

function classifyIdentifier(
  name: string,
  query: string,
  after: number,
  tokens: string[],
  defined: Set<string>,
  used: string[],
): number {
  const isFunction = /^\s*\(/.test(query.slice(after));
  if (tokens[tokens.length - 1] === "as") defined.add(name);
  else if (!isFunction && !KEYWORDS.has(name.toLowerCase())) used.push(name);
  tokens.push(name.toLowerCase());
  return after;
}

/** A slash starts a regex after `parse <field>`, `like` or `=~`; elsewhere it divides. */
function regexAllowedAfter(tokens: string[]): boolean {
  const last = tokens[tokens.length - 1];
  return (
    tokens[tokens.length - 2] === "parse" || last === "like" || (last === "~" && tokens[tokens.length - 2] === "=")
  );
}

/** Index just past the closing delimiter, honouring backslash escapes. */
function endOfQuoted(text: string, start: number, delimiter: string): number {
  let index = start + 1;
  while (index < text.length && text[index] !== delimiter) index += text[index] === "\\" ? 2 : 1;
  return Math.min(index + 1, text.length);
}
