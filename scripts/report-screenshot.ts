/**
 * `npm run report:screenshot`: the HTML report of the bundled sample week,
 * and screenshots of it in headless Chromium at a desktop and a phone width,
 * in screenshots/ (not committed): the whole page at each width, and the first
 * screen at the desktop width, the picture docs/images/report.png is a copy of.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { SAMPLE_WEEK } from "../reporting/src/commands/demo";
import { launchChromium, offlinePage } from "./chromium";

const OUT = resolve("screenshots");
/** The sample over its own week, as `npm run demo` shows it. */
const SAMPLE_ARGS = [
  "--logs",
  "reporting/samples/bedrock-logs",
  "--start",
  SAMPLE_WEEK.start,
  "--end",
  SAMPLE_WEEK.end,
];
const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
];

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const html = join(OUT, "report.html");
  execFileSync(process.execPath, ["reporting/dist/main.js", ...SAMPLE_ARGS, "--format", "html", "--out", html], {
    stdio: "inherit",
  });
  const browser = await launchChromium();
  try {
    for (const { name, width, height } of WIDTHS) {
      const url = pathToFileURL(html).href;
      const { page, requests, consoleErrors } = await offlinePage(browser, url, { width, height });
      await page.goto(url);
      const path = join(OUT, `report-${name}.png`);
      await page.screenshot({ path, fullPage: true });
      if (name === "desktop") await page.screenshot({ path: join(OUT, "report-first-screen.png") });
      if (requests.length > 0 || consoleErrors.length > 0)
        throw new Error(`the page made requests or logged errors: ${[...requests, ...consoleErrors].join("; ")}`);
      console.log(`Wrote ${path}`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
