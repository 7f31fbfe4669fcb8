/**
 * The contract between the data sources (Logs Insights, CloudWatch metrics,
 * log files, the S3 archive) and the calculation. Every source reduces what it
 * reads to UsageRows (model/usage.ts); pricing, totals, grouping and
 * projection only ever see UsageRows, so one data path serves every source and
 * every renderer.
 */
import type { Reconciliation } from "../model/reconciliation";
import type { MantleModelMetrics } from "../model/unlogged-traffic";
import type { LatencyBin, LatencySummary } from "../model/stats";
import type { UsageRow } from "../model/usage";

/** `logs`: local log files; `archive`: the same records read from the S3 archive. */
/** `athena`: one Athena query over the archive table. */
export type SourceName = "insights" | "metrics" | "logs" | "archive" | "athena";

/** Errors that only CloudWatch metrics count reliably. */
export interface MetricErrorCounts {
  /** The `Invocations` metric: requests Bedrock accepted, failed ones included, throttled ones not. */
  invocations: number;
  clientErrors: number;
  serverErrors: number;
  throttles: number;
  /** (client + server errors) / invocations; null without invocations. */
  errorRate: number | null;
}

/** What Logs Insights scanned, for the cost-of-the-report line. */
export interface ScanStatistics {
  queries: number;
  bytesScanned: number;
  recordsScanned: number;
  recordsMatched: number;
}

/** Everything one source produced for one report window. */
export interface SourceResult {
  source: SourceName;
  rows: UsageRow[];
  latency: LatencySummary | null;
  /** The latency samples as a histogram, where the source saw each sample (log records); absent from aggregates. */
  latencyHistogram?: LatencyBin[];
  metricErrors: MetricErrorCounts | null;
  scan: ScanStatistics | null;
  /** Records or objects that could not be used, by reason (`malformed`, `notARecord`, `outsideWindow`, ...). Never silently dropped. */
  skipped: Record<string, number>;
  /** False when part of the window could not be read; the report then marks itself incomplete. */
  complete: boolean;
  /** Human-readable remarks the report must show (why a source was chosen, what could not be read). */
  notes: string[];
  /** When the window held no record but the source saw some elsewhere (or none at all online): one line saying so, also among the notes. */
  emptyWindowHint?: string;
  /** Logs Insights' token sums checked against CloudWatch's token metrics; online reports only. */
  reconciliation?: Reconciliation;
  /** bedrock-mantle calls counted by CloudWatch metrics, which write no invocation logs; online reports only. */
  unloggedTraffic?: MantleModelMetrics[];
}
