/** What the commands read and write: the --pricing file, the inputs --out must not overwrite, and --out or stdout. */
import type { CliDeps, CommonArgs } from "./context";
import { UsageError } from "../kernel/errors";
import type { PricingOverrides } from "../kernel/pricing/rules";
import { parsePricingOverrides } from "../kernel/pricing/overrides";
import type { PriceCatalog } from "../kernel/pricing/catalog";

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}

export async function loadPricingFile(path: string, deps: CliDeps, catalog?: PriceCatalog): Promise<PricingOverrides> {
  let text: string;
  try {
    text = await deps.readTextFile(path);
  } catch (error) {
    throw new UsageError(
      `--pricing ${path}: cannot be read (${errorCode(error)}); give a readable JSON file of price overrides`,
      { cause: error },
    );
  }
  return parsePricingOverrides(text, path, catalog);
}

/** The text of a file an option names; one UsageError line when it cannot be read. */
export async function readInputFile(option: string, path: string, deps: CliDeps): Promise<string> {
  try {
    return await deps.readTextFile(path);
  } catch (error) {
    throw new UsageError(`${option} ${path}: cannot be read (${errorCode(error)}); give a readable JSON file`, {
      cause: error,
    });
  }
}

/** A file or folder the command reads, by the option that named it. */
export interface NamedInput {
  option: string;
  path: string;
}

/**
 * Refuses an --out that would overwrite what the command reads (the same file
 * by any name, or a file inside a --logs folder), before anything is read.
 */
export async function refuseOutputOverInputs(args: CommonArgs, inputs: NamedInput[]): Promise<void> {
  if (args.out === undefined) return;
  // Loaded only for --out: it brings node:fs/promises, ~10 ms of every report's start-up (measured) otherwise.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred require is the point here
  const { inputOverwrittenBy } = require("./output-file") as typeof import("./output-file");
  const hit = await inputOverwrittenBy(
    args.out,
    inputs.map((input) => input.path),
  );
  const input = inputs.find((candidate) => candidate.path === hit);
  if (input === undefined) return;
  throw new UsageError(
    `--out ${args.out}: is, or is inside, the input ${input.option} ${input.path}; write the output outside what the command reads`,
  );
}

/** The inputs every window command may name: the saved stack outputs. */
export function stackInputs(args: CommonArgs): NamedInput[] {
  return args.outputs === undefined ? [] : [{ option: "--outputs", path: args.outputs }];
}

/** Writes the rendered output to --out or stdout; says where on stderr, unless --quiet. */
export async function emit(text: string, args: CommonArgs, deps: CliDeps): Promise<void> {
  if (args.out === undefined) {
    deps.stdout(text);
    return;
  }
  try {
    await deps.writeTextFile(args.out, text);
  } catch (error) {
    throw new UsageError(
      `--out ${args.out}: cannot be written (${errorCode(error)}); give a file path in an existing, writable folder`,
      { cause: error },
    );
  }
  if (!args.quiet) deps.stderr(`Wrote ${args.out}\n`);
}

/** Colour only on a terminal, never into a file, never when NO_COLOR is set to anything (https://no-color.org). */
export function useColor(args: CommonArgs, deps: CliDeps): boolean {
  return args.out === undefined && deps.stdoutIsTTY && (deps.env.NO_COLOR === undefined || deps.env.NO_COLOR === "");
}
