/**
 * Which files `--logs` reads: each once, links followed without looping,
 * FIFOs and other special files never opened, `data/` body folders told
 * apart the same way whatever the path's spelling, and folders or files that
 * cannot be read reported (a root: a usage error; inside one: incomplete).
 */
import { expect } from "chai";
import fc from "fast-check";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { gzipSync } from "node:zlib";
import { UsageError } from "../../../reporting/src/kernel/errors";
import { childPath } from "../../../reporting/src/reading/log-tree";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import { run } from "../../helpers/cli-helpers";
import { asJsonLines, FIXTURE_WINDOW, fixtureRecords } from "../../helpers/log-fixtures";

const invocations = (result: SourceResult) => result.rows.reduce((sum, row) => sum + row.invocations, 0);
const HOUR = join("AWSLogs", "111122223333", "BedrockModelInvocationLogs", "us-east-1", "2026", "11", "10", "13");
/** Everything read in this thread, where the tests replace fs functions. */
const IN_THIS_THREAD = { inlineBytes: Number.MAX_SAFE_INTEGER };

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: Error) => error,
  );
}

/** Replaces one function of node:fs until the returned function restores it; the readers look them up at each call. */
function replaceFs<K extends "readdirSync" | "openSync">(
  name: K,
  replacement: (original: (typeof fs)[K]) => (typeof fs)[K],
): () => void {
  const original = fs[name];
  (fs as Record<K, unknown>)[name] = replacement(original);
  return () => ((fs as Record<K, unknown>)[name] = original);
}

function accessDenied(path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
}

describe("which files --logs reads", () => {
  let root: string;
  let other: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-tree-"));
    other = await mkdtemp(join(tmpdir(), "bedrock-elsewhere-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(other, { recursive: true, force: true });
  });

  describe("the same file reached twice", () => {
    beforeEach(async () => {
      await mkdir(join(root, "sub"), { recursive: true });
      await writeFile(join(root, "a.jsonl"), asJsonLines(fixtureRecords(3)));
      await writeFile(join(root, "sub", "b.jsonl"), asJsonLines(fixtureRecords(4, 10)));
    });

    const cases: Array<[string, () => string[], number]> = [
      ["a file given twice", () => [join(root, "a.jsonl"), join(root, "a.jsonl")], 3],
      [
        "a file given twice, once through a relative path",
        () => [join(root, "a.jsonl"), relative(process.cwd(), join(root, "a.jsonl"))],
        3,
      ],
      ["a folder and its subfolder", () => [root, join(root, "sub")], 7],
      ["a subfolder and then its folder", () => [join(root, "sub"), root], 7],
      ["a folder and a file inside it", () => [root, join(root, "sub", "b.jsonl")], 7],
      ["a file and then its folder", () => [join(root, "sub", "b.jsonl"), root], 7],
      ["a folder given twice", () => [root, `${root}/`], 7],
    ];
    for (const [what, paths, expected] of cases) {
      it(`reads ${what} once, with a note`, async () => {
        const result = await readLogFiles({ paths: paths(), window: FIXTURE_WINDOW });
        expect(invocations(result)).to.equal(expected);
        expect(result.complete).to.equal(true);
        expect(result.notes.some((note) => note.startsWith("Read once: 1 path(s) reached a second time"))).to.equal(
          true,
        );
      });
    }

    it("reads a file reached through a link in the same folder once", async () => {
      await symlink(join(root, "a.jsonl"), join(root, "z-link.jsonl"));
      const result = await readLogFiles({ paths: [root], window: FIXTURE_WINDOW });
      expect(invocations(result)).to.equal(7);
      expect(result.notes.join("\n")).to.include("e.g. z-link.jsonl");
    });
  });

  describe("links and special files inside a folder", () => {
    it("follows links to files and folders elsewhere, and counts broken links and loops without following them forever", async () => {
      await writeFile(join(root, "own.jsonl"), asJsonLines(fixtureRecords(2)));
      await writeFile(join(other, "linked.jsonl"), asJsonLines(fixtureRecords(3, 20)));
      await mkdir(join(other, "folder"));
      await writeFile(join(other, "folder", "deep.jsonl"), asJsonLines(fixtureRecords(4, 30)));
      await symlink(join(other, "linked.jsonl"), join(root, "to-file.jsonl"));
      await symlink(join(other, "folder"), join(root, "to-folder"));
      await symlink(join(root, "missing.jsonl"), join(root, "broken.jsonl"));
      await symlink(root, join(root, "to-root"));
      await symlink(join(root, "loop-b"), join(root, "loop-a"));
      await symlink(join(root, "loop-a"), join(root, "loop-b"));

      const result = await readLogFiles({ paths: [root], window: FIXTURE_WINDOW });

      expect(invocations(result)).to.equal(9);
      expect(result.complete).to.equal(true);
      expect(result.skipped).to.include({ brokenLink: 1, symlinkLoop: 3 });
      expect(result.notes.some((note) => note.startsWith("Skipped 1 broken links, e.g. broken.jsonl"))).to.equal(true);
    });

    it("counts FIFOs and sockets as specialFile without opening them (a FIFO would block the read)", async function () {
      this.timeout(10_000);
      await writeFile(join(root, "good.jsonl"), asJsonLines(fixtureRecords(2)));
      execFileSync("mkfifo", [join(root, "pipe.jsonl")]);
      await symlink(join(root, "pipe.jsonl"), join(root, "link-to-pipe.json"));
      const server: Server = await new Promise((resolve) => {
        const listening = createServer().listen(join(root, "socket.json"), () => resolve(listening));
      });
      try {
        const result = await readLogFiles({ paths: [root], window: FIXTURE_WINDOW });
        expect(invocations(result)).to.equal(2);
        expect(result.complete).to.equal(true);
        expect(result.skipped).to.include({ specialFile: 3 });
      } finally {
        server.close();
      }
    });
  });

  describe("data/ folders of Bedrock's large bodies", () => {
    let dataFolder: string;
    beforeEach(async () => {
      await mkdir(join(root, HOUR, "data"), { recursive: true });
      dataFolder = join(root, HOUR, "data");
      await writeFile(join(root, HOUR, "records.json.gz"), gzipSync(asJsonLines(fixtureRecords(3))));
      await writeFile(
        join(dataFolder, "0a1b2c3d_input.json.gz"),
        gzipSync(JSON.stringify({ messages: [{ role: "user", content: "long" }] })),
      );
      await writeFile(join(dataFolder, "0a1b2c3d_output.json.gz"), gzipSync(JSON.stringify({ output: "long" })));
    });

    it("skips them as bodyObject by absolute path, relative path, from inside, and through a link alike", async () => {
      const saved = process.cwd();
      await symlink(dataFolder, join(other, "bodies"));
      const spellings: Array<[string, () => string[]]> = [
        ["the archive root", () => [root]],
        ["the folder, absolute", () => [dataFolder]],
        ["the folder, relative", () => [relative(process.cwd(), dataFolder)]],
        ["a body file, absolute", () => [join(dataFolder, "0a1b2c3d_input.json.gz")]],
        ["from inside the folder", () => (process.chdir(dataFolder), ["."])],
        ["a body file from inside the folder", () => (process.chdir(dataFolder), ["0a1b2c3d_input.json.gz"])],
        ["a link to the folder", () => [join(other, "bodies")]],
      ];
      try {
        for (const [what, paths] of spellings) {
          const result = await readLogFiles({ paths: paths(), window: FIXTURE_WINDOW });
          process.chdir(saved);
          expect(result.skipped.malformed, what).to.equal(0);
          expect(result.skipped.bodyObject, what).to.be.greaterThan(0);
        }
      } finally {
        process.chdir(saved);
      }
    });

    it("reads a folder named data that is not under an hour folder", async () => {
      await mkdir(join(other, "data"));
      await writeFile(join(other, "data", "records.jsonl"), asJsonLines(fixtureRecords(2)));
      const result = await readLogFiles({ paths: [other], window: FIXTURE_WINDOW });
      expect(invocations(result)).to.equal(2);
    });
  });

  describe("what cannot be read", () => {
    it("refuses a root that is a link loop, a FIFO or a folder that cannot be listed, as a usage error naming it", async () => {
      await symlink(join(root, "self"), join(root, "self"));
      execFileSync("mkfifo", [join(root, "fifo")]);
      for (const path of [join(root, "self"), join(root, "fifo")]) {
        const error = await rejectionOf(readLogFiles({ paths: [path], window: FIXTURE_WINDOW }));
        expect(error, path).to.be.instanceOf(UsageError);
        expect(error.message).to.include(path);
      }
      const restore = replaceFs(
        "readdirSync",
        (original) =>
          ((path: fs.PathLike, options?: unknown) => {
            if (String(path) === root) throw accessDenied(root);
            return (original as (path: fs.PathLike, options?: unknown) => unknown)(path, options);
          }) as typeof fs.readdirSync,
      );
      try {
        const error = await rejectionOf(readLogFiles({ paths: [root], window: FIXTURE_WINDOW }));
        expect(error).to.be.instanceOf(UsageError);
        expect(error.message).to.equal(
          `--logs ${root}: cannot be read (EACCES); give a readable file or folder of Bedrock invocation log records`,
        );
      } finally {
        restore();
      }
    });

    it("refuses a root file that cannot be opened, as a usage error", async () => {
      const file = join(root, "a.jsonl");
      await writeFile(file, asJsonLines(fixtureRecords(1)));
      const restore = replaceFs(
        "openSync",
        (original) =>
          ((path: fs.PathLike, ...rest: unknown[]) => {
            if (String(path) === file) throw accessDenied(file);
            return (original as (path: fs.PathLike, ...rest: unknown[]) => number)(path, ...rest);
          }) as typeof fs.openSync,
      );
      try {
        const { code, stderr } = await run(["--logs", file, "--start", "2026-11-10", "--end", "2026-11-11", "--quiet"]);
        expect(code).to.equal(2);
        expect(stderr).to.equal(
          `error: --logs ${file}: cannot be read (EACCES); give a readable file or folder of Bedrock invocation log records\n`,
        );
      } finally {
        restore();
      }
    });

    it("marks the report incomplete, naming each, when a folder or file inside a root cannot be read, and exits 1 without a stack trace", async () => {
      await mkdir(join(root, "locked"));
      await writeFile(join(root, "locked", "x.jsonl"), asJsonLines(fixtureRecords(2)));
      await writeFile(join(root, "denied.jsonl"), asJsonLines(fixtureRecords(2)));
      await writeFile(join(root, "good.jsonl"), asJsonLines(fixtureRecords(3, 10)));
      const restoreList = replaceFs(
        "readdirSync",
        (original) =>
          ((path: fs.PathLike, options?: unknown) => {
            if (String(path) === join(root, "locked")) throw accessDenied(String(path));
            return (original as (path: fs.PathLike, options?: unknown) => unknown)(path, options);
          }) as typeof fs.readdirSync,
      );
      const restoreOpen = replaceFs(
        "openSync",
        (original) =>
          ((path: fs.PathLike, ...rest: unknown[]) => {
            if (String(path) === join(root, "denied.jsonl")) throw accessDenied(String(path));
            return (original as (path: fs.PathLike, ...rest: unknown[]) => number)(path, ...rest);
          }) as typeof fs.openSync,
      );
      try {
        const result = await readLogFiles({ paths: [root], window: FIXTURE_WINDOW, ...IN_THIS_THREAD });
        expect(invocations(result)).to.equal(3);
        expect(result.complete).to.equal(false);
        expect(result.skipped).to.include({ unreadableFolder: 1, unreadableFile: 1 });
        expect(result.notes).to.include(
          "Could not read the folder locked (EACCES); its records are missing from this report.",
        );
        expect(result.notes.some((note) => note.startsWith("Could not read denied.jsonl (EACCES"))).to.equal(true);

        const { code, stdout, stderr } = await run([
          "--logs",
          root,
          "--start",
          "2026-11-10",
          "--end",
          "2026-11-11",
          "--format",
          "json",
        ]);
        expect(code).to.equal(1);
        expect(JSON.parse(stdout).complete).to.equal(false);
        expect(stderr).to.not.match(/\n\s+at /);
      } finally {
        restoreList();
        restoreOpen();
      }
    });
  });
});

describe("log tree: paths of folder entries", () => {
  it("childPath of a folder as join() spells it and an entry name is exactly path.join's answer", () => {
    const names = fc.string({ minLength: 1 }).filter((name) => !name.includes(sep) && name !== "." && name !== "..");
    const folders = fc.array(fc.constantFrom("", ".", "..", "/", "logs", "a b", "é", "x.json.gz", "//"), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(folders, names, (parts, name) => {
        const folder = parts.join("/");
        expect(childPath(join(folder, "."), name)).to.equal(join(folder, name));
      }),
      { numRuns: 500 },
    );
  });
});
