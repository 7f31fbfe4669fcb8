import { expect } from "chai";
import { formatStartup, median, startupCommandLines, startupTargets, type StartupCommand } from "../../bench/startup";

/** Medians in seconds: Node 30 ms, the bin's --help 100 ms, npm running a script 200 ms, npm run report 300 ms. */
const QUIET: Record<StartupCommand, number> = {
  node: 0.03,
  bin: 0.1,
  npm: 0.18,
  npmScript: 0.2,
  npmReport: 0.3,
  npx: 0.45,
};

describe("bench start-up section", () => {
  it("times the bin itself, npm run report, and their floors as a user types them", () => {
    const lines = startupCommandLines("/checkout/node_modules/.bin/bedrock-report");
    expect(lines.bin).to.deep.equal(["/checkout/node_modules/.bin/bedrock-report", ["--help"]]);
    expect(lines.npmReport).to.deep.equal(["npm", ["run", "-s", "report", "--", "--help"]]);
    expect(lines.npmScript).to.deep.equal(["npm", ["run", "-s", "env"]]);
    expect(lines.node).to.deep.equal(["node", ["-e", "0"]]);
  });

  it("meets the npm target when npm run report costs npm's script start-up plus the bin's, within 5%", () => {
    expect(startupTargets(QUIET)[0]).to.include({ met: true, measured: "300 ms vs 200 ms + 100 ms = 300 ms" });
    expect(startupTargets({ ...QUIET, npmReport: 0.314 })[0].met).to.equal(true);
    expect(startupTargets({ ...QUIET, npmReport: 0.316 })[0].met, "a build step would show here").to.equal(false);
  });

  it("meets the --help target up to 4x bare Node.js", () => {
    expect(startupTargets(QUIET)[1]).to.include({ met: true, measured: "100 ms = 3.3x 30 ms" });
    expect(startupTargets({ ...QUIET, bin: 0.121 })[1].met).to.equal(false);
  });

  it("prints each command's median and range, then PASS or FAIL for each target", () => {
    const spread = (seconds: number) => [seconds, seconds * 2, seconds * 1.5];
    const times = Object.fromEntries(Object.entries(QUIET).map(([name, seconds]) => [name, spread(seconds)]));
    const lines = formatStartup({ ...(times as Record<StartupCommand, number[]>), bin: [0.2, 0.2, 0.2] });
    expect(lines.find((line) => line.startsWith("node_modules/.bin/bedrock-report --help"))).to.match(/ 200 +200-200$/);
    expect(lines.find((line) => line.startsWith("node -e 0"))).to.match(/ 45 +30-60$/);
    expect(lines.filter((line) => /^(PASS|FAIL) /.test(line))).to.deep.equal([
      "PASS  npm run -s report -- --help <= npm run -s env + the bin's --help (+5%): " +
        "450 ms vs 300 ms + 200 ms = 500 ms",
      "FAIL  the bin's --help <= 4x node -e 0: 200 ms = 4.4x 45 ms",
    ]);
  });

  it("takes the median of an odd or even number of runs", () => {
    expect(median([3, 1, 2])).to.equal(2);
    expect(median([4, 1, 3, 2])).to.equal(2.5);
  });
});
