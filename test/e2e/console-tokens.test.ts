/**
 * The console's service tokens, Access tokens, audit log and Access
 * applications in Chromium, each step checked against the API itself: a
 * service account with its first token, a replacement by name, an Access token
 * rotated with a grace period (both secrets work, then only the new one),
 * disabled and enabled, refreshed, filtered as expiring soon, deleted.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { baseUrl, bootstrap, unique } from "./helpers";
import {
  apiStatus,
  bearer,
  closeUsage,
  confirmDelete,
  type ConsoleSession,
  dialog,
  goTo,
  openConsole,
  openUsage,
  rowOf,
  signIn,
  skipBrowser,
  takeSecret,
  totalsOf,
} from "./console-driver";

/** Authenticates with an Access token's client id and secret: the status, and whether the previous secret was used. */
async function accessAuth(clientId: string, secret: string) {
  const res = await fetch(`${baseUrl()}/cdn-cgi/access/get-identity`, {
    headers: { "CF-Access-Client-Id": clientId, "CF-Access-Client-Secret": secret },
  });
  return { status: res.status, previous: res.ok ? ((await res.json()) as { used_previous_secret: boolean }).used_previous_secret : null };
}

describe.skipIf(skipBrowser)("the console in Chromium: service tokens, Access tokens, audit log", () => {
  let s: ConsoleSession;
  beforeAll(async () => {
    s = await openConsole();
    await signIn(s.page, s.owner.api_key.key);
  });
  afterAll(async () => {
    await s?.browser.close();
  });

  it("creates a service account with its first token, replaces the token by name, deletes it", async () => {
    const { page } = s;
    await goTo(page, "Service tokens");
    const account = unique("robot");
    const tokenName = unique("deploy");
    await page.getByLabel("Service account name").fill(account);
    await page.getByLabel("First token name").fill(tokenName);
    await page.getByRole("button", { name: "Create service account", exact: true }).click();
    const first = await takeSecret(page);
    expect(first).toMatch(/^bt-st-/);
    expect(await apiStatus("/v1/api_key", bearer(first))).toBe(200);
    await rowOf(page, tokenName).waitFor();

    await page.getByLabel("Service account", { exact: true }).selectOption({ label: account });
    await page.getByLabel("Token name", { exact: true }).fill(tokenName);
    await page.getByRole("button", { name: "Replace by name", exact: true }).click();
    const second = await takeSecret(page);
    expect(await apiStatus("/v1/api_key", bearer(first))).toBe(401); // replaced: zero overlap
    expect(await apiStatus("/v1/api_key", bearer(second))).toBe(200);

    await confirmDelete(page, rowOf(page, tokenName));
    expect(await apiStatus("/v1/api_key", bearer(second))).toBe(401);
    await confirmDelete(page, rowOf(page, account), "Delete service account");
  });

  it("rotates an Access token with a grace period: both secrets work, then a rotation without grace leaves only the new one", async () => {
    const { page } = s;
    await goTo(page, "Access tokens");
    const name = unique("ci-access");
    await page.getByLabel("Name", { exact: true }).fill(name);
    await page.getByLabel("Duration").fill("8760h");
    await page.getByRole("button", { name: "Create Access token", exact: true }).click();
    await dialog(page).waitFor();
    const clientId = (await dialog(page).locator("code").textContent())!;
    expect(clientId).toMatch(/^[0-9a-f]{32}\.access$/);
    const original = await takeSecret(page);
    const row = rowOf(page, name);
    expect(await row.textContent()).toContain("version 1");
    expect(await accessAuth(clientId, original)).toEqual({ status: 200, previous: false });

    // With a grace period: the row shows until when the previous secret lives, and both work.
    await row.getByRole("button", { name: "Rotate", exact: true }).click();
    await dialog(page).getByLabel("Grace period").selectOption({ label: "1 hour" });
    await dialog(page).getByRole("button", { name: "Rotate", exact: true }).click();
    await dialog(page).getByText(`New secret for “${name}”`).waitFor();
    const rotated = await takeSecret(page);
    await row.getByText(/^version 2; previous secret valid until in (60 minutes|1 hour)$/).waitFor();
    expect(await accessAuth(clientId, original)).toEqual({ status: 200, previous: true });
    expect(await accessAuth(clientId, rotated)).toEqual({ status: 200, previous: false });

    // Without one: the previous secret dies at once, and the row says only the version.
    await row.getByRole("button", { name: "Rotate", exact: true }).click();
    await dialog(page).getByLabel("Grace period").selectOption({ label: "None: the previous secret stops at once" });
    await dialog(page).getByRole("button", { name: "Rotate", exact: true }).click();
    const latest = await takeSecret(page);
    await row.getByText("version 3", { exact: true }).waitFor();
    expect((await accessAuth(clientId, rotated)).status).toBe(401);
    expect(await accessAuth(clientId, latest)).toEqual({ status: 200, previous: false });

    await row.getByRole("button", { name: "Disable", exact: true }).click();
    await row.getByText("disabled", { exact: true }).waitFor();
    expect((await accessAuth(clientId, latest)).status).toBe(403);
    await row.getByRole("button", { name: "Enable", exact: true }).click();
    await row.getByText("enabled", { exact: true }).waitFor();
    expect((await accessAuth(clientId, latest)).status).toBe(200);
    await row.getByRole("button", { name: "Refresh", exact: true }).click();
    await page.getByText(`Refreshed “${name}”`).waitFor();
    // The list's "Last seen" waits for the token's hourly usage report; its Usage dialog is exact at once.
    const usage = await openUsage(page, name);
    const figures = await totalsOf(usage);
    expect(figures).toMatchObject({ Success: "5", Disabled: "1" });
    expect(figures["Last used"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await closeUsage(page, usage);

    await confirmDelete(page, row);
    expect((await accessAuth(clientId, latest)).status).toBe(401);
  });

  it("filters Access tokens expiring soon", async () => {
    const { page } = s;
    await goTo(page, "Access tokens");
    const soon = unique("short-lived");
    const later = unique("long-lived");
    for (const [name, duration] of [
      [soon, "24h"],
      [later, "8760h"],
    ] as const) {
      await page.getByLabel("Name", { exact: true }).fill(name);
      await page.getByLabel("Duration").fill(duration);
      await page.getByRole("button", { name: "Create Access token", exact: true }).click();
      await takeSecret(page);
      await rowOf(page, name).waitFor();
    }
    await page.getByLabel("Expiring soon (within 30 days)").check();
    await page.getByRole("table", { name: "Access tokens expiring within 30 days" }).waitFor();
    await rowOf(page, soon).waitFor();
    expect(await rowOf(page, later).count()).toBe(0);
    await page.getByLabel("Expiring soon (within 30 days)").uncheck();
    await rowOf(page, later).waitFor();
  });

  it("reads the audit log and filters it by action", async () => {
    const { page } = s;
    await goTo(page, "Audit log");
    await page
      .getByRole("row", { name: /access_token\.rotate/ })
      .first()
      .waitFor();
    await page
      .getByRole("row", { name: /api_key|org\.bootstrap/ })
      .first()
      .waitFor();
    await page.getByLabel("Action").selectOption("access_token.rotate");
    await page.getByRole("button", { name: "Apply filters", exact: true }).click();
    const rows = page.locator("tbody tr");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("tbody tr")].every((tr) => tr.textContent?.includes("access_token.rotate")),
    );
    expect(await rows.count()).toBe(2);
  });

  it("creates Access applications with a first policy, says when one refuses everything, and deletes them", async () => {
    const { page } = s;
    // Applications go only on hosts the operator gave the account: sign in as the owner of the account the Worker's ORIGINS names.
    const apps = await bootstrap("console-apps", `${unique("apps")}@example.com`, inject("appsAccountId"));
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await signIn(page, apps.api_key.key);
    await goTo(page, "Access applications");
    const guarded = `${inject("appsHost")}/${unique("admin")}`;
    await page.getByLabel("Domain").fill(guarded);
    await page.getByLabel("Application name").fill("Admin");
    await page.getByLabel("Who may pass").selectOption({ label: "Any valid Access token of this account" });
    await page.getByRole("button", { name: "Create application", exact: true }).click();
    const row = rowOf(page, guarded);
    expect(await row.textContent()).toMatch(/[0-9a-f]{64}/); // its AUD tag
    expect(await row.textContent()).not.toMatch(/refuses every request/);
    const shut = `${inject("appsHost")}/${unique("shut")}`;
    await page.getByLabel("Domain").fill(shut);
    await page.getByLabel("Who may pass").selectOption({ label: "No policy yet (refuses every request)" });
    await page.getByRole("button", { name: "Create application", exact: true }).click();
    await page.getByText(/It refuses every request until a policy is linked/).waitFor();
    expect(await rowOf(page, shut).textContent()).toMatch(/none: refuses every request/);
    await confirmDelete(page, rowOf(page, shut));
    await confirmDelete(page, row);
    // A host the operator did not give the account is refused with the API's message (Chromium logs that 400: expected).
    const before = s.problems.length;
    await page.getByLabel("Domain").fill(`${unique("elsewhere")}.example.com`);
    await page.getByRole("button", { name: "Create application", exact: true }).click();
    await page.getByText(/is not a host of this account/).waitFor();
    const logged = s.problems.splice(before);
    expect(
      logged.every((line) => /status of 400/.test(line)),
      logged.join("\n"),
    ).toBe(true);
  });

  it("names who acted in the audit log as the event says", async () => {
    const { page } = s;
    await goTo(page, "Audit log");
    // This org was bootstrapped with the admin token; its applications were made by its owner, shown by email.
    await page
      .getByRole("row", { name: /org\.bootstrap.*admin token/ })
      .first()
      .waitFor();
    await page
      .getByRole("row", { name: /access_app\.create.*@example\.com/ })
      .first()
      .waitFor();
  });

  it("saw no console error, no page error and no request to another host", () => {
    expect(s.problems).toEqual([]);
  });
});
