/**
 * Which bytes of an identity ARN decide its caller. callerFromArn
 * (reporting/src/reading/records.ts) keeps `arn:...:assumed-role/<Role>` of
 * an assumed role's ARN whatever session name follows, and the whole ARN of
 * any other: so the caller depends only on the bytes up to the second `/`
 * when more follows without a line separator, and on the whole ARN when it
 * has no second `/`. Those bytes get a text number (texts.ts), and the
 * caller is found once per number.
 */

/**
 * Where the bytes of the ARN in [start, stop) that decide its caller end:
 * after its second `/`, or at `stop` when it has none; -1 when the rest is
 * empty or holds a line separator, so the whole ARN must be matched each time.
 */
export function callerKeyEnd(start: i32, stop: i32): i32 {
  const firstSlash = indexOfSlash(start, stop);
  const secondSlash = firstSlash < 0 ? -1 : indexOfSlash(firstSlash + 1, stop);
  if (secondSlash < 0) return stop;
  return secondSlash + 1 < stop && !hasLineSeparator(secondSlash + 1, stop) ? secondSlash + 1 : -1;
}

function indexOfSlash(from: i32, stop: i32): i32 {
  for (let at = from; at < stop; at += 1) if (<i32>load<u8>(<usize>at) == 0x2f) return at;
  return -1;
}

/**
 * Whether the bytes hold U+2028 or U+2029, which `.` in a pattern does not
 * match (a string's raw bytes hold no `\n` or `\r`: they break the grammar).
 */
function hasLineSeparator(from: i32, stop: i32): bool {
  for (let at = from; at + 2 < stop; at += 1) {
    if (
      <i32>load<u8>(<usize>at) == 0xe2 &&
      <i32>load<u8>(<usize>(at + 1)) == 0x80 &&
      (<i32>load<u8>(<usize>(at + 2)) == 0xa8 || <i32>load<u8>(<usize>(at + 2)) == 0xa9)
    )
      return true;
  }
  return false;
}
