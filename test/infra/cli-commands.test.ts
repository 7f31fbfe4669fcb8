import { expect } from "chai";
import { execFileSync, spawnSync } from "node:child_process";
import { buildCliCommands, shellQuote } from "../../infra/cli-commands";

const commands = buildCliCommands({ region: "eu-west-1", logGroupName: "/aws/bedrock/modelinvocations" });

/** Each `aws <service> <operation>` in a command line, with the options it passes. */
function awsInvocations(command: string): { service: string; operation: string; options: string[] }[] {
  const unquoted = command
    .replace(/'[^']*'/g, "ARG")
    .replace(/"\$\(date [^)]*\)"/g, "ARG")
    .replace(/"[^"$]*"/g, "ARG");
  return unquoted
    .split(/&&|\$\(|\)/)
    .map((piece) => /\baws (\S+) (\S+)(.*)$/.exec(piece.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, service, operation, rest]) => ({ service, operation, options: rest.match(/--[a-z0-9-]+/g) ?? [] }));
}

/** The AWS CLI v2 on this machine, if any (Debian's `awscli` package). */
function awsCliV2(): string | undefined {
  for (const candidate of ["/usr/bin/aws", "aws"]) {
    const version = spawnSync(candidate, ["--version"], { encoding: "utf8" });
    if (version.status === 0 && /aws-cli\/2\./.test(version.stdout + version.stderr)) return candidate;
  }
  return undefined;
}

describe("AWS CLI commands in the stack outputs", () => {
  it("covers invocations and tokens over the last hour, the usage query, and a live tail", () => {
    expect(commands).to.have.keys(
      "invocationsLastHour",
      "inputTokensLastHour",
      "outputTokensLastHour",
      "usageQueryLastHour",
      "tailLogs",
    );
    expect(commands.invocationsLastHour)
      .to.match(/^aws cloudwatch get-metric-data --region eu-west-1 /)
      .and.include("SUM(Invocations)");
    expect(commands.inputTokensLastHour).to.include("SUM(InputTokenCount)");
    expect(commands.usageQueryLastHour).to.match(
      /aws logs start-query .* && sleep 10 && aws logs get-query-results --region eu-west-1 --query-id "\$QUERY_ID"$/,
    );
    expect(commands.tailLogs).to.equal(
      "aws logs tail '/aws/bedrock/modelinvocations' --follow --since 10m --format short --region eu-west-1",
    );
  });

  it("passes the metric queries as valid JSON", () => {
    for (const key of ["invocationsLastHour", "inputTokensLastHour", "outputTokensLastHour"]) {
      const json = /--metric-data-queries '([^']*)'/.exec(commands[key])?.[1] ?? "";
      const queries = JSON.parse(json) as { Id: string; Expression: string; Period: number }[];
      expect(queries).to.have.length(1);
      expect(queries[0].Expression).to.match(
        /^SELECT SUM\(\w+\) FROM SCHEMA\("AWS\/Bedrock", ModelId\) GROUP BY ModelId$/,
      );
    }
  });

  it("quotes words safely for the shell", () => {
    expect(shellQuote("it's")).to.equal(`'it'"'"'s'`);
    const echoed = execFileSync("bash", ["-c", `printf %s ${shellQuote(`a 'b' "c" $(d) \\e`)}`], { encoding: "utf8" });
    expect(echoed).to.equal(`a 'b' "c" $(d) \\e`);
  });

  it("is valid shell syntax", () => {
    for (const [key, command] of Object.entries(commands)) {
      const check = spawnSync("bash", ["-n", "-c", command], { encoding: "utf8" });
      expect(check.status, `${key}: ${check.stderr}`).to.equal(0);
    }
  });

  it("sends the usage query text through the shell unchanged", () => {
    const queryArgument = /--query-string ('(?:[^']|'"'"')*')/.exec(commands.usageQueryLastHour)?.[1] ?? "";
    const echoed = execFileSync("bash", ["-c", `printf %s ${queryArgument}`], { encoding: "utf8" });
    expect(echoed).to.include("stats count(*) as invocations").and.include("by bin(1h), modelId");
  });

  it("uses only operations and options the real AWS CLI v2 has", function () {
    const aws = awsCliV2();
    if (aws === undefined) {
      this.skip(); // .ci/run installs Debian's awscli; without it there is nothing real to check against.
    }
    this.timeout(90_000); // each `aws ... help` starts a Python interpreter: about 2 s idle, much more on a busy machine
    const invocations = Object.values(commands).flatMap(awsInvocations);
    expect(invocations.map((i) => `${i.service} ${i.operation}`)).to.include.members([
      "cloudwatch get-metric-data",
      "logs start-query",
      "logs get-query-results",
      "logs tail",
    ]);
    for (const { service, operation, options } of invocations) {
      const rendered = execFileSync(aws as string, [service, operation, "help"], {
        encoding: "utf8",
        env: { ...process.env, PAGER: "cat", MANPAGER: "cat" },
      });
      // The help page is a man page: bold text comes overstruck with backspaces.
      // eslint-disable-next-line no-control-regex -- the backspace is exactly what has to go
      const help = rendered.replace(/.\x08/g, "");
      const synopsis = help.slice(
        help.indexOf("SYNOPSIS"),
        help.indexOf("OPTIONS") > 0 ? help.indexOf("OPTIONS") : undefined,
      );
      const known = new Set(synopsis.match(/--[a-z0-9-]+/g) ?? []);
      for (const option of options) expect(known.has(option), `aws ${service} ${operation} ${option}`).to.equal(true);
    }
  });
});
