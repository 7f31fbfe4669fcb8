/** `npm run demo`: a full report on the bundled sample week, offline, then how to run it on real data. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { run } from "../../helpers/cli-helpers";
import { OperationalError } from "../../../reporting/src/kernel/errors";

const ROOT = join(__dirname, "..", "..", "..");
const NEXT_STEPS =
  "Next: your own logs with `npm run report -- --logs <folder> --hours 168`, " +
  "a deployed stack with `npm run report -- --stack <name> --hours 168`.\n";

describe("the demo command", () => {
  it("runs as `npm run demo` from the compiled report, offline, exit 0", function () {
    this.timeout(60_000);
    const demo = spawnSync("npm", ["run", "-s", "demo"], { cwd: ROOT, encoding: "utf8" });
    expect(demo.status, demo.stderr).to.equal(0);
    expect(demo.stdout).to.match(/^Bedrock usage report\n/);
    expect(demo.stdout).to.include("Monthly projection");
    expect(demo.stderr).to.equal(NEXT_STEPS);
  });

  it("prints the whole report on the sample's own week and exits 0, then one line of next steps", async () => {
    const { code, stdout, stderr } = await run(["demo"]);
    expect(code, stderr).to.equal(0);
    expect(stderr).to.equal(NEXT_STEPS);
    for (const section of ["Summary", "By family", "By model", "Latency", "Monthly projection", "Notes"])
      expect(stdout).to.include(section);
    expect(stdout).to.include("2026-11-13T00:00:00.000Z to 2026-11-20T00:00:00.000Z (168 h)");
    expect(stdout).to.match(/Read 1857 records in the window/);
    expect(stdout).to.match(/Cost +│ \$\d/);
  });

  it("colours the report on a terminal", async () => {
    const { code, stdout } = await run(["demo"], { stdoutIsTTY: true });
    expect(code).to.equal(0);
    expect(stdout).to.include("\u001b[");
  });

  it("gives the same figures as the report over that week", async () => {
    const demo = await run(["demo", "--format", "json"]);
    const report = await run([
      ...["--logs", join(ROOT, "reporting", "samples", "bedrock-logs")],
      ...["--start", "2026-11-13T00:00:00Z", "--end", "2026-11-20T00:00:00Z", "--format", "json"],
    ]);
    const { totals, byFamily, projection, latencyMs } = JSON.parse(demo.stdout);
    expect({ totals, byFamily, projection, latencyMs }).to.deep.equal(
      (({ totals, byFamily, projection, latencyMs }) => ({ totals, byFamily, projection, latencyMs }))(
        JSON.parse(report.stdout),
      ),
    );
    expect(totals.costUsd).to.be.greaterThan(0);
  });
});

describe("the report with neither a stack nor --logs", () => {
  const noPulumi = async () => {
    throw new OperationalError(
      "Cannot read the outputs of the selected stack: the Pulumi CLI is not installed (no `pulumi` on PATH).",
      "Pass --stack <name> ... or --outputs <file> ...",
    );
  };

  it("keeps its error and points to `npm run demo`", async () => {
    const { code, stderr } = await run([], { loadStackOutputs: noPulumi });
    expect(code).to.equal(1);
    expect(stderr).to.equal(
      "error: Cannot read the outputs of the selected stack: the Pulumi CLI is not installed (no `pulumi` on PATH).\n" +
        "  Pass --stack <name> ... or --outputs <file> ...\n" +
        "  To try the report offline on the bundled sample week first: `npm run demo`.\n",
    );
  });

  it("does not offer the demo when a stack was named", async () => {
    const { stderr } = await run(["--stack", "prod"], { loadStackOutputs: noPulumi });
    expect(stderr).to.not.include("npm run demo");
  });
});
