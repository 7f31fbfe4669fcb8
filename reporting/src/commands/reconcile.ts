/**
 * `reconcile`: the report's estimate for the window, read from the same
 * sources as the report, against what AWS billed for the same UTC days: from
 * Cost Explorer, or from a file with --bill. The estimate is priced as the
 * report prices it: the same catalog, overrides and application profiles. Exit 1 when a complete day
 * differs by more than --tolerance, or when part of the window could not be read.
 */
import { UsageError } from "../kernel/errors";
import { profileTargets } from "../model/application-profiles";
import type { Bill } from "../model/bill";
import type { ReportWindow } from "../model/usage";
import { DEFAULT_TOLERANCE_PERCENT, reconcileWithBill } from "../model/bill-reconciliation";
import { renderBillReconciliation } from "../render/bill-reconciliation";
import { readBillFile } from "../sources/bill-files";
import { createCostExplorerClient, readCostExplorerBill } from "../sources/cost-explorer";
import { readReportSource, type SourceArgs } from "../sources/report-source";
import { isS3Url } from "../sources/s3-url";
import type { CliDeps } from "./context";
import { TEXT_FORMATS } from "../render/formats";
import { applicationProfilesFor, givenProfiles } from "./attribution";
import { emit, refuseOutputOverInputs, stackInputs, useColor, type NamedInput } from "./input-output";
import { parseFormat, parseSource, resolveWindow } from "./options";
import { pricingInputs, pricingInUse, type PricingArgs } from "./pricing-in-use";

export interface ReconcileArgs extends SourceArgs, PricingArgs {
  bill?: string;
  tolerance?: string;
  source?: string;
}

/** Thirty days: a billing month, long enough for the last day's billing lag to matter little. */
export const DEFAULT_RECONCILE_HOURS = 720;

/** --tolerance: a percentage from 0 to 100. */
export function parseTolerance(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TOLERANCE_PERCENT;
  const value = /^\s*\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!(value >= 0 && value <= 100))
    throw new UsageError(`--tolerance ${text}: must be a percentage from 0 to 100, e.g. 5 (the default)`);
  return value;
}

function reconcileInputs(args: ReconcileArgs): NamedInput[] {
  const logs = (args.logs ?? []).filter((path) => !isS3Url(path)).map((path) => ({ option: "--logs", path }));
  return [
    ...logs,
    ...pricingInputs(args),
    ...(args.bill === undefined ? [] : [{ option: "--bill", path: args.bill }]),
    ...stackInputs(args),
  ];
}

async function readBill(args: ReconcileArgs, window: ReportWindow, deps: CliDeps): Promise<Bill> {
  if (args.bill !== undefined) return readBillFile(args.bill);
  if (!args.quiet) deps.stderr("Reading Bedrock's bill from Cost Explorer...\n");
  return readCostExplorerBill({ costExplorer: createCostExplorerClient(args.profile), window, signal: deps.signal });
}

export async function runReconcileCommand(args: ReconcileArgs, deps: CliDeps): Promise<number> {
  const hours = args.hours ?? (args.start === undefined ? String(DEFAULT_RECONCILE_HOURS) : undefined);
  const window = resolveWindow({ hours, start: args.start, end: args.end }, deps.now());
  const format = parseFormat(args.format, TEXT_FORMATS);
  const tolerancePercent = parseTolerance(args.tolerance);
  const choice = parseSource(args.source);
  await refuseOutputOverInputs(args, reconcileInputs(args));
  const { catalog, overrides } = await pricingInUse(args, deps);
  const profilesGiven = await givenProfiles(args, deps);
  const bill = await readBill(args, window, deps);
  // By caller: the bill's IAM principals are compared with the logged callers.
  const source = await readReportSource(args, choice, window, ["caller"], deps);
  const resolved = await applicationProfilesFor(args, profilesGiven, source, overrides, deps);
  const reconciliation = reconcileWithBill(source.rows, bill, {
    window,
    now: deps.now(),
    tolerancePercent,
    overrides,
    catalog: catalog.catalog,
    profileTargets: profileTargets(resolved.profiles),
  });
  reconciliation.notes.push(`Priced with the ${catalog.label} catalog (as of ${catalog.catalog.asOf}).`);
  reconciliation.notes.push(...resolved.notes);
  const mantle = (source.unloggedTraffic ?? []).reduce((sum, model) => sum + model.inferences, 0);
  if (mantle > 0) {
    reconciliation.notes.push(
      `From metrics, not logs: the bedrock-mantle endpoint served ${mantle} inferences in this window; they write no invocation logs, so the estimate leaves them out while the bill charges them (usage types with "mantle").`,
    );
  }
  if (!source.complete) {
    reconciliation.notes.unshift(
      "INCOMPLETE: part of the window could not be read, so the estimate is a lower bound (see the report's notes).",
    );
  }
  await emit(renderBillReconciliation(reconciliation, format, format === "table" && useColor(args, deps)), args, deps);
  if (!source.complete) return 1;
  return reconciliation.beyondToleranceOnCompleteDays > 0 ? 1 : 0;
}
