/**
 * Chromium for the console's browser tests: found at CHROMIUM_PATH or where
 * Debian and others install it, driven by playwright-core. Every page is watched
 * for console errors, uncaught exceptions and requests to any host but the
 * Worker's; axe-core scans pages for accessibility violations.
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { root } from "../../scripts/local-worker.mjs";

const CANDIDATES = [
  "/usr/bin/chromium", // Debian, Ubuntu's deb
  "/usr/bin/chromium-browser",
  "/usr/lib/chromium/chromium",
  "/snap/bin/chromium",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
];

/** The browser to drive: CHROMIUM_PATH (which must exist when set), else the first usual path that does. */
export function findChromium(): string | undefined {
  const given = process.env.CHROMIUM_PATH;
  if (given) return existsSync(given) ? given : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export const MISSING_CHROMIUM = "Chromium not found: install it (Debian: apt-get install chromium; .ci/run does) or set CHROMIUM_PATH";

export const launch = (executablePath: string): Promise<Browser> => chromium.launch({ executablePath, headless: true });

/** Where screenshots are kept (gitignored): test artefacts of the CI run. */
export const ARTIFACTS = join(root, "test-artifacts", "console");
mkdirSync(ARTIFACTS, { recursive: true });

/** What went wrong in the browser, as lines: console errors, page errors, requests to other hosts. */
export function watch(context: BrowserContext, origin: string, problems: string[]) {
  context.on("request", (request) => {
    const url = new URL(request.url());
    if (url.protocol !== "data:" && url.origin !== origin) problems.push(`request to another host: ${request.url()}`);
  });
  const watchPage = (page: Page) => {
    page.on("console", (message) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(`console ${message.type()}: ${message.text()}`);
    });
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  };
  context.on("page", watchPage);
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The serious and critical accessibility violations on the page as it is now (axe-core, evaluated past the page's CSP). */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
          ): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    return (await axe.run(document)).violations;
  });
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.map((n) => JSON.stringify(n.target)).join(", ")}`);
}

/** Whether the page itself scrolls sideways (a table scrolling inside its own box does not count). */
export const scrollsSideways = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

/** The tables (by caption) that do not fit their box: each must fit, wide or stacked, with no sideways scroll of its own. */
export const tablesOverflowing = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".table-box")]
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .map((box) => box.querySelector("caption")?.textContent ?? "a table"),
  );

/** Buttons inside tables that lie (partly) outside the viewport's width. */
export const actionsOffScreen = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>(".table-box button")]
      .filter((b) => {
        const r = b.getBoundingClientRect();
        return r.left < 0 || r.right > window.innerWidth;
      })
      .map((b) => b.textContent ?? ""),
  );
