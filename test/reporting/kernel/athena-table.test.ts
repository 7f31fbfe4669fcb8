/** The Glue table definition checked against Glue's and the SerDe's rules, and against a key Bedrock delivers. */
import { expect } from "chai";
import {
  archiveTableDefinition,
  hourPartition,
  PARTITION_COLUMN,
  TABLE_COLUMNS,
} from "../../../reporting/src/kernel/athena/table";
import { partitionCount, partitionRange } from "../../../reporting/src/kernel/athena/usage-query";
import { hourFolders } from "../../../reporting/src/sources/archive";

const LOCATION = { bucket: "bedrock-logs", keyPrefix: "bedrock/", accountId: "123456789012", region: "us-east-1" };
const definition = archiveTableDefinition(LOCATION, Date.parse("2026-11-20T16:48:51Z"));
// Hive primitive and complex types the OpenX JSON SerDe reads
// (https://docs.aws.amazon.com/athena/latest/ug/data-types.html): the ones this table may use.
const HIVE_TYPE =
  /^(?:string|bigint|int|double|boolean|map<string,string>|struct<(?:[a-z0-9_]+:(?:string|bigint),?)+>)$/;

describe("the archive table definition", () => {
  it("has lowercase column names Athena accepts and types the SerDe can read", () => {
    for (const column of definition.storageDescriptor.columns) {
      expect(column.name, column.name).to.match(/^[a-z][a-z0-9_]*$/);
      expect(column.type, column.name).to.match(HIVE_TYPE);
    }
    expect(new Set(TABLE_COLUMNS.map((column) => column.name)).size).to.equal(TABLE_COLUMNS.length);
    expect(TABLE_COLUMNS.every((column) => column.jsonKey.toLowerCase() === column.name)).to.equal(true);
  });

  it("projects dt completely: enabled, date type, format, range, interval and unit, and a template using it", () => {
    const p = definition.parameters;
    expect(p["projection.enabled"]).to.equal("true");
    for (const key of ["type", "format", "range", "interval", "interval.unit"]) {
      expect(p[`projection.${PARTITION_COLUMN}.${key}`], key).to.be.a("string").and.not.equal("");
    }
    expect(p[`projection.${PARTITION_COLUMN}.type`]).to.equal("date");
    expect(p[`projection.${PARTITION_COLUMN}.interval.unit`]).to.equal("HOURS");
    expect(p[`projection.${PARTITION_COLUMN}.range`]).to.equal("2026/11/20/16,NOW");
    expect(definition.partitionKeys).to.deep.equal([{ name: PARTITION_COLUMN, type: "string" }]);
    expect(p["storage.location.template"]).to.include(`\${${PARTITION_COLUMN}}`);
    expect(p["storage.location.template"].startsWith(definition.storageDescriptor.location)).to.equal(true);
  });

  it("maps a key Bedrock delivered to its partition: the template with dt in the format gives the key's folder", () => {
    // The S3 key of a delivered record object (layout: <prefix>AWSLogs/<account>/BedrockModelInvocationLogs/<region>/YYYY/MM/DD/HH/).
    const key =
      "bedrock/AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/2024/11/20/16/20241120T164851056Z_9b86bf4994c4ab1c.json.gz";
    const dt = hourPartition(Date.parse("2024-11-20T16:48:51Z"));
    expect(dt).to.match(/^\d{4}\/\d{2}\/\d{2}\/\d{2}$/);
    const folder = definition.parameters["storage.location.template"].replace(`\${${PARTITION_COLUMN}}`, dt);
    expect(`s3://${LOCATION.bucket}/${key}`.startsWith(folder)).to.equal(true);
  });

  it("reads the same hour folders as the archive reader: the window's and a day after", () => {
    const window = { start: new Date("2026-12-31T23:30:00Z"), end: new Date("2027-01-01T00:30:00Z") };
    const region = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/";
    const folders = hourFolders(region, window);
    const range = partitionRange(window.start.getTime(), window.end.getTime());
    expect(`${region}${range.first}/`).to.equal(folders[0]);
    expect(`${region}${range.last}/`).to.equal(folders.at(-1));
    expect(partitionCount(window.start.getTime(), window.end.getTime())).to.equal(folders.length);
  });
});
