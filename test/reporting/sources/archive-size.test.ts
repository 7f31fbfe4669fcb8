/** Measuring the archive for a window from S3 listings alone, against s3rver on 127.0.0.1. */
import type { S3Client } from "@aws-sdk/client-s3";
import { expect } from "chai";
import { measureArchiveBytes } from "../../../reporting/src/sources/archive-size";
import { LocalS3 } from "../../helpers/local-s3";

const REGION_FOLDER = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/";
const BUCKET = "archive-size";
const KB = 1024;

describe("archive size from listings (s3rver on 127.0.0.1)", function () {
  this.timeout(30_000);
  let s3: LocalS3;
  let client: S3Client;
  const window = { start: new Date("2026-11-10T12:00:00Z"), end: new Date("2026-11-12T00:00:00Z") };

  before(async () => {
    s3 = await LocalS3.start();
    client = s3.client();
    const object = (day: string, hour: string, size: number) => ({
      key: `${REGION_FOLDER}2026/11/${day}/${hour}/${day}${hour}_x.json.gz`,
      body: Buffer.alloc(size),
    });
    await s3.upload(BUCKET, [
      object("09", "23", 100 * KB), // the day before the window: not counted
      object("10", "03", 1 * KB), // the window's first day: its folder is listed whole
      object("10", "13", 2 * KB),
      object("11", "00", 4 * KB),
      object("12", "05", 8 * KB), // the day of delivery delay after the end
      object("14", "00", 100 * KB), // past the margin
    ]);
  });
  after(async () => {
    client.destroy();
    await s3.close();
  });
  beforeEach(() => s3.resetLog());

  it("sums the objects of the window's day folders and a day after, and says whether it passed the limit", async () => {
    const size = await measureArchiveBytes({
      s3: client,
      bucket: BUCKET,
      regionFolder: REGION_FOLDER,
      window,
      limitBytes: 1024 * KB,
    });
    expect(size).to.deep.equal({ bytes: 15 * KB, exceeded: false });
    expect(s3.listedPrefixes(BUCKET)).to.deep.equal(["10", "11", "12"].map((day) => `${REGION_FOLDER}2026/11/${day}/`));
  });

  it("stops listing as soon as the sum passes the limit", async () => {
    const size = await measureArchiveBytes({
      s3: client,
      bucket: BUCKET,
      regionFolder: REGION_FOLDER,
      window,
      limitBytes: 2 * KB,
    });
    expect(size).to.deep.equal({ bytes: 3 * KB, exceeded: true });
    expect(s3.listedPrefixes(BUCKET)).to.have.length(1);
  });
});
