/**
 * Why an estimate and a bill differ, in words, from what the day's bill lines
 * and the estimate show: the known reasons a log-based estimate misses the
 * invoice (billing lag, credits, private pricing, provisioned throughput,
 * batch, traffic that never reached the invocation logs).
 */
import type { BillLine } from "./bill";
import type { UsageTypeMeaning } from "./bill-usage-types";
import { roundUsd } from "./report";

export interface DayFacts {
  lines: Array<{ line: BillLine; meaning: UsageTypeMeaning }>;
  /** Credits and refunds (negative). */
  credits: number;
  unrecognised: number;
  /** Billed for models the estimate cannot price: kept out of the comparison. */
  unpricedModels: number;
}

export interface DayContext {
  /** The window covers only part of the day. */
  partial: boolean;
  /** The day ended less than 24 hours before the run. */
  lagging: boolean;
  /** Cost Explorer marked the day as estimated. */
  estimated: boolean;
}

interface Difference {
  estimateUsd: number | null;
  billedUsd: number;
  differenceUsd: number;
}

const usd = (value: number) => `$${roundUsd(value)}`;

function lineReasons(lines: DayFacts["lines"]): string[] {
  const reasons: string[] = [];
  const sumOf = (keep: (meaning: UsageTypeMeaning) => boolean) =>
    lines.filter((entry) => keep(entry.meaning)).reduce((sum, entry) => sum + entry.line.costUsd, 0);
  const batch = sumOf((meaning) => meaning.batch);
  const provisioned = sumOf((meaning) => meaning.kind === "provisioned");
  const mantle = sumOf((meaning) => meaning.mantle);
  if (batch !== 0)
    reasons.push(
      `batch inference billed (${usd(batch)}): batch jobs are not in the invocation logs the estimate reads`,
    );
  if (provisioned !== 0)
    reasons.push(`provisioned throughput billed (${usd(provisioned)}): charged per model unit and hour, not per token`);
  if (mantle !== 0)
    reasons.push(`bedrock-mantle endpoint billed (${usd(mantle)}): its traffic writes no invocation logs`);
  return reasons;
}

function contextReasons(context: DayContext): string[] {
  const reasons: string[] = [];
  if (context.lagging)
    reasons.push("billing lag: AWS bills usage up to 24 h late, so this day may not be fully billed");
  if (context.estimated) reasons.push("Cost Explorer marks this day as estimated: the figures may still change");
  if (context.partial) reasons.push("the window covers only part of this UTC day, the bill all of it");
  return reasons;
}

function directionReasons(difference: Difference, unpricedInvocations: number, explained: boolean): string[] {
  const reasons: string[] = [];
  if (unpricedInvocations > 0)
    reasons.push(`${unpricedInvocations} logged invocations are unpriced, so their cost is missing from the estimate`);
  if (difference.billedUsd === 0 && (difference.estimateUsd ?? 0) > 0) {
    reasons.push(
      "nothing billed for logged usage: the bill does not cover this day (an export or account that leaves it out), or billing lag",
    );
  } else if ((difference.estimateUsd ?? 0) === 0 && difference.billedUsd > 0) {
    reasons.push(
      "billed with no logged usage: traffic that never reached the invocation logs (logging off in a region or account, the bedrock-mantle endpoint, batch jobs)",
    );
  } else if (!explained && difference.differenceUsd < 0) {
    reasons.push(
      "billed below list price: private pricing or a discount (set discountPercent in --pricing), or credits applied to usage",
    );
  } else if (!explained && difference.differenceUsd > 0) {
    reasons.push(
      "billed above the estimate: traffic that never reached the invocation logs, 1-hour cache writes or long-context rates the logs cannot show, or prices changed since the catalog's as-of date",
    );
  }
  return reasons;
}

export function explainFamilyDay(
  difference: Difference,
  unpricedInvocations: number,
  lines: DayFacts["lines"],
  context: DayContext,
): string[] {
  const known = [...contextReasons(context), ...lineReasons(lines)];
  return [...known, ...directionReasons(difference, unpricedInvocations, known.length > 0)];
}

export function explainDay(
  difference: Difference,
  unpricedInvocations: number,
  facts: DayFacts,
  context: DayContext,
): string[] {
  const known = [...contextReasons(context), ...lineReasons(facts.lines)];
  if (facts.credits !== 0) known.push(`credits or refunds of ${usd(facts.credits)} on the bill`);
  if (facts.unrecognised !== 0)
    known.push(`${usd(facts.unrecognised)} billed under usage types not mapped to a model (see the notes)`);
  return [...known, ...directionReasons(difference, unpricedInvocations, known.length > 0)];
}
