/**
 * Access tokens: the account's Cloudflare Access service tokens, through the
 * same `/client/v4/accounts/{account_id}/access/service_tokens` API as the
 * `cloudflare` SDK. Create with a duration, rotate with a grace period for the
 * previous secret, refresh, enable or disable, delete; the list shows expiry,
 * last use and the rotation's state, and can keep only tokens expiring soon.
 */
import { access, query } from "../api";
import { confirmAction, formDialog, showSecret } from "../dialogs";
import { field, h, select, when } from "../dom";
import { createForm, pageHeading, text } from "../forms";
import { attempt, clearNotices, showNotice } from "../notices";
import { button, code, dataTable } from "../table";
import type { Page } from "./page";
import { creditsCell, type PolicyJson, policyCell, policyFields, policyFrom } from "../policy";
import { usageButton } from "../usage";
import type { CredentialUsage } from "../usage-chart";

interface AccessToken extends Partial<PolicyJson> {
  id: string;
  client_id: string;
  name: string;
  duration: string;
  expires_at?: string;
  last_seen_at?: string;
  client_secret_version: number;
  previous_client_secret_expires_at: string | null;
  enabled: boolean;
}

/** "Expiring soon" means within this many days (the first of the default expiry warnings). */
const SOON_DAYS = 30;

const GRACE_CHOICES: [string, string][] = [
  ["3600", "1 hour"],
  ["86400", "1 day"],
  ["604800", "7 days"],
  ["0", "None: the previous secret stops at once"],
];

function secretState(t: AccessToken): Node | string {
  const until = t.previous_client_secret_expires_at;
  if (!until || Date.parse(until) <= Date.now()) return `version ${t.client_secret_version}`;
  return h("span", {}, `version ${t.client_secret_version}; previous secret valid until `, when(until));
}

function status(t: AccessToken): string {
  if (!t.enabled) return "disabled";
  return t.expires_at && Date.parse(t.expires_at) <= Date.now() ? "expired" : "enabled";
}

export const accessTokensPage: Page = async (root) => {
  const list = h("div");
  const soon = h("input", { type: "checkbox", name: "soon" });

  const refresh = async () => {
    const expiresBefore = soon.checked ? new Date(Date.now() + SOON_DAYS * 86_400_000).toISOString() : undefined;
    const tokens = await access<AccessToken[]>("GET", `/service_tokens${query({ per_page: 1000, expires_before: expiresBefore })}`);
    const rows = tokens.map((t) => ({
      head: t.name,
      cells: [
        code(t.client_id),
        status(t),
        t.duration,
        when(t.expires_at, "never (forever)"),
        when(t.last_seen_at),
        secretState(t),
        policyCell(t),
        creditsCell(t),
      ],
      actions: [
        usageButton(t.name, (q) => access<CredentialUsage>("GET", `/service_tokens/${t.id}/usage${q}`)),
        button("Rotate", () => rotate(t)),
        button("Refresh", () => refreshExpiry(t)),
        button(t.enabled ? "Disable" : "Enable", () => setEnabled(t, !t.enabled)),
        button("Delete", () => remove(t), "danger"),
      ],
    }));
    const caption = soon.checked ? `Access tokens expiring within ${SOON_DAYS} days` : "Access tokens";
    const empty = soon.checked ? `No token expires within ${SOON_DAYS} days.` : "No Access tokens yet.";
    list.replaceChildren(
      dataTable(caption, ["Name", "Client ID", "Status", "Duration", "Expires", "Last seen", "Secret", "Limits", "Credits"], rows, empty),
    );
  };
  soon.addEventListener("change", () => void attempt(refresh));

  const act = async (done: string, action: () => Promise<unknown>) => {
    clearNotices();
    if (await attempt(action)) showNotice(done);
    await attempt(refresh);
  };

  const rotate = async (t: AccessToken) => {
    const data = await formDialog(
      `Rotate “${t.name}”`,
      [
        h(
          "p",
          {},
          "A new client secret is issued under the same client ID. The previous secret keeps working for the grace period, so that clients can move over.",
        ),
        field("Grace period", select("grace", GRACE_CHOICES, "3600")),
      ],
      "Rotate",
    );
    if (!data) return;
    const grace = Number(text(data, "grace"));
    const body = grace > 0 ? { previous_client_secret_expires_at: new Date(Date.now() + grace * 1000).toISOString() } : {};
    clearNotices();
    let secret = "";
    const ok = await attempt(async () => {
      secret = (await access<{ client_secret: string }>("POST", `/service_tokens/${t.id}/rotate`, body)).client_secret;
    });
    if (ok) await showSecret(`New secret for “${t.name}”`, "Client secret", secret, [h("p", {}, "Client ID: ", code(t.client_id))]);
    secret = "";
    await attempt(refresh);
  };

  const refreshExpiry = (t: AccessToken) =>
    act(`Refreshed “${t.name}”: it expires ${t.duration === "forever" ? "never" : `${t.duration} from now`}.`, () =>
      access("POST", `/service_tokens/${t.id}/refresh`),
    );

  const setEnabled = (t: AccessToken, enabled: boolean) =>
    act(`${enabled ? "Enabled" : "Disabled"} “${t.name}”.`, () => access("PUT", `/service_tokens/${t.id}`, { enabled }));

  const remove = async (t: AccessToken) => {
    if (!(await confirmAction("Delete this Access token?", `“${t.name}” (${t.client_id}) stops working at once.`, "Delete"))) return;
    await act(`Deleted the Access token “${t.name}”.`, () => access("DELETE", `/service_tokens/${t.id}`));
  };

  const form = createForm(
    "Create an Access token",
    [
      field("Name", h("input", { name: "name", required: true, maxlength: 256, autocomplete: "off" })),
      field(
        "Duration",
        h("input", { name: "duration", value: "8760h", required: true, maxlength: 64, autocomplete: "off" }),
        "A Go duration such as 24h, 720h or 8760h (a year), or forever.",
      ),
      policyFields(),
    ],
    ["Create Access token"],
    async (data) => {
      const t = await access<AccessToken & { client_secret: string }>("POST", "/service_tokens", {
        name: text(data, "name"),
        duration: text(data, "duration"),
        ...policyFrom(data),
      });
      await showSecret(`Access token “${t.name}” created`, "Client secret", t.client_secret, [
        h("p", {}, "Client ID: ", code(t.client_id)),
      ]);
      await attempt(refresh);
    },
  );

  root.append(
    ...pageHeading(
      "Access tokens",
      "Cloudflare Access service tokens of this account: a client ID and secret sent as CF-Access-Client-Id and CF-Access-Client-Secret.",
    ),
    form,
    h("div", { class: "filters" }, field(`Expiring soon (within ${SOON_DAYS} days)`, soon)),
    list,
  );
  await attempt(refresh);
};
