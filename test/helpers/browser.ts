/**
 * Browser test tooling: a headless Debian chromium driven by playwright-core. Without
 * /usr/bin/chromium the tests skip with a notice (install: apt-get install -y chromium) — but in
 * CI (CI=true) they fail, so the console cannot silently go untested. Screenshots go to
 * test-results/screenshots/ (gitignored) on every run.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { repoRoot } from "./fixtures";

export const CHROMIUM = process.env["CORRAL_CHROMIUM"] ?? "/usr/bin/chromium";
export const SCREENSHOTS = path.join(repoRoot(), "test-results", "screenshots");

/** Desktop and phone widths every main page is shot at. */
export const WIDTHS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** Launches chromium, or skips the suite (throws in CI) when it or the built console is missing. */
export async function requireBrowser(ctx: Mocha.Context, consoleIndex: string): Promise<Browser> {
  const reason = !existsSync(CHROMIUM)
    ? `no chromium at ${CHROMIUM} (apt-get install -y chromium)`
    : !existsSync(consoleIndex)
      ? `the console is not built (${consoleIndex}; run npm run build)`
      : null;
  if (reason !== null) {
    if (process.env["CI"] === "true") throw new Error(`[browser] required in CI but ${reason}`);
    process.stderr.write(`[browser] skipping the console browser tests: ${reason}\n`);
    ctx.skip();
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}

/** Shoots the page as it is now at every width into SCREENSHOTS/<name>-<width>.png (full page). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const original = page.viewportSize();
  for (const w of WIDTHS) {
    await page.setViewportSize({ width: w.width, height: w.height });
    // Let layout (and the charts' ResizeObserver) settle at the new width.
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${w.width}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}
