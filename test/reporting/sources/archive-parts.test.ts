/** The archive source's pure parts: S3 URLs, hour folders. */
import { expect } from "chai";
import { UsageError } from "../../../reporting/src/kernel/errors";
import { archivePermissions, hourFolders } from "../../../reporting/src/sources/archive";
import { parseS3Url } from "../../../reporting/src/sources/s3-url";

const REGION_FOLDER = "AWSLogs/123456789012/BedrockModelInvocationLogs/us-east-1/";

describe("archive source parts", () => {
  describe("parseS3Url", () => {
    it("splits bucket and prefix, the prefix ending with / or empty", () => {
      expect(parseS3Url("s3://my-logs")).to.deep.equal({ bucket: "my-logs", prefix: "" });
      expect(parseS3Url("s3://my-logs/")).to.deep.equal({ bucket: "my-logs", prefix: "" });
      expect(parseS3Url("s3://my-logs/bedrock")).to.deep.equal({ bucket: "my-logs", prefix: "bedrock/" });
      expect(parseS3Url(`s3://my-logs/${REGION_FOLDER}`)).to.deep.equal({ bucket: "my-logs", prefix: REGION_FOLDER });
    });

    for (const [what, url] of [
      ["no bucket", "s3:///AWSLogs/"],
      ["a bucket name S3 would refuse", "s3://My_Bucket/AWSLogs/"],
      ["a prefix inside a region folder", `s3://my-logs/${REGION_FOLDER}2026/11/`],
    ]) {
      it(`refuses ${what} with one line saying what is allowed`, () => {
        expect(() => parseS3Url(url)).to.throw(UsageError, /^--logs s3:\/\/.*: .*; use s3:\/\/<bucket>\/<prefix>/);
      });
    }

    it("names the permissions and ARNs a reader of the location needs", () => {
      expect(archivePermissions({ bucket: "my-logs", prefix: "bedrock/" })).to.deep.equal([
        "s3:ListBucket on arn:aws:s3:::my-logs",
        "s3:GetObject on arn:aws:s3:::my-logs/bedrock/*",
        "kms:Decrypt on the bucket's KMS key if it uses SSE-KMS",
      ]);
    });
  });

  describe("hourFolders", () => {
    it("runs from the hour the window starts in to a day after its end, across a year boundary", () => {
      const folders = hourFolders(REGION_FOLDER, {
        start: new Date("2026-12-31T23:30:00Z"),
        end: new Date("2027-01-01T00:30:00Z"),
      });
      expect(folders[0]).to.equal(`${REGION_FOLDER}2026/12/31/23/`);
      expect(folders[1]).to.equal(`${REGION_FOLDER}2027/01/01/00/`);
      expect(folders.at(-1)).to.equal(`${REGION_FOLDER}2027/01/02/00/`);
      expect(folders).to.have.length(26);
    });
  });
});
