/** `report query <name>`: one saved Logs Insights query over the window, its rows printed. */
import { clientsFor, loadOutputs, type CliDeps, type CommonArgs } from "./context";
import { UsageError } from "../kernel/errors";
import { findSavedQuery, SAVED_QUERIES } from "../kernel/queries";
import { renderRows } from "../render/rows";
import { TEXT_FORMATS } from "../render/formats";
import { parseFormat, resolveWindow } from "./options";
import { emit, refuseOutputOverInputs, stackInputs, useColor } from "./input-output";

export interface QueryArgs extends CommonArgs {
  name: string;
}

export async function runQueryCommand(args: QueryArgs, deps: CliDeps): Promise<number> {
  const query = findSavedQuery(args.name);
  if (!query)
    throw new UsageError(
      `query ${args.name}: no such saved query; allowed: ${SAVED_QUERIES.map((saved) => saved.name).join(", ")}`,
    );
  const window = resolveWindow(args, deps.now());
  const format = parseFormat(args.format, TEXT_FORMATS);
  await refuseOutputOverInputs(args, stackInputs(args));
  const outputs = await loadOutputs(args, deps);
  const clients = clientsFor(args, outputs, deps);
  deps.stderr(`Running "${query.displayName}" on ${outputs.logGroupName} in ${clients.region}...\n`);
  const rows = await deps.runSavedQuery({
    logs: clients.logs,
    logGroupName: outputs.logGroupName,
    window,
    query,
    signal: deps.signal,
  });
  const title = `${query.displayName}: ${window.start.toISOString()} to ${window.end.toISOString()}`;
  await emit(renderRows(rows, format, format === "table" && useColor(args, deps), title), args, deps);
  return 0;
}
