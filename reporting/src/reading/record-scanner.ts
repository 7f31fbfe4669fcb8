/**
 * The fast path for what a report reads most: one well-formed invocation
 * record on a line of UTF-8 bytes. Records carry request and response bodies
 * of several KB, and the report needs a dozen small fields around them;
 * JSON.parse would build every body string and object only to drop them.
 *
 * The scanner walks the bytes once. It checks the whole line against the JSON
 * grammar (strings, escapes, numbers, literals, nesting), so it never accepts
 * a line JSON.parse rejects, and reads only the fields factsFromRecord reads,
 * with the same rules (the last of duplicate keys wins, a field of another
 * type counts as absent where factsFromRecord says so). Whatever it is not
 * sure of (a syntax error, a record the report would reject, an escaped key or
 * field value, a carriage return, deep nesting) makes it return null: the
 * caller then takes the full JSON.parse path, so every answer is the one
 * parseRecordLine gives. Rejections are rare, so they cost nothing here.
 */
import { GIVE_UP, JsonBytesReader, type Span } from "./json-bytes";
import { parseRecordTimestampBytes } from "./record-timestamps";
import { requestMetadataOf, UNKNOWN_CALLER, type InvocationFacts } from "./records";
import { CallerCache, TextCache } from "./record-texts";
import { loadJsonSkipper, type JsonSkipper } from "./json-skip";

const key = (name: string) => Buffer.from(name, "latin1");
const KEYS = {
  schemaType: key("schemaType"),
  timestamp: key("timestamp"),
  modelId: key("modelId"),
  errorCode: key("errorCode"),
  identity: key("identity"),
  arn: key("arn"),
  input: key("input"),
  inputTokenCount: key("inputTokenCount"),
  cacheReadInputTokenCount: key("cacheReadInputTokenCount"),
  cacheWriteInputTokenCount: key("cacheWriteInputTokenCount"),
  output: key("output"),
  outputTokenCount: key("outputTokenCount"),
  outputBodyJson: key("outputBodyJson"),
  metrics: key("metrics"),
  latencyMs: key("latencyMs"),
  invocationMetrics: key("amazon-bedrock-invocationMetrics"),
  invocationLatency: key("invocationLatency"),
  stopReason: key("stopReason"),
  guardrailAction: key("amazon-bedrock-guardrailAction"),
  requestMetadata: key("requestMetadata"),
};
const MODEL_INVOCATION_LOG = key("ModelInvocationLog");
const GUARDRAIL_INTERVENED = key("guardrail_intervened");
const INTERVENED = key("INTERVENED");

/** The keys the report reads, object by object. */
const RECORD_FIELDS = [
  KEYS.schemaType,
  KEYS.timestamp,
  KEYS.modelId,
  KEYS.errorCode,
  KEYS.identity,
  KEYS.input,
  KEYS.output,
  KEYS.requestMetadata,
] as const;
const IDENTITY_FIELDS = [KEYS.arn] as const;
const INPUT_FIELDS = [KEYS.inputTokenCount, KEYS.cacheReadInputTokenCount, KEYS.cacheWriteInputTokenCount] as const;
const OUTPUT_FIELDS = [KEYS.outputTokenCount, KEYS.outputBodyJson] as const;
const EVENT_FIELDS = [KEYS.metrics, KEYS.invocationMetrics, KEYS.stopReason, KEYS.guardrailAction] as const;
const METRICS_FIELDS = [KEYS.latencyMs] as const;
const INVOCATION_METRICS_FIELDS = [KEYS.invocationLatency] as const;

/** An absent or empty string counts as no value. */
function isEmpty(span: Span): boolean {
  return span.start < 0 || span.start === span.end;
}

/**
 * The scanner of one thread. With the WebAssembly skipper (json-skip.ts), a
 * line up to its text area's size is copied there first and the values the
 * report does not read are skipped in WebAssembly; without it, or for a
 * longer line, the scan stays in JavaScript. Both answer alike.
 */
export class RecordLineScanner extends JsonBytesReader {
  private timestamp: Span = { start: -1, end: -1 };
  private modelId: Span = { start: -1, end: -1 };
  private errorCode: Span = { start: -1, end: -1 };
  private arn: Span = { start: -1, end: -1 };
  /** The whole `requestMetadata` value: a few short strings, parsed by JSON.parse when present. */
  private requestMetadata: Span = { start: -1, end: -1 };
  private inputTokens = 0;
  private cacheReadInputTokens = 0;
  private cacheWriteInputTokens = 0;
  private outputTokens = 0;
  private latencyMs: number | null = null;
  private guardrailIntervened = false;
  private readonly modelIds = new TextCache();
  private readonly callers = new CallerCache();
  private readonly errorCodes = new TextCache();

  constructor(private readonly wasm: JsonSkipper | null) {
    super();
  }

  /** The facts of the record in `bytes[start, end)`, as scanRecordLine. */

  scan(bytes: Buffer, start: number, end: number): InvocationFacts | null {
    const wasm = this.wasm;
    if (wasm !== null && end - start <= wasm.textCapacity) {
      bytes.copy(wasm.memory, wasm.textStart, start, end);
      if (this.bytes !== wasm.memory) this.view(wasm.memory);
      this.skipper = wasm.skipValue;
      this.pos = wasm.textStart;
      this.end = wasm.textStart + (end - start);
    } else {
      if (bytes !== this.bytes) this.view(bytes);
      this.skipper = null;
      this.pos = start;
      this.end = end;
    }
    this.depth = 0;
    this.timestamp.start = this.modelId.start = this.errorCode.start = this.arn.start = -1;
    this.requestMetadata.start = -1;
    this.resetInput();
    this.resetOutput();
    try {
      this.whitespace();
      this.record();
      this.whitespace();
      if (this.pos !== this.end) return null;
    } catch (error) {
      if (error === GIVE_UP) return null;
      throw error;
    }
    return this.facts();
  }

  private facts(): InvocationFacts | null {
    if (this.timestamp.start < 0 || this.modelId.start < 0 || this.modelId.start === this.modelId.end) return null;
    const timestampMs = parseRecordTimestampBytes(this.bytes, this.timestamp.start, this.timestamp.end);
    if (!Number.isFinite(timestampMs)) return null;
    return {
      timestampMs,
      modelId: this.modelIds.text(this.bytes, this.modelId.start, this.modelId.end),
      caller: isEmpty(this.arn) ? UNKNOWN_CALLER : this.callers.caller(this.bytes, this.arn.start, this.arn.end),
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
      cacheReadInputTokens: this.cacheReadInputTokens,
      cacheWriteInputTokens: this.cacheWriteInputTokens,
      errorCode: isEmpty(this.errorCode)
        ? null
        : this.errorCodes.text(this.bytes, this.errorCode.start, this.errorCode.end),
      latencyMs: this.latencyMs,
      guardrailIntervened: this.guardrailIntervened,
      requestMetadata:
        this.requestMetadata.start < 0
          ? null
          : requestMetadataOf(
              JSON.parse(this.bytes.toString("utf8", this.requestMetadata.start, this.requestMetadata.end)),
            ),
    };
  }

  private resetInput(): void {
    this.inputTokens = this.cacheReadInputTokens = this.cacheWriteInputTokens = 0;
  }

  private resetOutput(): void {
    this.outputTokens = 0;
    this.latencyMs = null;
    this.guardrailIntervened = false;
  }

  // --- the record's own shape -------------------------------------------
  // Member handlers are bound once, and what they find goes into fields: a
  // closure or array per record would be garbage to collect a million times.

  private record(): void {
    if (this.byteAt(this.pos) !== 0x7b) throw GIVE_UP;
    this.members(this.recordMember, RECORD_FIELDS);
  }

  private readonly recordMember = (name: Buffer | null): void => {
    if (name === KEYS.schemaType) {
      // Another schema is not a record; JSON.parse's path says so.
      if (!this.stringValue(this.scratch) || !this.spells(this.scratch.start, this.scratch.end, MODEL_INVOCATION_LOG))
        throw GIVE_UP;
    } else if (name === KEYS.timestamp) {
      if (!this.stringValue(this.timestamp)) throw GIVE_UP;
    } else if (name === KEYS.modelId) {
      if (!this.stringValue(this.modelId)) throw GIVE_UP;
    } else if (name === KEYS.errorCode) {
      this.stringValue(this.errorCode);
    } else if (name === KEYS.identity) {
      this.arn.start = -1;
      this.objectOrSkip(this.identityMember, IDENTITY_FIELDS);
    } else if (name === KEYS.input) {
      this.resetInput();
      this.objectOrSkip(this.inputMember, INPUT_FIELDS);
    } else if (name === KEYS.output) {
      this.resetOutput();
      this.objectOrSkip(this.outputMember, OUTPUT_FIELDS);
    } else if (name === KEYS.requestMetadata) {
      this.requestMetadata.start = this.pos;
      this.value();
      this.requestMetadata.end = this.pos;
    } else {
      this.value();
    }
  };

  private readonly scratch: Span = { start: -1, end: -1 };

  private readonly identityMember = (name: Buffer | null): void => {
    if (name === KEYS.arn) this.stringValue(this.arn);
    else this.value();
  };

  private readonly inputMember = (name: Buffer | null): void => {
    if (name === KEYS.inputTokenCount) this.inputTokens = this.tokenCount();
    else if (name === KEYS.cacheReadInputTokenCount) this.cacheReadInputTokens = this.tokenCount();
    else if (name === KEYS.cacheWriteInputTokenCount) this.cacheWriteInputTokens = this.tokenCount();
    else this.value();
  };

  private readonly outputMember = (name: Buffer | null): void => {
    if (name === KEYS.outputTokenCount) this.outputTokens = this.tokenCount();
    else if (name === KEYS.outputBodyJson) {
      this.guardrailIntervened = false;
      this.latencyMs = this.bodyLatency();
    } else this.value();
  };

  /**
   * latencyFromOutputBody: one event object, or a list of events of which the
   * last one with a latency counts; on the way, guardrailIntervenedIn: any event that says so.
   */
  private bodyLatency(): number | null {
    const first = this.byteAt(this.pos);
    if (first === 0x7b) return this.event();
    if (first !== 0x5b) {
      this.value();
      return null;
    }
    this.lastEventLatency = null;
    this.elements(this.bodyElement);
    return this.lastEventLatency;
  }

  private lastEventLatency: number | null = null;

  private readonly bodyElement = (): void => {
    if (this.byteAt(this.pos) === 0x7b) this.lastEventLatency = this.event() ?? this.lastEventLatency;
    else this.value();
  };

  /** latencyOfEvent: `metrics.latencyMs`, else `amazon-bedrock-invocationMetrics.invocationLatency`. */
  private event(): number | null {
    this.metricsLatency = null;
    this.invocationLatency = null;
    this.stoppedByGuardrail = false;
    this.guardrailActed = false;
    this.members(this.eventMember, EVENT_FIELDS);
    if (this.stoppedByGuardrail || this.guardrailActed) this.guardrailIntervened = true;
    return this.metricsLatency ?? this.invocationLatency;
  }

  private metricsLatency: number | null = null;
  private invocationLatency: number | null = null;
  /** The event's last `stopReason` is "guardrail_intervened" / its last `amazon-bedrock-guardrailAction` is "INTERVENED". */
  private stoppedByGuardrail = false;
  private guardrailActed = false;

  private readonly eventMember = (name: Buffer | null): void => {
    if (name === KEYS.metrics) this.metricsLatency = this.latencyIn(METRICS_FIELDS);
    else if (name === KEYS.invocationMetrics) this.invocationLatency = this.latencyIn(INVOCATION_METRICS_FIELDS);
    else if (name === KEYS.stopReason) this.stoppedByGuardrail = this.stringIs(GUARDRAIL_INTERVENED);
    else if (name === KEYS.guardrailAction) this.guardrailActed = this.stringIs(INTERVENED);
    else this.value();
  };

  /** Whether the value at pos is the string `expected` (any other value is skipped). */
  private stringIs(expected: Buffer): boolean {
    return this.stringValue(this.scratch) && this.spells(this.scratch.start, this.scratch.end, expected);
  }

  /** The non-negative number under the one field named if the value is an object holding one; null otherwise. */
  private latencyIn(field: readonly Buffer[]): number | null {
    this.latencyFound = null;
    this.objectOrSkip(this.latencyMember, field);
    return this.latencyFound;
  }

  private latencyFound: number | null = null;

  private readonly latencyMember = (name: Buffer | null): void => {
    if (name === null) {
      this.value();
      return;
    }
    const value = this.isNumberStart() ? this.number() : (this.value(), -1);
    this.latencyFound = value >= 0 && value <= Number.MAX_SAFE_INTEGER ? value : null;
  };

  /** tokenCount: absent or null is zero; a non-negative integer up to 2^53 is itself; anything else is malformed (left to JSON.parse's path). */
  private tokenCount(): number {
    if (this.byteAt(this.pos) === 0x6e) {
      this.literal("null");
      return 0;
    }
    if (!this.isNumberStart() || this.byteAt(this.pos) === 0x2d) throw GIVE_UP;
    const value = this.number();
    if (!Number.isSafeInteger(value)) throw GIVE_UP;
    return value;
  }
}

const scanner = new RecordLineScanner(loadJsonSkipper());

/**
 * The facts of the record in `bytes[start, end)` (one line, without its line
 * break) when the line is a well-formed record the report uses; null when
 * the line must go through parseRecordLine instead (anything else).
 */
export function scanRecordLine(bytes: Buffer, start: number, end: number): InvocationFacts | null {
  return scanner.scan(bytes, start, end);
}
