/**
 * Every page of the console at 1440 px and at 375 px wide, in Chromium: no
 * sideways scrolling of the page (wide tables scroll in their own box), no
 * serious or critical accessibility violation (axe-core), a screenshot of each
 * kept in test-artifacts/console/, and nothing but the Worker's origin asked.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ARTIFACTS, actionsOffScreen, scrollsSideways, seriousViolations, tablesOverflowing } from "./browser";
import { type ConsoleSession, dialog, goTo, openConsole, rowOf, signIn, skipBrowser, takeSecret } from "./console-driver";
import { baseUrl } from "./helpers";

const PAGES = ["API keys", "Service tokens", "Access tokens", "Usage", "Audit log", "Webhooks", "Access applications"];
const slug = (title: string) => title.toLowerCase().replaceAll(" ", "-");

describe.skipIf(skipBrowser)("the console in Chromium: every page at 1440 px and 375 px", () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
    const { page } = s;
    await signIn(page, s.owner.api_key.key);
    // Something in the lists, as a user would have it.
    for (const [name, expiry] of [
      ["ci-deploy", "In 90 days"],
      ["local-laptop", "Never"],
    ] as const) {
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByLabel("Expires").selectOption({ label: expiry });
      await page.getByRole("button", { name: "Create API key", exact: true }).click();
      await dialog(page).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, `copy-once-dialog-1440.png`) });
      await takeSecret(page);
      await rowOf(page, name).waitFor();
    }
    await goTo(page, "Access tokens");
    await page.getByLabel("Name", { exact: true }).fill("billing-origin");
    await page.getByRole("button", { name: "Create Access token", exact: true }).click();
    await takeSecret(page);
    await goTo(page, "Service tokens");
    await page.getByLabel("Service account name").fill("nightly-export");
    await page.getByLabel("First token name").fill("export-job");
    await page.getByRole("button", { name: "Create service account", exact: true }).click();
    await takeSecret(page);
  });
  afterAll(async () => {
    await s?.browser.close();
  });

  for (const width of [1440, 375]) {
    it(`shows every page at ${width} px: no sideways scrolling, no serious accessibility violation, a screenshot`, async () => {
      const { page } = s;
      await page.setViewportSize({ width, height: width > 1000 ? 900 : 800 });
      for (const title of PAGES) {
        await goTo(page, title);
        expect(await scrollsSideways(page), `${title} at ${width} px`).toBe(false);
        // Every table fits: at 1440 px as a table, at 375 px as stacked rows whose actions show.
        expect(await tablesOverflowing(page), `${title} at ${width} px`).toEqual([]);
        expect(await actionsOffScreen(page), `${title} at ${width} px`).toEqual([]);
        expect(await seriousViolations(page), `${title} at ${width} px`).toEqual([]);
        await page.screenshot({ path: join(ARTIFACTS, `${slug(title)}-${width}.png`), fullPage: true });
      }
    });
  }

  it("shows the sign-in page at 375 px without sideways scrolling or serious violations", async () => {
    const { page } = s;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByLabel("API key", { exact: true }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "sign-in-375.png"), fullPage: true });
  });

  it("shows /docs without a console error (no favicon 404)", async () => {
    const { page } = s;
    await page.goto(`${baseUrl()}/docs`);
    await page.locator(".swagger-ui .info").waitFor();
  });

  it("saw no console error, no page error and no request to another host", () => {
    expect(s.problems).toEqual([]);
  });
});
