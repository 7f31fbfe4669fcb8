/**
 * The Glue table Athena reads the S3 archive through (shared kernel: pure
 * data). The stack turns it into an `aws.glue.CatalogTable`; the report's SQL
 * names its columns; the DuckDB test builds a view of the same columns over
 * local files. No crawler: the columns are the fields the report reads, and
 * partition projection computes the hour folders instead of a partition list.
 */
import { floorTo, HOUR_MS } from "../time";

/** One column: its Glue name (lowercase, as Athena stores it), Hive type, and the JSON key it is read from. */
export interface TableColumn {
  name: string;
  type: string;
  /** The key in the record; the OpenX SerDe matches keys case-insensitively by default. */
  jsonKey: string;
  /** A struct column's fields. */
  fields?: readonly StructField[];
}

/** A struct column's field: Glue name, Hive type, JSON key. */
export type StructField = readonly [name: string, type: string, jsonKey: string];

function struct(fields: readonly StructField[]): string {
  return `struct<${fields.map(([name, type]) => `${name}:${type}`).join(",")}>`;
}

export const IDENTITY_FIELDS: readonly StructField[] = [["arn", "string", "arn"]];
export const INPUT_FIELDS: readonly StructField[] = [
  ["inputcontenttype", "string", "inputContentType"],
  ["inputtokencount", "bigint", "inputTokenCount"],
  ["cachereadinputtokencount", "bigint", "cacheReadInputTokenCount"],
  ["cachewriteinputtokencount", "bigint", "cacheWriteInputTokenCount"],
  ["inputbodys3path", "string", "inputBodyS3Path"],
];
/**
 * `outputbodyjson` is a string: the body is an object (Converse, InvokeModel)
 * or a list of stream events, and a string column receives either as JSON
 * text, from which the query reads the latency and guardrail fields.
 */
export const OUTPUT_FIELDS: readonly StructField[] = [
  ["outputcontenttype", "string", "outputContentType"],
  ["outputtokencount", "bigint", "outputTokenCount"],
  ["outputbodyjson", "string", "outputBodyJson"],
  ["outputbodys3path", "string", "outputBodyS3Path"],
];

/** The record fields the report reads (records.ts), in the order Bedrock writes them. */
export const TABLE_COLUMNS: readonly TableColumn[] = [
  { name: "schematype", type: "string", jsonKey: "schemaType" },
  { name: "schemaversion", type: "string", jsonKey: "schemaVersion" },
  // A string, parsed by the query: Bedrock's ISO-8601 text is not Hive's timestamp format.
  { name: "timestamp", type: "string", jsonKey: "timestamp" },
  { name: "accountid", type: "string", jsonKey: "accountId" },
  { name: "region", type: "string", jsonKey: "region" },
  { name: "requestid", type: "string", jsonKey: "requestId" },
  { name: "operation", type: "string", jsonKey: "operation" },
  { name: "modelid", type: "string", jsonKey: "modelId" },
  { name: "errorcode", type: "string", jsonKey: "errorCode" },
  { name: "identity", type: struct(IDENTITY_FIELDS), jsonKey: "identity", fields: IDENTITY_FIELDS },
  { name: "requestmetadata", type: "map<string,string>", jsonKey: "requestMetadata" },
  { name: "inferenceregion", type: "string", jsonKey: "inferenceRegion" },
  { name: "input", type: struct(INPUT_FIELDS), jsonKey: "input", fields: INPUT_FIELDS },
  { name: "output", type: struct(OUTPUT_FIELDS), jsonKey: "output", fields: OUTPUT_FIELDS },
];

/** The partition column: the `YYYY/MM/DD/HH` hour folder, projected as a date with an hourly interval. */
export const PARTITION_COLUMN = "dt";
/** Java DateTimeFormatter pattern of the hour folders, as partition projection's `format` takes it. */
export const PARTITION_FORMAT = "yyyy/MM/dd/HH";

// The OpenX JSON SerDe and the text formats Athena documents with it
// (https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html).
export const OPENX_JSON_SERDE = "org.openx.data.jsonserde.JsonSerDe";
export const TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat";
export const HIVE_TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat";

export interface ArchiveTableLocation {
  bucket: string;
  /** Key prefix in front of `AWSLogs/`: empty or ending in `/`. */
  keyPrefix: string;
  accountId: string;
  region: string;
}

/** `s3://<bucket>/<prefix>AWSLogs/<account>/BedrockModelInvocationLogs/<region>/`: the folder holding the hour folders. */
export function archiveRegionUrl(location: ArchiveTableLocation): string {
  const { bucket, keyPrefix, accountId, region } = location;
  return `s3://${bucket}/${keyPrefix}AWSLogs/${accountId}/BedrockModelInvocationLogs/${region}/`;
}

/** `yyyy/MM/dd/HH` of the UTC hour holding `ms`: an hour folder's name and a `dt` value. */
export function hourPartition(ms: number): string {
  const iso = new Date(floorTo(ms, HOUR_MS)).toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}

/**
 * Table properties: the partition projection of `dt` over the hour folders
 * (https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html,
 * date type: range, format, interval, interval.unit; and storage.location.template,
 * https://docs.aws.amazon.com/athena/latest/ug/partition-projection-setting-up.html).
 * The range starts at `firstHourMs` (the stack's creation: no folder is older)
 * and ends at NOW, so a new hour needs no change to the table.
 */
export function tableParameters(location: ArchiveTableLocation, firstHourMs: number): Record<string, string> {
  return {
    EXTERNAL: "TRUE",
    classification: "json",
    "projection.enabled": "true",
    [`projection.${PARTITION_COLUMN}.type`]: "date",
    [`projection.${PARTITION_COLUMN}.format`]: PARTITION_FORMAT,
    [`projection.${PARTITION_COLUMN}.range`]: `${hourPartition(firstHourMs)},NOW`,
    [`projection.${PARTITION_COLUMN}.interval`]: "1",
    [`projection.${PARTITION_COLUMN}.interval.unit`]: "HOURS",
    "storage.location.template": `${archiveRegionUrl(location)}\${${PARTITION_COLUMN}}/`,
  };
}

/** SerDe parameters: a line that is not JSON reads as a row of nulls instead of failing the query. */
export const SERDE_PARAMETERS: Readonly<Record<string, string>> = {
  "ignore.malformed.json": "true",
  "case.insensitive": "true",
};

/** The table's storage, partition keys and properties, in the shape of `aws.glue.CatalogTable`'s arguments. */
export function archiveTableDefinition(location: ArchiveTableLocation, firstHourMs: number) {
  return {
    tableType: "EXTERNAL_TABLE",
    parameters: tableParameters(location, firstHourMs),
    partitionKeys: [{ name: PARTITION_COLUMN, type: "string" }],
    storageDescriptor: {
      location: archiveRegionUrl(location),
      inputFormat: TEXT_INPUT_FORMAT,
      outputFormat: HIVE_TEXT_OUTPUT_FORMAT,
      serDeInfo: { serializationLibrary: OPENX_JSON_SERDE, parameters: { ...SERDE_PARAMETERS } },
      columns: TABLE_COLUMNS.map(({ name, type }) => ({ name, type })),
    },
  };
}
