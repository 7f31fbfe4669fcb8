/**
 * `npm run bench [-- --scale 10] [--runs 3] [--startup-only | --no-startup]`: first the
 * report's start-up (see startup.ts), then its offline aggregation against
 * DuckDB and against plain gunzip, on one generated archive in the S3 key
 * layout, checking that all three read the same data.
 *
 * Each contender is a whole process, timed from spawn to exit, start-up
 * included, with its peak RSS from /usr/bin/time:
 *   ours    reporting/bin/bedrock-report.js --logs <archive> --format json  (the bin npm links as bedrock-report)
 *   duckdb  node bench/.cache/build/duckdb-totals.js                    (read_ndjson over the same objects)
 *   gunzip  node bench/.cache/build/gunzip-floor.js                     (zlib over every object, nothing else)
 * The archive is generated once per scale and kept in bench/.cache/.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join, resolve } from "node:path";
import yargs from "yargs";
import { hideBin } from "yargs/helpers";
import { UsageError } from "../reporting/src/kernel/errors";
import { HOUR_MS } from "../reporting/src/kernel/time";
import { reportScriptFailure, requirePositive } from "../scripts/option-checks";
import { writeGeneratedArchive, type GenerateOptions, type WrittenArchive } from "../scripts/gen-logs";
import { formatStartup, measureStartup, median } from "./startup";

const ROOT = resolve(__dirname, "..");
const CACHE = join(ROOT, "bench", ".cache");
/**
 * The report's bin, the file npm ci links as node_modules/.bin/bedrock-report: run by its own path, so a git
 * worktree whose node_modules is another checkout's times its own build, not the other one's.
 */
const REPORT_BIN = join(ROOT, "reporting", "bin", "bedrock-report.js");
const LINKED_BIN = join(ROOT, "node_modules", ".bin", "bedrock-report");
const END = new Date("2026-11-20T00:00:00Z");
const HOURS = 720;

/** About 100,000 Converse-family records a scale unit, ~4 KB each with their bodies (~400 MB of JSON), 50 to an object. */
function archiveOptions(scale: number): GenerateOptions {
  return {
    seed: 42,
    end: END,
    hours: HOURS,
    requestsPerHour: 158 * scale,
    bodyBytes: 3600,
    recordsPerObject: 50,
    malformedLines: false,
  };
}

const TOTAL_FIELDS = [
  "invocations",
  "errors",
  "inputTokens",
  "outputTokens",
  "cacheReadInputTokens",
  "cacheWriteInputTokens",
] as const;
type Totals = Record<(typeof TOTAL_FIELDS)[number], number>;

interface Run {
  seconds: number;
  peakRssMb: number;
  stdout: string;
}

/** The archive for this scale, generated unless the cache already holds one made with the same options. */
async function ensureArchive(scale: number): Promise<{ dir: string; written: WrittenArchive }> {
  const dir = join(CACHE, `archive-x${scale}`);
  const stampPath = `${dir}.json`;
  const options = archiveOptions(scale);
  const wanted = JSON.stringify({ ...options, end: options.end.toISOString() });
  if (existsSync(stampPath) && existsSync(dir)) {
    const stamp = JSON.parse(readFileSync(stampPath, "utf8")) as { options: string; written: WrittenArchive };
    if (stamp.options === wanted) return { dir, written: stamp.written };
  }
  rmSync(dir, { recursive: true, force: true });
  process.stderr.write(`Generating the x${scale} archive in ${dir} (once; minutes at large scales)...\n`);
  const written = await writeGeneratedArchive(options, dir);
  writeFileSync(stampPath, JSON.stringify({ options: wanted, written }));
  return { dir, written };
}

/** Runs a command under /usr/bin/time and returns its wall time (spawn to exit), peak RSS and stdout; throws if it fails. */
function timed(command: string, args: string[]): Promise<Run> {
  const rssFile = join(CACHE, "time.out");
  return new Promise((resolvePromise, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn("/usr/bin/time", ["-f", "%M", "-o", rssFile, command, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) {
        reject(new Error(`${command} ${args.join(" ")} exited with ${code}: ${Buffer.concat(err).toString()}`));
        return;
      }
      const peakRssKb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
      resolvePromise({ seconds, peakRssMb: peakRssKb / 1024, stdout: Buffer.concat(out).toString() });
    });
  });
}

/** Fails the benchmark, loudly, unless the three processes read exactly the same records. */
function checkAgreement(
  ours: Totals & { skipped: Record<string, number> },
  duckdb: Totals,
  gunzip: { lines: number },
): void {
  const problems = TOTAL_FIELDS.filter((field) => ours[field] !== duckdb[field]).map(
    (field) => `${field}: ours ${ours[field]}, DuckDB ${duckdb[field]}`,
  );
  const linesSeen = ours.invocations + (ours.skipped.malformed ?? 0) + (ours.skipped.outsideWindow ?? 0);
  if (linesSeen !== gunzip.lines)
    problems.push(`lines: ours ${linesSeen} (records + malformed + outside the window), gunzip ${gunzip.lines}`);
  if (problems.length > 0)
    throw new Error(`the contenders disagree, so their times mean nothing:\n  ${problems.join("\n  ")}`);
}

/** The bench command line; bad values end in a UsageError. */
export function parseBenchArgs(argv: string[]) {
  return yargs(argv)
    .scriptName("bench")
    .option("scale", {
      type: "number",
      default: 1,
      describe: "Archive size in units of ~100,000 records (~400 MB of JSON)",
    })
    .option("runs", { type: "number", default: 3, describe: "Runs of each contender; the median is reported" })
    .option("startup-runs", { type: "number", default: 20, describe: "Rounds of the start-up commands (medians)" })
    .option("startup-only", { type: "boolean", default: false, describe: "Time the start-up only: no archive" })
    .option("startup", {
      type: "boolean",
      default: true,
      describe: "Time the start-up first (--no-startup: the archive only)",
    })
    .option("delete-archive", {
      type: "boolean",
      default: false,
      describe: "Delete the generated archive afterwards (large scales take GBs)",
    })
    .check((args) =>
      requirePositive(args, [
        { name: "scale", whole: true },
        { name: "runs", whole: true },
        { name: "startup-runs", whole: true },
      ]),
    )
    .version(false)
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    })
    .parseAsync();
}

async function main(): Promise<void> {
  const args = await parseBenchArgs(hideBin(process.argv));
  // yargs has printed the help; without exitProcess it would go on and run.
  if (args.help === true) return;
  if (!existsSync(LINKED_BIN))
    throw new Error(`${LINKED_BIN} is missing: run npm ci first, which links the report's bin`);
  process.stderr.write("Building the report (npm run build)...\n");
  execFileSync("npm", ["run", "-s", "build"], { cwd: ROOT, stdio: "inherit" });
  if (args.startup || args.startupOnly) {
    process.stderr.write(`Timing start-up, ${args.startupRuns} rounds...\n`);
    process.stdout.write(`${formatStartup(measureStartup(ROOT, REPORT_BIN, args.startupRuns)).join("\n")}\n\n`);
  }
  if (args.startupOnly) return;

  const { dir, written } = await ensureArchive(args.scale);
  process.stderr.write("Building the benchmark's peers (tsc)...\n");
  execFileSync("npx", ["tsc", "-p", "bench/tsconfig.json"], { cwd: ROOT, stdio: "inherit" });

  // One hour before the first generated hour: delayed delivery puts a few records there.
  const start = new Date(END.getTime() - (HOURS + 1) * HOUR_MS).toISOString();
  const end = END.toISOString();
  const contenders = {
    ours: [REPORT_BIN, ["--logs", dir, "--start", start, "--end", end, "--format", "json"]],
    duckdb: ["node", [join("bench", ".cache", "build", "duckdb-totals.js"), dir, start, end]],
    gunzip: ["node", [join("bench", ".cache", "build", "gunzip-floor.js"), dir]],
  } as const;
  const runs: Record<keyof typeof contenders, Run[]> = { ours: [], duckdb: [], gunzip: [] };
  for (let run = 1; run <= args.runs; run += 1) {
    for (const name of Object.keys(contenders) as Array<keyof typeof contenders>) {
      const [command, commandArgs] = contenders[name];
      const result = await timed(command, [...commandArgs]);
      runs[name].push(result);
      process.stderr.write(
        `run ${run}/${args.runs} ${name.padEnd(6)} ${result.seconds.toFixed(2)} s, peak RSS ${result.peakRssMb.toFixed(0)} MB\n`,
      );
    }
  }

  const report = JSON.parse(runs.ours[0].stdout) as { totals: Totals; skipped: Record<string, number> };
  const duckdb = JSON.parse(runs.duckdb[0].stdout) as Totals;
  const gunzip = JSON.parse(runs.gunzip[0].stdout) as {
    objects: number;
    compressedBytes: number;
    bytes: number;
    lines: number;
  };
  checkAgreement({ ...report.totals, skipped: report.skipped }, duckdb, gunzip);

  const records = report.totals.invocations;
  const seconds = {
    ours: median(runs.ours.map((r) => r.seconds)),
    duckdb: median(runs.duckdb.map((r) => r.seconds)),
    gunzip: median(runs.gunzip.map((r) => r.seconds)),
  };
  const mb = (bytes: number) => (bytes / 1e6).toFixed(0);
  const lines = [
    `Archive x${args.scale}: ${records.toLocaleString("en-US")} records in ${gunzip.objects.toLocaleString("en-US")} objects over ${HOURS} hour folders (${written.bodyObjects} data/ objects besides), ${mb(gunzip.compressedBytes)} MB gzipped, ${mb(gunzip.bytes)} MB of JSON`,
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), Node ${process.version}; median of ${args.runs} runs, whole processes, start-up included`,
    "",
    `${"contender".padEnd(38)}time (s)  min-max (s)   records/s   peak RSS (MB)`,
    ...(Object.keys(seconds) as Array<keyof typeof seconds>).map((name) => {
      const times = runs[name].map((r) => r.seconds);
      const label = {
        ours: "ours (bedrock-report, the bin)",
        duckdb: "DuckDB read_ndjson (2 threads)",
        gunzip: "gunzip only (zlib, 1 thread)",
      }[name];
      return `${label.padEnd(38)}${seconds[name].toFixed(2).padStart(8)}  ${`${Math.min(...times).toFixed(2)}-${Math.max(...times).toFixed(2)}`.padStart(11)}  ${Math.round(
        records / seconds[name],
      )
        .toLocaleString("en-US")
        .padStart(10)}  ${Math.max(...runs[name].map((r) => r.peakRssMb))
        .toFixed(0)
        .padStart(14)}`;
    }),
    "",
    `ours / DuckDB: ${(seconds.ours / seconds.duckdb).toFixed(2)}   ours / gunzip: ${(seconds.ours / seconds.gunzip).toFixed(2)}`,
    `Totals agree (invocations, errors, input, output, cache read, cache write tokens; lines): ${TOTAL_FIELDS.map((field) => report.totals[field]).join(", ")}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
  if (args.deleteArchive) rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  main().catch((error: Error) => reportScriptFailure("bench", error));
}
