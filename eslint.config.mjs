import js from "@eslint/js";
import tseslint from "typescript-eslint";

/**
 * The shared kernel, reporting/src/kernel: the pure modules infra and the
 * report both use (price catalog and pricing rules, saved queries, model IDs,
 * time, errors). Infra may import nothing else from the report, and the kernel
 * imports nothing outside itself and does no I/O, so the stack and the report
 * price and query alike and a Pulumi program never loads the report's readers.
 */
const KERNEL = "reporting/src/kernel";
const OUTSIDE_KERNEL_FROM_INFRA = {
  regex: "^(\\.\\./)+reporting/(?!src/kernel/)",
  message: `infra may import from the report only the shared kernel (${KERNEL}).`,
};
const KERNEL_IO = {
  group: ["fs", "fs/*", "node:fs", "node:fs/*", "child_process", "node:child_process", "@aws-sdk/*", "@pulumi/*"],
  message: `the shared kernel (${KERNEL}) does no I/O and calls no cloud: do that outside it and pass the data in.`,
};
/** A relative import that climbs out of the kernel from a file `depth` folders below it. */
const outsideKernelFrom = (depth) => ({
  regex: `^(\\.\\./){${depth},}`,
  message: `the shared kernel (${KERNEL}) imports only its own modules.`,
});
const kernelRules = [1, 2, 3].map((depth) => ({
  files: [`${KERNEL}/${"*/".repeat(depth - 1)}*.ts`],
  rules: { "no-restricted-imports": ["error", { patterns: [KERNEL_IO, outsideKernelFrom(depth)] }] },
}));

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "bench/.cache/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    files: ["infra/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [OUTSIDE_KERNEL_FROM_INFRA] }] },
  },
  ...kernelRules,
);
