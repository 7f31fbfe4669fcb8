import * as pulumi from "@pulumi/pulumi";
import { athenaNamesOf } from "../reporting/src/kernel/athena/names";
import { Alerting } from "./alerting";
import { ArchiveQueries } from "./athena";
import { buildCliCommands } from "./cli-commands";
import { CostEstimator } from "./cost-estimator/component";
import { InvocationLogging } from "./logging";
import { readStackSettings } from "./settings";
import { stackPriceCatalog } from "./price-catalog";
import { SavedQueries, UsageDashboard } from "./views";

const settings = readStackSettings();
const stack = pulumi.getStack();
const tags = { "managed-by": "pulumi", project: pulumi.getProject(), stack };
const { catalog } = stackPriceCatalog();

const logging = new InvocationLogging("bedrock-invocations", { ...settings.logging, tags });
const dashboard = new UsageDashboard("bedrock-usage", {
  ...settings.dashboard,
  dashboardName: `bedrock-${stack}`,
  logGroupName: logging.logGroup.name,
  catalog,
});
const queries = new SavedQueries("bedrock-queries", { logGroupName: logging.logGroup.name });
// Alarms cannot evaluate the dashboard's SEARCH-based cost, so the budget alarm watches a metric this function publishes.
if (settings.alerting.thresholds.dailyCostBudgetUsd !== undefined) {
  new CostEstimator("bedrock-cost", {
    functionName: `bedrock-${stack}-cost-estimator`,
    logRetentionDays: 14,
    tags,
    catalog,
  });
}
const athena =
  settings.athena === null
    ? undefined
    : new ArchiveQueries("bedrock-athena", {
        names: athenaNamesOf(stack),
        archiveBucket: logging.bucket.bucket,
        archiveKeyPrefix: settings.logging.archiveKeyPrefix,
        bytesScannedCutoffGb: settings.athena.bytesScannedCutoffGb,
        kmsKeyArn: settings.logging.kmsKeyArn,
        firstHourMs: Date.now(),
        tags,
      });
const alerting = new Alerting("bedrock-alerts", { ...settings.alerting, alarmNamePrefix: `bedrock-${stack}`, tags });

export const region = logging.region;
export const accountId = logging.accountId;
export const logGroupName = logging.logGroup.name;
export const logGroupArn = logging.logGroup.arn;
export const bucketName = logging.bucket.bucket;
export const archivePrefix = logging.archiveRecordsPrefix;
export const roleArn = logging.role.arn;
export const logRetentionDays = settings.logging.logRetentionDays;
export const archiveRetentionDays = settings.logging.archiveRetentionDays;
export const archiveForceDestroy = settings.logging.forceDestroy;
export const dashboardName = dashboard.dashboard.dashboardName;
export const dashboardUrl = dashboard.url;
export const alertTopicArn = alerting.topic.arn;
export const alarmNames = alerting.alarms.map((alarm) => alarm.name);
export const queryDefinitionIds = queries.ids;
export const athenaDatabaseName = athena?.database.name;
export const athenaTableName = athena?.table.name;
export const athenaWorkgroupName = athena?.workgroup.name;
export const athenaReportPolicy = athena?.reportPolicy;
export const cliCommands = pulumi
  .all([logging.region, logging.logGroup.name])
  .apply(([stackRegion, group]) => buildCliCommands({ region: stackRegion, logGroupName: group }));
