/**
 * Imported by main.ts before the CLI's modules: Node.js keeps the V8 code it
 * compiles for them on disk (in the OS temp folder, or NODE_COMPILE_CACHE;
 * NODE_DISABLE_COMPILE_CACHE=1 turns it off) and reuses it while they are
 * unchanged, as tsc does for its own start-up
 * (https://github.com/microsoft/TypeScript/pull/59720). It never throws; on a
 * Node.js before 22.8 the function is missing and nothing happens
 * (https://nodejs.org/docs/latest-v22.x/api/module.html#module-compile-cache).
 */
import * as nodeModule from "node:module";

nodeModule.enableCompileCache?.();
