import { expect } from "chai";
import { generateLogArchive, generateLogObjects } from "../../scripts/gen-logs";

const END = new Date("2026-11-20T00:00:00Z");

describe("log archive generator", () => {
  const base = { seed: 9, end: END, hours: 60, requestsPerHour: 10 };

  it("fills bodies with prose of about --body-bytes, leaving every other field as without it", () => {
    const plain = generateLogArchive(base);
    const large = generateLogArchive({ ...base, bodyBytes: 4000 });
    expect(large.records.length).to.equal(plain.records.length);
    const withoutBodies = (record: Record<string, unknown>) =>
      JSON.stringify(record, (key, value) => (key === "inputBodyJson" || key === "outputBodyJson" ? undefined : value));
    expect(large.records.map(withoutBodies)).to.deep.equal(plain.records.map(withoutBodies));
    const meanLineBytes =
      large.files.flatMap((file) => file.lines).reduce((sum, line) => sum + Buffer.byteLength(line), 0) /
      large.records.length;
    expect(meanLineBytes).to.be.within(3500, 5500);
    expect(large.files.flatMap((file) => file.lines).join("\n"))
      .to.include("\\n")
      .and.include('\\"')
      .and.include("東京");
  });

  it("splits each hour into objects of at most --records-per-object, the malformed line included, and every record kept", () => {
    const whole = generateLogArchive(base);
    const objects = [...generateLogObjects({ ...base, recordsPerObject: 3 })];
    const recordObjects = objects.filter((object) => !object.bodyObject);
    expect(recordObjects.every((object) => object.lines.length <= 3)).to.equal(true);
    expect(recordObjects.length).to.be.greaterThan(whole.files.length);
    expect(objects.flatMap((object) => object.records)).to.deep.equal(whole.records);
    expect(objects.reduce((sum, object) => sum + object.malformedLines, 0))
      .to.equal(whole.malformedLines)
      .and.be.greaterThan(0);
    for (const object of recordObjects)
      expect(object.lines.length).to.equal(object.records.length + object.malformedLines);
    expect(new Set(objects.map((object) => object.key)).size).to.equal(objects.length);
  });

  it("writes no malformed line when asked not to", () => {
    const archive = generateLogArchive({ ...base, malformedLines: false });
    expect(archive.malformedLines).to.equal(0);
    expect(archive.files.flatMap((file) => file.lines).length).to.equal(archive.records.length + archive.bodyObjects);
  });
});
