/** What AWS billed for Bedrock, whatever it came from (Cost Explorer, a saved response, a CUR 2.0 export). */

/** One billed amount on one UTC day. */
export interface BillLine {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  usageType: string;
  /** The Marketplace product or Cost Explorer service name: for Marketplace usage types, the only place the model is named. */
  productName: string | null;
  /** Unblended cost in USD; negative for credits and refunds. */
  costUsd: number;
  /** Cost Explorer's NetAmortizedCost (after discounts and credits spread over time); null when the bill does not say. */
  netAmortizedUsd: number | null;
  /** CUR 2.0 `line_item_iam_principal`: the IAM identity that made the call; null when the export has no such column. */
  principal: string | null;
  /** `credit`/`refund` from CUR's `line_item_line_item_type`, or any negative amount. */
  lineType: "usage" | "credit" | "other";
}

export interface Bill {
  /** Where it came from, for the output: `Cost Explorer`, or the file. */
  label: string;
  lines: BillLine[];
  /** Rows that could not be read (no date, no usage type, an amount that is not a number): counted, never dropped silently. */
  unreadableRows: number;
  /** Days Cost Explorer marked as estimated (not final yet). */
  estimatedDays: string[];
}

/**
 * Far above any one Bedrock bill line: an amount beyond it is a broken row, not a charge, and left in it
 * would carry a day's total to Infinity.
 */
export const MAX_BILL_LINE_USD = 1e12;

/** A bill line's amount from its text (CUR cell, Cost Explorer `Amount`), or null when it is no usable amount. */
export function billAmountOf(text: string | null | undefined): number | null {
  if (text === null || text === undefined || text.trim() === "") return null;
  const amount = Number(text);
  return Number.isFinite(amount) && Math.abs(amount) <= MAX_BILL_LINE_USD ? amount : null;
}

/** The line type from a CUR `line_item_line_item_type` and the amount. */
export function lineTypeOf(curLineItemType: string | null, costUsd: number): BillLine["lineType"] {
  const type = (curLineItemType ?? "").toLowerCase();
  if (type === "credit" || type === "refund" || costUsd < 0) return "credit";
  if (type === "" || type === "usage" || type === "discountedusage" || type === "savingsplancoveredusage")
    return "usage";
  return "other";
}
