/** Webhooks: the org's endpoints for credential events (Standard Webhooks), created with a signing secret shown once, rotated and deleted. */
import { v1 } from "../api";
import { confirmAction, showSecret } from "../dialogs";
import { field, h, when } from "../dom";
import { createForm, pageHeading, text } from "../forms";
import { attempt, clearNotices, showNotice } from "../notices";
import { button, code, dataTable } from "../table";
import type { Page } from "./page";

interface Webhook {
  id: string;
  url: string;
  events: string[] | null;
  description: string | null;
  created: string;
  disabled_at: string | null;
  disabled_reason: string | null;
}

export const webhooksPage: Page = async (root) => {
  const list = h("div");
  const refresh = async () => {
    const { objects } = await v1<{ objects: Webhook[] }>("GET", "/webhook");
    const rows = objects.map((w) => ({
      head: code(w.url),
      cells: [
        w.description ?? "—",
        w.events?.join(", ") ?? "every event",
        w.disabled_at ? `disabled: ${w.disabled_reason ?? ""}` : "enabled",
        when(w.created),
      ],
      actions: [button("Rotate secret", () => rotate(w)), button("Delete", () => remove(w), "danger")],
    }));
    list.replaceChildren(dataTable("Webhooks", ["URL", "Description", "Events", "Status", "Created"], rows, "No webhooks yet."));
  };

  const rotate = async (w: Webhook) => {
    const message =
      "A new signing secret is issued; deliveries are signed with both secrets for a grace period, so that the receiver can move over.";
    if (!(await confirmAction("Rotate this webhook's secret?", message, "Rotate secret"))) return;
    clearNotices();
    let secret = "";
    if (await attempt(async () => (secret = (await v1<{ secret: string }>("POST", `/webhook/${w.id}/rotate_secret`, {})).secret))) {
      await showSecret("New signing secret", "Signing secret", secret, [h("p", {}, "Webhook: ", code(w.url))]);
    }
    secret = "";
    await attempt(refresh);
  };

  const remove = async (w: Webhook) => {
    if (!(await confirmAction("Delete this webhook?", `Deliveries to ${w.url} stop.`, "Delete"))) return;
    clearNotices();
    if (await attempt(() => v1("DELETE", `/webhook/${w.id}`))) showNotice("Deleted the webhook.");
    await attempt(refresh);
  };

  const form = createForm(
    "Add a webhook",
    [
      field(
        "URL",
        h("input", { name: "url", type: "url", required: true, maxlength: 2048, autocomplete: "off" }),
        "An https URL on a public host.",
      ),
      field("Description", h("input", { name: "description", maxlength: 256, autocomplete: "off" })),
    ],
    ["Add webhook"],
    async (data) => {
      const w = await v1<Webhook & { secret: string }>("POST", "/webhook", {
        url: text(data, "url"),
        description: text(data, "description") || undefined,
      });
      await showSecret("Webhook added", "Signing secret", w.secret, [h("p", {}, "Webhook: ", code(w.url))]);
      await attempt(refresh);
    },
  );

  root.append(
    ...pageHeading(
      "Webhooks",
      "Endpoints that receive the org's credential events (created, rotated, deleted, expiring…), signed as Standard Webhooks.",
    ),
    form,
    list,
  );
  await attempt(refresh);
};
