/**
 * The names the stack gives its Athena resources (shared kernel), so the
 * report can name them for a stack without asking AWS (`--dry-run`).
 */

/** Glue database names: lowercase letters, digits and underscores (Athena's naming rules,
 * https://docs.aws.amazon.com/athena/latest/ug/tables-databases-columns-names.html). */
export function athenaDatabaseName(stack: string): string {
  return `bedrock_${stack.toLowerCase().replace(/[^a-z0-9_]/g, "_")}`;
}

export const ATHENA_TABLE_NAME = "invocation_logs";

/** Workgroup names: letters, digits, '.', '_' and '-' (CreateWorkGroup). */
export function athenaWorkgroupName(stack: string): string {
  return `bedrock-${stack.replace(/[^A-Za-z0-9._-]/g, "-")}`;
}

export interface AthenaNames {
  database: string;
  table: string;
  workgroup: string;
}

export function athenaNamesOf(stack: string): AthenaNames {
  return { database: athenaDatabaseName(stack), table: ATHENA_TABLE_NAME, workgroup: athenaWorkgroupName(stack) };
}
