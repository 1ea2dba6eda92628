/**
 * Audit log: the org's events, newest first, with the API's filters (action,
 * target, time range) and "Load older events" paging by cursor. Owners only:
 * a member sees the API's 403 and its message.
 */
import { AUDIT_ACTIONS } from "../../core/shared/audit-actions";
import { query, v1 } from "../api";
import { field, h, select, when } from "../dom";
import { pageHeading, text } from "../forms";
import { attempt, clearNotices } from "../notices";
import { code, dataTable, type Row } from "../table";
import type { Page } from "./page";

interface AuditEvent {
  id: string;
  created: string;
  actor_principal_id: string | null;
  actor:
    | { type: "principal"; principal_id: string; email: string | null }
    | { type: "admin_token" | "public_revocation" | "github_secret_scanning" | "edgekeys" };
  action: string;
  target_type: string;
  target_id: string;
  client_ip: string | null;
  request_id: string | null;
  changes: Record<string, unknown>;
}

const PAGE_SIZE = 50;

/** The actions the API knows: the core's own list, bundled into the console (pure data, no Worker code). */
const ACTIONS = AUDIT_ACTIONS;

/** A `datetime-local` value (local time) as RFC 3339, or undefined when empty. */
const isoOf = (local: string) => (local ? new Date(local).toISOString() : undefined);

/** Who acted, as the event says (never "admin token" for a change the admin token did not make). */
const ACTORS = {
  admin_token: "admin token",
  public_revocation: "public revocation (anyone holding the secret)",
  github_secret_scanning: "GitHub secret scanning report",
  edgekeys: "edgekeys (scheduled work)",
};
const actorOf = (a: AuditEvent["actor"]) => (a.type === "principal" ? (a.email ?? code(a.principal_id)) : ACTORS[a.type]);

/** A value of the changes, times (`…_at`, in ms or RFC 3339) as ISO dates like every other time here. */
const shown = (key: string, v: unknown) => (key.endsWith("_at") && typeof v === "number" ? new Date(v).toISOString() : JSON.stringify(v));

const changesOf = (changes: Record<string, unknown>) => {
  const entries = Object.entries(changes);
  return entries.length ? h("span", { class: "changes" }, entries.map(([k, v]) => `${k}: ${shown(k, v)}`).join(", ")) : "—";
};

export const auditLogPage: Page = async (root) => {
  const list = h("div");
  const more = h("button", { type: "button", hidden: true }, "Load older events");
  let rows: Row[] = [];
  let last: string | undefined;
  let filters: Record<string, string | undefined> = {};

  const load = async (reset: boolean) => {
    if (reset) [rows, last] = [[], undefined];
    const { objects } = await v1<{ objects: AuditEvent[] }>(
      "GET",
      `/audit_events${query({ ...filters, limit: PAGE_SIZE, starting_after: last })}`,
    );
    rows = rows.concat(
      objects.map((e) => ({
        head: when(e.created),
        cells: [
          e.action,
          h("span", {}, `${e.target_type} `, code(e.target_id)),
          actorOf(e.actor),
          e.client_ip ?? "—",
          code(e.request_id),
          changesOf(e.changes),
        ],
      })),
    );
    last = objects.at(-1)?.id ?? last;
    more.hidden = objects.length < PAGE_SIZE;
    list.replaceChildren(
      dataTable(
        "Audit events, newest first",
        ["Time", "Action", "Target", "Actor", "Client IP", "Request id", "Changes"],
        rows,
        "No events match.",
      ),
    );
  };
  more.addEventListener("click", () => void attempt(() => load(false)));

  const form = h(
    "form",
    { class: "card filters", "aria-label": "Filter the audit log" },
    field("Action", select("action", [["", "Any action"], ...ACTIONS.map((a): [string, string] => [a, a])])),
    field("Target id", h("input", { name: "target_id", maxlength: 64, autocomplete: "off" })),
    field("Since", h("input", { name: "since", type: "datetime-local" })),
    field("Until", h("input", { name: "until", type: "datetime-local" })),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Apply filters")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = {
      action: text(data, "action"),
      target_id: text(data, "target_id"),
      since: isoOf(text(data, "since")),
      until: isoOf(text(data, "until")),
    };
    clearNotices();
    void attempt(() => load(true));
  });

  root.append(
    ...pageHeading(
      "Audit log",
      "Every change to the org's credentials, members, applications and webhooks: who, when, from where, and what changed (never a secret).",
    ),
    form,
    list,
    more,
  );
  await attempt(() => load(true));
};
