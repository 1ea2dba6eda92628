/** Access applications: the hosts and paths the gateway guards, listed, created (self-hosted, by domain) and deleted. */
import { access } from "../api";
import { confirmAction } from "../dialogs";
import { field, h, when } from "../dom";
import { createForm, pageHeading, text } from "../forms";
import { attempt, clearNotices, showNotice } from "../notices";
import { button, code, dataTable } from "../table";
import type { Page } from "./page";

interface AccessApp {
  id: string;
  name?: string;
  domain: string;
  aud: string;
  policies?: unknown[];
  created_at?: string;
}

export const accessAppsPage: Page = async (root) => {
  const list = h("div");
  const refresh = async () => {
    const apps = await access<AccessApp[]>("GET", "/apps?per_page=1000");
    const rows = apps.map((a) => ({
      head: a.name || a.domain,
      cells: [code(a.domain), code(a.aud), String(a.policies?.length ?? 0), when(a.created_at)],
      actions: [button("Delete", () => remove(a), "danger")],
    }));
    list.replaceChildren(dataTable("Access applications", ["Name", "Domain", "AUD tag", "Policies", "Created"], rows, "No Access applications yet."));
  };

  const remove = async (a: AccessApp) => {
    const message = `Requests to ${a.domain} are no longer decided by this application's policies.`;
    if (!(await confirmAction("Delete this application?", message, "Delete"))) return;
    clearNotices();
    if (await attempt(() => access("DELETE", `/apps/${a.id}`))) showNotice(`Deleted the application “${a.name || a.domain}”.`);
    await attempt(refresh);
  };

  const form = createForm(
    "Create a self-hosted application",
    [
      field("Domain", h("input", { name: "domain", required: true, maxlength: 1024, autocomplete: "off" }), "A host and optional path, without scheme: app.example.com/admin."),
      field("Application name", h("input", { name: "name", maxlength: 256, autocomplete: "off" })),
    ],
    ["Create application"],
    async (data) => {
      const app = await access<AccessApp>("POST", "/apps", { type: "self_hosted", domain: text(data, "domain"), name: text(data, "name") || undefined });
      showNotice(`Created the application “${app.name || app.domain}”; its AUD tag is ${app.aud}. Add policies with the API or the SDK.`);
      await attempt(refresh);
    },
  );

  root.append(...pageHeading("Access applications", "Hosts and paths the gateway guards, each with its AUD tag and policies."), form, list);
  await attempt(refresh);
};
