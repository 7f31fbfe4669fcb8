import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CONFIG_KEYS, parseStackSettings, PROJECT, type RawConfig } from "../../infra/settings";

const root = join(__dirname, "..", "..");
const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
  name: string;
  main: string;
  runtime: { name: string };
  config: Record<string, { type: string; default: unknown; description: string; items?: { type: string } }>;
};

describe("Pulumi.yaml", () => {
  it("is the bedrock-monitoring nodejs project with its program in infra/", () => {
    expect(project.name).to.equal(PROJECT);
    expect(project.runtime.name).to.equal("nodejs");
    expect(project.main).to.equal("infra/");
  });

  it("declares every key the program reads with a type, a default and a description, and nothing else", () => {
    expect(Object.keys(project.config).sort()).to.deep.equal([...CONFIG_KEYS].sort());
    for (const [key, declaration] of Object.entries(project.config)) {
      expect(["string", "integer", "number", "boolean", "array"], key).to.include(declaration.type);
      expect(declaration, key).to.have.property("default");
      expect(declaration.description, key).to.be.a("string").with.length.greaterThan(10);
    }
  });

  it("has defaults that the program accepts and that match its own", () => {
    const declaredDefaults: RawConfig = Object.fromEntries(
      Object.entries(project.config).map(([key, d]) => [key, d.default]),
    );
    expect(parseStackSettings(declaredDefaults)).to.deep.equal(parseStackSettings({}));
  });

  it("ships a dev stack the program accepts", () => {
    const dev = parse(readFileSync(join(root, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    const ours: RawConfig = {};
    for (const [key, value] of Object.entries(dev.config)) {
      if (key.startsWith(`${PROJECT}:`))
        ours[key.slice(PROJECT.length + 1)] = Array.isArray(value) ? JSON.stringify(value) : String(value);
    }
    for (const key of Object.keys(ours)) expect(CONFIG_KEYS as readonly string[], key).to.include(key);
    const settings = parseStackSettings(ours);
    expect(settings.alerting.alertEmails.length).to.be.greaterThan(0);
    expect(dev.config["aws:region"]).to.be.a("string");
  });
});
