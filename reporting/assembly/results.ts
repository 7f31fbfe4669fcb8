/**
 * Where scanRecord (record-scan.ts) leaves what it read: numbers (f64) at
 * resultArea(), each slot at the index its exported name holds, which is how
 * reporting/src/reading/record-scanner.ts finds them. A span is two slots,
 * start and end, the start -1 when the field is absent or not a string; a
 * latency of -1 is none.
 */
export const TIMESTAMP = 0;
export const MODEL_ID = 2;
export const ERROR_CODE = 4;
export const ARN = 6;
/** The whole `requestMetadata` value, whatever its type. */
export const REQUEST_METADATA = 8;
export const INPUT_TOKENS = 10;
export const CACHE_READ_INPUT_TOKENS = 11;
export const CACHE_WRITE_INPUT_TOKENS = 12;
export const OUTPUT_TOKENS = 13;
export const LATENCY_MS = 14;
/** 1 when an event of the response says a guardrail intervened, else 0. */
export const GUARDRAIL_INTERVENED = 15;
// The numbers texts.ts gives the model ID, the error code and the caller (-1: none, decode the bytes).
export const MODEL_ID_TEXT = 16;
export const ERROR_CODE_TEXT = 17;
/** The caller's number is that of the ARN's bytes up to CALLER_KEY_END (see callerText). */
export const CALLER_TEXT = 18;
export const CALLER_KEY_END = 19;
export const SLOTS = 20;
const RESULTS: usize = memory.data(SLOTS * 8, 8);

export function resultArea(): usize {
  return RESULTS;
}
