/**
 * The start-up section of `npm run bench`: how long the report takes to print
 * its --help, by its bin and through `npm run report`, against the floors it
 * stands on: bare Node.js, and npm's own start-up. `npm run -s` alone reads
 * package.json and stops; running any script also loads npm's script runner
 * and starts a shell, so the floor for `npm run report` is `npm run -s env`,
 * npm's built-in script that runs `env` (about 1 ms). Each command runs as a
 * whole process, round after round in turn, so a busy moment on the machine
 * falls on all of them alike; the first round only warms the file cache.
 */
import { spawnSync } from "node:child_process";

export const STARTUP_COMMANDS = ["node", "bin", "npm", "npmScript", "npmReport", "npx"] as const;
export type StartupCommand = (typeof STARTUP_COMMANDS)[number];
export type StartupTimes = Record<StartupCommand, number[]>;

/** `npm run report` may cost npm's start-up to run a script plus the bin's, and this fraction more for noise. */
export const NOISE_ALLOWANCE = 0.05;
/** The bin's --help may take at most this many times a bare `node -e 0`. */
export const MAX_HELP_OVER_NODE = 4;

/** The command lines as a user types them in the project root; `bin` is node_modules/.bin/bedrock-report's path. */
export function startupCommandLines(bin: string): Record<StartupCommand, [string, string[]]> {
  return {
    node: ["node", ["-e", "0"]],
    bin: [bin, ["--help"]],
    npm: ["npm", ["run", "-s"]],
    npmScript: ["npm", ["run", "-s", "env"]],
    npmReport: ["npm", ["run", "-s", "report", "--", "--help"]],
    npx: ["npx", ["--no-install", "bedrock-report", "--help"]],
  };
}

const LABELS: Record<StartupCommand, string> = {
  node: "node -e 0",
  bin: "node_modules/.bin/bedrock-report --help",
  npm: "npm run -s (npm alone)",
  npmScript: "npm run -s env (npm running a script)",
  npmReport: "npm run -s report -- --help",
  npx: "npx bedrock-report --help",
};

/** The environment of a shell in the project root: without the npm_* variables `npm run bench` adds. */
function userEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith("npm_")));
}

/** Seconds from spawn to exit of each command, `runs` rounds after a warm-up round; throws if one fails. */
export function measureStartup(root: string, bin: string, runs: number): StartupTimes {
  const commands = startupCommandLines(bin);
  const env = userEnvironment();
  const times = Object.fromEntries(STARTUP_COMMANDS.map((name) => [name, [] as number[]])) as StartupTimes;
  for (let round = 0; round <= runs; round += 1) {
    for (const name of STARTUP_COMMANDS) {
      const [command, args] = commands[name];
      const started = process.hrtime.bigint();
      const result = spawnSync(command, args, { cwd: root, env, stdio: ["ignore", "ignore", "pipe"] });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (result.status !== 0) {
        throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}: ${result.stderr}`);
      }
      if (round > 0) times[name].push(seconds);
    }
  }
  return times;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface StartupTarget {
  description: string;
  met: boolean;
  measured: string;
}

/** The two start-up targets, judged on the medians. */
export function startupTargets(medians: Record<StartupCommand, number>): StartupTarget[] {
  const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
  const budget = medians.npmScript + medians.bin;
  const helpOverNode = medians.bin / medians.node;
  return [
    {
      description: `npm run -s report -- --help <= npm run -s env + the bin's --help (+${NOISE_ALLOWANCE * 100}%)`,
      met: medians.npmReport <= budget * (1 + NOISE_ALLOWANCE),
      measured: `${ms(medians.npmReport)} vs ${ms(medians.npmScript)} + ${ms(medians.bin)} = ${ms(budget)}`,
    },
    {
      description: `the bin's --help <= ${MAX_HELP_OVER_NODE}x node -e 0`,
      met: helpOverNode <= MAX_HELP_OVER_NODE,
      measured: `${ms(medians.bin)} = ${helpOverNode.toFixed(1)}x ${ms(medians.node)}`,
    },
  ];
}

/** The section's printed lines: each command's median and range, then each target with PASS or FAIL. */
export function formatStartup(times: StartupTimes): string[] {
  const medians = Object.fromEntries(STARTUP_COMMANDS.map((name) => [name, median(times[name])]));
  const ms = (seconds: number) => (seconds * 1000).toFixed(0);
  return [
    `${"start-up".padEnd(42)}median (ms)  min-max (ms)`,
    ...STARTUP_COMMANDS.map((name) => {
      const range = `${ms(Math.min(...times[name]))}-${ms(Math.max(...times[name]))}`;
      return `${LABELS[name].padEnd(42)}${ms(medians[name]).padStart(11)}  ${range.padStart(12)}`;
    }),
    ...startupTargets(medians as Record<StartupCommand, number>).map(
      (target) => `${target.met ? "PASS" : "FAIL"}  ${target.description}: ${target.measured}`,
    ),
  ];
}
