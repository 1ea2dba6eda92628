/**
 * A credential's policy in the console: the create forms' fields (permissions
 * as checkboxes from the published table, IP allowlist, rate limit, credits),
 * what they send, and how the tables show a policy and the credits left.
 */
import { PERMISSION_NAMES, PERMISSIONS } from "../core/shared/permissions";
import { type Child, field, h, uid } from "./dom";

export interface PolicyJson {
  permissions: string[] | null;
  ip_allowlist: string[] | null;
  rate_limit: { limit: number; window_seconds: number } | null;
  credits: { remaining: number; refill: { amount: number; interval_seconds: number } | null } | null;
}

const number = (name: string, min: number) => h("input", { name, type: "number", min, step: 1, inputmode: "numeric" });

/** The fields, in a collapsed group: none filled means an unlimited credential, as before. */
export function policyFields(): HTMLElement {
  const legendId = uid("permissions");
  const boxes = PERMISSION_NAMES.map((p) =>
    h(
      "label",
      { class: "check" },
      h("input", { type: "checkbox", name: "permissions", value: p }),
      ` ${p}`,
      h("small", {}, ` — ${PERMISSIONS[p]}`),
    ),
  );
  const allowlist = h("textarea", { name: "ip_allowlist", rows: 2, spellcheck: "false", autocomplete: "off" });
  return h(
    "details",
    { class: "policy" },
    h("summary", {}, "Limits (optional): permissions, IP allowlist, rate limit, credits"),
    h(
      "fieldset",
      { "aria-labelledby": legendId },
      h("legend", { id: legendId }, "Permissions (none checked: the owner's rights)"),
      ...boxes,
    ),
    field("IP allowlist", allowlist, "Addresses or CIDR ranges, one per line or separated by commas (empty: any address)"),
    field("Rate limit (requests)", number("rate_limit", 1), "Empty: the default limit"),
    field("Rate limit window (seconds)", number("rate_window", 1)),
    field("Credits", number("credits", 0), "Each request spends one; empty: unlimited"),
    field("Refill to (credits)", number("refill_amount", 1)),
    field("Refill every (seconds)", number("refill_interval", 60), "At least 60"),
  );
}

const int = (data: FormData, name: string) => {
  const text = String(data.get(name) ?? "").trim();
  return text === "" ? undefined : Number(text);
};

/** The policy fields of a create request, from the form; only what was filled in. */
export function policyFrom(data: FormData): Partial<PolicyJson> {
  const out: Partial<PolicyJson> = {};
  const permissions = data.getAll("permissions").map(String);
  if (permissions.length) out.permissions = permissions;
  const ranges = String(data.get("ip_allowlist") ?? "")
    .split(/[\s,]+/)
    .filter(Boolean);
  if (ranges.length) out.ip_allowlist = ranges;
  const limit = int(data, "rate_limit");
  if (limit !== undefined) out.rate_limit = { limit, window_seconds: int(data, "rate_window") ?? 60 };
  const credits = int(data, "credits");
  const amount = int(data, "refill_amount");
  if (credits !== undefined) {
    out.credits = {
      remaining: credits,
      refill: amount === undefined ? null : { amount, interval_seconds: int(data, "refill_interval") ?? 86_400 },
    };
  }
  return out;
}

/** A table cell: what the credential is limited to, "—" for nothing. */
export function policyCell(p: Partial<PolicyJson>): Child {
  const parts = [
    p.permissions ? `permissions: ${p.permissions.join(", ") || "none"}` : null,
    p.ip_allowlist ? `from: ${p.ip_allowlist.join(", ")}` : null,
    p.rate_limit ? `limit: ${p.rate_limit.limit} per ${p.rate_limit.window_seconds} s` : null,
  ].filter((x): x is string => x !== null);
  return parts.length ? h("span", {}, parts.join("; ")) : "—";
}

/** A table cell: credits left (as last recorded) and the refill, "unlimited" without credits. */
export function creditsCell(p: Partial<PolicyJson>): Child {
  if (!p.credits) return "unlimited";
  const refill = p.credits.refill ? ` (refill to ${p.credits.refill.amount} every ${p.credits.refill.interval_seconds} s)` : "";
  return `${p.credits.remaining} left${refill}`;
}
