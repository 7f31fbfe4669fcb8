/**
 * Expected failures, for the report and the developer scripts alike (shared
 * kernel: pure). Each carries a message meant for the user and the exit code
 * the process ends with, so the command prints one clear line instead of a
 * stack trace. The error that led to one, if any, stays on it as `cause`
 * (https://developer.mozilla.org/en-US/docs/Web/JavaScript/Reference/Global_Objects/Error/cause),
 * for a debugger or a test to see.
 */

/** What every expected failure has: a message for the user and an exit code. */
export abstract class ExpectedError extends Error {
  abstract readonly exitCode: 1 | 2;
}

/** Bad arguments or input files: what was wrong and what is allowed. Exit 2. */
export class UsageError extends ExpectedError {
  readonly exitCode = 2;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/**
 * Something outside the user's command failed (credentials, access, a missing
 * log group, a query that failed or timed out, a stack that cannot be
 * destroyed). Exit 1, with what happened and what to do about it.
 */
export class OperationalError extends ExpectedError {
  readonly exitCode = 1;
  constructor(
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "OperationalError";
  }
}
