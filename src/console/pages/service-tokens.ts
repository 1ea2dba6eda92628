/**
 * Service tokens: the org's service accounts and their tokens. A service
 * account is created with a first token (`PATCH /v1/organization/members`);
 * more tokens are created (`POST`) or replaced by name (`PUT`, which deletes
 * every token of that name in the same write); tokens and accounts are deleted
 * after a confirmation. The API has no list of service accounts: the console
 * knows those that hold a token, and those created in this tab.
 */
import { v1 } from "../api";
import { confirmAction, showSecret } from "../dialogs";
import { field, h, select, when } from "../dom";
import { createForm, expiresAt, expirySelect, pageHeading, text } from "../forms";
import { attempt, clearNotices, showNotice } from "../notices";
import { button, code, dataTable } from "../table";
import type { Page } from "./page";
import { creditsCell, type PolicyJson, policyCell, policyFields, policyFrom } from "../policy";
import { usageButton } from "../usage";
import type { CredentialUsage } from "../usage-chart";

interface ServiceToken extends Partial<PolicyJson> {
  id: string;
  name: string;
  preview_name: string;
  service_account_id: string | null;
  service_account_name: string | null;
  created: string | null;
  expires_at: string | null;
  last_used_at: string | null;
}

interface AddedUsers {
  added_users: { id: string; api_key: string | null }[] | null;
}

/** Service accounts created in this tab, which may hold no token yet: id → name. */
const created = new Map<string, string>();

export const serviceTokensPage: Page = async (root) => {
  const accounts = h("div");
  const tokens = h("div");
  const accountChoice = h("div");

  const refresh = async () => {
    const { objects } = await v1<{ objects: ServiceToken[] }>("GET", "/service_token?limit=1000");
    const known = new Map(created);
    for (const t of objects) if (t.service_account_id) known.set(t.service_account_id, t.service_account_name ?? t.service_account_id);
    const rows = objects.map((t) => ({
      head: t.name,
      cells: [
        t.service_account_name ?? "—",
        code(t.preview_name),
        when(t.created),
        when(t.expires_at),
        when(t.last_used_at),
        policyCell(t),
        creditsCell(t),
      ],
      actions: [
        usageButton(t.name, (q) => v1<CredentialUsage>("GET", `/service_token/${t.id}/usage${q}`)),
        button("Delete", () => removeToken(t), "danger"),
      ],
    }));
    tokens.replaceChildren(
      dataTable(
        "Service tokens",
        ["Name", "Service account", "Token", "Created", "Expires", "Last used", "Limits", "Credits"],
        rows,
        "No service tokens yet.",
      ),
    );
    const accountRows = [...known].map(([id, name]) => ({
      head: name,
      cells: [code(id), String(objects.filter((t) => t.service_account_id === id).length)],
      actions: [button("Delete service account", () => removeAccount(id, name), "danger")],
    }));
    accounts.replaceChildren(dataTable("Service accounts", ["Name", "Id", "Tokens"], accountRows, "No service accounts yet."));
    const options = [...known].map(([id, name]): [string, string] => [id, name]);
    accountChoice.replaceChildren(field("Service account", select("service_account_id", options)));
  };

  const removeToken = async (t: ServiceToken) => {
    if (!(await confirmAction("Delete this service token?", `“${t.name}” (${t.preview_name}) stops working at once.`, "Delete"))) return;
    clearNotices();
    if (await attempt(() => v1("DELETE", `/service_token/${t.id}`))) showNotice(`Deleted the service token “${t.name}”.`);
    await attempt(refresh);
  };

  const removeAccount = async (id: string, name: string) => {
    const message = `The service account “${name}” and every token it holds are deleted; the tokens stop working at once.`;
    if (!(await confirmAction("Delete this service account?", message, "Delete"))) return;
    clearNotices();
    if (await attempt(() => v1("PATCH", "/organization/members", { remove_users: { ids: [id] } }))) {
      created.delete(id);
      showNotice(`Deleted the service account “${name}”.`);
    }
    await attempt(refresh);
  };

  const createAccount = createForm(
    "Create a service account",
    [
      field("Service account name", h("input", { name: "name", required: true, maxlength: 256, autocomplete: "off" })),
      field("First token name", h("input", { name: "token_name", required: true, maxlength: 256, autocomplete: "off" })),
    ],
    ["Create service account"],
    async (data) => {
      const body = { invite_users: { service_accounts: [{ name: text(data, "name"), token_name: text(data, "token_name") }] } };
      const answer = await v1<AddedUsers>("PATCH", "/organization/members", body);
      const added = answer.added_users?.[0];
      if (added) created.set(added.id, text(data, "name"));
      if (added?.api_key) await showSecret(`Service account “${text(data, "name")}” created`, "New service token", added.api_key);
      await attempt(refresh);
    },
  );

  const createToken = createForm(
    "Create or replace a token",
    [
      accountChoice,
      field(
        "Token name",
        h("input", { name: "token_name", required: true, maxlength: 256, autocomplete: "off" }),
        "Replace by name deletes every token of this name in the org and creates one new token.",
      ),
      field("Expires", expirySelect()),
      policyFields(),
    ],
    ["Create token", "Replace by name"],
    async (data, submitter) => {
      const body = {
        name: text(data, "token_name"),
        service_account_id: text(data, "service_account_id"),
        expires_at: expiresAt(text(data, "expires")),
        ...policyFrom(data),
      };
      const replace = submitter === "Replace by name";
      const token = await v1<ServiceToken & { key: string }>(replace ? "PUT" : "POST", "/service_token", body);
      await showSecret(`Service token “${token.name}” ${replace ? "replaced" : "created"}`, "New service token", token.key);
      await attempt(refresh);
    },
  );

  root.append(
    ...pageHeading(
      "Service tokens",
      "Service accounts act for machines; each holds tokens (bt-st-…). Creating and deleting them needs an owner.",
    ),
    createAccount,
    createToken,
    accounts,
    tokens,
  );
  await attempt(refresh);
};
