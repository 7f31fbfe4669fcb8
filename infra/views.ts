import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PRICE_CATALOG, type PriceCatalog } from "../reporting/src/kernel/pricing/catalog";
import { SAVED_QUERIES } from "../reporting/src/kernel/queries";
import { accountScope } from "./account-scope";
import { buildDashboardBody } from "./dashboard";
import type { DashboardSettings } from "./settings";

/** The console's host for a partition: commercial, China or GovCloud. */
export function consoleHost(partition: string, region: string): string {
  if (partition === "aws-cn") return "console.amazonaws.cn";
  if (partition === "aws-us-gov") return "console.amazonaws-us-gov.com";
  return `${region}.console.aws.amazon.com`;
}

export function dashboardUrl(partition: string, region: string, dashboardName: string): string {
  return `https://${consoleHost(partition, region)}/cloudwatch/home?region=${region}#dashboards/dashboard/${encodeURIComponent(dashboardName)}`;
}

export interface UsageDashboardArgs extends DashboardSettings {
  dashboardName: string;
  logGroupName: pulumi.Input<string>;
  /** The catalog the cost widget prices with (default the built-in one; see price-catalog.ts). */
  catalog?: PriceCatalog;
}

/** The CloudWatch dashboard: usage, latency, errors, delivery health and estimated cost. */
export class UsageDashboard extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: UsageDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-monitoring:index:UsageDashboard", name, {}, opts);
    const scope = accountScope({ parent: this });
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      {
        dashboardName: args.dashboardName,
        dashboardBody: pulumi.all([scope, args.logGroupName]).apply(([s, logGroupName]) =>
          JSON.stringify(
            buildDashboardBody({
              ...s,
              logGroupName,
              periodSeconds: args.periodSeconds,
              rangeHours: args.rangeHours,
              tpmQuotas: args.tpmQuotas ?? [],
              catalog: args.catalog ?? PRICE_CATALOG,
            }),
          ),
        ),
      },
      { parent: this },
    );
    this.url = pulumi
      .all([scope, this.dashboard.dashboardName])
      .apply(([s, dashboardName]) => dashboardUrl(s.partition, s.region, dashboardName));
    this.registerOutputs({ dashboardName: this.dashboard.dashboardName, url: this.url });
  }
}

export interface SavedQueriesArgs {
  logGroupName: pulumi.Input<string>;
}

/** The Logs Insights queries of the reporting package, saved in the console under `Bedrock/`. */
export class SavedQueries extends pulumi.ComponentResource {
  /** Query definition ID by the query's stable name (`usage-hourly`, ...). */
  readonly ids: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SavedQueriesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("bedrock-monitoring:index:SavedQueries", name, {}, opts);
    const definitions = SAVED_QUERIES.map(
      (query) =>
        [
          query.name,
          new aws.cloudwatch.QueryDefinition(
            `${name}-${query.name}`,
            { name: query.displayName, queryString: query.queryString, logGroupNames: [args.logGroupName] },
            { parent: this },
          ),
        ] as const,
    );
    this.ids = pulumi
      .all(definitions.map(([, definition]) => definition.queryDefinitionId))
      .apply((ids) => Object.fromEntries(definitions.map(([queryName], index) => [queryName, ids[index]])));
    this.registerOutputs({ ids: this.ids });
  }
}
