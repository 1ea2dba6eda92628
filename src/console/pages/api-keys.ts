/** API keys: the caller's own keys, listed, created (with an optional expiry; the key shown once) and deleted. */
import { v1 } from "../api";
import { confirmAction, showSecret } from "../dialogs";
import { field, h, when } from "../dom";
import { createForm, expiresAt, expirySelect, pageHeading, text } from "../forms";
import { attempt, clearNotices, showNotice } from "../notices";
import { currentIdentity } from "../session";
import { button, code, dataTable } from "../table";
import type { Page } from "./page";
import { creditsCell, type PolicyJson, policyCell, policyFields, policyFrom } from "../policy";
import { usageButton } from "../usage";
import type { CredentialUsage } from "../usage-chart";

interface ApiKey extends Partial<PolicyJson> {
  id: string;
  name: string;
  preview_name: string;
  created: string | null;
  expires_at: string | null;
  last_used_at: string | null;
}

export const apiKeysPage: Page = async (root, ctx) => {
  const list = h("div");
  const refresh = async () => {
    const { objects } = await v1<{ objects: ApiKey[] }>("GET", "/api_key?limit=1000");
    const mine = currentIdentity().id;
    const rows = objects.map((key) => ({
      head: [key.name, key.id === mine ? h("small", {}, "signed in with this key") : null],
      cells: [code(key.preview_name), when(key.created), when(key.expires_at), when(key.last_used_at), policyCell(key), creditsCell(key)],
      actions: [
        usageButton(key.name, (q) => v1<CredentialUsage>("GET", `/api_key/${key.id}/usage${q}`)),
        button("Delete", () => remove(key), "danger"),
      ],
    }));
    list.replaceChildren(
      dataTable("Your API keys", ["Name", "Key", "Created", "Expires", "Last used", "Limits", "Credits"], rows, "You have no API keys."),
    );
  };

  const remove = async (key: ApiKey) => {
    const own = key.id === currentIdentity().id;
    const message = own
      ? `“${key.name}” is the key this console is signed in with: deleting it signs you out. It stops working at once.`
      : `“${key.name}” (${key.preview_name}) stops working at once. This cannot be undone.`;
    if (!(await confirmAction("Delete this API key?", message, "Delete"))) return;
    clearNotices();
    const deleted = await attempt(() => v1("DELETE", `/api_key/${key.id}`));
    if (deleted && own) return ctx.signOut("You deleted the key you were signed in with, and have been signed out.");
    if (deleted) showNotice(`Deleted the API key “${key.name}”.`);
    await attempt(refresh);
  };

  const name = h("input", { name: "name", required: true, maxlength: 256, autocomplete: "off" });
  const form = createForm(
    "Create an API key",
    [field("Name", name), field("Expires", expirySelect()), policyFields()],
    ["Create API key"],
    async (data) => {
      const body = { name: text(data, "name"), expires_at: expiresAt(text(data, "expires")), ...policyFrom(data) };
      const created = await v1<ApiKey & { key: string }>("POST", "/api_key", body);
      await showSecret(`API key “${created.name}” created`, "New API key", created.key);
      await attempt(refresh);
    },
  );

  root.append(
    ...pageHeading("API keys", "Keys that act as you. A new key is shown once, when it is created; delete a key to stop it at once."),
    form,
    list,
  );
  await attempt(refresh);
};
