/**
 * How the report is built and started: `npm ci` builds reporting/dist (the
 * reporting workspace's prepare script) and links the `bedrock-report` bin;
 * `npm run report` runs the compiled report and nothing else.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "..", "..");

interface Manifest {
  name: string;
  engines: { node: string };
  workspaces?: string[];
  scripts: Record<string, string>;
  bin?: Record<string, string>;
}

function manifest(folder: string): Manifest {
  return JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as Manifest;
}

describe("the built report and its bin", function () {
  this.timeout(60_000);

  before(() => {
    // The reporting workspace's prepare script, which npm ci runs: it brings reporting/dist up to date.
    execFileSync("npm", ["run", "-s", "prepare", "--workspace", "reporting"], { cwd: ROOT, stdio: "ignore" });
  });

  it("npm run report is exactly the compiled report, with no build step", () => {
    expect(manifest(ROOT).scripts.report).to.equal("node reporting/dist/main.js");
  });

  it("the reporting workspace has the engines of the project, and its prepare script (run by npm ci) builds reporting/dist", () => {
    const reporting = manifest(join(ROOT, "reporting"));
    expect(manifest(ROOT).workspaces).to.deep.equal(["reporting"]);
    expect(reporting.engines).to.deep.equal(manifest(ROOT).engines);
    expect(existsSync(join(ROOT, "reporting", "dist", "main.js"))).to.equal(true);
  });

  it("links bedrock-report into node_modules/.bin, executable, and it prints the help", () => {
    const bin = join(ROOT, "node_modules", ".bin", "bedrock-report");
    accessSync(bin, constants.X_OK);
    const run = spawnSync(bin, ["--help"], { cwd: ROOT, encoding: "utf8" });
    expect(run.stderr).to.equal("");
    expect(run.status).to.equal(0);
    expect(run.stdout).to.match(/^bedrock-report \[options\]: Claude usage, cost/);
  });

  it("runs as npx bedrock-report from anywhere in the checkout, and as npm run report, with the same help", () => {
    const npx = spawnSync("npx", ["--no-install", "bedrock-report", "--help"], { cwd: join(ROOT, "test"), encoding: "utf8" });
    expect(npx.status, npx.stderr).to.equal(0);
    const npmRun = spawnSync("npm", ["run", "-s", "report", "--", "--help"], { cwd: ROOT, encoding: "utf8" });
    expect(npmRun.status, npmRun.stderr).to.equal(0);
    expect(npmRun.stdout).to.equal(npx.stdout).and.match(/^bedrock-report \[options\]/);
  });
});
