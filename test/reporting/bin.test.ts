/**
 * How the report is built and started: `npm ci` builds reporting/dist (the
 * reporting workspace's prepare script) and links the `bedrock-report` bin;
 * `npm run report` runs the compiled report and nothing else, and refuses to
 * when a source is newer than the build.
 */
import { expect } from "chai";
import { execFileSync, spawn, spawnSync, type SpawnSyncOptions } from "node:child_process";
import * as fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { sourceNewerThanBuild } from "../../reporting/src/build-freshness";
import { SAMPLE_ARGS } from "../helpers/cli-helpers";

const ROOT = resolve(__dirname, "..", "..");
const BIN = join(ROOT, "node_modules", ".bin", "bedrock-report");
const MAIN = join(ROOT, "reporting", "dist", "main.js");

interface Manifest {
  engines: { node: string };
  workspaces?: string[];
  scripts: Record<string, string>;
}

function manifest(folder: string): Manifest {
  return JSON.parse(fs.readFileSync(join(folder, "package.json"), "utf8")) as Manifest;
}

/** Runs a command to its end from the project root, unless told otherwise. */
function run(command: string, args: string[], options: SpawnSyncOptions = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, ...options, encoding: "utf8" });
  return { status: result.status, stdout: String(result.stdout), stderr: String(result.stderr) };
}

/** A fresh folder under the OS temp folder for the length of `use`. */
async function inTempFolder(prefix: string, use: (folder: string) => void): Promise<void> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  try {
    use(folder);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
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

  it("the reporting workspace has the project's engines, and its prepare script (npm ci's) builds dist", () => {
    expect(manifest(ROOT).workspaces).to.deep.equal(["reporting"]);
    expect(manifest(join(ROOT, "reporting")).engines).to.deep.equal(manifest(ROOT).engines);
    expect(fs.existsSync(MAIN)).to.equal(true);
  });

  it("links bedrock-report into node_modules/.bin, executable, and it prints the help", () => {
    fs.accessSync(BIN, fs.constants.X_OK);
    const help = run(BIN, ["--help"]);
    expect(help.stderr).to.equal("");
    expect(help.status).to.equal(0);
    expect(help.stdout).to.match(/^bedrock-report \[options\]: Claude usage, cost/);
  });

  it("starts Node.js with a 1 MB semi-space, which V8 can only take at start-up", async () => {
    await inTempFolder("bedrock-bin-flags-", (folder) => {
      const flagsFile = join(folder, "exec-argv.json");
      const preload = join(folder, "record-flags.cjs");
      const write = `require("node:fs").writeFileSync(${JSON.stringify(flagsFile)}, JSON.stringify(process.execArgv))`;
      fs.writeFileSync(preload, `${write};`);
      const help = run(BIN, ["--help"], { env: { ...process.env, NODE_OPTIONS: `--require ${preload}` } });
      expect(help.status, help.stderr).to.equal(0);
      expect(JSON.parse(fs.readFileSync(flagsFile, "utf8"))).to.include("--max-semi-space-size=1");
    });
  });

  it("reports on the bundled sample exactly as pinned, and runs a subcommand, each loading its modules on use", () => {
    const report = run(BIN, [...SAMPLE_ARGS, "--format", "json"]);
    expect(report.status, report.stderr).to.equal(0);
    expect(report.stdout).to.equal(fs.readFileSync(join(ROOT, "test", "fixtures", "sample-report.json"), "utf8"));
    const pricing = run(BIN, ["pricing", "--format", "json"]);
    expect(pricing.status, pricing.stderr).to.equal(0);
    expect((JSON.parse(pricing.stdout) as { prices: unknown[] }).prices).to.have.length.above(0);
  });

  it("ends as soon as its report is written, and a slow reader of its pipe still gets all of it", async () => {
    const child = spawn(BIN, [...SAMPLE_ARGS, "--format", "html"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    // Read nothing for a while: the page is several times a pipe's buffer, so the report must wait for the reader.
    child.stdout.pause();
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    const exited = new Promise<number | null>((resolvePromise) => child.on("close", resolvePromise));
    await new Promise((wait) => setTimeout(wait, 500));
    child.stdout.resume();
    expect(await exited).to.equal(0);
    const page = Buffer.concat(chunks).toString("utf8");
    expect(page.length).to.be.above(200_000);
    expect(page.trimEnd()).to.match(/<\/html>$/);
  });

  it("--help loads no command, no reader, no file writer and no AWS SDK: they load when used", async () => {
    await inTempFolder("bedrock-help-modules-", (folder) => {
      const loadedFile = join(folder, "loaded.json");
      const preload = join(folder, "record-modules.cjs");
      const modules = "JSON.stringify(Object.keys(require.cache))";
      const write = `require("node:fs").writeFileSync(${JSON.stringify(loadedFile)}, ${modules})`;
      fs.writeFileSync(preload, `process.on("exit", () => ${write});`);
      const help = run(process.execPath, ["--require", preload, MAIN, "--help"]);
      expect(help.status, help.stderr).to.equal(0);
      const loaded = (JSON.parse(fs.readFileSync(loadedFile, "utf8")) as string[]).map((path) => relative(ROOT, path));
      expect(loaded, "the check itself sees the report load").to.include(join("reporting", "dist", "cli.js"));
      const commands = "commands/(report|pricing|query|commands|sources)";
      const readers = "sources/(logfiles|archive|insights|metrics)|aws/|report|stack-outputs|output-file";
      const needless = new RegExp(`^reporting/dist/(${commands}|${readers})|@aws-sdk`);
      expect(loaded.filter((path) => needless.test(path))).to.deep.equal([]);
    });
  });

  it("keeps V8's code for its modules in node-compile-cache under the OS temp folder, for the next start", async () => {
    await inTempFolder("bedrock-compile-cache-", (temp) => {
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: temp };
      delete env.NODE_COMPILE_CACHE;
      delete env.NODE_DISABLE_COMPILE_CACHE;
      const help = run(BIN, ["--help"], { env });
      expect(help.status, help.stderr).to.equal(0);
      const cacheFolders = fs.readdirSync(join(temp, "node-compile-cache"));
      expect(cacheFolders).to.have.length(1);
      expect(fs.readdirSync(join(temp, "node-compile-cache", cacheFolders[0])).length).to.be.above(10);
    });
  });

  it("runs as npx bedrock-report from anywhere in the checkout, and as npm run report, with the same help", () => {
    const npx = run("npx", ["--no-install", "bedrock-report", "--help"], { cwd: join(ROOT, "test") });
    expect(npx.status, npx.stderr).to.equal(0);
    expect(npx.stdout).to.match(/^bedrock-report \[options\]/);
    for (const folder of [ROOT, join(ROOT, "reporting", "src")]) {
      const npmRun = run("npm", ["run", "-s", "report", "--", "--help"], { cwd: folder });
      expect(npmRun.status, `${folder}: ${npmRun.stderr}`).to.equal(0);
      expect(npmRun.stdout, folder).to.equal(npx.stdout);
    }
  });
});

describe("a build older than its sources", () => {
  let work: string;
  beforeEach(async () => (work = await mkdtemp(join(tmpdir(), "bedrock-build-freshness-"))));
  afterEach(async () => rm(work, { recursive: true, force: true }));

  /**
   * A copy of the checkout's reporting/ (build and sources, with their times)
   * in the temp folder, using the checkout's node_modules, freshly built: its main.js.
   */
  function copyOfCurrentBuild(): string {
    execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "ignore" });
    for (const folder of ["dist", "src", "assembly"]) {
      const copy = join(work, "reporting", folder);
      fs.cpSync(join(ROOT, "reporting", folder), copy, { recursive: true, preserveTimestamps: true });
    }
    fs.symlinkSync(join(ROOT, "node_modules"), join(work, "node_modules"));
    return join(work, "reporting", "dist", "main.js");
  }

  /** Sets a file's modification time to `secondsAgo` before now. */
  function age(path: string, secondsAgo: number): void {
    const time = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(path, time, time);
  }

  it("names the first TypeScript source modified after the build stamp, in any subfolder", () => {
    const src = join(work, "src");
    const [main, logFiles, notes] = [join(src, "main.ts"), join(src, "sources", "logfiles.ts"), join(src, "notes.md")];
    const stamp = join(work, "stamp");
    fs.mkdirSync(join(src, "sources"), { recursive: true });
    for (const path of [main, logFiles, notes, stamp]) fs.writeFileSync(path, "");
    age(main, 60);
    age(logFiles, 60);
    age(stamp, 30);
    expect(sourceNewerThanBuild(src, stamp), "every source is older than the stamp").to.equal(undefined);
    age(logFiles, 10);
    expect(sourceNewerThanBuild(src, stamp)).to.equal(logFiles);
    age(logFiles, 60);
    expect(sourceNewerThanBuild(src, stamp), "a file that is not TypeScript does not count").to.equal(undefined);
    expect(sourceNewerThanBuild(join(work, "none"), stamp), "a build without sources beside it").to.equal(undefined);
  });

  it("stops the compiled report with one line naming the file and exit 2, and lets a current build run", function () {
    this.timeout(60_000);
    const copiedMain = copyOfCurrentBuild();

    const current = run(process.execPath, [copiedMain, "--help"]);
    expect(current.status, current.stderr).to.equal(0);

    age(join(work, "reporting", "src", "main.ts"), -5);
    const stale = run(process.execPath, [copiedMain, "--help"]);
    expect(stale.stdout).to.equal("");
    expect(stale.stderr).to.equal(
      "error: reporting/src/main.ts changed after the report was built; run `npm run build`, then the report again\n",
    );
    expect(stale.status).to.equal(2);
  });

  it("holds the WebAssembly module to its source in reporting/assembly, and a missing module to any", function () {
    this.timeout(60_000);
    const copiedMain = copyOfCurrentBuild();
    const expected =
      "error: reporting/assembly/json-values.ts changed after the report was built; run `npm run build`, then the report again\n";

    age(join(work, "reporting", "assembly", "json-values.ts"), -5);
    const stale = run(process.execPath, [copiedMain, "--help"]);
    expect([stale.status, stale.stderr]).to.deep.equal([2, expected]);

    age(join(work, "reporting", "assembly", "json-values.ts"), 3600);
    expect(run(process.execPath, [copiedMain, "--help"]).status).to.equal(0);
    fs.rmSync(join(work, "reporting", "dist", "record-scan.wasm"));
    const missing = run(process.execPath, [copiedMain, "--help"]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(
      /^error: reporting\/assembly\/[\w-]+\.ts changed after the report was built; run `npm run build`/,
    );
  });
});
