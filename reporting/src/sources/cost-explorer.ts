/**
 * What AWS billed for Bedrock, from Cost Explorer's GetCostAndUsage
 * (https://docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html),
 * daily, grouped by SERVICE and USAGE_TYPE, metrics UnblendedCost and
 * NetAmortizedCost. Claude models are sold through AWS Marketplace and billed
 * under their own service names, e.g. `Claude 3 Haiku (Amazon Bedrock Edition)`,
 * not under `Amazon Bedrock`; so the services are first found with
 * GetDimensionValues (SERVICE, search "Bedrock") and all of them are asked for.
 * Cost Explorer's API is served from us-east-1 whatever the stack's region.
 */
import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  type GetCostAndUsageCommandOutput,
} from "@aws-sdk/client-cost-explorer";
import { describeAwsFailure } from "../aws/clients";
import { OperationalError, UsageError } from "../kernel/errors";
import { DAY_MS, floorTo } from "../kernel/time";
import type { Bill, BillLine } from "../model/bill";
import { billAmountOf, lineTypeOf } from "../model/bill";
import type { ReportWindow } from "../model/usage";

export const COST_EXPLORER_REGION = "us-east-1";
export const COST_EXPLORER_METRICS = ["UnblendedCost", "NetAmortizedCost"] as const;
export const COST_EXPLORER_PERMISSIONS = ["ce:GetCostAndUsage", "ce:GetDimensionValues"] as const;
/** The SERVICE value of Bedrock's own charges; Marketplace models have theirs. */
export const BEDROCK_SERVICE = "Amazon Bedrock";

/** A Cost Explorer client for the profile, with the adaptive retries the other clients use. */
export function createCostExplorerClient(profile: string | undefined): CostExplorerClient {
  return new CostExplorerClient({
    region: COST_EXPLORER_REGION,
    ...(profile ? { profile } : {}),
    retryMode: "adaptive",
    maxAttempts: 6,
  });
}

type CostResponse = Pick<GetCostAndUsageCommandOutput, "ResultsByTime" | "GroupDefinitions">;

function amountOf(metrics: Record<string, { Amount?: string } | undefined> | undefined, name: string): number | null {
  return billAmountOf(metrics?.[name]?.Amount);
}

/**
 * Bill lines from GetCostAndUsage responses (one per page). The keys of a
 * group follow the response's GroupDefinitions; without them, the last key is
 * the usage type and a first of two the service.
 */
export function billFromCostExplorer(responses: unknown[], label: string): Bill {
  const lines: BillLine[] = [];
  const estimatedDays = new Set<string>();
  let unreadableRows = 0;
  for (const value of responses) {
    const response = value as CostResponse;
    if (!response || !Array.isArray(response.ResultsByTime)) {
      throw new UsageError(
        `--bill ${label}: not a GetCostAndUsage response (no ResultsByTime); save the output of \`aws ce get-cost-and-usage --granularity DAILY --group-by Type=DIMENSION,Key=USAGE_TYPE ...\` or give a CUR 2.0 export`,
      );
    }
    const keys = (response.GroupDefinitions ?? []).map((definition) => definition.Key);
    for (const result of response.ResultsByTime) {
      const day = result.TimePeriod?.Start?.slice(0, 10);
      if (day && result.Estimated) estimatedDays.add(day);
      for (const group of result.Groups ?? []) {
        const groupKeys = group.Keys ?? [];
        const usageIndex = keys.includes("USAGE_TYPE") ? keys.indexOf("USAGE_TYPE") : groupKeys.length - 1;
        const serviceIndex = keys.includes("SERVICE") ? keys.indexOf("SERVICE") : groupKeys.length === 2 ? 0 : -1;
        const usageType = groupKeys[usageIndex];
        const costUsd = amountOf(group.Metrics, "UnblendedCost");
        if (!day || !usageType || costUsd === null) {
          unreadableRows += 1;
          continue;
        }
        lines.push({
          day,
          usageType,
          productName: serviceIndex >= 0 ? (groupKeys[serviceIndex] ?? null) : null,
          costUsd,
          netAmortizedUsd: amountOf(group.Metrics, "NetAmortizedCost"),
          principal: null,
          lineType: lineTypeOf(null, costUsd),
        });
      }
    }
  }
  return { label, lines, unreadableRows, estimatedDays: [...estimatedDays].sort() };
}

export interface ReadCostExplorerOptions {
  costExplorer: CostExplorerClient;
  window: ReportWindow;
  signal?: AbortSignal;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The whole UTC days the window touches, as Cost Explorer's [Start, End) dates. */
export function costExplorerPeriod(window: ReportWindow): { Start: string; End: string } {
  const start = floorTo(window.start.getTime(), DAY_MS);
  const end = floorTo(window.end.getTime() - 1, DAY_MS) + DAY_MS;
  return { Start: isoDay(start), End: isoDay(end) };
}

async function call<T>(run: () => Promise<T>, permission: string): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw describeAwsFailure(error, {
      permission,
      resource: "Cost Explorer",
      region: COST_EXPLORER_REGION,
      required: COST_EXPLORER_PERMISSIONS,
    });
  }
}

/** Bedrock's bill for the window's days, every page, from Cost Explorer. */
export async function readCostExplorerBill({ costExplorer, window, signal }: ReadCostExplorerOptions): Promise<Bill> {
  const TimePeriod = costExplorerPeriod(window);
  const services = await call(
    () =>
      costExplorer.send(new GetDimensionValuesCommand({ TimePeriod, Dimension: "SERVICE", SearchString: "Bedrock" }), {
        abortSignal: signal,
      }),
    "ce:GetDimensionValues",
  );
  const names = [
    ...new Set([BEDROCK_SERVICE, ...(services.DimensionValues ?? []).flatMap((value) => value.Value ?? [])]),
  ];
  const pages: CostResponse[] = [];
  let NextPageToken: string | undefined;
  do {
    const page = await call(
      () =>
        costExplorer.send(
          new GetCostAndUsageCommand({
            TimePeriod,
            Granularity: "DAILY",
            Metrics: [...COST_EXPLORER_METRICS],
            Filter: { Dimensions: { Key: "SERVICE", Values: names } },
            GroupBy: [
              { Type: "DIMENSION", Key: "SERVICE" },
              { Type: "DIMENSION", Key: "USAGE_TYPE" },
            ],
            NextPageToken,
          }),
          { abortSignal: signal },
        ),
      "ce:GetCostAndUsage",
    );
    pages.push(page);
    NextPageToken = page.NextPageToken;
    if (signal?.aborted) throw new OperationalError("Interrupted: no reconciliation was produced.");
  } while (NextPageToken);
  return billFromCostExplorer(pages, "Cost Explorer");
}
