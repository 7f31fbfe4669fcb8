/**
 * The import rules of eslint.config.mjs, run through ESLint's Node API on
 * snippets placed where they would live: infra may take only the shared
 * kernel from the report, and the kernel stays pure.
 */
import { expect } from "chai";
import { ESLint } from "eslint";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const eslint = new ESLint({ cwd: ROOT });

/** The no-restricted-imports messages ESLint gives `code` as if it were the file at `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  expect(result.messages.filter((message) => message.fatal)).to.deep.equal([]);
  const refusals = result.messages.filter((message) => message.ruleId === "no-restricted-imports");
  return refusals.map((message) => message.message);
}

/** Expects exactly one refused import in `code` at `filePath`, for the reason `why` matches. */
async function refusesOnce(filePath: string, code: string, why: RegExp): Promise<void> {
  const messages = await restricted(filePath, code);
  expect(messages, code).to.have.length(1);
  expect(messages[0]).to.match(why);
}

describe("import rules", function () {
  this.timeout(60_000);

  it("let infra import the shared kernel from the report, types included", async () => {
    const code = [
      'import { PRICE_CATALOG } from "../reporting/src/kernel/pricing/catalog";',
      'import type { SavedQuery } from "../reporting/src/kernel/queries";',
      "export const used: [typeof PRICE_CATALOG, SavedQuery?] = [PRICE_CATALOG];",
    ].join("\n");
    expect(await restricted("infra/widget.ts", code)).to.deep.equal([]);
  });

  it("refuse infra anything else from the report, at any depth", async () => {
    const code = 'import { readArchive } from "../reporting/src/sources/archive";\nexport const used = readArchive;\n';
    await refusesOnce("infra/widget.ts", code, /only the shared kernel/);
    const typeOnly = 'import type { UsageRow } from "../../reporting/src/model/usage";\nexport type Used = UsageRow;\n';
    await refusesOnce("infra/cost-estimator/widget.ts", typeOnly, /only the shared kernel/);
  });

  it("refuse the kernel file system, child processes, the AWS SDK and Pulumi", async () => {
    for (const module of ["node:fs", "fs/promises", "child_process", "@aws-sdk/client-s3", "@pulumi/aws"]) {
      const code = `import * as io from "${module}";\nexport const used = io;\n`;
      await refusesOnce("reporting/src/kernel/pricing/rates.ts", code, /does no I\/O/);
    }
  });

  it("keep the kernel's imports inside the kernel, at any depth", async () => {
    const inside = [
      'import { HOUR_MS } from "../time";',
      'import { MODEL_FAMILIES } from "./catalog";',
      "export const used = [HOUR_MS, MODEL_FAMILIES];",
    ].join("\n");
    expect(await restricted("reporting/src/kernel/pricing/rates.ts", inside)).to.deep.equal([]);
    const outside = 'import { UsageRowBuilder } from "../model/usage-rows";\nexport const used = UsageRowBuilder;\n';
    await refusesOnce("reporting/src/kernel/rates.ts", outside, /imports only its own modules/);
    const deeper = 'import type { CliDeps } from "../../commands/context";\nexport type Used = CliDeps;\n';
    await refusesOnce("reporting/src/kernel/pricing/rates.ts", deeper, /imports only its own modules/);
  });
});
