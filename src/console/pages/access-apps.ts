/**
 * Access applications: the hosts and paths the gateway guards, listed, created
 * (self-hosted, by domain, with a first policy) and deleted. An application
 * without a policy refuses every request: the form offers one, and the list
 * says so where there is none.
 */
import { access } from "../api";
import { confirmAction } from "../dialogs";
import { field, h, select, when } from "../dom";
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
      cells: [
        code(a.domain),
        code(a.aud),
        a.policies?.length ? String(a.policies.length) : "none: refuses every request",
        when(a.created_at),
      ],
      actions: [button("Delete", () => remove(a), "danger")],
    }));
    list.replaceChildren(
      dataTable("Access applications", ["Name", "Domain", "AUD tag", "Policies", "Created"], rows, "No Access applications yet."),
    );
  };

  const remove = async (a: AccessApp) => {
    const message = `Requests to ${a.domain} are no longer decided by this application's policies.`;
    if (!(await confirmAction("Delete this application?", message, "Delete"))) return;
    clearNotices();
    if (await attempt(() => access("DELETE", `/apps/${a.id}`))) showNotice(`Deleted the application “${a.name || a.domain}”.`);
    await attempt(refresh);
  };

  const tokenChoice = select("token_id", [["", "Choose a token"]]);
  const form = createForm(
    "Create a self-hosted application",
    [
      field(
        "Domain",
        h("input", { name: "domain", required: true, maxlength: 1024, autocomplete: "off" }),
        "A host the operator gave this account, and an optional path, without scheme: app.example.com/admin.",
      ),
      field("Application name", h("input", { name: "name", maxlength: 256, autocomplete: "off" })),
      field(
        "Who may pass",
        select("policy", POLICY_CHOICES, "any_token"),
        "Without a policy the application refuses every request until one is linked.",
      ),
      field("Access token", tokenChoice, "For “One Access token”."),
      field(
        "IP range",
        h("input", { name: "ip", maxlength: 64, autocomplete: "off", placeholder: "203.0.113.0/24" }),
        "For “Everyone from an IP range”: an address or CIDR range.",
      ),
    ],
    ["Create application"],
    async (data) => {
      const policy = policyOf(text(data, "policy"), text(data, "token_id"), text(data, "ip"));
      const body = {
        type: "self_hosted",
        domain: text(data, "domain"),
        name: text(data, "name") || undefined,
        policies: policy ? [policy] : [],
      };
      const app = await access<AccessApp>("POST", "/apps", body);
      const then = policy ? "" : " It refuses every request until a policy is linked (with the API or the SDK).";
      showNotice(`Created the application “${app.name || app.domain}”; its AUD tag is ${app.aud}.${then}`);
      await attempt(refresh);
    },
  );
  const loadTokens = async () => {
    const tokens = await access<{ id: string; name: string }[]>("GET", "/service_tokens?per_page=1000");
    tokenChoice.replaceChildren(h("option", { value: "" }, "Choose a token"), ...tokens.map((t) => h("option", { value: t.id }, t.name)));
  };

  root.append(...pageHeading("Access applications", "Hosts and paths the gateway guards, each with its AUD tag and policies."), form, list);
  await attempt(loadTokens);
  await attempt(refresh);
};

const POLICY_CHOICES: [string, string][] = [
  ["any_token", "Any valid Access token of this account"],
  ["token", "One Access token"],
  ["ip", "Everyone from an IP range (Bypass)"],
  ["none", "No policy yet (refuses every request)"],
];

/** The inline policy the form's choice makes; null for none. Throws, with a message the page shows, when its field is missing. */
function policyOf(choice: string, tokenId: string, ip: string): Record<string, unknown> | null {
  if (choice === "none") return null;
  if (choice === "token") {
    if (!tokenId) throw new Error("Choose the Access token that may pass.");
    return { name: "one token", decision: "non_identity", include: [{ service_token: { token_id: tokenId } }] };
  }
  if (choice === "ip") {
    if (!ip) throw new Error("Give the IP range that may pass.");
    return { name: "ip range", decision: "bypass", include: [{ ip: { ip } }] };
  }
  return { name: "any token", decision: "non_identity", include: [{ any_valid_service_token: {} }] };
}
