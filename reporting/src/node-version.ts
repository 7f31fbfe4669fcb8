/**
 * Imported first by main.ts: on a Node.js older than the project supports,
 * the report stops with one line before any other module loads, instead of
 * failing later inside a dependency with a stack trace far from the cause.
 * It uses nothing but `process`, so it runs on any Node.js.
 */

/** The oldest Node.js major the project supports (package.json `engines`). */
export const MINIMUM_NODE_MAJOR = 22;

/** Exit code for an unsupported Node.js: like bad input, running again unchanged cannot succeed. */
export const UNSUPPORTED_NODE_EXIT_CODE = 2;

/** The line to print for a Node.js `version` (as in `process.versions.node`) that is too old, else undefined. */
export function unsupportedNodeMessage(version: string): string | undefined {
  const major = Number.parseInt(version, 10);
  if (major >= MINIMUM_NODE_MAJOR) return undefined;
  return `error: this is Node.js ${version}; the report needs Node.js ${MINIMUM_NODE_MAJOR} or later (22 or 24 LTS, see .nvmrc)`;
}

const message = unsupportedNodeMessage(process.versions.node);
if (message !== undefined) {
  process.stderr.write(`${message}\n`);
  process.exit(UNSUPPORTED_NODE_EXIT_CODE);
}
