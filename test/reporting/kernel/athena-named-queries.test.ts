/** The Athena named queries, run on DuckDB over an archive of the last two days: each runs, and the usage adds up. */
import type { DuckDBConnection } from "@duckdb/node-api";
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateLogArchive, writeLogArchive } from "../../../scripts/gen-logs";
import { athenaNamedQueries } from "../../../reporting/src/kernel/athena/named-queries";
import { floorTo, HOUR_MS } from "../../../reporting/src/kernel/time";
import { SAVED_QUERIES } from "../../../reporting/src/kernel/queries";
import { athenaTableOnDuckDb, rowsAsText } from "../../helpers/duckdb-athena";

describe("Athena named queries on DuckDB", function () {
  this.timeout(60_000);
  let root: string;
  let duck: DuckDBConnection;
  let records: number;
  const queries = athenaNamedQueries("db", "logs");

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "athena-named-"));
    // Ends at the current hour: the named queries read the last 7 days of hour folders.
    const archive = generateLogArchive({
      seed: 5,
      end: new Date(floorTo(Date.now(), HOUR_MS)),
      hours: 48,
      requestsPerHour: 10,
    });
    records = archive.records.length;
    await writeLogArchive(archive, root);
    duck = await athenaTableOnDuckDb(root, "db", "logs");
  });
  after(async () => {
    duck?.closeSync();
    await rm(root, { recursive: true, force: true });
  });

  it("mirrors every saved Logs Insights query by name", () => {
    expect(queries.map((query) => query.name)).to.deep.equal(SAVED_QUERIES.map((query) => query.name));
  });

  for (const { name } of SAVED_QUERIES) {
    it(`${name} runs and returns rows`, async () => {
      const sql = queries.find((query) => query.name === name)!.sql;
      expect((await rowsAsText(duck, sql)).length).to.be.greaterThan(0);
    });
  }

  it("usage-daily and usage-by-caller count every record of the archive once, broken lines left out", async () => {
    for (const name of ["usage-daily", "usage-by-caller"]) {
      const rows = await rowsAsText(duck, queries.find((query) => query.name === name)!.sql);
      expect(
        rows.reduce((sum, row) => sum + Number(row.invocations), 0),
        name,
      ).to.equal(records);
    }
  });
});
