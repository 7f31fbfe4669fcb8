import { expect } from "chai";
import { link, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { inputOverwrittenBy, writeFileWhole } from "../../../reporting/src/commands/output-file";
import { FAKE_OUTPUTS, run } from "../../helpers/cli-helpers";
import { converseRecord, jsonLines } from "../../helpers/record-shapes";

async function failureOf(write: Promise<void>): Promise<string> {
  try {
    await write;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
  throw new Error("expected the write to fail");
}

describe("--out", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-out-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  describe("writing", () => {
    it("replaces the file whole: two writers at once leave one of the two texts, never a mix", async () => {
      // With fs.writeFile (truncate, then write in chunks) 7 rounds in 10 came out torn here.
      const path = join(root, "report.json");
      const first = "a".repeat(8 * 1024 * 1024);
      const second = "b".repeat(6 * 1024 * 1024);
      for (let round = 0; round < 10; round += 1) {
        await Promise.all([writeFileWhole(path, first), writeFileWhole(path, second)]);
        const text = await readFile(path, "utf8");
        expect(text === first || text === second, `round ${round}: ${text.length} characters`).to.equal(true);
      }
      expect(await readdir(root)).to.deep.equal(["report.json"]);
    });

    it("leaves nothing behind when the write fails", async () => {
      expect(await failureOf(writeFileWhole(join(root, "missing", "report.json"), "x"))).to.equal("ENOENT");
      const folder = join(root, "taken");
      await mkdir(folder);
      expect(await failureOf(writeFileWhole(folder, "x"))).to.match(/^(EISDIR|EEXIST|ENOTEMPTY)$/);
      expect(await readdir(root)).to.deep.equal(["taken"]);
      expect(await readdir(folder)).to.deep.equal([]);
    });
  });

  describe("saying where it wrote", () => {
    it("says `Wrote <file>` on stderr, and nothing at all with --quiet, as --quiet promises", async () => {
      const sample = ["--logs", "reporting/samples/bedrock-logs", "--hours", "24", "--end", "2026-11-20T00:00:00Z"];
      const out = join(root, "report.json");
      const spoken = await run([...sample, "--format", "json", "--out", out], { writeTextFile: writeFileWhole });
      expect(spoken.code, spoken.stderr).to.equal(0);
      expect(spoken.stderr).to.include(`Wrote ${out}\n`);
      await rm(out);
      const quiet = await run([...sample, "--format", "json", "--out", out, "--quiet"], {
        writeTextFile: writeFileWhole,
      });
      expect(quiet.code, quiet.stderr).to.equal(0);
      expect(quiet.stderr).to.equal("");
      expect(quiet.stdout).to.equal("");
      expect(JSON.parse(await readFile(out, "utf8")).totals.invocations).to.be.above(0);
    });
  });

  describe("naming an input", () => {
    it("is the same file by any name: relative, through .., a symbolic link, a hard link", async () => {
      const prices = join(root, "prices.json");
      await writeFile(prices, "{}");
      await mkdir(join(root, "sub"));
      await symlink(prices, join(root, "soft.json"));
      await link(prices, join(root, "hard.json"));
      for (const out of [
        prices,
        relative(process.cwd(), prices),
        join(root, "sub", "..", "prices.json"),
        join(root, "soft.json"),
        join(root, "hard.json"),
      ]) {
        expect(await inputOverwrittenBy(out, ["elsewhere.json", prices]), out).to.equal(prices);
      }
      expect(await inputOverwrittenBy(join(root, "report.json"), [prices])).to.equal(null);
    });

    it("is a file inside an input folder, but not beside it", async () => {
      const logs = join(root, "logs");
      await mkdir(logs);
      expect(await inputOverwrittenBy(join(logs, "report.json"), [logs])).to.equal(logs);
      expect(await inputOverwrittenBy(join(logs, "2026", "report.json"), [logs])).to.equal(logs);
      expect(await inputOverwrittenBy(join(root, "logs2", "report.json"), [logs])).to.equal(null);
      expect(await inputOverwrittenBy(join(root, "..logs", "report.json"), [logs])).to.equal(null);
    });

    it("is refused with exit 2 before anything is read, and the input is left as it was", async () => {
      const logFile = join(root, "records.jsonl");
      const prices = join(root, "prices.json");
      const outputs = join(root, "outputs.json");
      const logText = jsonLines([converseRecord({})]);
      await writeFile(logFile, logText);
      await writeFile(prices, "{}");
      await writeFile(outputs, JSON.stringify(FAKE_OUTPUTS));
      const cases: Array<[string[], string]> = [
        [["--logs", logFile, "--out", logFile], `--out ${logFile}: is, or is inside, the input --logs ${logFile}`],
        [
          ["--logs", root, "--out", join(root, "report.json")],
          `--out ${join(root, "report.json")}: is, or is inside, the input --logs ${root}`,
        ],
        [
          ["--logs", logFile, "--pricing", prices, "--out", join(root, "sub", "..", "prices.json")],
          `the input --pricing ${prices}`,
        ],
        [["pricing", "--pricing", prices, "--out", prices], `the input --pricing ${prices}`],
        [["query", "usage-hourly", "--outputs", outputs, "--out", outputs], `the input --outputs ${outputs}`],
        [["commands", "--outputs", outputs, "--out", outputs], `the input --outputs ${outputs}`],
      ];
      for (const [argv, message] of cases) {
        const { code, stdout, stderr } = await run(argv, {
          writeTextFile: async (path) => expect.fail(`wrote ${path}`),
        });
        expect(code, argv.join(" ")).to.equal(2);
        expect(stdout).to.equal("");
        expect(stderr.trim().split("\n")).to.have.length(1);
        expect(stderr).to.include(message);
      }
      expect(await readFile(logFile, "utf8")).to.equal(logText);
      expect(await readFile(prices, "utf8")).to.equal("{}");
    });
  });
});
