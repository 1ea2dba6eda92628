/**
 * Usage in the console (issue 27), in Chromium: a credential's chart after
 * real requests made with it (inline SVG named and described for screen
 * readers, its buckets in a data table, the totals equal to the requests
 * made), the empty state, the three periods; the org overview ranked both
 * ways, by kind, paged with "Show more", checked against the API's own
 * answer; a member told the overview is for owners; 375 and 1440 px.
 */
import { join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintToken } from "../../src/core/credentials/tokens";
import { ARTIFACTS, actionsOffScreen, scrollsSideways, seriousViolations, tablesOverflowing } from "./browser";
import {
  bearer,
  type ConsoleSession,
  closeUsage,
  dialog,
  goTo,
  openConsole,
  openUsage,
  signIn,
  skipBrowser,
  takeSecret,
  totalsOf,
} from "./console-driver";
import { baseUrl, unique } from "./helpers";

const get = (path: string, key: string) => fetch(`${baseUrl()}${path}`, { headers: bearer(key) });

/** The chart's description (its <desc>, which aria-describedby names). */
const descriptionOf = (chart: Locator) =>
  chart.evaluate((svg) => document.getElementById(svg.getAttribute("aria-describedby") ?? "")?.textContent ?? "");

/** Chooses a period; the status (announced to screen readers) then says how many requests it holds. */
async function choosePeriod(panel: Locator, label: string, phrase: string) {
  await panel.getByLabel("Period").selectOption({ label });
  await panel.getByRole("status").getByText(`requests ${phrase}.`).waitFor();
  await panel.locator(".usage-view:not([aria-busy])").waitFor();
}

/** Every credential of the org as the API ranks them, all pages. */
async function ranked(key: string, params: string): Promise<{ name: string; kind: string }[]> {
  const out: { name: string; kind: string }[] = [];
  let cursor: string | null = null;
  do {
    const res = await get(`/v1/usage?limit=100&${params}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, key);
    expect(res.status).toBe(200);
    const page = (await res.json()) as { objects: { name: string; kind: string }[]; next_cursor: string | null };
    out.push(...page.objects.map(({ name, kind }) => ({ name, kind })));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

/** The overview table's row headers (names) in order. */
const shownNames = (page: Page) => page.locator("tbody th[scope=row]").allTextContents();

describe.skipIf(skipBrowser)("the console in Chromium: usage", () => {
  let s: ConsoleSession;
  let memberToken = "";
  let chartedKey = "";
  beforeAll(async () => {
    s = await openConsole();
    await signIn(s.page, s.owner.api_key.key);
  });
  afterAll(async () => {
    await s?.browser.close();
  });

  it("charts an API key's requests by outcome after real use: described for screen readers, totals equal to the requests made", async () => {
    const { page } = s;
    await goTo(page, "API keys");
    const name = (chartedKey = unique("charted-key"));
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByRole("button", { name: "Create API key", exact: true }).click();
    const key = await takeSecret(page);
    const listed = (await (await get("/v1/api_key?limit=1000", s.owner.api_key.key)).json()) as { objects: { id: string; name: string }[] };
    const id = listed.objects.find((k) => k.name === name)!.id;
    // Three admitted requests, and two with a wrong secret for this key (a well-formed token naming it).
    for (let i = 0; i < 3; i++) expect((await get("/v1/api_key", key)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await get("/v1/api_key", mintToken("api_key", id).token)).status).toBe(401);

    const panel = await openUsage(page, name);
    const chart = panel.getByRole("img", { name: "Requests per hour by outcome in the last 24 hours" });
    await chart.waitFor();
    expect(await descriptionOf(chart)).toMatch(
      /^5 requests from \S+Z to \S+Z: 3 success, 2 wrong secret\. The busiest hour began \S+Z, with [1-5] requests?\.$/, // 5 unless an hour ended meanwhile
    );
    const totals = await totalsOf(panel);
    expect(totals).toMatchObject({ Requests: "5", Success: "3", "Wrong secret": "2", "Rate limited": "0", "Credits left": "unlimited" });
    expect(totals["Last used"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    // Two colours of bars: the successes and the wrong secrets.
    expect(await chart.locator("rect.u-success").count()).toBeGreaterThan(0);
    expect(await chart.locator("rect.u-wrong_secret").count()).toBeGreaterThan(0);

    // The buckets as a table, under a disclosure: its requests add up to the total.
    await panel.getByText("Data table", { exact: true }).click();
    const table = panel.getByRole("table", {
      name: /^Requests per hour in the last 24 hours: the (1 hour|2 hours) that counted any, of 2[45]$/,
    });
    const cells = await table
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(cells.reduce((n, [requests]) => n + Number(requests), 0)).toBe(5);
    expect(await table.locator("thead th").allTextContents()).toEqual(["Start (UTC)", "Requests", "Success", "Wrong secret"]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "usage-dialog-1440.png"), fullPage: true });

    // The other periods count the same five requests, per minute and over 30 days.
    await choosePeriod(panel, "Last hour, per minute", "in the last hour");
    await panel.getByRole("img", { name: "Requests per minute by outcome in the last hour" }).waitFor();
    expect(await totalsOf(panel)).toMatchObject({ Requests: "5", Success: "3", "Wrong secret": "2" });
    await choosePeriod(panel, "Last 30 days, per hour", "in the last 30 days");
    await panel.getByRole("img", { name: "Requests per hour by outcome in the last 30 days" }).waitFor();
    expect(await totalsOf(panel)).toMatchObject({ Requests: "5", Success: "3", "Wrong secret": "2" });

    // At 375 px the dialog, its chart and its table fit without a sideways scroll.
    await page.setViewportSize({ width: 375, height: 800 });
    await panel.getByText("Data table", { exact: true }).click();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await tablesOverflowing(page)).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, "usage-dialog-375.png"), fullPage: true });
    await page.setViewportSize({ width: 1440, height: 900 });
    await closeUsage(page, panel);
  });

  it("shows a service token's and an Access token's usage, and an empty state before any request", async () => {
    const { page } = s;
    await goTo(page, "Service tokens");
    const tokenName = unique("usage-token");
    await page.getByLabel("Service account name").fill(unique("usage-robot"));
    await page.getByLabel("First token name").fill(tokenName);
    await page.getByRole("button", { name: "Create service account", exact: true }).click();
    memberToken = await takeSecret(page);
    let panel = await openUsage(page, tokenName);
    await panel.getByText("No requests were counted in the last 24 hours.", { exact: true }).waitFor();
    expect(await panel.getByRole("img").count()).toBe(0);
    expect(await totalsOf(panel)).toMatchObject({ Requests: "0", "Last used": "never" });
    await closeUsage(page, panel);
    for (let i = 0; i < 2; i++) expect((await get("/v1/api_key", memberToken)).status).toBe(200);
    panel = await openUsage(page, tokenName);
    expect(await descriptionOf(panel.getByRole("img"))).toMatch(/^2 requests .*: 2 success\./);
    expect(await totalsOf(panel)).toMatchObject({ Requests: "2", Success: "2" });
    await closeUsage(page, panel);

    await goTo(page, "Access tokens");
    const accessName = unique("usage-access");
    await page.getByLabel("Name", { exact: true }).fill(accessName);
    await page.getByRole("button", { name: "Create Access token", exact: true }).click();
    await dialog(page).waitFor();
    const clientId = (await dialog(page).locator("code").textContent())!;
    const secret = await takeSecret(page);
    const identity = await fetch(`${baseUrl()}/cdn-cgi/access/get-identity`, {
      headers: { "CF-Access-Client-Id": clientId, "CF-Access-Client-Secret": secret },
    });
    expect(identity.status).toBe(200);
    panel = await openUsage(page, accessName);
    expect(await totalsOf(panel)).toMatchObject({ Requests: "1", Success: "1" });
    await panel.getByRole("img", { name: "Requests per hour by outcome in the last 24 hours" }).waitFor();
    await closeUsage(page, panel);
  });

  it("lists the org's credentials most used and least used first, by kind, paged with Show more, as the API ranks them", async () => {
    const { page } = s;
    // More credentials than a page holds (10).
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`${baseUrl()}/v1/api_key`, {
        method: "POST",
        headers: { ...bearer(s.owner.api_key.key), "Content-Type": "application/json" },
        body: JSON.stringify({ name: unique("fleet-key") }),
      });
      expect(res.status).toBe(200);
    }
    await goTo(page, "Usage");
    const all = await ranked(s.owner.api_key.key, "order=desc");
    expect(all.length).toBeGreaterThan(10);
    await page.getByRole("table", { name: /^Most used credentials, \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d \(UTC days\)$/ }).waitFor();
    expect(await shownNames(page)).toEqual(all.slice(0, 10).map((c) => c.name));
    await page.getByRole("button", { name: "Show more", exact: true }).click();
    await page.waitForFunction((n) => document.querySelectorAll("tbody th[scope=row]").length === n, Math.min(all.length, 20));
    expect(await shownNames(page)).toEqual(all.slice(0, 20).map((c) => c.name));
    while (await page.getByRole("button", { name: "Show more", exact: true }).isVisible()) {
      const before = (await shownNames(page)).length;
      await page.getByRole("button", { name: "Show more", exact: true }).click();
      await page.waitForFunction((n) => document.querySelectorAll("tbody th[scope=row]").length > n, before);
    }
    expect(await shownNames(page)).toEqual(all.map((c) => c.name));
    // Each kind is named; each row has its requests, failures and last use.
    for (const kind of ["API key", "Service token", "Access token"])
      await page.getByRole("cell", { name: kind, exact: true }).first().waitFor();
    // A row's Usage is the credential's exact chart, counted at once (the list's own totals wait for the hourly report).
    const panel = await openUsage(page, chartedKey);
    expect(await totalsOf(panel)).toMatchObject({ Requests: "5", Success: "3", "Wrong secret": "2" });
    await closeUsage(page, panel);

    await page.getByLabel("Order").selectOption({ label: "Least used first (unused first)" });
    await page.getByRole("button", { name: "Show", exact: true }).click();
    await page.getByRole("table", { name: /^Least used credentials/ }).waitFor();
    const asc = await ranked(s.owner.api_key.key, "order=asc");
    expect(await shownNames(page)).toEqual(asc.slice(0, 10).map((c) => c.name));

    await page.getByLabel("Kind").selectOption({ label: "Access token" });
    await page.getByRole("button", { name: "Show", exact: true }).click();
    const tokens = await ranked(s.owner.api_key.key, "order=asc&kind=access_token");
    await page.waitForFunction((n) => document.querySelectorAll("tbody th[scope=row]").length === n, tokens.length);
    expect(await shownNames(page)).toEqual(tokens.map((c) => c.name));
    expect(await page.getByRole("button", { name: "Show more", exact: true }).isVisible()).toBe(false);

    for (const width of [375, 1440]) {
      await page.setViewportSize({ width, height: width > 1000 ? 900 : 800 });
      expect(await scrollsSideways(page), `${width} px`).toBe(false);
      expect(await tablesOverflowing(page), `${width} px`).toEqual([]);
      expect(await actionsOffScreen(page), `${width} px`).toEqual([]);
    }
  });

  it("tells a member that the org's usage is for its owners", async () => {
    const { page } = s;
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signIn(page, memberToken); // the service account's token: a member of the org
    const before = s.problems.length;
    await goTo(page, "Usage");
    await page.getByText("Only the org's owners can see its usage.").waitFor();
    expect(await page.locator(".page").textContent()).toContain("requires an org owner's credential");
    expect(await page.getByRole("table").count()).toBe(0);
    expect(await page.getByRole("alert").textContent()).toBe(""); // a clear message on the page, not an error
    // Chromium logs the refused request itself; that one line is expected here, and nothing else.
    const logged = s.problems.splice(before);
    expect(
      logged.every((line) => /status of 403/.test(line)),
      logged.join("\n"),
    ).toBe(true);
  });

  it("saw no console error, no page error and no request to another host", () => {
    expect(s.problems).toEqual([]);
  });
});
