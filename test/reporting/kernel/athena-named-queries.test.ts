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

/** A metadata map as JSON with its keys sorted: the engines may order a map's keys differently. */
function metadataKey(metadata: Record<string, string> | undefined): string {
  if (metadata === undefined) return "(none)";
  return JSON.stringify(Object.fromEntries(Object.entries(metadata).sort(([a], [b]) => a.localeCompare(b))));
}

describe("Athena named queries on DuckDB", function () {
  this.timeout(60_000);
  let root: string;
  let duck: DuckDBConnection;
  let records: number;
  /** Records per `requestMetadata` map, as sorted-key JSON; `(none)` for records without one. */
  const recordsByMetadata = new Map<string, number>();
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
    for (const record of archive.records) {
      const key = metadataKey(record.requestMetadata as Record<string, string> | undefined);
      recordsByMetadata.set(key, (recordsByMetadata.get(key) ?? 0) + 1);
    }
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

  it("usage-by-metadata counts the records of each whole requestMetadata map, records without one as (none)", async () => {
    const sql = queries.find((query) => query.name === "usage-by-metadata")!.sql;
    const counted = new Map<string, number>();
    for (const row of await rowsAsText(duck, sql)) {
      const text = row.request_metadata!;
      const key = text === "(none)" ? text : metadataKey(JSON.parse(text) as Record<string, string>);
      counted.set(key, (counted.get(key) ?? 0) + Number(row.invocations));
    }
    expect(recordsByMetadata.size, "the archive has several metadata maps and records without one").to.be.greaterThan(
      2,
    );
    expect(recordsByMetadata.has("(none)")).to.equal(true);
    expect(counted).to.deep.equal(recordsByMetadata);
  });
});
