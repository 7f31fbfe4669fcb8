import {
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  NoSuchBucket,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { expect } from "chai";
import { ExpectedError } from "../../../reporting/src/kernel/errors";
import { buildCleanupCli, type CleanupDeps, type CommandResult } from "../../../scripts/cleanup/cli";
import { purgeArchive } from "../../../scripts/cleanup/purge-archive";

const BUCKET = "bedrock-invocation-logs-111122223333-us-east-1";
/** What `pulumi stack output --json` prints for a deployed stack (a subset of infra/index.ts's exports). */
const STACK_OUTPUTS = {
  region: "us-east-1",
  accountId: "111122223333",
  logGroupName: "/aws/bedrock/modelinvocations",
  bucketName: BUCKET,
  archiveForceDestroy: false,
};
const OUTPUTS = JSON.stringify(STACK_OUTPUTS);

function printed(stdout: string): CommandResult {
  return { code: 0, stdout, stderr: "" };
}

function without(key: keyof typeof STACK_OUTPUTS): CommandResult {
  const outputs: Record<string, unknown> = { ...STACK_OUTPUTS };
  delete outputs[key];
  return printed(JSON.stringify(outputs));
}

const s3 = new S3Client({ region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
const s3Mock = mockClient(s3);

function versions(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    Key: `AWSLogs/111122223333/BedrockModelInvocationLogs/us-east-1/2026/11/20/10/${from + i}.json.gz`,
    VersionId: `v${from + i}`,
  }));
}

interface Harness {
  deps: CleanupDeps;
  pulumiCalls: string[][];
  out: string[];
  err: string[];
}

function harness(options: { destroyCodes?: number[]; outputs?: CommandResult; answer?: string } = {}): Harness {
  const destroyCodes = [...(options.destroyCodes ?? [0])];
  const h: Harness = { pulumiCalls: [], out: [], err: [], deps: undefined as unknown as CleanupDeps };
  h.deps = {
    async pulumi(args) {
      h.pulumiCalls.push(args);
      if (args[0] === "stack") return options.outputs ?? { code: 0, stdout: OUTPUTS, stderr: "" };
      return { code: destroyCodes.shift() ?? 0, stdout: "", stderr: "" };
    },
    s3For: () => s3,
    ask: async () => options.answer,
    out: (line) => h.out.push(line),
    err: (line) => h.err.push(line),
  };
  return h;
}

async function cleanup(h: Harness, argv: string[]): Promise<ExpectedError | undefined> {
  try {
    await buildCleanupCli(h.deps).parseAsync(argv);
    return undefined;
  } catch (error) {
    if (error instanceof ExpectedError) return error;
    throw error;
  }
}

const destroyCalls = (h: Harness) => h.pulumiCalls.filter((args) => args[0] === "destroy");

describe("cleanup", () => {
  beforeEach(() => s3Mock.reset());

  describe("purgeArchive", () => {
    it("deletes every version and delete marker across pages, in batches S3 accepts", async () => {
      s3Mock
        .on(ListObjectVersionsCommand)
        .resolvesOnce({
          Versions: versions(1000),
          DeleteMarkers: versions(300, 5000),
          IsTruncated: true,
          NextKeyMarker: "k",
          NextVersionIdMarker: "v",
        })
        .resolvesOnce({ Versions: versions(200, 1000), IsTruncated: false });
      s3Mock.on(DeleteObjectsCommand).resolves({});

      const result = await purgeArchive(s3, BUCKET);

      expect(result).to.deep.equal({ objectVersions: 1200, deleteMarkers: 300 });
      const deletes = s3Mock.commandCalls(DeleteObjectsCommand).map((call) => call.args[0].input.Delete?.Objects ?? []);
      expect(deletes.map((batch) => batch.length)).to.deep.equal([1000, 300, 200]);
      expect(deletes.flat().every((object) => object.VersionId !== undefined)).to.equal(true);
      const second = s3Mock.commandCalls(ListObjectVersionsCommand)[1].args[0].input;
      expect(second).to.include({ KeyMarker: "k", VersionIdMarker: "v" });
    });

    it("stops with the reason when S3 refuses some deletions", async () => {
      s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: versions(3) });
      s3Mock
        .on(DeleteObjectsCommand)
        .resolves({ Errors: [{ Key: "a", VersionId: "v1", Code: "AccessDenied", Message: "Access Denied" }] });
      try {
        await purgeArchive(s3, BUCKET);
        expect.fail("expected the purge to stop");
      } catch (error) {
        expect((error as Error).message).to.match(/refused to delete 1 of 3 .*AccessDenied/);
      }
    });
  });

  it("destroys the stack when the archive is empty", async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({});
    const h = harness();
    expect(await cleanup(h, ["--stack", "dev"])).to.equal(undefined);
    expect(destroyCalls(h)).to.deep.equal([["destroy", "--stack", "dev", "--yes"]]);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).to.have.length(0);
  });

  it("changes nothing when the archive holds logs and no purge was asked for", async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: versions(1) });
    const h = harness();
    const error = await cleanup(h, ["--stack", "dev"]);
    expect(error?.exitCode).to.equal(1);
    expect(error?.message).to.match(/still holds invocation logs.*Nothing was changed.*--purge-archive/);
    expect(destroyCalls(h)).to.deep.equal([]);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).to.have.length(0);
  });

  it("purges only after the bucket name is typed back, then destroys", async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: versions(5) });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const h = harness({ answer: BUCKET });
    expect(await cleanup(h, ["--stack", "dev", "--purge-archive"])).to.equal(undefined);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).to.have.length(1);
    expect(destroyCalls(h)).to.have.length(1);
    expect(h.out.join("\n")).to.match(/Deleted 5 object versions and 0 delete markers/);
  });

  it("deletes nothing when the confirmation does not match", async () => {
    const h = harness({ answer: "yes" });
    const error = await cleanup(h, ["--stack", "dev", "--purge-archive"]);
    expect(error?.exitCode).to.equal(2);
    expect(error?.message).to.match(/does not match the archive bucket .*nothing was deleted/);
    expect(s3Mock.commandCalls(ListObjectVersionsCommand)).to.have.length(0);
    expect(destroyCalls(h)).to.deep.equal([]);
  });

  it("without a terminal, requires --confirm <bucket>", async () => {
    const h = harness({ answer: undefined });
    const error = await cleanup(h, ["--stack", "dev", "--purge-archive"]);
    expect(error?.exitCode).to.equal(2);
    expect(error?.message).to.include(`confirm with --confirm ${BUCKET}`);

    s3Mock.on(ListObjectVersionsCommand).resolves({});
    const confirmed = harness({ answer: undefined });
    expect(await cleanup(confirmed, ["--stack", "dev", "--purge-archive", "--confirm", BUCKET])).to.equal(undefined);
    expect(destroyCalls(confirmed)).to.have.length(1);
  });

  it("empties the bucket again and retries once when logs arrived during the destroy", async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: versions(2) });
    s3Mock.on(DeleteObjectsCommand).resolves({});
    const h = harness({ destroyCodes: [255, 0] });
    expect(await cleanup(h, ["--stack", "dev", "--purge-archive", "--confirm", BUCKET])).to.equal(undefined);
    expect(destroyCalls(h)).to.have.length(2);
    expect(s3Mock.commandCalls(DeleteObjectsCommand)).to.have.length(2);
  });

  it("reports a failed destroy with exit 1", async () => {
    s3Mock.on(ListObjectVersionsCommand).resolves({});
    const error = await cleanup(harness({ destroyCodes: [255] }), ["--stack", "dev"]);
    expect(error?.exitCode).to.equal(1);
    expect(error?.message).to.match(/pulumi destroy failed for stack "dev"/);
  });

  it("says what to check when the stack's outputs cannot be read", async () => {
    const h = harness({ outputs: { code: 255, stdout: "", stderr: "error: no stack named 'prod' found" } });
    const error = await cleanup(h, ["--stack", "prod"]);
    expect(error?.exitCode).to.equal(1);
    expect(error?.message).to.match(/no stack named 'prod' found.*pulumi stack ls/);
  });

  it("rejects a missing --stack or an unknown option with exit 2, naming it", async () => {
    const noStack = await cleanup(harness(), []);
    expect(noStack?.exitCode).to.equal(2);
    expect(noStack?.message).to.match(/stack/);
    const emptyName = harness();
    const empty = await cleanup(emptyName, ["--stack"]);
    expect(empty?.exitCode).to.equal(2);
    expect(empty?.message).to.match(/^--stack needs the name of a stack/);
    expect(emptyName.pulumiCalls).to.deep.equal([]);
    const unknown = await cleanup(harness(), ["--stack", "dev", "--purge"]);
    expect(unknown?.exitCode).to.equal(2);
    expect(unknown?.message).to.match(/purge/);
  });

  describe("stops before destroying, with one line and exit 1,", () => {
    const stopsUnchanged = (h: Harness, error: ExpectedError | undefined) => {
      expect(error?.exitCode).to.equal(1);
      expect(error?.message).to.not.include("\n");
      expect(destroyCalls(h)).to.deep.equal([]);
      expect(s3Mock.commandCalls(DeleteObjectsCommand)).to.have.length(0);
    };

    it("when the outputs lack bucketName, instead of destroying unchecked", async () => {
      const h = harness({ outputs: without("bucketName") });
      const error = await cleanup(h, ["--stack", "dev", "--purge-archive", "--confirm", BUCKET]);
      stopsUnchanged(h, error);
      expect(error?.message).to.match(/^The outputs of stack "dev" lack bucketName, .*Nothing was changed\./);
      expect(s3Mock.commandCalls(ListObjectVersionsCommand)).to.have.length(0);
    });

    it("when the outputs lack region", async () => {
      const h = harness({ outputs: without("region") });
      const error = await cleanup(h, ["--stack", "dev"]);
      stopsUnchanged(h, error);
      expect(error?.message).to.match(
        /missing or invalid: region \(required, a non-empty string\)\. Nothing was changed\./,
      );
    });

    it("when the outputs are empty, as for a stack that was never deployed", async () => {
      const h = harness({ outputs: printed("{}\n") });
      const error = await cleanup(h, ["--stack", "dev"]);
      stopsUnchanged(h, error);
      expect(error?.message).to.match(/region .*accountId .*logGroupName/);
    });

    it("when pulumi prints something that is not JSON", async () => {
      const h = harness({ outputs: printed("warning: A new version of Pulumi is available.\n{") });
      const error = await cleanup(h, ["--stack", "dev"]);
      stopsUnchanged(h, error);
      expect(error?.message).to.match(/did not print JSON/);
    });

    it("when archiveForceDestroy is not a boolean", async () => {
      const h = harness({ outputs: printed(JSON.stringify({ ...STACK_OUTPUTS, archiveForceDestroy: "yes" })) });
      const error = await cleanup(h, ["--stack", "dev"]);
      stopsUnchanged(h, error);
      expect(error?.message).to.match(
        /missing or invalid: archiveForceDestroy \(must be true or false\)\. Nothing was changed\./,
      );
    });

    it("when the archive bucket no longer exists (NoSuchBucket)", async () => {
      s3Mock
        .on(ListObjectVersionsCommand)
        .rejects(
          new NoSuchBucket({ message: "The specified bucket does not exist", $metadata: { httpStatusCode: 404 } }),
        );
      const h = harness();
      const error = await cleanup(h, ["--stack", "dev"]);
      stopsUnchanged(h, error);
      expect(error?.message).to.equal(
        `The archive bucket ${BUCKET} named in the stack's outputs does not exist in us-east-1 (NoSuchBucket); ` +
          "run `pulumi refresh` on the stack, then cleanup again. Nothing was changed.",
      );
    });

    it("when S3 cannot be reached", async () => {
      const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:443"), { code: "ECONNREFUSED" });
      s3Mock.on(ListObjectVersionsCommand).rejects(refused);
      const h = harness();
      const error = await cleanup(h, ["--stack", "dev"]);
      stopsUnchanged(h, error);
      expect(error?.message).to.match(/^Could not reach S3 in us-east-1 for the archive bucket .* \(ECONNREFUSED\)/);
    });

    it("when access to the bucket is denied during a purge, saying the archive may be partly emptied", async () => {
      s3Mock.on(ListObjectVersionsCommand).resolves({ Versions: versions(2) });
      const denied = new S3ServiceException({
        name: "AccessDenied",
        $fault: "client",
        message: "Access Denied",
        $metadata: { httpStatusCode: 403 },
      });
      s3Mock.on(DeleteObjectsCommand).rejects(denied);
      const h = harness();
      const error = await cleanup(h, ["--stack", "dev", "--purge-archive", "--confirm", BUCKET]);
      expect(error?.exitCode).to.equal(1);
      expect(error?.message).to.match(/^Access denied to the archive bucket .*s3:DeleteObjectVersion/);
      expect(error?.message).to.match(/ The archive may be partly emptied; the stack was not destroyed\.$/);
      expect(destroyCalls(h)).to.deep.equal([]);
    });
  });
});
