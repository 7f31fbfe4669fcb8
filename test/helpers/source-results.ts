import type { UsageRow } from "../../reporting/src/model/usage";
import type { SourceResult } from "../../reporting/src/sources/contract";

/** What a source returns for `rows` with nothing more to say: logs, complete, no latency, no skips, no notes; `extra` overrides. */
export function sourceResult(rows: UsageRow[], extra: Partial<SourceResult> = {}): SourceResult {
  return {
    source: "logs",
    rows,
    latency: null,
    metricErrors: null,
    scan: null,
    skipped: {},
    complete: true,
    notes: [],
    ...extra,
  };
}
