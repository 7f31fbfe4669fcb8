/**
 * Log files in the shapes people hold them, told by content: each is read in
 * full, whatever its name, and what cannot be read is counted and reported,
 * never a complete zero.
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { readLogFiles } from "../../../reporting/src/sources/logfiles";
import { RecordCollector } from "../../../reporting/src/reading/record-collector";
import { textShape } from "../../../reporting/src/reading/record-formats";
import { readRecordStream } from "../../../reporting/src/reading/record-input";
import type { SourceResult } from "../../../reporting/src/sources/contract";
import {
  asCloudWatchExport,
  asFilterLogEvents,
  asInsightsExport,
  asJsonArray,
  asJsonLines,
  asPrettyRecords,
  asQueryResults,
  FIXTURE_WINDOW,
  fixtureRecords,
  inputTokensOf,
  type LogRecord,
} from "../../helpers/log-fixtures";

const invocations = (result: SourceResult) => result.rows.reduce((sum, row) => sum + row.invocations, 0);
const inputTokens = (result: SourceResult) => result.rows.reduce((sum, row) => sum + row.inputTokens, 0);

describe("log files in the shapes people hold them", () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), "bedrock-shapes-"));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function readOne(name: string, content: string | Buffer): Promise<SourceResult> {
    const path = join(root, name);
    await mkdir(join(path, ".."), { recursive: true });
    await writeFile(path, content);
    return readLogFiles({ paths: [path], window: FIXTURE_WINDOW });
  }

  const records = fixtureRecords(7);
  const shapes: Array<[string, string, string | Buffer]> = [
    ["a JSON array of records on one line", "records.json", asJsonArray(records)],
    ["a pretty-printed JSON array of records", "records.json", asJsonArray(records, 2)],
    ["several pretty-printed records one after another", "pasted.json", asPrettyRecords(records)],
    [
      "pretty-printed records with commas between them",
      "pasted.txt",
      records.map((record) => JSON.stringify(record, null, 2)).join(",\n"),
    ],
    ["a Logs Insights console export (@timestamp, @message)", "logs-insights-results.json", asInsightsExport(records)],
    ["`aws logs get-query-results` output", "query-results.json", asQueryResults(records)],
    ["`aws logs filter-log-events` output", "events.json", asFilterLogEvents(records)],
    ["`aws logs get-log-events` output", "events", asFilterLogEvents(records, "get-log-events")],
    [
      "a CloudWatch Logs export to S3 object (000000.gz)",
      join("exportedlogs", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "aws", "bedrock", "000000.gz"),
      asCloudWatchExport(records),
    ],
    ["JSON lines under a name that says nothing", "bedrock.log", asJsonLines(records)],
    ["JSON lines starting with a UTF-8 byte order mark", "bom.json", `\ufeff${asJsonLines(records)}`],
    [
      "a pretty-printed array starting with a UTF-8 byte order mark",
      "bom-array.json",
      `\ufeff${asJsonArray(records, 2)}`,
    ],
    ["gzipped JSON lines named .json", "misnamed.json", gzipSync(asJsonLines(records))],
    [
      "JSON lines of Insights rows (jq -c '.[]')",
      "rows.jsonl",
      JSON.parse(asInsightsExport(records))
        .map((row: unknown) => `${JSON.stringify(row)}\n`)
        .join(""),
    ],
  ];
  for (const [what, name, content] of shapes) {
    it(`reads ${what}: every record, complete`, async () => {
      const result = await readOne(name, content);
      expect(invocations(result)).to.equal(records.length);
      expect(inputTokens(result)).to.equal(inputTokensOf(records));
      expect(result.complete).to.equal(true);
      expect(result.skipped).to.deep.equal({ malformed: 0 });
    });
  }

  it("reads a .json file whose first line is cut off, counting that line as malformed", async () => {
    const text = asJsonLines(fixtureRecords(8));
    const result = await readOne("tail.json", text.slice(text.indexOf("\n") - 40));
    expect(invocations(result)).to.equal(7);
    expect(result.skipped.malformed).to.equal(1);
  });

  it("reads a CloudWatch Logs export whose first line is cut off", async () => {
    const lines = asCloudWatchExport(fixtureRecords(4));
    const text = (await import("node:zlib")).gunzipSync(lines).toString();
    const result = await readOne("000001", text.slice(30));
    expect(invocations(result)).to.equal(3);
    expect(result.skipped.malformed).to.equal(1);
  });

  it("counts the broken last element of a cut-off JSON array as malformed and reads the rest", async () => {
    const text = asJsonArray(records, 2);
    const result = await readOne("cut.json", text.slice(0, text.length - 30));
    expect(invocations(result)).to.equal(records.length - 1);
    expect(result.skipped.malformed).to.equal(1);
  });

  it("reports a log file that holds no log records as unreadable, never as a complete zero, and skips other files quietly", async () => {
    await writeFile(join(root, "export.json"), "timestamp,modelId,inputTokens\n2026-11-10T13:00:00Z,x,5\n");
    await writeFile(join(root, "000000.gz"), gzipSync("just some text\nand more\n"));
    await writeFile(join(root, "README.md"), "# Logs copied from the console\n");
    await writeFile(join(root, "records.jsonl"), asJsonLines(records));
    const result = await readLogFiles({ paths: [root], window: FIXTURE_WINDOW });
    expect(invocations(result)).to.equal(records.length);
    expect(result.complete).to.equal(false);
    expect(result.skipped).to.include({ unreadableFile: 2, unsupportedFile: 1 });
    expect(
      result.notes.filter((note) => /^Could not read (000000\.gz|export\.json) \(holds no log records/.test(note)),
    ).to.have.length(2);
  });

  it("reports a --logs file that holds no log records as unreadable, whatever its name", async () => {
    const result = await readOne("notes.txt", "hello\n");
    expect(invocations(result)).to.equal(0);
    expect(result.complete).to.equal(false);
    expect(result.skipped.unreadableFile).to.equal(1);
  });

  it("reads an empty file as no records, complete", async () => {
    const result = await readOne("empty.json", "");
    expect(invocations(result)).to.equal(0);
    expect(result.complete).to.equal(true);
  });
});

describe("telling a text's shape", () => {
  const shape = (text: string, final = true) => textShape(Buffer.from(text), final);

  it("needs only the first lines, and waits for them", () => {
    expect(shape('{"a":1}\n{"b"', false)).to.equal("lines");
    expect(shape('{"a":1', false)).to.equal(null);
    expect(shape("[", false)).to.equal("document");
    expect(shape("{\n", false)).to.equal(null);
    expect(shape('{\n  "a": 1,\n', false)).to.equal("document");
    expect(shape('1}}\n{"a":1}\n', false)).to.equal("lines");
    expect(shape('2026-11-10T13:00:00.000Z {"a":1}\n', false)).to.equal("timePrefixedLines");
    expect(shape("a,b\n1,2\n", false)).to.equal("none");
    expect(shape("", true)).to.equal("lines");
  });
});

/** Documents of fixture records in every container, split into chunks anywhere: always the records JSON.parse finds. */
describe("document reader", () => {
  const container = fc.constantFrom("array", "pretty", "commas", "insights", "queryResults", "events", "getLogEvents");
  function write(kind: string, records: LogRecord[]): string {
    switch (kind) {
      case "array":
        return asJsonArray(records, 1);
      case "pretty":
        return asPrettyRecords(records);
      case "commas":
        return records.map((record) => JSON.stringify(record)).join(" ,\n");
      case "insights":
        return asInsightsExport(records);
      case "queryResults":
        return asQueryResults(records);
      case "events":
        return asFilterLogEvents(records);
      default:
        return asFilterLogEvents(records, "get-log-events");
    }
  }

  it("reads the same records whatever the chunk boundaries, and cuts off a value past the limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        container,
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.boolean(),
        async (kind, count, cuts, small) => {
          const records = fixtureRecords(count);
          const data = Buffer.from(write(kind, records));
          const boundaries = [...new Set(cuts.map((cut) => cut % (data.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...boundaries]
            .map((start, index, all) => data.subarray(start, all[index + 1] ?? data.length))
            .filter((chunk) => chunk.length > 0);
          const collector = new RecordCollector(FIXTURE_WINDOW);
          // A limit below one record's size: every record is cut off, and counted.
          const maxLineBytes = small ? 600 : undefined;
          const error = await readRecordStream(Readable.from(chunks), collector, { maxLineBytes }).then(
            () => null,
            (caught: NodeJS.ErrnoException) => caught.code,
          );
          const result = collector.result();
          if (small) {
            expect(error).to.equal("OVERSIZED_LINES");
            expect(result.rows).to.deep.equal([]);
            expect(result.skipped.oversizedLine).to.be.within(1, count);
          } else {
            expect(error).to.equal(null);
            const reference = new RecordCollector(FIXTURE_WINDOW);
            for (const record of records) reference.addLine(JSON.stringify(record));
            expect(result).to.deep.equal(reference.result());
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
