/** Application profiles in a whole report: looked up online, read from --profiles, and --pricing mappings first. */
import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ApplicationProfile } from "../../../reporting/src/model/grouping";
import { HOUR_MS } from "../../../reporting/src/kernel/time";
import { FAKE_NOW, FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";
import { sourceResult } from "../../helpers/source-results";

const PROFILE = "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/9x8y7w6v5u4t";
const SAMPLE = join(__dirname, "..", "..", "..", "reporting", "samples");

const usage = sourceResult(
  [
    {
      hourStartMs: FAKE_NOW.getTime() - HOUR_MS,
      modelId: PROFILE,
      caller: null,
      context: "standard",
      invocations: 4,
      errors: 0,
      // 1M input tokens: $3.30 at Sonnet 4.5's regional rate, $0.25 at Claude 3 Haiku's.
      inputTokens: 1_000_000,
      outputTokens: 0,
      cacheReadInputTokens: 0,
      cacheWriteInputTokens: 0,
    },
  ],
  { source: "insights" },
);
const metrics = {
  latency: { samples: 0, avg: null, p50: null, p90: null, p99: null, max: null, from: "metrics" as const },
  metricErrors: { invocations: 4, clientErrors: 0, serverErrors: 0, throttles: 0, errorRate: 0 },
  notes: [],
};
const support: ApplicationProfile = {
  arn: PROFILE,
  name: "support-chat",
  modelId: "anthropic.claude-sonnet-4-5-20250929-v1:0",
  tags: { CostCenter: "cc-4410" },
};

function online(lookups: string[][], extra: string[] = [], readTextFile?: (path: string) => Promise<string>) {
  return run(["--stack", "dev", "--hours", "2", "--format", "json", ...extra], {
    loadStackOutputs: async () => FAKE_OUTPUTS,
    readUsageFromInsights: async () => usage,
    readMetrics: async () => metrics,
    resolveApplicationProfiles: async ({ arns }) => {
      lookups.push(arns);
      return { profiles: new Map([[PROFILE, support]]), notes: ["looked up"] };
    },
    ...(readTextFile && { readTextFile }),
  });
}

describe("application inference profiles in the report", () => {
  it("online, each profile ARN met is looked up once and priced as the model it routes to, grouped by name and tag", async () => {
    const lookups: string[][] = [];
    const { code, stdout, stderr } = await online(lookups, ["--group-by", "profile", "--group-by", "tag:CostCenter"]);
    expect(code, stderr).to.equal(0);
    expect(lookups).to.deep.equal([[PROFILE]]);
    const report = JSON.parse(stdout);
    expect(report.byModel[0]).to.include({ modelId: PROFILE, priced: true, family: "Sonnet", costUsd: 3.3 });
    expect(report.groups.entries[0].values).to.deep.equal({ profile: "support-chat", "tag:CostCenter": "cc-4410" });
    expect(report.notes).to.include("looked up");
  });

  it("a --pricing mapping wins: the profile is not looked up and takes the mapped model's price", async () => {
    const lookups: string[][] = [];
    const pricing = JSON.stringify({ applicationProfiles: { [PROFILE]: "anthropic.claude-3-haiku-20240307-v1:0" } });
    const { stdout } = await online(lookups, ["--pricing", "p.json"], async () => pricing);
    expect(lookups).to.deep.equal([]);
    expect(JSON.parse(stdout).byModel[0]).to.include({ family: "Haiku", costUsd: 0.25 });
  });

  it("offline, --profiles prices the sample's profile from a saved get-inference-profile output, without AWS", async () => {
    const { code, stdout } = await run(
      [
        "--hours",
        "168",
        "--end",
        "2026-11-20T00:00:00Z",
        "--logs",
        join(SAMPLE, "bedrock-logs"),
        "--profiles",
        join(SAMPLE, "inference-profiles.json"),
        "--group-by",
        "profile",
        "--format",
        "json",
      ],
      { readTextFile: (path) => readFile(path, "utf8") },
    );
    expect(code).to.equal(0);
    const report = JSON.parse(stdout);
    expect(report.byModel.find((model: { modelId: string }) => model.modelId === PROFILE)).to.include({
      priced: true,
      family: "Sonnet",
    });
    expect(report.groups.entries.map((entry: { values: { profile: string } }) => entry.values.profile)).to.include(
      "support-chat",
    );
  });

  it("offline without --profiles, local files never reach AWS: the profile stays unpriced", async () => {
    const { stdout } = await run(
      ["--hours", "168", "--end", "2026-11-20T00:00:00Z", "--logs", join(SAMPLE, "bedrock-logs"), "--format", "json"],
      {
        resolveApplicationProfiles: async () => {
          throw new Error("no AWS for local files");
        },
      },
    );
    expect(JSON.parse(stdout).unpricedModels.map((model: { modelId: string }) => model.modelId)).to.include(PROFILE);
  });

  it("reconcile looks the profile up online as the report does, and compares its cost in its model's family", async () => {
    const folder = await mkdtemp(join(tmpdir(), "attribution-"));
    try {
      const bill = join(folder, "cur.csv");
      // The 1M input tokens above, billed at Sonnet 4.5's regional rate on the window's day.
      await writeFile(
        bill,
        "line_item_usage_start_date,line_item_usage_type,line_item_unblended_cost,line_item_line_item_type\n" +
          "2026-11-19T00:00:00Z,USE1-Claude4.5Sonnet-input-tokens-cross-region-geo,3.3,Usage\n",
      );
      const lookups: string[][] = [];
      const { code, stdout, stderr } = await online(lookups, ["reconcile", "--bill", bill, "--quiet"]);
      expect(code, stderr).to.equal(0);
      expect(lookups).to.deep.equal([[PROFILE]]);
      const reconciliation = JSON.parse(stdout);
      expect(reconciliation.byFamily).to.deep.include({
        day: "2026-11-19",
        family: "Sonnet",
        complete: false,
        estimateUsd: 3.3,
        billedUsd: 3.3,
        differenceUsd: 0,
        differencePercent: 0,
        beyondTolerance: false,
        reasons: [],
      });
      expect(reconciliation.notes).to.include("looked up");
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
