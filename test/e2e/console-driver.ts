/**
 * One signed-in console in Chromium for a test file: a fresh org and owner,
 * a watched browser context, and the steps every test repeats (go to a page by
 * its link, read and close the copy-once dialog, delete a row after the
 * confirmation, read a row's Usage dialog), all by accessible names.
 */
import { expect } from "vitest";
import type { Browser, BrowserContext, Locator, Page } from "playwright-core";
import { baseUrl, bootstrap } from "./helpers";
import { findChromium, launch, MISSING_CHROMIUM, watch } from "./browser";

export const chromiumPath = findChromium();
/** In CI a missing browser fails the run; on a developer's machine the browser tests are skipped, saying why. */
export const skipBrowser = !chromiumPath && !process.env.CI;
if (skipBrowser) console.warn(`[console tests skipped] ${MISSING_CHROMIUM}`);

export interface ConsoleSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  owner: Awaited<ReturnType<typeof bootstrap>>;
  /** Console errors, page errors and requests to other hosts seen so far. */
  problems: string[];
}

export async function openConsole(): Promise<ConsoleSession> {
  if (!chromiumPath) throw new Error(MISSING_CHROMIUM);
  const browser = await launch(chromiumPath);
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl() });
  const problems: string[] = [];
  watch(context, baseUrl(), problems);
  const page = await context.newPage();
  const owner = await bootstrap();
  return { browser, context, page, owner, problems };
}

export async function signIn(page: Page, key: string) {
  await page.goto(`${baseUrl()}/console`);
  await page.getByLabel("API key", { exact: true }).fill(key);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.getByRole("heading", { level: 1, name: "API keys" }).waitFor();
}

export const dialog = (page: Page) => page.getByRole("dialog");

/** Follows a navigation link and waits for its page to have loaded its list. */
export async function goTo(page: Page, link: string) {
  await page.getByRole("navigation").getByRole("link", { name: link, exact: true }).click();
  await page.getByRole("heading", { level: 1, name: link, exact: true }).waitFor();
  await page.locator(".page:not([aria-busy])").waitFor();
}

/** Reads the secret in the copy-once dialog and closes it with Done; the secret must then be gone from the DOM. */
export async function takeSecret(page: Page): Promise<string> {
  await dialog(page).waitFor();
  const secret = await dialog(page).getByRole("textbox").inputValue();
  expect(secret.length).toBeGreaterThan(20);
  await dialog(page).getByRole("button", { name: "Done", exact: true }).click();
  await dialog(page).waitFor({ state: "detached" });
  expect(await page.content()).not.toContain(secret);
  return secret;
}

/** Presses the row's button (Delete), confirms with Delete in the dialog, and waits for the row to go. */
export async function confirmDelete(page: Page, row: Locator, button = "Delete") {
  await row.getByRole("button", { name: button, exact: true }).click();
  await dialog(page).getByRole("button", { name: "Delete", exact: true }).click();
  await dialog(page).waitFor({ state: "detached" });
  await row.waitFor({ state: "detached" });
}

/** The row of the table whose text matches. */
export const rowOf = (page: Page, text: string) => page.getByRole("row", { name: new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) });

export const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

/** The status of a GET through the API itself, not the browser. */
export const apiStatus = async (path: string, headers: Record<string, string>) => (await fetch(`${baseUrl()}${path}`, { headers })).status;

/** Opens the row's Usage dialog and waits for its figures. */
export async function openUsage(page: Page, name: string): Promise<Locator> {
  await rowOf(page, name).getByRole("button", { name: "Usage", exact: true }).click();
  const panel = page.getByRole("dialog", { name: `Usage of “${name}”` });
  await panel.locator(".usage-view:not([aria-busy])").waitFor();
  return panel;
}

/** The dialog's totals (its description list) as term → value. */
export const totalsOf = (panel: Locator) =>
  panel
    .locator("dl.usage-totals")
    .evaluate((dl) =>
      Object.fromEntries(
        [...dl.querySelectorAll("div")].map((d) => [d.querySelector("dt")?.textContent, d.querySelector("dd")?.textContent]),
      ),
    );

/** Closes the Usage dialog with its Close button. */
export async function closeUsage(page: Page, panel: Locator) {
  await panel.getByRole("button", { name: "Close", exact: true }).click();
  await dialog(page).waitFor({ state: "detached" });
}
