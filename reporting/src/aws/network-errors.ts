/**
 * Failures to reach an AWS endpoint at all (Node's socket and DNS error
 * codes): no AWS answer to explain, so the hint is about the network. Kept
 * apart from clients.ts so the cleanup script can tell them without loading
 * the report's AWS clients.
 */
const NETWORK_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** The error's code when it is one of those, else undefined. */
export function networkErrorCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === "string" && NETWORK_ERROR_CODES.has(code) ? code : undefined;
}
