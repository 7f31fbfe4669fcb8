/**
 * Ready-to-run AWS CLI v2 commands for real-time data, exported as a stack
 * output so `pulumi stack output cliCommands` and `npm run report -- commands`
 * print them. Pure: built from plain strings.
 */
import { findSavedQuery } from "../reporting/src/kernel/queries";

export interface CliCommandsSpec {
  region: string;
  logGroupName: string;
}

/** Quotes a word for POSIX shells: single quotes, with embedded ones closed, escaped and reopened. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

// GNU date (Linux, Cloud Shell); on macOS use gdate from coreutils.
const HOUR_AGO_ISO = `"$(date -u -d '1 hour ago' +%Y-%m-%dT%H:%M:%SZ)"`;
const NOW_ISO = `"$(date -u +%Y-%m-%dT%H:%M:%SZ)"`;
const HOUR_AGO_EPOCH = `"$(date -u -d '1 hour ago' +%s)"`;
const NOW_EPOCH = `"$(date -u +%s)"`;

/** One Metrics Insights query per call: GetMetricData accepts only one. */
function lastHourByModel(region: string, metric: string): string {
  const queries = JSON.stringify([
    {
      Id: "byModel",
      Expression: `SELECT SUM(${metric}) FROM SCHEMA("AWS/Bedrock", ModelId) GROUP BY ModelId`,
      Period: 300,
    },
  ]);
  return [
    "aws cloudwatch get-metric-data",
    `--region ${region}`,
    `--start-time ${HOUR_AGO_ISO}`,
    `--end-time ${NOW_ISO}`,
    `--metric-data-queries ${shellQuote(queries)}`,
  ].join(" ");
}

export function buildCliCommands(spec: CliCommandsSpec): Record<string, string> {
  const usage = findSavedQuery("usage-hourly");
  if (usage === undefined)
    throw new Error("the saved query 'usage-hourly' is missing from reporting/src/kernel/queries.ts");
  const group = shellQuote(spec.logGroupName);
  const startQuery = [
    "aws logs start-query",
    `--region ${spec.region}`,
    `--log-group-name ${group}`,
    `--start-time ${HOUR_AGO_EPOCH}`,
    `--end-time ${NOW_EPOCH}`,
    `--query-string ${shellQuote(usage.queryString.replace(/\n/g, " "))}`,
    "--query queryId --output text",
  ].join(" ");
  return {
    invocationsLastHour: lastHourByModel(spec.region, "Invocations"),
    inputTokensLastHour: lastHourByModel(spec.region, "InputTokenCount"),
    outputTokensLastHour: lastHourByModel(spec.region, "OutputTokenCount"),
    usageQueryLastHour: `QUERY_ID=$(${startQuery}) && sleep 10 && aws logs get-query-results --region ${spec.region} --query-id "$QUERY_ID"`,
    tailLogs: `aws logs tail ${group} --follow --since 10m --format short --region ${spec.region}`,
  };
}
