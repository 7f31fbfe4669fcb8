/**
 * Invocation log records in the shapes Bedrock writes them, written for these
 * tests: Converse, InvokeModel and streamed bodies, guardrail blocks, model
 * IDs as profile ARNs. Values are made up; the field layout follows delivered
 * records (top-level envelope, `input`/`output` with counts and inline bodies).
 */

export const ACCOUNT = "111122223333";
export const SONNET_4_US = "us.anthropic.claude-sonnet-4-20250514-v1:0";
export const OPUS_46_GLOBAL = "global.anthropic.claude-opus-4-6-v1";
export const HAIKU_45_US = "us.anthropic.claude-haiku-4-5-20251001-v1:0";

/** A system inference profile ARN, as a caller that sent the ARN gets it logged. */
export function profileArn(profileId: string, region = "us-east-1"): string {
  return `arn:aws:bedrock:${region}:${ACCOUNT}:inference-profile/${profileId}`;
}

type Json = Record<string, unknown>;

interface Envelope {
  modelId: string;
  operation: string;
  timestamp?: string;
  caller?: string;
}

function envelope({
  modelId,
  operation,
  timestamp = "2026-11-10T08:00:00Z",
  caller = `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/worker-1`,
}: Envelope): Json {
  return {
    timestamp,
    accountId: ACCOUNT,
    identity: { arn: caller },
    region: "us-east-1",
    requestId: "3f0c6a52-9d7e-4c11-8b0e-5a2f61c0d9e4",
    operation,
    modelId,
  };
}

/** Converse: `stopReason` and `metrics.latencyMs` in the body; a guardrail block has `stopReason: "guardrail_intervened"` and a trace. */
export function converseRecord(
  options: Partial<Envelope> & { stopReason?: string; inputTokens?: number; outputTokens?: number } = {},
): Json {
  const { stopReason = "end_turn", inputTokens = 40, outputTokens = 90 } = options;
  const blocked = stopReason === "guardrail_intervened";
  return {
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
    ...envelope({ modelId: SONNET_4_US, operation: "Converse", ...options }),
    input: {
      inputContentType: "application/json",
      inputBodyJson: { messages: [{ role: "user", content: [{ text: "How do I pick a lock?" }] }] },
      inputTokenCount: inputTokens,
    },
    output: {
      outputContentType: "application/json",
      outputBodyJson: {
        output: {
          message: {
            role: "assistant",
            content: [{ text: blocked ? "Sorry, I cannot help with that." : "Here you go." }],
          },
        },
        stopReason,
        metrics: { latencyMs: 310 },
        usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
        trace: {
          guardrail: {
            // A blocked model answer is kept in the trace as an escaped JSON string: its own stop_reason must not count.
            modelOutput: [
              JSON.stringify({ type: "message", content: [{ type: "text", text: "..." }], stop_reason: "end_turn" }),
            ],
            inputAssessment: {
              g1a2b3c4d5e6: {
                contentPolicy: {
                  filters: [{ type: "MISCONDUCT", confidence: "HIGH", action: blocked ? "BLOCKED" : "NONE" }],
                },
              },
            },
          },
        },
      },
      outputTokenCount: outputTokens,
    },
  };
}

/**
 * InvokeModel with a guardrail: the Anthropic body carries
 * `amazon-bedrock-guardrailAction`; a blocked request logs no token counts at
 * all and keys in CloudWatch's order (schemaType last).
 */
export function invokeModelRecord(options: Partial<Envelope> & { guardrailAction: "INTERVENED" | "NONE" }): Json {
  const blocked = options.guardrailAction === "INTERVENED";
  const body: Json = blocked
    ? { type: "message", role: "assistant", content: [{ type: "text", text: "Sorry, please rephrase." }] }
    : {
        id: "msg_bdrk_01",
        type: "message",
        role: "assistant",
        content: [{ type: "text", text: "Three sentences." }],
        stop_reason: "end_turn",
        usage: { input_tokens: 200, output_tokens: 100 },
      };
  return {
    ...envelope({ modelId: profileArn(SONNET_4_US), operation: "InvokeModel", ...options }),
    input: {
      inputContentType: "application/json",
      inputBodyJson: { anthropic_version: "bedrock-2023-05-31", max_tokens: 512, messages: [] },
      ...(blocked ? {} : { inputTokenCount: 200 }),
    },
    output: {
      outputContentType: "application/json",
      outputBodyJson: {
        ...body,
        "amazon-bedrock-trace": {
          guardrail: { input: { g1a2b3c4d5e6: { invocationMetrics: { guardrailProcessingLatency: 290 } } } },
        },
        "amazon-bedrock-guardrailAction": options.guardrailAction,
      },
      ...(blocked ? {} : { outputTokenCount: 100 }),
    },
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
  };
}

/** InvokeModelWithResponseStream: the body is the list of stream events; a block marks the events it touched. */
export function streamRecord(options: Partial<Envelope> & { blocked: boolean }): Json {
  const mark = options.blocked ? { "amazon-bedrock-guardrailAction": "INTERVENED" } : {};
  return {
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
    ...envelope({
      modelId: profileArn(OPUS_46_GLOBAL, "us-west-2"),
      operation: "InvokeModelWithResponseStream",
      ...options,
    }),
    input: {
      inputContentType: "application/json",
      inputTokenCount: options.blocked ? 0 : 6,
      cacheWriteInputTokenCount: options.blocked ? 0 : 30_000,
    },
    output: {
      outputContentType: "application/json",
      outputBodyJson: [
        { type: "message_start", message: { role: "assistant", usage: { input_tokens: 6, output_tokens: 1 } } },
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Hi" }, ...mark },
        { type: "message_delta", delta: { stop_reason: "end_turn" }, usage: { output_tokens: 120 } },
        {
          type: "message_stop",
          "amazon-bedrock-invocationMetrics": {
            inputTokenCount: 6,
            outputTokenCount: 120,
            invocationLatency: 2400,
            firstByteLatency: 900,
          },
          ...mark,
        },
      ],
      outputTokenCount: options.blocked ? 0 : 120,
    },
  };
}

/** Records as the lines of a `.jsonl` file. */
export function jsonLines(records: Json[]): string {
  return `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;
}
