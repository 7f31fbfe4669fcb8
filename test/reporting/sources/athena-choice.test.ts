/** `--source athena` and `auto`'s choice between the archive reader and Athena, through the CLI with fake sources. */
import { expect } from "chai";
import type { StackOutputs } from "../../../reporting/src/aws/stack-outputs";
import type { CliDeps } from "../../../reporting/src/commands/context";
import type { ArchiveSizeOptions } from "../../../reporting/src/sources/archive-size";
import type { AthenaReadOptions } from "../../../reporting/src/sources/athena";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";

const WITH_ATHENA: StackOutputs = {
  ...FAKE_OUTPUTS,
  archivePrefix: "AWSLogs/123456789012/BedrockModelInvocationLogs/",
  logRetentionDays: 30,
  athenaDatabaseName: "bedrock_prod",
  athenaTableName: "invocation_logs",
  athenaWorkgroupName: "bedrock-prod",
};
const QUARTER = ["--start", "2026-08-01", "--end", "2026-11-01", "--outputs", "o.json", "--format", "json"];

const result = (source: SourceResult["source"]): SourceResult => ({
  source,
  rows: [],
  latency: null,
  metricErrors: null,
  scan: source === "athena" ? { queries: 1, bytesScanned: 2 * 1024 ** 4, recordsScanned: 0, recordsMatched: 0 } : null,
  skipped: { malformed: 0 },
  complete: true,
  notes: [],
});

function fakes(outputs: StackOutputs, archiveBytes: number) {
  const calls = { athena: [] as AthenaReadOptions[], archive: 0, measured: [] as ArchiveSizeOptions[] };
  const deps: Partial<CliDeps> = {
    loadStackOutputs: async () => outputs,
    measureArchiveBytes: async (options) => {
      calls.measured.push(options);
      return { bytes: archiveBytes, exceeded: archiveBytes > options.limitBytes };
    },
    readUsageFromAthena: async (options) => (calls.athena.push(options), result("athena")),
    readArchive: async () => ((calls.archive += 1), result("archive")),
  };
  return { calls, deps };
}

describe("choosing Athena", () => {
  it("auto past the retention with a large archive window: Athena, with the reason, bytes and their cost", async () => {
    const { calls, deps } = fakes(WITH_ATHENA, 3 * 1024 ** 3);
    const { code, stdout } = await run(QUARTER, deps);
    expect(code).to.equal(0);
    expect(calls.archive).to.equal(0);
    expect(calls.measured[0].regionFolder).to.equal(`${WITH_ATHENA.archivePrefix}${WITH_ATHENA.region}/`);
    expect(calls.athena[0].names).to.deep.equal({
      database: "bedrock_prod",
      table: "invocation_logs",
      workgroup: "bedrock-prod",
    });
    const report = JSON.parse(stdout);
    expect(report.source).to.equal("athena");
    expect(report.notes[0]).to.match(
      /^Source: Athena over the S3 archive \(bedrock_prod\.invocation_logs\), because the window starts .* and the archive holds more than 1\.0 GiB for the window/,
    );
    expect(report.scan.costUsd).to.equal(10);
  });

  it("auto with a small archive window: the archive reader, saying the size was under the threshold", async () => {
    const { calls, deps } = fakes(WITH_ATHENA, 200 * 1024 ** 2);
    const report = JSON.parse((await run(QUARTER, deps)).stdout);
    expect(calls.athena).to.have.length(0);
    expect(calls.archive).to.equal(1);
    expect(report.notes[0]).to.match(
      /and the archive holds 0\.2 GiB for the window, under the 1\.0 GiB Athena threshold\.$/,
    );
  });

  it("auto on a stack without Athena: the archive reader, no listing", async () => {
    const { calls, deps } = fakes(FAKE_OUTPUTS, 5 * 1024 ** 3);
    await run(QUARTER, deps);
    expect(calls.measured).to.have.length(0);
    expect(calls.archive).to.equal(1);
  });

  it("--source athena on a stack without Athena fails with one line and what to do", async () => {
    const { deps } = fakes(FAKE_OUTPUTS, 0);
    const { code, stderr } = await run([...QUARTER, "--source", "athena"], deps);
    expect(code).to.equal(1);
    expect(stderr).to.match(/^error: The stack outputs name no Athena database, table and workgroup/);
    expect(stderr).to.include("athenaEnabled true");
  });

  it("--source athena groups by caller in SQL only for --group-by caller", async () => {
    const { calls, deps } = fakes(WITH_ATHENA, 0);
    await run([...QUARTER, "--source", "athena", "--group-by", "caller"], deps);
    await run([...QUARTER, "--source", "athena"], deps);
    expect(calls.athena.map((options) => options.groupBy)).to.deep.equal([["caller"], []]);
  });

  it("--source athena with --group-by metadata:<key>: the keys reach the Athena source with the window", async () => {
    const { calls, deps } = fakes(WITH_ATHENA, 0);
    const { code, stderr } = await run(
      [...QUARTER, "--source", "athena", "--group-by", "metadata:team", "--group-by", "metadata:app"],
      deps,
    );
    expect(code, stderr).to.equal(0);
    expect(calls.athena[0].window.metadataKeys).to.deep.equal(["team", "app"]);
  });
});
