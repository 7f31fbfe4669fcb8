/**
 * The JSON report on the bundled sample, pinned byte for byte: moving or
 * renaming code must not change a figure, a note or the order of anything.
 * After an intended change of output, regenerate the fixture with
 * `npm run -s report -- --hours 168 --logs reporting/samples/bedrock-logs --end 2026-11-20T00:00:00Z --format json`
 * and review its diff.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "chai";
import { run, SAMPLE_ARGS } from "../helpers/cli-helpers";

const FIXTURE = join(__dirname, "..", "fixtures", "sample-report.json");

describe("the report on the bundled sample", () => {
  it("prints exactly the pinned JSON", async () => {
    const argv = [...SAMPLE_ARGS, "--format", "json"];
    const result = await run(argv, { cwd: process.cwd() });
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal(await readFile(FIXTURE, "utf8"));
  });
});
