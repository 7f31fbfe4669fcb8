/**
 * Deterministic generator of Bedrock model invocation log archives in the S3
 * key layout, for the offline report, its tests and the bundled sample.
 *
 *   npm run gen:logs -- --out /tmp/logs --end 2026-11-20T00:00:00Z --hours 168 --rate 12 --seed 42
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";

export const SAMPLE_ACCOUNT = "123456789012";
export const SAMPLE_REGION = "us-east-1";
export const SAMPLE_APPLICATION_PROFILE = `arn:aws:bedrock:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:application-inference-profile/9x8y7w6v5u4t`;
/** A model ID no catalog has: the report must show it as unpriced. */
export const SAMPLE_UNKNOWN_MODEL = "us.anthropic.claude-sonnet-5-20261115-v1:0";

const HOUR_MS = 3_600_000;

interface ModelChoice {
  modelId: string;
  weight: number;
  baseLatencyMs: number;
  caches: boolean;
  longContext: boolean;
}

const MODELS: ModelChoice[] = [
  { modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0", weight: 30, baseLatencyMs: 1800, caches: true, longContext: true },
  { modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", weight: 10, baseLatencyMs: 1900, caches: true, longContext: true },
  { modelId: "us.anthropic.claude-sonnet-4-20250514-v1:0", weight: 5, baseLatencyMs: 1700, caches: true, longContext: true },
  { modelId: "global.anthropic.claude-haiku-4-5-20251001-v1:0", weight: 15, baseLatencyMs: 700, caches: true, longContext: false },
  { modelId: "us.anthropic.claude-opus-4-5-20251101-v1:0", weight: 5, baseLatencyMs: 4200, caches: true, longContext: false },
  { modelId: "global.anthropic.claude-opus-4-7", weight: 3, baseLatencyMs: 4000, caches: true, longContext: false },
  { modelId: "us.anthropic.claude-3-7-sonnet-20250219-v1:0", weight: 5, baseLatencyMs: 2000, caches: false, longContext: false },
  { modelId: "anthropic.claude-3-5-haiku-20241022-v1:0", weight: 5, baseLatencyMs: 800, caches: false, longContext: false },
  { modelId: "anthropic.claude-3-haiku-20240307-v1:0", weight: 12, baseLatencyMs: 500, caches: false, longContext: false },
  { modelId: "anthropic.claude-3-opus-20240229-v1:0", weight: 1, baseLatencyMs: 5000, caches: false, longContext: false },
  { modelId: SAMPLE_APPLICATION_PROFILE, weight: 6, baseLatencyMs: 1800, caches: false, longContext: false },
  { modelId: SAMPLE_UNKNOWN_MODEL, weight: 3, baseLatencyMs: 2000, caches: false, longContext: false },
];

const CALLERS = [
  { arn: (session: string) => `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/ChatBackend/${session}`, weight: 6 },
  { arn: (session: string) => `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/DataScience/${session}@example.com`, weight: 3 },
  { arn: () => `arn:aws:iam::${SAMPLE_ACCOUNT}:user/ci-bot`, weight: 1 },
];

const OPERATIONS = [
  { name: "Converse", weight: 5 },
  { name: "ConverseStream", weight: 2 },
  { name: "InvokeModel", weight: 2 },
  { name: "InvokeModelWithResponseStream", weight: 2 },
];

const ERROR_CODES = ["ThrottlingException", "ValidationException", "ModelTimeoutException", "ServiceUnavailableException"];

/** mulberry32: small, fast, and the same sequence on every machine. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T extends { weight: number }>(random: () => number, choices: T[]): T {
  const total = choices.reduce((sum, choice) => sum + choice.weight, 0);
  let ticket = random() * total;
  for (const choice of choices) {
    ticket -= choice.weight;
    if (ticket < 0) return choice;
  }
  return choices[choices.length - 1];
}

function between(random: () => number, min: number, max: number): number {
  return Math.floor(min + random() * (max - min + 1));
}

function hex(random: () => number, length: number): string {
  return Array.from({ length }, () => Math.floor(random() * 16).toString(16)).join("");
}

export interface GeneratedFile {
  /** Path relative to the archive root, in the S3 key layout. */
  key: string;
  lines: string[];
}

export interface GeneratedArchive {
  files: GeneratedFile[];
  /** Every well-formed record, as written (the expected input of a report). */
  records: Array<Record<string, unknown>>;
  malformedLines: number;
  /** Objects under `data/`: bodies, not records. */
  bodyObjects: number;
}

export interface GenerateOptions {
  seed: number;
  /** Exclusive end of the generated period (records stop before it). */
  end: Date;
  hours: number;
  requestsPerHour: number;
  /** Optional S3 prefix before `AWSLogs/`. */
  prefix?: string;
}

function outputBody(operation: string, text: string, outputTokens: number, inputTokens: number, latencyMs: number): unknown {
  if (operation === "Converse" || operation === "ConverseStream") {
    return {
      output: { message: { role: "assistant", content: [{ text }] } },
      stopReason: "end_turn",
      usage: { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens },
      metrics: { latencyMs },
    };
  }
  if (operation === "InvokeModelWithResponseStream") {
    return [
      { type: "message_start", message: { role: "assistant", model: "claude" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
      {
        type: "message_stop",
        "amazon-bedrock-invocationMetrics": { inputTokenCount: inputTokens, outputTokenCount: outputTokens, invocationLatency: latencyMs, firstByteLatency: Math.round(latencyMs / 4) },
      },
    ];
  }
  return { id: "msg_bdrk_01", type: "message", role: "assistant", content: [{ type: "text", text }], stop_reason: "end_turn", usage: { input_tokens: inputTokens, output_tokens: outputTokens } };
}

function makeRecord(random: () => number, timestampMs: number): Record<string, unknown> {
  const model = pick(random, MODELS);
  const operation = pick(random, OPERATIONS).name;
  const caller = pick(random, CALLERS).arn(`session-${hex(random, 6)}`);
  // Long-context requests: a large document plus a cached prefix, past 200,000 tokens together.
  const longContext = model.longContext && random() < 0.03;
  const inputTokens = longContext ? between(random, 120_000, 190_000) : between(random, 150, 6_000);
  const cacheReadInputTokens = longContext ? between(random, 30_000, 90_000) : model.caches && random() < 0.4 ? between(random, 1_000, 30_000) : 0;
  const cacheWriteInputTokens = model.caches && random() < 0.1 ? between(random, 1_000, 8_000) : 0;
  const failed = random() < 0.03;
  const outputTokens = between(random, 20, 1_200);
  const latencyMs = Math.round(model.baseLatencyMs * (0.5 + random()) + outputTokens * 8);
  const input: Record<string, unknown> = {
    inputContentType: "application/json",
    inputBodyJson: { messages: [{ role: "user", content: [{ text: "Summarise the ticket." }] }] },
    inputTokenCount: inputTokens,
  };
  if (cacheReadInputTokens > 0) input.cacheReadInputTokenCount = cacheReadInputTokens;
  if (cacheWriteInputTokens > 0) input.cacheWriteInputTokenCount = cacheWriteInputTokens;
  const record: Record<string, unknown> = {
    schemaType: "ModelInvocationLog",
    schemaVersion: "1.0",
    timestamp: new Date(Math.floor(timestampMs / 1000) * 1000).toISOString().replace(".000Z", "Z"),
    accountId: SAMPLE_ACCOUNT,
    region: SAMPLE_REGION,
    requestId: `${hex(random, 8)}-${hex(random, 4)}-4${hex(random, 3)}-8${hex(random, 3)}-${hex(random, 12)}`,
    operation,
    modelId: model.modelId,
    identity: { arn: caller },
    input,
  };
  if (model.modelId.startsWith("global.") || model.modelId.startsWith("us.")) record.inferenceRegion = random() < 0.5 ? "us-east-1" : "us-west-2";
  if (failed) {
    record.errorCode = ERROR_CODES[between(random, 0, ERROR_CODES.length - 1)];
  } else {
    record.output = {
      outputContentType: "application/json",
      outputBodyJson: outputBody(operation, "Here is the summary.", outputTokens, inputTokens, latencyMs),
      outputTokenCount: outputTokens,
    };
  }
  return record;
}

function hourFolder(prefix: string, hourStartMs: number): string {
  const [date, time] = new Date(hourStartMs).toISOString().split("T");
  const [year, month, day] = date.split("-");
  return `${prefix}AWSLogs/${SAMPLE_ACCOUNT}/BedrockModelInvocationLogs/${SAMPLE_REGION}/${year}/${month}/${day}/${time.slice(0, 2)}`;
}

/**
 * Traffic grows slowly over the period and follows the working day, so the
 * trend projection has something to find. Each hour's object also carries a
 * few records from the previous hour, as delayed delivery does.
 */
export function generateLogArchive(options: GenerateOptions): GeneratedArchive {
  const random = seededRandom(options.seed);
  const prefix = options.prefix ?? "";
  const startMs = options.end.getTime() - options.hours * HOUR_MS;
  const archive: GeneratedArchive = { files: [], records: [], malformedLines: 0, bodyObjects: 0 };
  for (let hour = 0; hour < options.hours; hour += 1) {
    const hourStartMs = startMs + hour * HOUR_MS;
    const utcHour = new Date(hourStartMs).getUTCHours();
    const daytime = utcHour >= 13 && utcHour < 23 ? 1.5 : 0.5;
    const growth = 0.7 + (0.6 * hour) / Math.max(1, options.hours);
    const count = Math.max(1, Math.round(options.requestsPerHour * daytime * growth * (0.7 + 0.6 * random())));
    const lines: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const lateByOneHour = random() < 0.05;
      const record = makeRecord(random, hourStartMs + random() * HOUR_MS - (lateByOneHour ? HOUR_MS : 0));
      archive.records.push(record);
      lines.push(JSON.stringify(record));
    }
    if (hour % 50 === 7) {
      lines.splice(1, 0, lines[0].slice(0, Math.floor(lines[0].length / 2)));
      archive.malformedLines += 1;
    }
    const folder = hourFolder(prefix, hourStartMs);
    const stamp = new Date(hourStartMs + 5 * 60_000).toISOString().replace(/[-:]/g, "").slice(0, 15);
    archive.files.push({ key: `${folder}/${stamp}Z_${hex(random, 16)}.json.gz`, lines });
    if (hour % 72 === 3) {
      archive.files.push({ key: `${folder}/data/${hex(random, 32)}_input.json.gz`, lines: [JSON.stringify({ messages: [{ role: "user", content: "x".repeat(200) }] })] });
      archive.bodyObjects += 1;
    }
  }
  return archive;
}

export async function writeLogArchive(archive: GeneratedArchive, outDir: string): Promise<void> {
  for (const file of archive.files) {
    const path = join(outDir, file.key);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, gzipSync(`${file.lines.join("\n")}\n`, { level: 9 }));
  }
}

async function main(): Promise<void> {
  const args = await yargs(hideBin(process.argv))
    .scriptName("gen:logs")
    .usage("$0 --out <dir> [--end <ISO>] [--hours n] [--rate n] [--seed n]")
    .option("out", { type: "string", demandOption: true, describe: "Folder to write the archive into" })
    .option("end", { type: "string", default: "2026-11-20T00:00:00Z", describe: "Exclusive end of the period (ISO-8601)" })
    .option("hours", { type: "number", default: 168, describe: "Hours of traffic before --end" })
    .option("rate", { type: "number", default: 12, describe: "Average requests per hour" })
    .option("seed", { type: "number", default: 42, describe: "Seed: the same seed gives the same archive" })
    .strict()
    .parseAsync();
  const end = new Date(args.end);
  if (Number.isNaN(end.getTime())) throw new Error(`--end ${args.end} is not an ISO-8601 date`);
  const archive = generateLogArchive({ seed: args.seed, end, hours: args.hours, requestsPerHour: args.rate });
  await writeLogArchive(archive, args.out);
  process.stderr.write(
    `Wrote ${archive.records.length} records (+${archive.malformedLines} malformed lines, ${archive.bodyObjects} body objects) in ${archive.files.length} objects to ${args.out}; period ends ${end.toISOString()}\n`,
  );
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`gen:logs: ${error.message}\n`);
    process.exitCode = 1;
  });
}
