import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ts from "typescript";
import type { PriceCatalog } from "../../reporting/src/kernel/pricing/catalog";
import { ESTIMATED_COST_METRIC, ESTIMATED_COST_NAMESPACE } from "../alarm-specs";
import { familyCostQueries } from "../cost-expressions";
import type { AccountScope } from "../policies";
import type { EstimatorConfig } from "./handler";

const HOUR = 3600;

/** What the estimator evaluates: the dashboard's cost expressions for this account and region, at hourly resolution. */
export function estimatorConfig(catalog: PriceCatalog, scope: AccountScope): EstimatorConfig {
  const cost = familyCostQueries(catalog, HOUR, scope);
  return {
    namespace: ESTIMATED_COST_NAMESPACE,
    metricName: ESTIMATED_COST_METRIC,
    queries: [
      ...cost.slices.map((slice) => ({ Id: slice.id, Expression: slice.expression, ReturnData: false })),
      ...cost.families.map((family) => ({
        Id: family.id,
        Expression: family.expression,
        Label: family.family,
        ReturnData: true,
      })),
    ],
    familyQueryIds: Object.fromEntries(cost.families.map((family) => [family.id, family.family])),
  };
}

/**
 * The files of the Lambda package: the handler transpiled from its TypeScript
 * source (the runtime provides the AWS SDK it imports) and its config.
 */
export function estimatorPackage(catalog: PriceCatalog, scope: AccountScope): Record<string, string> {
  const source = readFileSync(join(__dirname, "handler.ts"), "utf8");
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: "handler.ts",
  });
  return { "index.js": outputText, "estimator-config.json": JSON.stringify(estimatorConfig(catalog, scope)) };
}
