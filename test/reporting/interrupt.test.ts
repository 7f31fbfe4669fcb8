/**
 * Ctrl-C on the compiled CLI (what `npm run report` runs) while it reads a
 * large folder of log files: it stops within a second, exits 130, and
 * writes no --out file.
 */
import { expect } from "chai";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, linkSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writeGeneratedArchive } from "../../scripts/gen-logs";

const ROOT = resolve(__dirname, "..", "..");

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("Ctrl-C during a local read (compiled CLI)", function () {
  this.timeout(120_000);
  let work: string;

  before(async () => {
    execFileSync("npx", ["tsc", "-b", "reporting"], { cwd: ROOT, stdio: "ignore" });
    work = await mkdtemp(join(tmpdir(), "bedrock-interrupt-"));
    // A day of records with realistic bodies, then 60 more copies by hard link: ~150,000 records, seconds of reading.
    const base = join(work, "logs", "base");
    await writeGeneratedArchive(
      {
        seed: 3,
        end: new Date("2026-11-20T00:00:00Z"),
        hours: 24,
        requestsPerHour: 100,
        bodyBytes: 3600,
        recordsPerObject: 50,
        malformedLines: false,
      },
      base,
    );
    const files = filesUnder(base);
    for (let copy = 0; copy < 60; copy += 1) {
      const folder = join(work, "logs", `copy-${copy}`);
      mkdirSync(folder);
      files.forEach((file, index) => linkSync(file, join(folder, `${index}.json.gz`)));
    }
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it("stops within a second with exit code 130, no stack trace, no --out file", async () => {
    const out = join(work, "report.json");
    const child = spawn(
      process.execPath,
      [
        join(ROOT, "reporting", "dist", "main.js"),
        "--logs",
        join(work, "logs"),
        "--start",
        "2026-11-18",
        "--end",
        "2026-11-21",
        "--format",
        "json",
        "--out",
        out,
      ],
      {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    const exited = new Promise<number | null>((resolveExit) => child.on("exit", (code) => resolveExit(code)));
    await new Promise<void>((resolveReading) => {
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("Reading log records from")) resolveReading();
      });
    });
    // Well into the read, which takes seconds.
    await new Promise((wait) => setTimeout(wait, 400));
    expect(child.exitCode, "the read should still be running").to.equal(null);
    const interruptedAt = performance.now();
    child.kill("SIGINT");
    const code = await exited;
    const stoppedMs = performance.now() - interruptedAt;

    expect(code).to.equal(130);
    expect(stoppedMs).to.be.below(1000);
    expect(existsSync(out)).to.equal(false);
    expect(stderr).to.include("error: Interrupted: reading the log files stopped and no report was produced.");
    expect(stderr).to.not.match(/\n\s+at /);
  });
});
