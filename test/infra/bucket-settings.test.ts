import { expect } from "chai";
import { encryptionRules, NO_PUBLIC_ACCESS } from "../../infra/bucket-settings";

describe("the settings the stack's buckets share", () => {
  it("encrypt with S3's keys without a KMS key, and with the key and an S3 Bucket Key when given", () => {
    expect(encryptionRules(undefined)).to.deep.equal([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    const key = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    expect(encryptionRules(key)).to.deep.equal([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key }, bucketKeyEnabled: true },
    ]);
  });

  it("close every public path", () => {
    expect(Object.values(NO_PUBLIC_ACCESS)).to.deep.equal([true, true, true, true]);
    expect(Object.keys(NO_PUBLIC_ACCESS).sort()).to.deep.equal([
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]);
  });
});
