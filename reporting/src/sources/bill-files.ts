/**
 * `--bill <file>`: what AWS billed, read offline from a saved Cost Explorer
 * `GetCostAndUsage` response (JSON) or a CUR 2.0 export (CSV, gzip-compressed
 * CSV, or Parquet). CUR 2.0 column names as AWS Data Exports writes them
 * (https://docs.aws.amazon.com/cur/latest/userguide/table-dictionary-cur2.html):
 * `line_item_usage_type`, `line_item_unblended_cost`, `line_item_usage_start_date`,
 * and where the export has them `line_item_iam_principal`,
 * `line_item_line_item_type`, `line_item_product_code`, `product_product_name`
 * or the `product` map's `product_name`.
 */
import { readFile, stat } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { parse as parseCsv } from "csv-parse/sync";
import { UsageError } from "../kernel/errors";
import { billAmountOf, lineTypeOf, type Bill, type BillLine } from "../model/bill";
import { billFromCostExplorer } from "./cost-explorer";

const REQUIRED_CUR_COLUMNS = ["line_item_usage_type", "line_item_unblended_cost", "line_item_usage_start_date"];
const OPTIONAL_CUR_COLUMNS = [
  "line_item_iam_principal",
  "line_item_line_item_type",
  "line_item_product_code",
  "product_product_name",
  "product",
];

type CurRow = Record<string, unknown>;

/** `YYYY-MM-DD` of a CUR timestamp: an ISO or `YYYY-MM-DD HH:MM:SS` string, a Date, or epoch milliseconds. */
function dayOf(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value === "number" || typeof value === "bigint") {
    const date = new Date(Number(value));
    return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
  }
  if (typeof value !== "string") return null;
  const text = value.trim();
  const hasZone = /(Z|[+-]\d\d:?\d\d)$/.test(text);
  const date = new Date(hasZone ? text : `${text.replace(" ", "T")}Z`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString().slice(0, 10);
}

function textOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value).trim();
  return text === "" ? null : text;
}

/** The product name from `product_product_name`, or the `product` map (an object, key/value pairs, or JSON text). */
function productNameOf(row: CurRow): string | null {
  const flat = textOf(row.product_product_name);
  if (flat !== null) return flat;
  let product = row.product;
  if (typeof product === "string") {
    try {
      product = JSON.parse(product);
    } catch {
      return null;
    }
  }
  if (Array.isArray(product)) {
    const entry = product.find((pair) => (pair as { key?: unknown })?.key === "product_name") as
      { value?: unknown } | undefined;
    return textOf(entry?.value);
  }
  if (product !== null && typeof product === "object") return textOf((product as CurRow).product_name);
  return null;
}

/** CUR rows to bill lines; a row without a day, a usage type or a numeric cost is counted as unreadable. */
export function billFromCurRows(rows: CurRow[], columns: string[], label: string): Bill {
  const missing = REQUIRED_CUR_COLUMNS.filter((column) => !columns.includes(column));
  if (missing.length > 0) {
    throw new UsageError(
      `--bill ${label}: not a CUR 2.0 export: no column ${missing.join(", ")}; give a CUR 2.0 CSV or Parquet file (columns ${REQUIRED_CUR_COLUMNS.join(", ")}) or a saved GetCostAndUsage JSON response`,
    );
  }
  const lines: BillLine[] = [];
  let unreadableRows = 0;
  for (const row of rows) {
    const day = dayOf(row.line_item_usage_start_date);
    const costUsd = billAmountOf(textOf(row.line_item_unblended_cost)) ?? NaN;
    const lineType = lineTypeOf(textOf(row.line_item_line_item_type), costUsd);
    // A credit or refund may name no usage type; it still counts against the day.
    const usageType = textOf(row.line_item_usage_type) ?? (lineType === "credit" ? "(credit)" : null);
    if (day === null || usageType === null || !Number.isFinite(costUsd)) {
      unreadableRows += 1;
      continue;
    }
    lines.push({
      day,
      usageType,
      productName: productNameOf(row),
      costUsd,
      netAmortizedUsd: null,
      principal: textOf(row.line_item_iam_principal),
      lineType,
    });
  }
  return { label, lines, unreadableRows, estimatedDays: [] };
}

async function readParquet(bytes: Buffer, label: string): Promise<Bill> {
  // hyparquet is an ES module; Node 22 loads it through require().
  const { parquetReadObjects, parquetSchema, parquetMetadata } = await import("hyparquet");
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let columns: string[];
  try {
    columns = parquetSchema(parquetMetadata(file)).children.map((child) => child.element.name);
  } catch (error) {
    throw new UsageError(`--bill ${label}: not a readable Parquet file (${(error as Error).message})`, {
      cause: error,
    });
  }
  const wanted = [...REQUIRED_CUR_COLUMNS, ...OPTIONAL_CUR_COLUMNS].filter((column) => columns.includes(column));
  const rows = REQUIRED_CUR_COLUMNS.every((column) => columns.includes(column))
    ? await parquetReadObjects({ file, columns: wanted })
    : [];
  return billFromCurRows(rows, columns, label);
}

function readCsv(text: string, label: string): Bill {
  let table: string[][];
  try {
    // RFC 4180 as CUR writes it; a short row is read as far as it goes and then judged by billFromCurRows.
    table = parseCsv(text, { bom: true, relax_column_count: true, skip_empty_lines: true });
  } catch (error) {
    throw new UsageError(`--bill ${label}: not a readable CSV file (${(error as Error).message})`, { cause: error });
  }
  const [header = [], ...records] = table;
  const rows = records.map((record) => Object.fromEntries(header.map((column, index) => [column, record[index]])));
  return billFromCurRows(rows, header, label);
}

function readCostExplorerJson(text: string, label: string): Bill {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--bill ${label}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return billFromCostExplorer(Array.isArray(value) ? value : [value], label);
}

/** Reads a bill file by its content: Parquet's `PAR1`, gzip, JSON, else CSV. */
/**
 * The most a bill file may hold, read and after gunzip: it is read whole into memory. A month of CUR rows for
 * Bedrock alone is far below it; a whole account's export need not be.
 */
export const MAX_BILL_BYTES = 128 * 1024 ** 2;

function tooLarge(path: string): UsageError {
  return new UsageError(
    `--bill ${path}: more than ${MAX_BILL_BYTES / 1024 ** 2} MiB; export Bedrock's rows only (a CUR 2.0 export filtered to the service) or one month per file`,
  );
}

export async function readBillFile(path: string): Promise<Bill> {
  let bytes: Buffer;
  try {
    if ((await stat(path)).size > MAX_BILL_BYTES) throw tooLarge(path);
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new UsageError(
      `--bill ${path}: cannot be read (${code}); give a CUR 2.0 export or a saved GetCostAndUsage JSON`,
      {
        cause: error,
      },
    );
  }
  if (bytes.subarray(0, 4).toString("latin1") === "PAR1") return readParquet(bytes, path);
  let text: string;
  try {
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    text = (gzipped ? gunzipSync(bytes, { maxOutputLength: MAX_BILL_BYTES }) : bytes).toString("utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") throw tooLarge(path);
    throw new UsageError(`--bill ${path}: a damaged gzip file (${(error as Error).message})`, { cause: error });
  }
  const start = text.trimStart().charAt(0);
  if (start === "{" || start === "[") return readCostExplorerJson(text, path);
  return readCsv(text, path);
}
