/** `report commands`: the ready-to-run AWS CLI commands the stack exports (`cliCommands`). */
import { loadOutputs, type CliDeps, type CommonArgs } from "./context";
import { OperationalError } from "../kernel/errors";
import { renderRows } from "../render/rows";
import { TEXT_FORMATS } from "../render/formats";
import { parseFormat } from "./options";
import { emit, refuseOutputOverInputs, stackInputs, useColor } from "./input-output";

export async function runCommandsCommand(args: CommonArgs, deps: CliDeps): Promise<number> {
  const format = parseFormat(args.format, TEXT_FORMATS);
  await refuseOutputOverInputs(args, stackInputs(args));
  const outputs = await loadOutputs(args, deps);
  const commands = outputs.cliCommands;
  if (!commands || Object.keys(commands).length === 0) {
    throw new OperationalError(
      "The stack outputs have no cliCommands.",
      "Deploy the current infra (`pulumi up`) so the stack exports them, then run this again (or pass --outputs with fresh `pulumi stack output --json`).",
    );
  }
  if (format === "json") {
    await emit(`${JSON.stringify(commands, null, 2)}\n`, args, deps);
  } else if (format === "table") {
    // Shell-ready text rather than a table: commands must be copy-pasteable without box characters.
    await emit(
      Object.entries(commands)
        .map(([name, command]) => `# ${name}\n${command}\n`)
        .join("\n"),
      args,
      deps,
    );
  } else {
    const rows = Object.entries(commands).map(([name, command]) => ({ name, command }));
    await emit(renderRows(rows, format, useColor(args, deps), "AWS CLI commands"), args, deps);
  }
  return 0;
}
