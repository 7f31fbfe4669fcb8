/**
 * The few byte strings a scan turns into texts (model IDs, callers, error
 * codes) repeat from record to record: a report over 100,000 records sees a
 * dozen models and a few dozen roles. Each distinct one is kept here once,
 * with a number, so the JavaScript side decodes it once and afterwards looks
 * its text up by that number, where hashing and comparing the bytes in
 * JavaScript for every record was a tenth of the scan's time (measured).
 * Memory stays bounded: past MAX_TEXTS texts, or for a text longer than
 * MAX_TEXT_BYTES, textNumber answers -1 and the caller decodes every time.
 */

const MAX_TEXTS: i32 = 4096;
/** Real model IDs, roles and error codes are far shorter. */
const MAX_TEXT_BYTES: i32 = 256;
const ARENA_BYTES: i32 = 256 * 1024;
/** Twice MAX_TEXTS, a power of two: a probe finds an empty slot soon. */
const TABLE_SLOTS: i32 = 8192;

/** The texts' bytes, one after another. */
const ARENA: usize = memory.data(ARENA_BYTES, 16);
/** Open addressing: a text's number + 1 in the slot its hash picks (or the next free one); 0 for an empty slot. */
const TABLE: usize = memory.data(TABLE_SLOTS * 4, 4);
const STARTS: usize = memory.data(MAX_TEXTS * 4, 4);
const LENGTHS: usize = memory.data(MAX_TEXTS * 4, 4);
/** What each text is (the caller's `kind`): the same bytes as a model ID and as a caller are two texts. */
const KINDS: usize = memory.data(MAX_TEXTS, 1);

let texts: i32 = 0;
let arenaUsed: i32 = 0;

/**
 * The number of the text of `kind` in bytes [start, end): the same number
 * whenever the same bytes come again, a new one the first time; -1 when the
 * text is too long or the table is full.
 */
export function textNumber(kind: i32, start: i32, end: i32): i32 {
  const length = end - start;
  if (length > MAX_TEXT_BYTES) return -1;
  // FNV-1a over the kind and the bytes.
  let hash: u32 = (2166136261 ^ (<u32>kind)) * 16777619;
  for (let at = start; at < end; at += 1) hash = (hash ^ (<u32>load<u8>(<usize>at))) * 16777619;
  let slot = <i32>(hash & (<u32>(TABLE_SLOTS - 1)));
  while (true) {
    const entry = load<i32>(TABLE + ((<usize>slot) << 2));
    if (entry == 0) break;
    const number = entry - 1;
    if (
      <i32>load<u8>(KINDS + <usize>number) == kind &&
      load<i32>(LENGTHS + ((<usize>number) << 2)) == length &&
      memory.compare(ARENA + <usize>load<i32>(STARTS + ((<usize>number) << 2)), <usize>start, <usize>length) == 0
    )
      return number;
    slot = (slot + 1) & (TABLE_SLOTS - 1);
  }
  if (texts == MAX_TEXTS || arenaUsed + length > ARENA_BYTES) return -1;
  const number = texts;
  texts += 1;
  memory.copy(ARENA + <usize>arenaUsed, <usize>start, <usize>length);
  store<i32>(STARTS + ((<usize>number) << 2), arenaUsed);
  store<i32>(LENGTHS + ((<usize>number) << 2), length);
  store<u8>(KINDS + <usize>number, <u8>kind);
  arenaUsed += length;
  store<i32>(TABLE + ((<usize>slot) << 2), number + 1);
  return number;
}
