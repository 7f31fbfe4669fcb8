/**
 * Invocation records, written for these tests, in the shapes Bedrock logs
 * them (Converse with usage and latency, InvokeModel through an inference
 * profile ARN with a guardrail trace, a ConverseStream with cache tokens), and
 * the containers people keep them in: JSON lines, arrays, pretty-printed
 * files, Logs Insights exports, `aws logs` command output, CloudWatch Logs
 * exports to S3.
 */
import { gzipSync } from "node:zlib";

export type LogRecord = Record<string, unknown>;

/** Window the fixtures' records fall in. */
export const FIXTURE_WINDOW = { start: new Date("2026-11-10T00:00:00Z"), end: new Date("2026-11-11T00:00:00Z") };

const ACCOUNT = "111122223333";

/** The `n`-th fixture record: one of three real shapes, `n` minutes into 13:00 UTC, `inputTokens` = 100 + n. */
export function fixtureRecord(n: number): LogRecord {
  const timestamp = `2026-11-10T13:${String(n % 60).padStart(2, "0")}:${String(n % 7).padStart(2, "0")}Z`;
  const common = {
    timestamp,
    accountId: ACCOUNT,
    region: "us-east-1",
    requestId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  };
  const inputTokens = 100 + n;
  switch (n % 3) {
    case 0:
      return {
        schemaType: "ModelInvocationLog",
        schemaVersion: "1.0",
        ...common,
        identity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Analyst/session-${n}` },
        operation: "Converse",
        modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
        input: {
          inputContentType: "application/json",
          inputBodyJson: { messages: [{ role: "user", content: [{ text: `Question "${n}"\nwith a line break` }] }] },
          inputTokenCount: inputTokens,
          cacheReadInputTokenCount: 0,
          cacheWriteInputTokenCount: 0,
        },
        output: {
          outputContentType: "application/json",
          outputBodyJson: {
            output: { message: { role: "assistant", content: [{ text: "Answer." }] } },
            stopReason: "end_turn",
            metrics: { latencyMs: 1000 + n },
            usage: { inputTokens, outputTokens: 20, totalTokens: inputTokens + 20 },
          },
          outputTokenCount: 20,
        },
      };
    case 1:
      // CloudWatch's key order: schemaType last.
      return {
        ...common,
        identity: { arn: `arn:aws:sts::${ACCOUNT}:assumed-role/lambda-invoker/fn` },
        operation: "InvokeModel",
        modelId: `arn:aws:bedrock:us-east-1:${ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-20250514-v1:0`,
        input: {
          inputContentType: "application/json",
          inputBodyJson: {
            anthropic_version: "bedrock-2023-05-31",
            messages: [{ role: "user", content: [{ type: "text", text: "Evaluate the user's answer." }] }],
            max_tokens: 512,
          },
          inputTokenCount: inputTokens,
        },
        output: {
          outputContentType: "application/json",
          outputBodyJson: {
            type: "message",
            content: [{ type: "text", text: "Fine." }],
            stop_reason: "end_turn",
            usage: { input_tokens: inputTokens, output_tokens: 20 },
            "amazon-bedrock-guardrailAction": "NONE",
          },
          outputTokenCount: 20,
        },
        inferenceRegion: "us-east-2",
        schemaType: "ModelInvocationLog",
        schemaVersion: "1.0",
      };
    default:
      return {
        schemaType: "ModelInvocationLog",
        schemaVersion: "1.0",
        ...common,
        identity: { arn: `arn:aws:iam::${ACCOUNT}:user/dev` },
        operation: "ConverseStream",
        modelId: "us.anthropic.claude-haiku-4-5-20251001-v1:0",
        input: {
          inputContentType: "application/json",
          inputTokenCount: inputTokens,
          cacheReadInputTokenCount: 50,
          cacheWriteInputTokenCount: 0,
        },
        output: {
          outputContentType: "application/json",
          outputBodyJson: { stopReason: "end_turn", metrics: { latencyMs: 900 } },
          outputTokenCount: 20,
        },
      };
  }
}

export function fixtureRecords(count: number, from = 0): LogRecord[] {
  return Array.from({ length: count }, (_, index) => fixtureRecord(from + index));
}

/** Input tokens the records carry (what a report of them must total). */
export function inputTokensOf(records: LogRecord[]): number {
  return records.reduce((sum, record) => sum + ((record.input as { inputTokenCount: number }).inputTokenCount ?? 0), 0);
}

export const asJsonLines = (records: LogRecord[]) => records.map((record) => `${JSON.stringify(record)}\n`).join("");

/** A JSON array of records, as `jq -s` or an export tool writes it. */
export const asJsonArray = (records: LogRecord[], indent?: number) => JSON.stringify(records, null, indent);

/** Records pretty-printed one after another, as copied from the console. */
export const asPrettyRecords = (records: LogRecord[]) =>
  records.map((record) => JSON.stringify(record, null, 4)).join("\n");

/** `<ms since 1970>` as Logs Insights shows `@timestamp`: `2026-11-10 13:25:23.000`, UTC without a zone. */
function insightsTime(ms: number): string {
  return new Date(ms).toISOString().replace("T", " ").replace("Z", "");
}

/** What the Logs Insights console's "Export results > Download table (JSON)" writes for `fields @timestamp, @message, ...`. */
export function asInsightsExport(records: LogRecord[]): string {
  const rows = records.map((record) => {
    const ms = Date.parse(record.timestamp as string);
    return {
      "@message": JSON.stringify(record),
      "@logStream": "aws/bedrock/modelinvocations",
      "@ingestionTime": insightsTime(ms + 4_000),
      "@log": `${ACCOUNT}:/aws/bedrock/modelinvocations`,
      "@timestamp": insightsTime(ms),
    };
  });
  return JSON.stringify(rows, null, 4);
}

/** `aws logs get-query-results` output: rows of `{field, value}` cells. */
export function asQueryResults(records: LogRecord[]): string {
  return JSON.stringify(
    {
      results: records.map((record) => [
        { field: "@timestamp", value: insightsTime(Date.parse(record.timestamp as string)) },
        { field: "@message", value: JSON.stringify(record) },
        { field: "@ptr", value: "CmAKJwojMTExMTIyMjIzMzMzOi9hd3MvYmVkcm9jaw==" },
      ]),
      statistics: { recordsMatched: records.length, recordsScanned: records.length, bytesScanned: 12345 },
      status: "Complete",
    },
    null,
    4,
  );
}

/** `aws logs filter-log-events` output (get-log-events has the same events, without logStreamName and eventId). */
export function asFilterLogEvents(
  records: LogRecord[],
  command: "filter-log-events" | "get-log-events" = "filter-log-events",
): string {
  const events = records.map((record, index) => {
    const timestamp = Date.parse(record.timestamp as string);
    const event = { timestamp, message: JSON.stringify(record), ingestionTime: timestamp + 3_000 };
    return command === "filter-log-events"
      ? { logStreamName: "aws/bedrock/modelinvocations", ...event, eventId: `3792${String(index).padStart(52, "0")}` }
      : event;
  });
  return JSON.stringify(
    command === "filter-log-events"
      ? { events, searchedLogStreams: [] }
      : {
          events,
          nextForwardToken: "f/39255683958283845454566738290048938468374748372834827364",
          nextBackwardToken: "b/39255683958283845454566738290048938468374748372834827363",
        },
    null,
    4,
  );
}

/** One object of a CloudWatch Logs export to S3 (`.../<stream>/000000.gz`): `<ISO time> <message>` lines, gzipped. */
export function asCloudWatchExport(records: LogRecord[]): Buffer {
  return gzipSync(
    records
      .map(
        (record) =>
          `${new Date(Date.parse(record.timestamp as string) + 250).toISOString()} ${JSON.stringify(record)}\n`,
      )
      .join(""),
  );
}
