/**
 * Headless Chromium for the HTML report's browser tests and screenshots:
 * Debian's `chromium` package (installed by .ci/run when missing), driven by
 * playwright-core, which bundles no browser of its own.
 */
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** The Chromium binary: $CHROMIUM_PATH, else Debian's; null when there is none. */
export function chromiumPath(): string | null {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : null;
  return CANDIDATES.find((path) => existsSync(path)) ?? null;
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error("no Chromium found: install Debian's chromium or set CHROMIUM_PATH");
  return chromium.launch({ executablePath, headless: true });
}

/** A page on which any request but the file itself is aborted and recorded: a self-contained report makes none. */
export async function offlinePage(
  browser: Browser,
  fileUrl: string,
  viewport: { width: number; height: number },
): Promise<{ page: Page; requests: string[]; consoleErrors: string[] }> {
  const page = await browser.newPage({ viewport });
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url === fileUrl) return route.continue();
    requests.push(url);
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  return { page, requests, consoleErrors };
}
