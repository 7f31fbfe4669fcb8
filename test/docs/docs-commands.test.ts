/**
 * What README.md and docs/*.md show exists: every `npm run <script>` is a package.json script; every
 * option (and listed choice) of a report, cleanup, gen:logs or bench command line is one the command's
 * own --help lists; the report's option table lists exactly the report's options; the stack config the
 * docs name is what Pulumi.yaml declares, with its type and default; and their links lead somewhere.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { parse } from "yaml";

const ROOT = resolve(__dirname, "..", "..");
const DOC_FILES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];
const docs = DOC_FILES.map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));
const packageJson = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
const packageScripts = packageJson.scripts;

/** The report's source entry point: its --help is what the built report prints, without depending on a build. */
const REPORT_ENTRY = "reporting/src/main.ts";

interface CommandLine {
  where: string;
  /** The npm script, or "report" for the report's other spellings. */
  script: string;
  args: string[];
}

/**
 * Where a command ends on a line: an inline code span, a comment, a redirect, or a shell pipe or table
 * cell outside `[...]` (optional parts) and `<...>` (placeholders).
 */
function commandText(rest: string): string {
  let brackets = 0;
  let angles = 0;
  for (let index = 0; index < rest.length; index++) {
    const char = rest[index];
    if (char === "[") brackets++;
    else if (char === "]") brackets = Math.max(0, brackets - 1);
    else if (char === "<") angles++;
    else if (char === ">" && angles > 0) angles--;
    else if (char === "`" || char === ">" || char === ";" || rest.startsWith("&&", index)) return rest.slice(0, index);
    else if (char === "#" && /\s/.test(rest[index - 1] ?? " ")) return rest.slice(0, index);
    else if (char === "|" && brackets === 0 && rest[index - 1] !== "\\") return rest.slice(0, index);
  }
  return rest;
}

/** The words of a command; an optional part that is not an option (`[options]`) becomes a placeholder. */
function tokens(text: string): string[] {
  return text
    .split(/\s+/)
    .map((token) => {
      const bare = token.replace(/^\[+/, "").replace(/[\]),.:]+$/, "");
      return token.startsWith("[") && !bare.startsWith("-") ? `<${bare}>` : bare;
    })
    .filter((token) => token !== "");
}

/** Every npm script and report command line the docs show, with its arguments. */
function commandLines(): CommandLine[] {
  const found: CommandLine[] = [];
  const pattern = /npm run(?: -s)? ([a-z][\w:.-]*)|bedrock-report|node(?: --[\w=/.-]+)* reporting\/dist\/main\.js/g;
  for (const { file, text } of docs) {
    // A ```text block is a program's output quoted as it printed it, not a command to run.
    let inOutput = false;
    text.split("\n").forEach((line, lineIndex) => {
      const fence = /^\s*```(\w*)/.exec(line);
      if (fence) inOutput = !inOutput && fence[1] === "text";
      if (inOutput) return;
      for (const match of line.matchAll(pattern)) {
        const words = tokens(commandText(line.slice(match.index + match[0].length)));
        const script = match[1] ?? "report";
        // npm passes on only what follows `--`; the bin and node forms take everything.
        const args = match[1] === undefined ? words : words[0] === "--" ? words.slice(1) : [];
        found.push({ where: `${file}:${lineIndex + 1}: ${line.trim()}`, script, args });
      }
    });
  }
  return found;
}

const run = promisify(execFile);

/** A command's --help: the report's from its source entry, other scripts' through npm as the docs run them. */
async function helpText(script: string, subcommand: string | undefined): Promise<string> {
  const sub = subcommand === undefined ? [] : [subcommand];
  const { stdout } =
    script === "report"
      ? await run(process.execPath, ["--import", "tsx", REPORT_ENTRY, ...sub, "--help"], { cwd: ROOT })
      : await run("npm", ["run", "-s", script, "--", ...sub, "--help"], { cwd: ROOT });
  return stdout;
}

interface Help {
  /** Option name to its choices when the help lists them as `a | b | c`, else null. */
  options: Map<string, string[] | null>;
  subcommands: string[];
  /** The names a positional may take, when the help lists them in parentheses (the saved queries). */
  names: string[];
}

function parseHelp(text: string): Help {
  const options = new Map<string, string[] | null>();
  const blocks = text.split(/\n(?=\s+--[a-z])/);
  for (const block of blocks) {
    const option = /^\s+--([a-z][\w-]*)/.exec(block);
    if (!option) continue;
    const described = block.replace(/\s+/g, " ");
    // A choice may take a value after a colon (`metadata:<key>`).
    const choices = /: ([\w-]+(?::<[\w-]+>)?(?: \| [\w-]+(?::<[\w-]+>)?)+)/.exec(described);
    options.set(option[1], choices ? choices[1].split(" | ") : null);
  }
  const subcommands = [...text.matchAll(/^\s+bedrock-report (\w+)/gm)].map((match) => match[1]);
  const listed = /\(([\w-]+(?:, [\w-]+)+)\)/.exec(text.replace(/\s+/g, " "));
  return { options, subcommands, names: listed ? listed[1].split(", ") : [] };
}

const helps = new Map<string, Promise<Help>>();
function helpFor(script: string, subcommand?: string): Promise<Help> {
  const key = `${script} ${subcommand ?? ""}`;
  if (!helps.has(key)) helps.set(key, helpText(script, subcommand).then(parseHelp));
  return helps.get(key) as Promise<Help>;
}

const isPlaceholder = (token: string | undefined) => token === undefined || /^(<.*>|\.\.\.|-.*)$/.test(token);

/** Problems with one command line's options, subcommand and choices. */
async function checkArgs(line: CommandLine): Promise<string[]> {
  let args = line.args;
  let subcommand: string | undefined;
  if (line.script === "report" && !isPlaceholder(args[0])) {
    const top = await helpFor("report");
    if (!top.subcommands.includes(args[0])) {
      return [`unknown report command "${args[0]}" (commands: ${top.subcommands.join(", ")})`];
    }
    subcommand = args[0];
    args = args.slice(1);
  }
  const help = await helpFor(line.script, subcommand);
  const problems: string[] = [];
  if (subcommand === "query" && !isPlaceholder(args[0]) && !help.names.includes(args[0])) {
    problems.push(`no saved query "${args[0]}" (queries: ${help.names.join(", ")})`);
  }
  args.forEach((token, index) => {
    if (!token.startsWith("--") || token === "--") return;
    const name = token.slice(2).split("=")[0];
    // yargs reads --no-<flag> as --<flag> false.
    const known = help.options.has(name) || (name.startsWith("no-") && help.options.get(name.slice(3)) === null);
    if (!known) {
      const listed = [...help.options.keys()].map((option) => `--${option}`).join(" ");
      problems.push(`unknown option --${name} (options: ${listed})`);
      return;
    }
    const choices = help.options.get(name);
    const value = args[index + 1];
    const chosen = (choice: string) =>
      choice === value || (choice.endsWith(":<key>") && value?.startsWith(choice.slice(0, -"<key>".length)));
    if (choices && !isPlaceholder(value) && !choices.some(chosen)) {
      problems.push(`--${name} ${value}: not one of ${choices.join(", ")}`);
    }
  });
  return problems;
}

/** The rows of the first table after a heading, split into cells (a `\|` stays inside its cell). */
function tableAfter(file: string, heading: string): string[][] {
  const text = docs.find((doc) => doc.file === file)?.text ?? "";
  const start = text.indexOf(`\n${heading}\n`);
  expect(start, `${file} has no "${heading}" section`).to.be.greaterThan(-1);
  const lines = text.slice(start + heading.length + 2).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const end = lines.findIndex((line, index) => index > first && !line.startsWith("|"));
  return lines.slice(first + 2, end).map((row) =>
    row
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
}

describe("the commands and options the docs show", function () {
  // Up to a dozen --help runs, each a Node start-up and a TypeScript load, on a busy 2-core machine.
  this.timeout(120_000);

  it("find command lines in README.md and every page of docs/", () => {
    const files = new Set(commandLines().map((line) => line.where.split(":")[0]));
    expect([...files].sort()).to.deep.equal([...DOC_FILES].sort());
  });

  it("run only npm scripts that package.json defines", () => {
    const missing = commandLines().filter((line) => !(line.script in packageScripts) && line.script !== "report");
    expect(missing.map((line) => line.where)).to.deep.equal([]);
    expect(packageScripts).to.have.property("report");
  });

  it("use only subcommands, options, choices and saved query names the commands accept", async () => {
    const problems: string[] = [];
    for (const line of commandLines()) {
      for (const problem of await checkArgs(line)) problems.push(`${line.where}\n    ${problem}`);
    }
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });

  it("name in inline code (`--option ...`) only options one of the commands has", async () => {
    const top = await helpFor("report");
    const helpsOfAll = await Promise.all([
      top,
      ...top.subcommands.map((subcommand) => helpFor("report", subcommand)),
      ...["cleanup", "gen:logs", "bench"].map((script) => helpFor(script)),
    ]);
    const known = new Set(helpsOfAll.flatMap((help) => [...help.options.keys()]));
    const unknown = docs.flatMap(({ file, text }) =>
      [...text.matchAll(/`--(?:no-)?([a-z][a-z-]*)(?=[`\s=])/g)]
        .filter((match) => !known.has(match[1]))
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(unknown).to.deep.equal([]);
  });

  it("list in docs/report.md's option table exactly the report's options, with its choices", async () => {
    const help = await helpFor("report");
    const rows = tableAfter("docs/report.md", "## Options");
    const documented = new Map<string, string[] | null>();
    for (const [first] of rows) {
      for (const match of first.matchAll(/--([a-z][\w-]*)(?: ([\w:<>-]+(?:\\\|[\w:<>-]+)+))?/g)) {
        documented.set(match[1], match[2] ? match[2].split("\\|") : null);
      }
    }
    const real = new Map([...help.options].filter(([name]) => name !== "help"));
    expect([...documented.keys()].sort()).to.deep.equal([...real.keys()].sort());
    for (const [name, choices] of real) {
      expect(documented.get(name), `--${name}'s choices`).to.deep.equal(choices);
    }
  });
});

describe("the stack config the docs show", () => {
  type ConfigKey = { type: string; default: unknown; items?: { type: string } };
  const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as { config: Record<string, ConfigKey> };
  const declared = project.config;

  it("names only keys Pulumi.yaml declares", () => {
    // A key, not a resource type such as bedrock-monitoring:index:InvocationLogging.
    const unknown = docs.flatMap(({ file, text }) =>
      [...text.matchAll(/bedrock-monitoring:([A-Za-z]+)(?![\w:])/g)]
        .filter((match) => !(match[1] in declared))
        .map((match) => `${file}: ${match[0]}`),
    );
    expect(unknown).to.deep.equal([]);
  });

  it("lists every key in docs/deploying.md with Pulumi.yaml's type and default", () => {
    const rows = tableAfter("docs/deploying.md", "## Stack config");
    const unquote = (cell: string) => cell.replace(/^`|`$/g, "");
    const table = new Map(
      rows.map(([key, type, defaultValue]) => [unquote(key), { type, defaultValue: unquote(defaultValue) }]),
    );
    expect([...table.keys()].sort()).to.deep.equal(Object.keys(declared).sort());
    for (const [key, spec] of Object.entries(declared)) {
      const type = spec.type === "array" ? `array of ${spec.items?.type}` : spec.type;
      // An empty string shows as "", other strings bare, numbers, booleans and lists as JSON.
      const defaultValue =
        spec.default === "" ? '""' : typeof spec.default === "string" ? spec.default : JSON.stringify(spec.default);
      expect(table.get(key), key).to.deep.equal({ type, defaultValue });
    }
  });
});

describe("the links between README.md and docs/", () => {
  /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens. */
  const anchors = (text: string) =>
    new Set(
      [...text.matchAll(/^#+ (.+)$/gm)].map((match) =>
        match[1]
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, "")
          .replace(/ /g, "-"),
      ),
    );

  it("lead to pages and headings that exist, and images to files that exist", () => {
    const broken: string[] = [];
    for (const { file, text } of docs) {
      for (const [, image, target, anchor] of text.matchAll(
        /(!?)\[[^\]]*\]\(((?!https?:)[^)#\s]*)(?:#([^)\s]+))?\)/g,
      )) {
        const path = target === "" ? file : join(file, "..", target);
        if (image === "!") {
          if (!existsSync(join(ROOT, path))) broken.push(`${file}: the image ${target} does not exist`);
          continue;
        }
        const page = docs.find((doc) => doc.file === path);
        if (page === undefined) broken.push(`${file}: ${target} is not README.md or a page of docs/`);
        else if (anchor !== undefined && !anchors(page.text).has(anchor))
          broken.push(`${file}: ${path} has no #${anchor}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });
});
