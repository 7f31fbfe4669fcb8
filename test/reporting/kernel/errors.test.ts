import { expect } from "chai";
import { ExpectedError, OperationalError, UsageError } from "../../../reporting/src/kernel/errors";

describe("expected failures", () => {
  it("a usage error exits 2, an operational one exits 1 with what to do; both keep their cause", () => {
    const denied = Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" });
    const usage = new UsageError("--hours abc: must be a positive number of hours", { cause: new SyntaxError("abc") });
    const operational = new OperationalError("Access denied", "Grant logs:StartQuery", { cause: denied });

    expect([usage, operational].every((error) => error instanceof ExpectedError)).to.equal(true);
    expect([usage.exitCode, usage.name, usage.cause]).to.deep.equal([2, "UsageError", new SyntaxError("abc")]);
    const { exitCode, name, hint, cause } = operational;
    expect([exitCode, name, hint, cause]).to.deep.equal([1, "OperationalError", "Grant logs:StartQuery", denied]);
    const plain = new OperationalError("Interrupted: no report was produced.");
    expect([plain.hint, plain.cause]).to.deep.equal([undefined, undefined]);
  });
});
