/**
 * Expected failures carry the exit code and a message meant for the user, so
 * the CLI can print one clear line instead of a stack trace.
 */

/** Bad arguments or input files: what was wrong and what is allowed. Exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * Something outside the user's command failed (credentials, access, a missing
 * log group, a query that failed or timed out). Exit 1, with what happened and
 * what to do about it.
 */
export class OperationalError extends Error {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = "OperationalError";
  }
}
