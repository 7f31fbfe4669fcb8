/** `--dry-run`: the plan for each source, offline, exit 0, nothing called (fakeDeps fail any AWS or read call). */
import { expect } from "chai";
import { run } from "../../helpers/cli-helpers";

const QUARTER = ["--start", "2026-07-01", "--end", "2026-10-01"];

describe("report --dry-run", () => {
  it("--source athena prints the partition-pruned query for the stack's names, offline, exit 0", async () => {
    const result = await run([...QUARTER, "--source", "athena", "--dry-run"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include('FROM "bedrock_dev"."invocation_logs"');
    expect(result.stdout).to.include("WHERE dt BETWEEN '2026/07/01/00' AND '2026/10/01/23'");
    expect(result.stdout).to.include("from_iso8601_timestamp('2026-10-01T00:00:00.000Z')");
    expect(result.stdout).to.match(/reads 2232 hour folders/);
  });

  it("names another stack's resources with --stack", async () => {
    const result = await run([
      ...QUARTER,
      "--source",
      "athena",
      "--stack",
      "prod",
      "--dry-run",
      "--group-by",
      "caller",
    ]);
    expect(result.stdout).to.include('FROM "bedrock_prod"."invocation_logs"');
    expect(result.stdout).to.include("assumed-role");
  });

  it("--source athena with --group-by metadata:<key>: the query groups by each key's value", async () => {
    const result = await run([...QUARTER, "--source", "athena", "--dry-run", "--group-by", "metadata:team"]);
    expect(result.code, result.stderr).to.equal(0);
    expect(result.stdout).to.include("THEN '=' || element_at(requestmetadata, 'team') END END AS metadata_1");
    expect(result.stdout).to.include("GROUP BY GROUPING SETS ((record_kind, hour_start, model_id, caller, metadata_1,");
  });

  it("auto for a quarter: the archive reader or Athena, both plans shown", async () => {
    const result = await run([...QUARTER, "--dry-run"]);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.match(/Source: archive, because the window starts/);
    expect(result.stdout).to.match(/uses Athena if they hold more than 1 GiB/);
    expect(result.stdout).to.match(/S3 archive: lists and downloads every object of \d+ hour folders/);
  });

  it("insights for a recent window: the first scan query and how many", async () => {
    const result = await run(["--hours", "24", "--dry-run"]);
    expect(result.stdout).to.match(/Logs Insights: \d+ queries over \/aws\/bedrock\/modelinvocations/);
    expect(result.stdout).to.include("stats count(*) as invocations");
  });

  it("local files: what it would read", async () => {
    const result = await run(["--hours", "24", "--logs", "/nowhere", "--dry-run"]);
    expect(result.code).to.equal(0);
    expect(result.stdout).to.include("Local files: reads every record file under /nowhere");
  });
});

describe("report --dry-run refuses what the report would refuse", () => {
  it("--source athena with --logs: exit 2, one line", async () => {
    const result = await run(["--hours", "24", "--logs", "/nowhere", "--source", "athena", "--dry-run"]);
    expect(result.code).to.equal(2);
    expect(result.stderr).to.match(/^error: --source athena cannot be combined with --logs \/nowhere: .*\n$/);
  });
});
