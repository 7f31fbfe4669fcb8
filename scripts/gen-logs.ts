/**
 * Deterministic generator of Bedrock model invocation log archives in the S3
 * key layout, for the offline report, its tests and the bundled sample.
 *
 *   npm run gen:logs -- --out /tmp/logs --end 2026-11-20T00:00:00Z --hours 168 --rate 12 --seed 42
 *
 * `--body-bytes` fills request and response bodies with prose of about that
 * size, as real Converse traffic has (the benchmark's archive); without it
 * bodies are one short sentence each.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { UsageError } from "../reporting/src/kernel/errors";
import { HOUR_MS, MINUTE_MS } from "../reporting/src/kernel/time";
import { parseEnd, requireFitsInMemory, requireReportableHours } from "./gen-logs-checks";
import { reportScriptFailure, requirePositive } from "./option-checks";

export const SAMPLE_ACCOUNT = "123456789012";
export const SAMPLE_REGION = "us-east-1";
export const SAMPLE_APPLICATION_PROFILE = `arn:aws:bedrock:${SAMPLE_REGION}:${SAMPLE_ACCOUNT}:application-inference-profile/9x8y7w6v5u4t`;
/** A model ID no catalog has: the report must show it as unpriced. */
export const SAMPLE_UNKNOWN_MODEL = "us.anthropic.claude-sonnet-5-20261115-v1:0";

interface ModelChoice {
  modelId: string;
  weight: number;
  baseLatencyMs: number;
  caches: boolean;
  longContext: boolean;
}

const MODELS: ModelChoice[] = [
  {
    modelId: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    weight: 30,
    baseLatencyMs: 1800,
    caches: true,
    longContext: true,
  },
  {
    modelId: "global.anthropic.claude-sonnet-4-5-20250929-v1:0",
    weight: 10,
    baseLatencyMs: 1900,
    caches: true,
    longContext: true,
  },
  {
    modelId: "us.anthropic.claude-sonnet-4-20250514-v1:0",
    weight: 5,
    baseLatencyMs: 1700,
    caches: true,
    longContext: true,
  },
  {
    modelId: "global.anthropic.claude-haiku-4-5-20251001-v1:0",
    weight: 15,
    baseLatencyMs: 700,
    caches: true,
    longContext: false,
  },
  {
    modelId: "us.anthropic.claude-opus-4-5-20251101-v1:0",
    weight: 5,
    baseLatencyMs: 4200,
    caches: true,
    longContext: false,
  },
  { modelId: "global.anthropic.claude-opus-4-7", weight: 3, baseLatencyMs: 4000, caches: true, longContext: false },
  {
    modelId: "us.anthropic.claude-3-7-sonnet-20250219-v1:0",
    weight: 5,
    baseLatencyMs: 2000,
    caches: false,
    longContext: false,
  },
  {
    modelId: "anthropic.claude-3-5-haiku-20241022-v1:0",
    weight: 5,
    baseLatencyMs: 800,
    caches: false,
    longContext: false,
  },
  {
    modelId: "anthropic.claude-3-haiku-20240307-v1:0",
    weight: 12,
    baseLatencyMs: 500,
    caches: false,
    longContext: false,
  },
  {
    modelId: "anthropic.claude-3-opus-20240229-v1:0",
    weight: 1,
    baseLatencyMs: 5000,
    caches: false,
    longContext: false,
  },
  { modelId: SAMPLE_APPLICATION_PROFILE, weight: 6, baseLatencyMs: 1800, caches: false, longContext: false },
  { modelId: SAMPLE_UNKNOWN_MODEL, weight: 3, baseLatencyMs: 2000, caches: false, longContext: false },
];

/**
 * Models added to Bedrock since the sample was first made, drawn from a stream
 * of their own (as the metadata), so every other generated value stays as it
 * was. Haiku 5.5 has no confirmed price: the report shows it unpriced.
 */
const NEWER_MODELS: ModelChoice[] = [
  { modelId: "global.anthropic.claude-sonnet-5", weight: 5, baseLatencyMs: 1600, caches: true, longContext: false },
  { modelId: "us.anthropic.claude-opus-4-8", weight: 2, baseLatencyMs: 3800, caches: true, longContext: false },
  { modelId: "global.anthropic.claude-opus-5", weight: 2, baseLatencyMs: 3600, caches: true, longContext: false },
  { modelId: "global.anthropic.claude-haiku-5-5", weight: 1, baseLatencyMs: 600, caches: false, longContext: false },
];
/** Share of requests that go to a newer model instead. */
const NEWER_MODEL_SHARE = 0.12;

/** `requestMetadata` the callers set for chargeback; a request of the fourth kind sets none. */
const REQUEST_METADATA: Array<{ metadata: Record<string, string> | null; weight: number }> = [
  { metadata: { team: "search", app: "web-search" }, weight: 5 },
  { metadata: { team: "support", app: "helpdesk-bot" }, weight: 4 },
  { metadata: { team: "analytics", app: "report-writer" }, weight: 2 },
  { metadata: null, weight: 2 },
];

const CALLERS = [
  { arn: (session: string) => `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/ChatBackend/${session}`, weight: 6 },
  {
    arn: (session: string) => `arn:aws:sts::${SAMPLE_ACCOUNT}:assumed-role/DataScience/${session}@example.com`,
    weight: 3,
  },
  { arn: () => `arn:aws:iam::${SAMPLE_ACCOUNT}:user/ci-bot`, weight: 1 },
];

const OPERATIONS = [
  { name: "Converse", weight: 5 },
  { name: "ConverseStream", weight: 2 },
  { name: "InvokeModel", weight: 2 },
  { name: "InvokeModelWithResponseStream", weight: 2 },
];

const ERROR_CODES = [
  "ThrottlingException",
  "ValidationException",
  "ModelTimeoutException",
  "ServiceUnavailableException",
];

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

/** One object of the archive with what went into it. */
export interface GeneratedObject extends GeneratedFile {
  records: Array<Record<string, unknown>>;
  malformedLines: number;
  /** True for an object under `data/`: a body, not records. */
  bodyObject: boolean;
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
  /** About this many bytes of text in each record's request and response bodies together; default: one short sentence each. */
  bodyBytes?: number;
  /** Split each hour's records into objects of at most this many, as Bedrock delivers several objects an hour; default: one object an hour. */
  recordsPerObject?: number;
  /** A truncated line every 50 hours, to test skip counting (default true); off for archives other readers must agree on. */
  malformedLines?: boolean;
}

interface BodyTexts {
  prompt: string;
  reply: string;
}

const SHORT_BODIES: BodyTexts = { prompt: "Summarise the ticket.", reply: "Here is the summary." };

/** Words for body prose, with what JSON has to escape or carry as multi-byte UTF-8: quotes, backslashes, tabs, accents, CJK, emoji. */
const WORDS = (
  "the a of to and in is for on with that this be are as it from by at or an we can your will not have our if all " +
  "ticket customer invoice summary report region latency deployment cluster bucket policy request response model token cache " +
  "error retry timeout throughput budget forecast quarter revenue migration schema index query table column pipeline " +
  'naïve café résumé Zürich 東京 データ 🙂 — "quoted" it\'s C:\\temp\\logs tab\there {braces} [brackets] 50% $1,200.00'
).split(" ");

/** Prose of about `bytes` UTF-8 bytes: sentences of random words, paragraphs separated by blank lines. */
function prose(random: () => number, bytes: number): string {
  const parts: string[] = [];
  let length = 0;
  let sentenceWords = 0;
  while (length < bytes) {
    const word = WORDS[Math.floor(random() * WORDS.length)];
    const end = sentenceWords > 6 && random() < 0.12;
    const piece = sentenceWords === 0 ? word[0].toUpperCase() + word.slice(1) : word;
    parts.push(end ? (random() < 0.2 ? `${piece}.\n\n` : `${piece}. `) : `${piece} `);
    length += Buffer.byteLength(piece) + 2;
    sentenceWords = end ? 0 : sentenceWords + 1;
  }
  return parts.join("").trimEnd();
}

/** Bodies from their own random stream, so asking for them leaves every other generated value as it was. */
function bodyTextMaker(seed: number, bodyBytes: number | undefined): () => BodyTexts {
  if (bodyBytes === undefined) return () => SHORT_BODIES;
  const random = seededRandom(seed ^ 0x5bd1e995);
  return () => {
    const total = bodyBytes * (0.5 + random());
    const promptShare = 0.4 + 0.3 * random();
    return { prompt: prose(random, total * promptShare), reply: prose(random, total * (1 - promptShare)) };
  };
}

function outputBody(
  operation: string,
  text: string,
  outputTokens: number,
  inputTokens: number,
  latencyMs: number,
): unknown {
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
        "amazon-bedrock-invocationMetrics": {
          inputTokenCount: inputTokens,
          outputTokenCount: outputTokens,
          invocationLatency: latencyMs,
          firstByteLatency: Math.round(latencyMs / 4),
        },
      },
    ];
  }
  return {
    id: "msg_bdrk_01",
    type: "message",
    role: "assistant",
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    usage: { input_tokens: inputTokens, output_tokens: outputTokens },
  };
}

/** Attribution draws (newer model, request metadata) from their own stream, so other values stay as they were. */
interface Attribution {
  newerModel: ModelChoice | null;
  requestMetadata: Record<string, string> | null;
}

function attributionMaker(seed: number): () => Attribution {
  const random = seededRandom(seed ^ 0x1b873593);
  return () => ({
    newerModel: random() < NEWER_MODEL_SHARE ? pick(random, NEWER_MODELS) : null,
    requestMetadata: pick(random, REQUEST_METADATA).metadata,
  });
}

function makeRecord(
  random: () => number,
  timestampMs: number,
  texts: BodyTexts,
  attribution: Attribution,
): Record<string, unknown> {
  const drawn = pick(random, MODELS);
  const model = attribution.newerModel ?? drawn;
  const operation = pick(random, OPERATIONS).name;
  const caller = pick(random, CALLERS).arn(`session-${hex(random, 6)}`);
  // Long-context requests: a large document plus a cached prefix, past 200,000 tokens together.
  const longContext = model.longContext && random() < 0.03;
  const inputTokens = longContext ? between(random, 120_000, 190_000) : between(random, 150, 6_000);
  const cacheReadInputTokens = longContext
    ? between(random, 30_000, 90_000)
    : model.caches && random() < 0.4
      ? between(random, 1_000, 30_000)
      : 0;
  const cacheWriteInputTokens = model.caches && random() < 0.1 ? between(random, 1_000, 8_000) : 0;
  const failed = random() < 0.03;
  const outputTokens = between(random, 20, 1_200);
  const latencyMs = Math.round(model.baseLatencyMs * (0.5 + random()) + outputTokens * 8);
  const input: Record<string, unknown> = {
    inputContentType: "application/json",
    inputBodyJson: { messages: [{ role: "user", content: [{ text: texts.prompt }] }] },
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
  if (attribution.requestMetadata) record.requestMetadata = attribution.requestMetadata;
  if (model.modelId.startsWith("global.") || model.modelId.startsWith("us."))
    record.inferenceRegion = random() < 0.5 ? "us-east-1" : "us-west-2";
  if (failed) {
    record.errorCode = ERROR_CODES[between(random, 0, ERROR_CODES.length - 1)];
  } else {
    record.output = {
      outputContentType: "application/json",
      outputBodyJson: outputBody(operation, texts.reply, outputTokens, inputTokens, latencyMs),
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
 * trend projection has something to find. Each hour's objects also carry a
 * few records from the previous hour, as delayed delivery does. Objects come
 * one at a time, so an archive of any size can be written without holding it.
 */
export function* generateLogObjects(options: GenerateOptions): Generator<GeneratedObject> {
  const random = seededRandom(options.seed);
  const bodyTexts = bodyTextMaker(options.seed, options.bodyBytes);
  const attribution = attributionMaker(options.seed);
  // Names of an hour's second and later objects come from their own stream, so splitting leaves the records as they were.
  const extraObjectNames = seededRandom(options.seed ^ 0x2545f491);
  const prefix = options.prefix ?? "";
  const startMs = options.end.getTime() - options.hours * HOUR_MS;
  for (let hour = 0; hour < options.hours; hour += 1) {
    const hourStartMs = startMs + hour * HOUR_MS;
    const utcHour = new Date(hourStartMs).getUTCHours();
    const daytime = utcHour >= 13 && utcHour < 23 ? 1.5 : 0.5;
    const growth = 0.7 + (0.6 * hour) / Math.max(1, options.hours);
    const count = Math.max(1, Math.round(options.requestsPerHour * daytime * growth * (0.7 + 0.6 * random())));
    const records: Array<Record<string, unknown>> = [];
    for (let index = 0; index < count; index += 1) {
      const lateByOneHour = random() < 0.05;
      const timestampMs = hourStartMs + random() * HOUR_MS - (lateByOneHour ? HOUR_MS : 0);
      records.push(makeRecord(random, timestampMs, bodyTexts(), attribution()));
    }
    const lines = records.map((record) => JSON.stringify(record));
    // The record each line holds; null for the truncated copy of the first line, a malformed line.
    const lineRecords: Array<Record<string, unknown> | null> = [...records];
    if ((options.malformedLines ?? true) && hour % 50 === 7) {
      lines.splice(1, 0, lines[0].slice(0, Math.floor(lines[0].length / 2)));
      lineRecords.splice(1, 0, null);
    }
    const folder = hourFolder(prefix, hourStartMs);
    const perObject = options.recordsPerObject ?? lines.length;
    const objects = Math.ceil(lines.length / perObject);
    for (let object = 0; object < objects; object += 1) {
      const stampMs = hourStartMs + 5 * MINUTE_MS + Math.floor((object * 50 * MINUTE_MS) / objects);
      const stamp = new Date(stampMs).toISOString().replace(/[-:]/g, "").slice(0, 15);
      const from = object * perObject;
      const held = lineRecords.slice(from, from + perObject);
      const objectRecords = held.filter((record) => record !== null);
      yield {
        key: `${folder}/${stamp}Z_${hex(object === 0 ? random : extraObjectNames, 16)}.json.gz`,
        lines: lines.slice(from, from + perObject),
        records: objectRecords,
        malformedLines: held.length - objectRecords.length,
        bodyObject: false,
      };
    }
    if (hour % 72 === 3) {
      const key = `${folder}/data/${hex(random, 32)}_input.json.gz`;
      yield {
        key,
        lines: [JSON.stringify({ messages: [{ role: "user", content: "x".repeat(200) }] })],
        records: [],
        malformedLines: 0,
        bodyObject: true,
      };
    }
  }
}

export function generateLogArchive(options: GenerateOptions): GeneratedArchive {
  const archive: GeneratedArchive = { files: [], records: [], malformedLines: 0, bodyObjects: 0 };
  for (const object of generateLogObjects(options)) {
    archive.files.push({ key: object.key, lines: object.lines });
    archive.records.push(...object.records);
    archive.malformedLines += object.malformedLines;
    archive.bodyObjects += object.bodyObject ? 1 : 0;
  }
  return archive;
}

async function writeLogFile(file: GeneratedFile, outDir: string): Promise<void> {
  const path = join(outDir, file.key);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, gzipSync(`${file.lines.join("\n")}\n`, { level: 9 }));
}

export async function writeLogArchive(archive: GeneratedArchive, outDir: string): Promise<void> {
  for (const file of archive.files) await writeLogFile(file, outDir);
}

export interface WrittenArchive {
  records: number;
  malformedLines: number;
  bodyObjects: number;
  objects: number;
}

/** Generates and writes object by object, so memory stays that of one object whatever the archive's size. */
export async function writeGeneratedArchive(options: GenerateOptions, outDir: string): Promise<WrittenArchive> {
  const written: WrittenArchive = { records: 0, malformedLines: 0, bodyObjects: 0, objects: 0 };
  for (const object of generateLogObjects(options)) {
    await writeLogFile(object, outDir);
    written.records += object.records.length;
    written.malformedLines += object.malformedLines;
    written.bodyObjects += object.bodyObject ? 1 : 0;
    written.objects += 1;
  }
  return written;
}

/** The gen:logs command line; bad values end in a UsageError. */
export function parseGenLogsArgs(argv: string[]) {
  return yargs(argv)
    .scriptName("gen:logs")
    .usage(
      "$0 --out <dir> [--end <ISO>] [--hours n] [--rate n] [--seed n] [--body-bytes n] [--records-per-object n] [--no-malformed]",
    )
    .option("out", { type: "string", demandOption: true, describe: "Folder to write the archive into" })
    .option("end", {
      type: "string",
      default: "2026-11-20T00:00:00Z",
      describe: "Exclusive end of the period (ISO-8601; without a zone, UTC)",
    })
    .option("hours", { type: "number", default: 168, describe: "Hours of traffic before --end" })
    .option("rate", { type: "number", default: 12, describe: "Average requests per hour" })
    .option("seed", { type: "number", default: 42, describe: "Seed: the same seed gives the same archive" })
    .option("body-bytes", {
      type: "number",
      describe: "About this many bytes of prose in each record's bodies (default: one short sentence each)",
    })
    .option("records-per-object", {
      type: "number",
      describe: "At most this many records in one object (default: one object an hour)",
    })
    .option("malformed", {
      type: "boolean",
      default: true,
      describe: "Add a truncated line every 50 hours (--no-malformed: none)",
    })
    .check((args) =>
      requirePositive(args, [
        { name: "hours", whole: true },
        { name: "rate", whole: false },
        { name: "seed", whole: true },
        { name: "body-bytes", whole: true },
        { name: "records-per-object", whole: true },
      ]),
    )
    .check((args) => {
      parseEnd(args.end);
      requireReportableHours(args.hours);
      return requireFitsInMemory({
        rate: args.rate,
        bodyBytes: args["body-bytes"],
        recordsPerObject: args["records-per-object"],
      });
    })
    .version(false)
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    })
    .parseAsync();
}

/** What the parsed command line asks the generator for. */
export function generateOptions(args: Awaited<ReturnType<typeof parseGenLogsArgs>>): GenerateOptions {
  const { seed, hours, rate, bodyBytes, recordsPerObject, malformed } = args;
  return {
    seed,
    end: parseEnd(args.end),
    hours,
    requestsPerHour: rate,
    bodyBytes,
    recordsPerObject,
    malformedLines: malformed,
  };
}

async function main(): Promise<void> {
  const args = await parseGenLogsArgs(hideBin(process.argv));
  // yargs has printed the help; without exitProcess it would go on and run.
  if (args.help === true) return;
  const options = generateOptions(args);
  const written = await writeGeneratedArchive(options, args.out);
  process.stderr.write(
    `Wrote ${written.records} records (+${written.malformedLines} malformed lines, ${written.bodyObjects} body objects) in ${written.objects} objects to ${args.out}; period ends ${options.end.toISOString()}\n`,
  );
}

if (require.main === module) {
  main().catch((error: Error) => reportScriptFailure("gen:logs", error));
}
