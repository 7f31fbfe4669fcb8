import { join } from "node:path";
import { expect } from "chai";
import { importCycles, importGraph, type ImportGraph } from "../helpers/import-graph";

const ROOT = join(__dirname, "..", "..");

describe("import cycles", () => {
  it("none in reporting/src, infra, scripts or bench, type-only imports included", () => {
    const graph = importGraph(ROOT, ["reporting/src", "infra", "scripts", "bench"]);
    // The graph is the real one: the CLI's entry point reaches its commands through cli.ts.
    expect(graph.get("reporting/src/cli.ts")).to.include("reporting/src/commands/report.ts");
    expect(graph.get("reporting/src/commands/report.ts")).to.include("reporting/src/commands/context.ts");
    expect(importCycles(graph)).to.deep.equal([]);
  });

  it("finds a cycle through several files, and a file that imports itself", () => {
    const graph: ImportGraph = new Map([
      ["cli.ts", ["commands/report.ts"]],
      ["commands/report.ts", ["commands/shared.ts", "model/report.ts"]],
      ["commands/shared.ts", ["cli.ts"]],
      ["model/report.ts", []],
      ["self.ts", ["self.ts"]],
    ]);
    expect(importCycles(graph).sort()).to.deep.equal([
      "cli.ts -> commands/report.ts -> commands/shared.ts -> cli.ts",
      "self.ts -> self.ts",
    ]);
  });
});
