/** The default command: read a source, build the report model, render it. */
import { buildReport } from "../model/report";
import { renderOutput } from "../render/formats";
import { readReportSource, type SourceArgs } from "../sources/report-source";
import { isS3Url } from "../sources/s3-url";
import type { CliDeps } from "./context";
import { parseFormat, parseGroupBy, parseSource, resolveWindow } from "./options";
import { emit, loadPricingFile, refuseOutputOverInputs, stackInputs, useColor, type NamedInput } from "./input-output";

export interface ReportArgs extends SourceArgs {
  groupBy?: string;
  pricing?: string;
  source?: string;
}

/** Local files the report reads: --logs paths (not s3:// URLs), --pricing, --outputs. */
function reportInputs(args: ReportArgs): NamedInput[] {
  const logs = (args.logs ?? []).filter((path) => !isS3Url(path)).map((path) => ({ option: "--logs", path }));
  return [
    ...logs,
    ...(args.pricing === undefined ? [] : [{ option: "--pricing", path: args.pricing }]),
    ...stackInputs(args),
  ];
}

export async function runReportCommand(args: ReportArgs, deps: CliDeps): Promise<number> {
  const window = resolveWindow(args, deps.now());
  const format = parseFormat(args.format);
  const groupBy = parseGroupBy(args.groupBy);
  const choice = parseSource(args.source);
  await refuseOutputOverInputs(args, reportInputs(args));
  const overrides = args.pricing === undefined ? undefined : await loadPricingFile(args.pricing, deps);

  const source = await readReportSource(args, choice, window, groupBy, deps);

  if (source.emptyWindowHint) deps.stderr(`note: ${source.emptyWindowHint}\n`);
  const report = buildReport(source, { window, groupBy, overrides });
  await emit(await renderOutput(report, format, format === "table" && useColor(args, deps)), args, deps);
  if (!report.complete) {
    deps.stderr(
      "error: the report is incomplete (part of the window could not be read; see its notes). Fix the cause and run it again.\n",
    );
    return 1;
  }
  return 0;
}
