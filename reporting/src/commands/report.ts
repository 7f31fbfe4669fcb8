/** The default command: read a source, build the report model, render it. */
import type { CliDeps, CommonArgs } from "../cli";
import { buildReport, type GroupBy } from "../report";
import { renderReport } from "../render";
import type { ReportWindow, SourceResult } from "../types";
import { parseFormat, parseGroupBy, resolveWindow } from "./options";
import { clientsFor, emit, loadOutputs, loadPricingFile, useColor } from "./shared";

export interface ReportArgs extends CommonArgs {
  logs?: string[];
  groupBy?: string;
  pricing?: string;
}

/**
 * Online: usage from one Logs Insights scan, latency and error counts from
 * CloudWatch metrics, in parallel. If either fails the other is stopped:
 * a partial report is never presented as a full one.
 */
async function readOnline(args: ReportArgs, window: ReportWindow, groupBy: GroupBy, deps: CliDeps): Promise<SourceResult> {
  const outputs = await loadOutputs(args, deps);
  const clients = clientsFor(args, outputs, deps);
  const controller = new AbortController();
  const stop = () => controller.abort();
  deps.signal?.addEventListener("abort", stop, { once: true });
  deps.stderr(`Querying ${outputs.logGroupName} in ${clients.region} with Logs Insights and CloudWatch metrics...\n`);
  try {
    const [usage, metrics] = await Promise.all([
      deps.readUsageFromInsights({ logs: clients.logs, logGroupName: outputs.logGroupName, window, byCaller: groupBy === "caller", signal: controller.signal }),
      deps.readMetrics({ cloudwatch: clients.cloudwatch, window, signal: controller.signal, now: deps.now() }),
    ]).catch((error: unknown) => {
      controller.abort();
      throw error;
    });
    return { ...usage, latency: metrics.latency, metricErrors: metrics.metricErrors, notes: [...usage.notes, ...metrics.notes] };
  } finally {
    deps.signal?.removeEventListener("abort", stop);
  }
}

export async function runReportCommand(args: ReportArgs, deps: CliDeps): Promise<number> {
  const window = resolveWindow(args, deps.now());
  const format = parseFormat(args.format);
  const groupBy = parseGroupBy(args.groupBy);
  const overrides = args.pricing === undefined ? undefined : await loadPricingFile(args.pricing, deps);

  let source: SourceResult;
  if (args.logs && args.logs.length > 0) {
    deps.stderr(`Reading log records from ${args.logs.join(", ")}...\n`);
    source = await deps.readLogFiles({ paths: args.logs, window });
  } else {
    source = await readOnline(args, window, groupBy, deps);
  }

  const report = buildReport(source, { window, groupBy, overrides });
  await emit(renderReport(report, format, format === "table" && useColor(args, deps)), args, deps);
  if (!report.complete) {
    deps.stderr("error: the report is incomplete (part of the window could not be read; see its notes). Fix the cause and run it again.\n");
    return 1;
  }
  return 0;
}
