/**
 * The project's own import graph, built with the TypeScript compiler API
 * (`preProcessFile` lists a file's imports, type-only ones and `require()`
 * calls included; `resolveModuleName` resolves them as tsc does), and the
 * cycles in it. Packages are left out: only the project's files are nodes.
 */
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import * as ts from "typescript";

/** Each file (relative to the root, `/`-separated) and the project files it imports. */
export type ImportGraph = Map<string, string[]>;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
};

export function importGraph(root: string, folders: readonly string[]): ImportGraph {
  const excluded = ["**/node_modules", "**/dist"];
  const files = folders.flatMap((folder) => ts.sys.readDirectory(join(root, folder), [".ts"], excluded));
  const name = (file: string) => relative(root, file).split("\\").join("/");
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const targets = new Set<string>();
    for (const { fileName: specifier } of importedFiles) {
      const { resolvedModule } = ts.resolveModuleName(specifier, file, COMPILER_OPTIONS, ts.sys);
      if (resolvedModule === undefined || resolvedModule.isExternalLibraryImport) continue;
      if (resolvedModule.resolvedFileName.includes("/node_modules/")) continue;
      targets.add(name(resolvedModule.resolvedFileName));
    }
    graph.set(name(file), [...targets].sort());
  }
  return graph;
}

/**
 * Every cycle's files, one list per strongly connected component of more than
 * one file (or a file importing itself), found with Tarjan's algorithm, each
 * written as the path around it: `a.ts -> b.ts -> a.ts`.
 */
export function importCycles(graph: ImportGraph): string[] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[] = [];

  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    const importsItself = (graph.get(node) ?? []).includes(node);
    if (component.length > 1 || importsItself) cycles.push(pathAround(graph, new Set(component)));
  };

  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** A path from the component's first file back to itself through the component, for the failure message. */
function pathAround(graph: ImportGraph, component: Set<string>): string {
  const start = [...component].sort()[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift()!;
    for (const next of graph.get(node) ?? []) {
      if (!component.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at: string | undefined = node; at !== undefined && at !== start; at = previous.get(at)) {
          path.splice(1, 0, at);
        }
        return [...path, start].join(" -> ");
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return [...component].join(", ");
}
