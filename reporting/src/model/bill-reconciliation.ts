/**
 * The report's estimate against the bill: cost per UTC day and model family
 * (and per model and caller over the window), priced exactly as the report
 * prices it, next to what AWS billed for the same days. A day is complete when
 * the window covers all of it and it ended at least BILLING_LAG_MS before the
 * run: AWS bills usage up to 24 hours late, so a younger day is compared but
 * never fails the run.
 */
import { MODEL_FAMILIES, PRICE_CATALOG, type PriceCatalog } from "../kernel/pricing/catalog";
import { canonicalModelId } from "../kernel/pricing/model-ids";
import { costOf, priceFor, ratesForContext, type PriceQuote, type PricingOverrides } from "../kernel/pricing/rules";
import { DAY_MS, floorTo, HOUR_MS } from "../kernel/time";
import { callerFromArn } from "../reading/records";
import type { Bill } from "./bill";
import { explainDay, explainFamilyDay, type DayFacts } from "./bill-reasons";
import { modelOfName, usageTypeMeaning } from "./bill-usage-types";
import { roundUsd } from "./report";
import type { ReportWindow, UsageRow } from "./usage";
import { getOrCreate } from "./usage-rows";

export const BILLING_LAG_MS = 24 * HOUR_MS;
export const DEFAULT_TOLERANCE_PERCENT = 5;
/** Differences below a cent are rounding: the bill rounds line items, the estimate does not. */
export const MIN_DIFFERENCE_USD = 0.01;

export interface Comparison {
  /** Null when nothing in the group could be priced: the bill is then shown against "unpriced", never flagged. */
  estimateUsd: number | null;
  billedUsd: number;
  differenceUsd: number;
  /** (billed - estimate) / estimate, in percent; null without an estimate. */
  differencePercent: number | null;
  beyondTolerance: boolean;
}

export interface FamilyDayComparison extends Comparison {
  day: string;
  family: string;
  complete: boolean;
  reasons: string[];
}

export interface DayComparison extends Comparison {
  day: string;
  complete: boolean;
  creditsUsd: number;
  /** Billed under usage types this tool could not map to a model. */
  unrecognisedUsd: number;
  /** Billed for models the estimate has no price for: left out of billedUsd, so it is not a difference. */
  unpricedModelsUsd: number;
  reasons: string[];
}

export interface BillReconciliation {
  window: { start: string; end: string };
  bill: { label: string; lines: number; unreadableRows: number; estimatedDays: string[] };
  tolerancePercent: number;
  days: DayComparison[];
  byFamily: FamilyDayComparison[];
  byModel: Array<Comparison & { model: string; family: string }>;
  /** From CUR's line_item_iam_principal; null when the bill names no callers. */
  byCaller: Array<Comparison & { caller: string }> | null;
  unrecognisedUsageTypes: Array<{ usageType: string; productName: string | null; costUsd: number }>;
  /** What the bill charged for models the estimate logs but cannot price, by model. */
  unpricedModels: Array<{ model: string; family: string; invocations: number; billedUsd: number }>;
  /** Cost Explorer's NetAmortizedCost over the window's days; null when the bill does not carry it. */
  netAmortizedUsd: number | null;
  /** Complete days (or family rows on them) beyond tolerance: the run fails when this is not 0. */
  beyondToleranceOnCompleteDays: number;
  notes: string[];
}

interface Sums {
  estimate: number;
  priced: boolean;
  unpricedInvocations: number;
  billed: number;
}

const emptySums = (): Sums => ({ estimate: 0, priced: false, unpricedInvocations: 0, billed: 0 });
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function compare(estimate: number | null, billed: number, tolerancePercent: number): Comparison {
  const difference = billed - (estimate ?? 0);
  const percent = estimate !== null && estimate > 0 ? (difference / estimate) * 100 : null;
  const beyond =
    Math.abs(difference) >= MIN_DIFFERENCE_USD && (percent === null || Math.abs(percent) > tolerancePercent);
  return {
    estimateUsd: estimate === null ? null : roundUsd(estimate),
    billedUsd: roundUsd(billed),
    differenceUsd: roundUsd(difference),
    differencePercent: percent === null ? null : Math.round(percent * 100) / 100,
    beyondTolerance: beyond,
  };
}

const compareSums = (sums: Sums, tolerancePercent: number) =>
  compare(sums.priced ? sums.estimate : null, sums.billed, tolerancePercent);

export interface ReconcileOptions {
  window: ReportWindow;
  now: Date;
  tolerancePercent: number;
  overrides?: PricingOverrides;
  /** The catalog the report prices with (default the built-in one). */
  catalog?: PriceCatalog;
  /** Application inference profile ARN -> the model it routes to, as the report resolves them. */
  profileTargets?: Readonly<Record<string, string>>;
}

/** The report's rows priced per day, family, model label and caller, with the report's catalog and profiles. */
function addEstimates(
  rows: UsageRow[],
  options: ReconcileOptions,
  sums: { familyDay: Map<string, Sums>; day: Map<string, Sums>; model: Map<string, Sums>; caller: Map<string, Sums> },
  modelFamilies: Map<string, string>,
): void {
  const quotes = new Map<string, PriceQuote>();
  for (const row of rows) {
    const modelId = canonicalModelId(row.modelId);
    const quote = getOrCreate(quotes, modelId, () =>
      priceFor(modelId, options.overrides, options.catalog ?? PRICE_CATALOG, options.profileTargets),
    );
    const cost = quote.priced ? costOf(row, ratesForContext(quote, row.context)) : null;
    const label = quote.priced
      ? (modelOfName(quote.name)?.label ?? quote.name)
      : (modelOfName(row.modelId)?.label ?? row.modelId);
    modelFamilies.set(label, quote.family);
    const day = isoDay(floorTo(row.hourStartMs, DAY_MS));
    const targets = [
      getOrCreate(sums.familyDay, `${day} ${quote.family}`, emptySums),
      getOrCreate(sums.day, day, emptySums),
      getOrCreate(sums.model, label, emptySums),
      ...(row.caller === null ? [] : [getOrCreate(sums.caller, row.caller, emptySums)]),
    ];
    for (const target of targets) {
      if (cost === null) target.unpricedInvocations += row.invocations;
      else {
        target.estimate += cost;
        target.priced = true;
      }
    }
  }
}

/** Compares the report's usage rows with the bill over the window's UTC days. */
export function reconcileWithBill(rows: UsageRow[], bill: Bill, options: ReconcileOptions): BillReconciliation {
  const { window, now, tolerancePercent } = options;
  const firstDay = floorTo(window.start.getTime(), DAY_MS);
  const dayStarts: number[] = [];
  for (let start = firstDay; start < window.end.getTime(); start += DAY_MS) dayStarts.push(start);
  const dayNames = new Set(dayStarts.map(isoDay));

  const sums = { familyDay: new Map<string, Sums>(), day: new Map<string, Sums>(), model: new Map<string, Sums>() };
  const callerSums = new Map<string, Sums>();
  const modelFamilies = new Map<string, string>();
  addEstimates(rows, options, { ...sums, caller: callerSums }, modelFamilies);
  // Models logged but never priced: what the bill charges for them has nothing to be compared with.
  const unpricedLabels = new Set(
    [...sums.model]
      .filter(([, modelSums]) => !modelSums.priced && modelSums.unpricedInvocations > 0)
      .map(([label]) => label),
  );
  const unpricedBilled = new Map<string, number>();

  const facts = new Map<string, DayFacts>();
  const factsOf = (day: string) =>
    getOrCreate(facts, day, () => ({ lines: [], credits: 0, unrecognised: 0, unpricedModels: 0 }));
  const unrecognised = new Map<string, { usageType: string; productName: string | null; costUsd: number }>();
  let netAmortized: number | null = null;
  let outside = 0;
  let otherUsd = 0;
  const billCallers = new Map<string, Sums>();
  for (const line of bill.lines) {
    if (!dayNames.has(line.day)) {
      outside += 1;
      continue;
    }
    if (line.netAmortizedUsd !== null) netAmortized = (netAmortized ?? 0) + line.netAmortizedUsd;
    const meaning = usageTypeMeaning(line.usageType, line.productName);
    const dayFacts = factsOf(line.day);
    dayFacts.lines.push({ line, meaning });
    getOrCreate(sums.day, line.day, emptySums).billed += line.costUsd;
    const unpricedModel =
      line.lineType === "usage" && meaning.kind !== "unknown" && unpricedLabels.has(meaning.model?.label ?? "");
    if (line.principal !== null && !unpricedModel)
      getOrCreate(billCallers, callerFromArn(line.principal), emptySums).billed += line.costUsd;
    if (line.lineType === "credit") {
      dayFacts.credits += line.costUsd;
    } else if (line.lineType === "other") {
      otherUsd += line.costUsd;
      getOrCreate(sums.day, line.day, emptySums).billed -= line.costUsd;
    } else if (meaning.model === null || meaning.kind === "unknown") {
      dayFacts.unrecognised += line.costUsd;
      const key = `${line.usageType}\u0000${line.productName ?? ""}`;
      getOrCreate(unrecognised, key, () => ({
        usageType: line.usageType,
        productName: line.productName,
        costUsd: 0,
      })).costUsd += line.costUsd;
    } else if (unpricedModel) {
      dayFacts.unpricedModels += line.costUsd;
      getOrCreate(sums.day, line.day, emptySums).billed -= line.costUsd;
      getOrCreate(sums.model, meaning.model.label, emptySums).billed += line.costUsd;
      unpricedBilled.set(meaning.model.label, (unpricedBilled.get(meaning.model.label) ?? 0) + line.costUsd);
    } else {
      getOrCreate(sums.familyDay, `${line.day} ${meaning.model.family}`, emptySums).billed += line.costUsd;
      getOrCreate(sums.model, meaning.model.label, emptySums).billed += line.costUsd;
      if (!modelFamilies.has(meaning.model.label)) modelFamilies.set(meaning.model.label, meaning.model.family);
    }
  }

  const completeDay = (start: number) =>
    start >= window.start.getTime() &&
    start + DAY_MS <= window.end.getTime() &&
    start + DAY_MS + BILLING_LAG_MS <= now.getTime();
  const partialDay = (start: number) => start < window.start.getTime() || start + DAY_MS > window.end.getTime();
  const lagging = (start: number) => start + DAY_MS + BILLING_LAG_MS > now.getTime();

  const byFamily: FamilyDayComparison[] = [];
  const days: DayComparison[] = [];
  for (const start of dayStarts) {
    const day = isoDay(start);
    const complete = completeDay(start);
    const dayFacts = facts.get(day) ?? { lines: [], credits: 0, unrecognised: 0, unpricedModels: 0 };
    const context = {
      partial: partialDay(start),
      lagging: lagging(start),
      estimated: bill.estimatedDays.includes(day),
    };
    for (const family of MODEL_FAMILIES) {
      const familySums = sums.familyDay.get(`${day} ${family}`);
      if (!familySums) continue;
      const comparison = compareSums(familySums, tolerancePercent);
      const familyLines = dayFacts.lines.filter(
        (entry) => entry.meaning.model?.family === family && !unpricedLabels.has(entry.meaning.model.label),
      );
      byFamily.push({
        day,
        family,
        complete,
        ...comparison,
        reasons: comparison.beyondTolerance
          ? explainFamilyDay(comparison, familySums.unpricedInvocations, familyLines, context)
          : [],
      });
    }
    const daySums = sums.day.get(day) ?? emptySums();
    const comparison = compareSums(daySums, tolerancePercent);
    days.push({
      day,
      complete,
      ...comparison,
      creditsUsd: roundUsd(dayFacts.credits),
      unrecognisedUsd: roundUsd(dayFacts.unrecognised),
      unpricedModelsUsd: roundUsd(dayFacts.unpricedModels),
      reasons: comparison.beyondTolerance ? explainDay(comparison, daySums.unpricedInvocations, dayFacts, context) : [],
    });
  }

  const byModel = [...sums.model.entries()]
    .map(([model, modelSums]) => {
      const comparison = compareSums(modelSums, tolerancePercent);
      if (unpricedLabels.has(model)) comparison.beyondTolerance = false;
      return { model, family: modelFamilies.get(model) ?? "Other", ...comparison };
    })
    .sort((a, b) => b.billedUsd - a.billedUsd || (b.estimateUsd ?? 0) - (a.estimateUsd ?? 0));

  let byCaller: BillReconciliation["byCaller"] = null;
  if (billCallers.size > 0) {
    for (const [caller, callerSum] of callerSums)
      Object.assign(getOrCreate(billCallers, caller, emptySums), {
        estimate: callerSum.estimate,
        priced: callerSum.priced,
      });
    byCaller = [...billCallers.entries()]
      .map(([caller, callerSum]) => ({ caller, ...compareSums(callerSum, tolerancePercent) }))
      .sort((a, b) => b.billedUsd - a.billedUsd || a.caller.localeCompare(b.caller));
  }

  const notes: string[] = [];
  if (bill.unreadableRows > 0)
    notes.push(
      `${bill.unreadableRows} rows of ${bill.label} could not be read (no date, usage type or amount) and are left out.`,
    );
  if (outside > 0) notes.push(`${outside} bill lines fall outside the window's days and are left out.`);
  if (otherUsd !== 0)
    notes.push(`Left out: $${roundUsd(otherUsd)} of other line types (tax, fees) that are not usage of a model.`);
  if (unrecognised.size > 0)
    notes.push(
      `Unrecognised usage types (billed, but not mapped to a model): ${[...unrecognised.values()].map((entry) => `${entry.usageType} $${roundUsd(entry.costUsd)}`).join(", ")}.`,
    );
  const unpricedModels = [...unpricedLabels].map((model) => ({
    model,
    family: modelFamilies.get(model) ?? "Other",
    invocations: sums.model.get(model)?.unpricedInvocations ?? 0,
    billedUsd: roundUsd(unpricedBilled.get(model) ?? 0),
  }));
  if (unpricedModels.length > 0)
    notes.push(
      `Unpriced: ${unpricedModels.map((entry) => `${entry.model} (${entry.invocations} invocations, billed $${entry.billedUsd})`).join(", ")} ` +
        "has no price in the catalog in use, so its bill is shown against an unpriced estimate and left out of the " +
        "day and family differences; set its rate with --pricing to compare it.",
    );
  const beyondToleranceOnCompleteDays =
    days.filter((day) => day.complete && day.beyondTolerance).length +
    byFamily.filter((row) => row.complete && row.beyondTolerance).length;

  return {
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    bill: {
      label: bill.label,
      lines: bill.lines.length,
      unreadableRows: bill.unreadableRows,
      estimatedDays: bill.estimatedDays,
    },
    tolerancePercent,
    days,
    byFamily,
    byModel,
    byCaller,
    unpricedModels,
    unrecognisedUsageTypes: [...unrecognised.values()].map((entry) => ({ ...entry, costUsd: roundUsd(entry.costUsd) })),
    netAmortizedUsd: netAmortized === null ? null : roundUsd(netAmortized),
    beyondToleranceOnCompleteDays,
    notes,
  };
}
