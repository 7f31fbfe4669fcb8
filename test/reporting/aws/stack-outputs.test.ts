import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OperationalError, UsageError } from "../../../reporting/src/kernel/errors";
import { loadStackOutputs, type PulumiRunner } from "../../../reporting/src/aws/stack-outputs";

const OUTPUTS = {
  region: "us-east-1",
  accountId: "123456789012",
  logGroupName: "/aws/bedrock/modelinvocations",
  bucketName: "bedrock-logs-123456789012-dev",
  dashboardName: "bedrock-monitoring-dev",
  cliCommands: { tail: "aws logs tail /aws/bedrock/modelinvocations --follow" },
};

const dir = mkdtempSync(join(tmpdir(), "stack-outputs-"));
function outputsFile(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A runner that fails the way child_process.execFile does. */
const failingRunner =
  (error: Partial<NodeJS.ErrnoException> & { stderr?: string }): PulumiRunner =>
  async () => {
    throw Object.assign(new Error(error.message ?? "Command failed"), error);
  };

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject");
}

describe("loadStackOutputs", () => {
  it("runs `pulumi stack output --json --stack <name>` in the project root", async () => {
    const calls: Array<[string[], string]> = [];
    const runPulumi: PulumiRunner = async (args, cwd) => {
      calls.push([args, cwd]);
      return JSON.stringify(OUTPUTS);
    };

    const outputs = await loadStackOutputs({ stack: "dev", cwd: "/project", runPulumi });

    expect(calls).to.deep.equal([[["stack", "output", "--json", "--stack", "dev"], "/project"]]);
    expect(outputs).to.deep.equal(OUTPUTS);
  });

  it("uses the selected stack when none is named", async () => {
    let seen: string[] = [];
    await loadStackOutputs({ cwd: ".", runPulumi: async (args) => ((seen = args), JSON.stringify(OUTPUTS)) });
    expect(seen).to.deep.equal(["stack", "output", "--json"]);
  });

  it("reads the JSON of `pulumi stack output --json` from --outputs without running Pulumi", async () => {
    const outputs = await loadStackOutputs({
      outputsFile: outputsFile("ok.json", JSON.stringify({ ...OUTPUTS, extra: 1 })),
      cwd: ".",
      runPulumi: failingRunner({ code: "ENOENT" }),
    });
    expect(outputs).to.deep.equal(OUTPUTS);
  });

  it("reads the retention outputs the report chooses its source by, as whole days", async () => {
    const retention = {
      logRetentionDays: 30,
      archiveRetentionDays: 90,
      archivePrefix: "AWSLogs/123456789012/BedrockModelInvocationLogs/",
    };
    const outputs = await loadStackOutputs({
      cwd: ".",
      runPulumi: async () => JSON.stringify({ ...OUTPUTS, ...retention }),
    });
    expect(outputs).to.deep.equal({ ...OUTPUTS, ...retention });
    const error = await rejection(
      loadStackOutputs({
        cwd: ".",
        runPulumi: async () => JSON.stringify({ ...OUTPUTS, logRetentionDays: "30", archiveRetentionDays: 0 }),
      }),
    );
    expect(error.message).to.equal(
      "The outputs from the selected stack are missing or invalid: logRetentionDays (must be a whole number of days above 0), archiveRetentionDays (must be a whole number of days above 0).",
    );
  });

  it("reads whether destroying may delete the archive bucket with its logs, as true or false", async () => {
    const outputs = await loadStackOutputs({
      cwd: ".",
      runPulumi: async () => JSON.stringify({ ...OUTPUTS, archiveForceDestroy: true }),
    });
    expect(outputs.archiveForceDestroy).to.equal(true);
    const error = await rejection(
      loadStackOutputs({ cwd: ".", runPulumi: async () => JSON.stringify({ ...OUTPUTS, archiveForceDestroy: "yes" }) }),
    );
    expect(error.message).to.equal(
      "The outputs from the selected stack are missing or invalid: archiveForceDestroy (must be true or false).",
    );
  });

  it("names both alternatives when the Pulumi CLI is not installed", async () => {
    const error = await rejection(
      loadStackOutputs({
        stack: "dev",
        cwd: ".",
        runPulumi: failingRunner({ code: "ENOENT", message: "spawn pulumi ENOENT" }),
      }),
    );

    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.equal(
      "Cannot read the outputs of stack dev: the Pulumi CLI is not installed (no `pulumi` on PATH).",
    );
    expect((error as OperationalError).hint)
      .to.contain("--stack <name>")
      .and.contain("--outputs <file>");
  });

  it("names both alternatives when there is no such stack, quoting Pulumi's reason", async () => {
    const error = await rejection(
      loadStackOutputs({
        stack: "prod",
        cwd: ".",
        runPulumi: failingRunner({ code: "1" as never, stderr: "error: no stack named 'prod' found\n" }),
      }),
    );

    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.equal("Cannot read the outputs of stack prod: no stack named 'prod' found.");
    expect((error as OperationalError).hint)
      .to.contain("--stack <name>")
      .and.contain("--outputs <file>");
    expect((error.cause as { stderr?: string }).stderr).to.equal("error: no stack named 'prod' found\n");
  });

  it("lists every missing or invalid output in one message", async () => {
    const error = await rejection(
      loadStackOutputs({
        cwd: ".",
        runPulumi: async () => JSON.stringify({ region: "us-east-1", dashboardName: 3, cliCommands: { tail: 1 } }),
      }),
    );

    expect(error).to.be.instanceOf(OperationalError);
    expect(error.message).to.equal(
      "The outputs from the selected stack are missing or invalid: accountId (required, a non-empty string), " +
        "logGroupName (required, a non-empty string), dashboardName (must be a string), cliCommands (must map names to command strings).",
    );
  });

  it("rejects a malformed outputs file as a usage error", async () => {
    const notJson = await rejection(loadStackOutputs({ outputsFile: outputsFile("bad.json", "{ region: "), cwd: "." }));
    const notObject = await rejection(loadStackOutputs({ outputsFile: outputsFile("array.json", "[]"), cwd: "." }));
    const incomplete = await rejection(
      loadStackOutputs({ outputsFile: outputsFile("partial.json", '{"region":"us-east-1"}'), cwd: "." }),
    );

    for (const error of [notJson, notObject, incomplete]) expect(error).to.be.instanceOf(UsageError);
    expect(notJson.message).to.match(/bad\.json is not JSON/);
    expect(notJson.cause).to.be.instanceOf(SyntaxError);
    expect(notObject.message).to.match(/not a JSON object/);
    expect(incomplete.message).to.match(/accountId .*logGroupName/);
  });

  it("rejects an unreadable outputs file as a usage error", async () => {
    const error = await rejection(loadStackOutputs({ outputsFile: join(dir, "missing.json"), cwd: "." }));
    expect(error).to.be.instanceOf(UsageError);
    expect(error.message).to.match(/Cannot read the outputs file .*missing\.json: ENOENT/);
    expect((error.cause as NodeJS.ErrnoException).code).to.equal("ENOENT");
  });
});
