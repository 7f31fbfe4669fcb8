/**
 * How the report is built and started: `npm ci` builds reporting/dist (the
 * reporting workspace's prepare script) and links the `bedrock-report` bin;
 * `npm run report` runs the compiled report and nothing else, and refuses to
 * when a source is newer than the build.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { sourceNewerThanBuild } from "../../reporting/src/build-freshness";

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

  it("reports on the bundled sample exactly as pinned, and runs a subcommand, each loading its modules on use", () => {
    const bin = join(ROOT, "node_modules", ".bin", "bedrock-report");
    const argv = ["--hours", "168", "--logs", "reporting/samples/bedrock-logs", "--end", "2026-11-20T00:00:00Z", "--format", "json"];
    const report = spawnSync(bin, argv, { cwd: ROOT, encoding: "utf8" });
    expect(report.status, report.stderr).to.equal(0);
    expect(report.stdout).to.equal(readFileSync(join(ROOT, "test", "fixtures", "sample-report.json"), "utf8"));
    const pricing = spawnSync(bin, ["pricing", "--format", "json"], { cwd: ROOT, encoding: "utf8" });
    expect(pricing.status, pricing.stderr).to.equal(0);
    expect((JSON.parse(pricing.stdout) as { prices: unknown[] }).prices).to.have.length.above(0);
  });

  it("--help loads no command, no reader and no AWS SDK: they load when used", async () => {
    const work = await mkdtemp(join(tmpdir(), "bedrock-help-modules-"));
    try {
      const loadedFile = join(work, "loaded.json");
      const preload = join(work, "record-modules.cjs");
      writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`);
      const run = spawnSync(process.execPath, ["--require", preload, join(ROOT, "reporting", "dist", "main.js"), "--help"], { cwd: ROOT, encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(0);
      const loaded = (JSON.parse(readFileSync(loadedFile, "utf8")) as string[]).map((path) => relative(ROOT, path));
      expect(loaded, "the check itself sees the report load").to.include(join("reporting", "dist", "cli.js"));
      const needless = /^reporting\/dist\/(commands\/(report|pricing|query|commands|sources)|sources\/(logfiles|archive|insights|metrics)|aws\/|report|stack-outputs)|@aws-sdk/;
      expect(loaded.filter((path) => needless.test(path))).to.deep.equal([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("keeps V8's code for its modules in node-compile-cache under the OS temp folder, for the next start", async () => {
    const temp = await mkdtemp(join(tmpdir(), "bedrock-compile-cache-"));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp };
      delete env.NODE_COMPILE_CACHE;
      delete env.NODE_DISABLE_COMPILE_CACHE;
      const run = spawnSync(join(ROOT, "node_modules", ".bin", "bedrock-report"), ["--help"], { cwd: ROOT, env, encoding: "utf8" });
      expect(run.status, run.stderr).to.equal(0);
      const cacheFolders = readdirSync(join(temp, "node-compile-cache"));
      expect(cacheFolders).to.have.length(1);
      expect(readdirSync(join(temp, "node-compile-cache", cacheFolders[0])).length).to.be.above(10);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  });

  it("runs as npx bedrock-report from anywhere in the checkout, and as npm run report, with the same help", () => {
    const npx = spawnSync("npx", ["--no-install", "bedrock-report", "--help"], { cwd: join(ROOT, "test"), encoding: "utf8" });
    expect(npx.status, npx.stderr).to.equal(0);
    const npmRun = spawnSync("npm", ["run", "-s", "report", "--", "--help"], { cwd: ROOT, encoding: "utf8" });
    expect(npmRun.status, npmRun.stderr).to.equal(0);
    expect(npmRun.stdout).to.equal(npx.stdout).and.match(/^bedrock-report \[options\]/);
  });
});

describe("a build older than its sources", () => {
  let work: string;
  beforeEach(async () => (work = await mkdtemp(join(tmpdir(), "bedrock-build-freshness-"))));
  afterEach(async () => rm(work, { recursive: true, force: true }));

  /** Sets a file's modification time to `secondsAgo` before now. */
  function age(path: string, secondsAgo: number): void {
    const time = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path, time, time);
  }

  it("names the first TypeScript source modified after the build stamp, in any subfolder", () => {
    const src = join(work, "src");
    mkdirSync(join(src, "sources"), { recursive: true });
    const stamp = join(work, "stamp");
    for (const path of [join(src, "main.ts"), join(src, "sources", "logfiles.ts"), join(src, "notes.md"), stamp]) writeFileSync(path, "");
    age(join(src, "main.ts"), 60);
    age(join(src, "sources", "logfiles.ts"), 60);
    age(stamp, 30);
    expect(sourceNewerThanBuild(src, stamp), "every source is older than the stamp").to.equal(undefined);
    age(join(src, "sources", "logfiles.ts"), 10);
    expect(sourceNewerThanBuild(src, stamp)).to.equal(join(src, "sources", "logfiles.ts"));
    age(join(src, "sources", "logfiles.ts"), 60);
    expect(sourceNewerThanBuild(src, stamp), "a file that is not TypeScript does not count").to.equal(undefined);
    expect(sourceNewerThanBuild(join(work, "no-sources"), stamp), "a build without sources beside it").to.equal(undefined);
  });

  it("stops the compiled report with one line naming the file and exit 2, and lets a current build run", function () {
    this.timeout(60_000);
    execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "ignore" });
    // A copy of the checkout's reporting/ with its times, using the checkout's node_modules.
    for (const folder of ["dist", "src"]) {
      cpSync(join(ROOT, "reporting", folder), join(work, "reporting", folder), { recursive: true, preserveTimestamps: true });
    }
    symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
    const main = join(work, "reporting", "dist", "main.js");

    const current = spawnSync(process.execPath, [main, "--help"], { encoding: "utf8" });
    expect(current.status, current.stderr).to.equal(0);

    age(join(work, "reporting", "src", "main.ts"), -5);
    const stale = spawnSync(process.execPath, [main, "--help"], { encoding: "utf8" });
    expect(stale.stdout).to.equal("");
    expect(stale.stderr).to.equal("error: reporting/src/main.ts changed after the report was built; run `npm run build`, then the report again\n");
    expect(stale.status).to.equal(2);
  });
});
