/** The default command: read a source, build the report model, render it. */
import { buildReport } from "../model/report";
import { renderOutput } from "../render/formats";
import { readReportSource, type SourceArgs } from "../sources/report-source";
import { isS3Url } from "../sources/s3-url";
import type { CliDeps } from "./context";
import { parseFormat, parseGroupBy, parseSource, resolveWindow } from "./options";
import { applicationProfilesFor, givenProfiles } from "./attribution";
import { emit, refuseOutputOverInputs, stackInputs, useColor, type NamedInput } from "./input-output";
import { pricingInputs, pricingInUse, type PricingArgs } from "./pricing-in-use";

export interface ReportArgs extends SourceArgs, PricingArgs {
  groupBy?: string | string[];
  source?: string;
  /** Print what would run and scan; run nothing. */
  dryRun?: boolean;
}

/** Local files the report reads: --logs paths (not s3:// URLs), the pricing files, --outputs. */
function reportInputs(args: ReportArgs): NamedInput[] {
  const logs = (args.logs ?? []).filter((path) => !isS3Url(path)).map((path) => ({ option: "--logs", path }));
  return [...logs, ...pricingInputs(args), ...stackInputs(args)];
}

export async function runReportCommand(args: ReportArgs, deps: CliDeps): Promise<number> {
  const window = resolveWindow(args, deps.now());
  const format = parseFormat(args.format);
  const groupings = parseGroupBy(args.groupBy);
  const choice = parseSource(args.source);
  if (args.dryRun) {
    // Loaded only for a dry run: it brings the Logs Insights source's module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred require, as cli.ts loads commands
    const { describeDryRun } = require("./dry-run") as typeof import("./dry-run");
    deps.stdout(await describeDryRun(args, choice, window, groupings, deps));
    return 0;
  }
  await refuseOutputOverInputs(args, reportInputs(args));
  const { catalog, overrides } = await pricingInUse(args, deps);
  const profilesGiven = await givenProfiles(args, deps);

  const source = await readReportSource(args, choice, window, groupings, deps);

  if (source.emptyWindowHint) deps.stderr(`note: ${source.emptyWindowHint}\n`);
  const resolved = await applicationProfilesFor(args, profilesGiven, source, overrides, deps);
  const report = buildReport(
    { ...source, notes: [...source.notes, ...resolved.notes] },
    { window, groupBy: groupings[0], groupings, overrides, catalog, profiles: resolved.profiles },
  );
  await emit(await renderOutput(report, format, format === "table" && useColor(args, deps)), args, deps);
  if (!report.complete) {
    deps.stderr(
      "error: the report is incomplete (part of the window could not be read; see its notes). Fix the cause and run it again.\n",
    );
    return 1;
  }
  return 0;
}
