import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { MINIMUM_NODE_MAJOR, unsupportedNodeMessage } from "../../reporting/src/node-version";

const ROOT = join(__dirname, "..", "..");

describe("supported Node.js versions", () => {
  it("accepts 22 and later, and refuses anything older with one line naming both versions", () => {
    for (const version of ["22.0.0", "22.23.5", "24.22.3", "26.1.0"])
      expect(unsupportedNodeMessage(version), version).to.equal(undefined);
    for (const version of ["20.20.2", "21.7.3", "18.20.8", "8.17.0"]) {
      const message = unsupportedNodeMessage(version);
      expect(message, version).to.be.a("string").and.include(`Node.js ${version}`).and.include("Node.js 22 or later");
      expect(message).to.not.include("\n");
    }
  });

  it("has the minimum of package.json's engines", async () => {
    const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { engines: { node: string } };
    expect(manifest.engines.node).to.equal(`>=${MINIMUM_NODE_MAJOR}`);
  });

  describe("the report on an older Node.js", () => {
    let dir: string;
    before(async () => (dir = await mkdtemp(join(tmpdir(), "bedrock-node-version-"))));
    after(async () => rm(dir, { recursive: true, force: true }));

    it("exits 2 with one line on stderr, before loading anything but the check", async () => {
      // Node.js 20 as far as the report can tell; on exit, the modules that were loaded.
      const preload = join(dir, "as-node-20.cjs");
      const loadedFile = join(dir, "loaded.json");
      await writeFile(
        preload,
        [
          `Object.defineProperty(process, "versions", { value: { ...process.versions, node: "20.19.0" } });`,
          `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`,
        ].join("\n"),
      );

      const run = spawnSync(
        process.execPath,
        ["--require", "tsx/cjs", "--require", preload, "reporting/src/main.ts", "--logs", dir, "--format", "json"],
        {
          cwd: ROOT,
          encoding: "utf8",
        },
      );

      expect(run.status).to.equal(2);
      expect(run.stdout).to.equal("");
      expect(run.stderr).to.equal(
        "error: this is Node.js 20.19.0; the report needs Node.js 22 or later (22 or 24 LTS, see .nvmrc)\n",
      );
      const loaded = (JSON.parse(await readFile(loadedFile, "utf8")) as string[]).map((path) => relative(ROOT, path));
      expect(loaded.filter((path) => path.startsWith("reporting")).sort()).to.deep.equal([
        "reporting/src/main.ts",
        "reporting/src/node-version.ts",
      ]);
      expect(loaded.filter((path) => path.includes("node_modules/yargs"))).to.deep.equal([]);
    });
  });
});
