/**
 * Usage: the org's credentials ranked by requests over the last 30 days
 * (`GET /v1/usage`), most used first or least used (unused) first, of one kind
 * or all, "Show more" paging by cursor. The totals come from the credentials'
 * hourly reports, so the page says they lag; a row's Usage shows its exact
 * chart. Owners only: a member is told so.
 */
import { access, ApiError, query, v1 } from "../api";
import { field, h, isoTime, select } from "../dom";
import { pageHeading, text } from "../forms";
import { attempt, clearNotices, showError } from "../notices";
import { dataTable, type Row } from "../table";
import { currentIdentity } from "../session";
import { usageButton } from "../usage";
import { type CredentialUsage, type Counts, outcomesText } from "../usage-chart";
import type { Page } from "./page";

interface RankedCredential extends Counts {
  id: string;
  kind: "api_key" | "service_token" | "access_token";
  name: string;
  client_id: string | null;
  owner_id: string | null;
  last_used_at: string | null;
}

interface OrgUsage {
  from: string;
  to: string;
  objects: RankedCredential[];
  next_cursor: string | null;
}

const PAGE_SIZE = 10;
const DAY_MS = 86_400_000;

const KINDS: Record<RankedCredential["kind"], string> = {
  api_key: "API key",
  service_token: "Service token",
  access_token: "Access token",
};

const ORDERS: [string, string][] = [
  ["desc", "Most used first"],
  ["asc", "Least used first (unused first)"],
];

/**
 * The row's Usage action, where the API answers this caller: every service and Access token of
 * the org, and the caller's own API keys (another member's keys are theirs to read).
 */
function usageAction(c: RankedCredential): HTMLButtonElement[] {
  const read = (q: string) =>
    c.kind === "access_token"
      ? access<CredentialUsage>("GET", `/service_tokens/${c.id}/usage${q}`)
      : v1<CredentialUsage>("GET", `/${c.kind}/${c.id}/usage${q}`);
  const mine = c.kind !== "api_key" || c.owner_id === currentIdentity().principal?.id;
  return mine ? [usageButton(c.name, read)] : [];
}

/** Failures: every request not admitted, and which outcomes they were. */
function failures(c: RankedCredential): Node | number {
  const failed = c.requests - c.success;
  return failed ? h("span", {}, `${failed} `, h("small", {}, `(${outcomesText(c, ["success"])})`)) : 0;
}

export const usagePage: Page = async (root) => {
  const list = h("div");
  const more = h("button", { type: "button", hidden: true }, "Show more");
  let rows: Row[] = [];
  let cursor: string | null = null;
  let filters = { order: "desc", kind: "" };

  const load = async (reset: boolean) => {
    if (reset) [rows, cursor] = [[], null];
    const page = await v1<OrgUsage>("GET", `/usage${query({ ...filters, limit: PAGE_SIZE, cursor: cursor ?? undefined })}`);
    rows = rows.concat(
      page.objects.map((c) => ({
        head: c.name,
        cells: [KINDS[c.kind], c.requests, failures(c), isoTime(c.last_used_at)],
        actions: usageAction(c),
      })),
    );
    cursor = page.next_cursor;
    more.hidden = cursor === null;
    const lastDay = new Date(Date.parse(page.to) - DAY_MS).toISOString().slice(0, 10);
    const which = filters.order === "desc" ? "Most used" : "Least used";
    list.replaceChildren(
      dataTable(
        `${which} credentials, ${page.from.slice(0, 10)} to ${lastDay} (UTC days)`,
        ["Name", "Kind", "Requests", "Failures", "Last used"],
        rows,
        "The org has no credentials of this kind.",
      ),
    );
  };
  more.addEventListener("click", () => void attempt(() => load(false)));

  const form = h(
    "form",
    { class: "card filters", "aria-label": "Choose the credentials shown" },
    field("Order", select("order", ORDERS, "desc")),
    field("Kind", select("kind", [["", "Every kind"], ...Object.entries(KINDS)])),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Show")),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    filters = { order: text(data, "order"), kind: text(data, "kind") };
    clearNotices();
    void attempt(() => load(true));
  });

  root.append(
    ...pageHeading(
      "Usage",
      "The org's API keys, service tokens and Access tokens by requests over the last 30 days. " +
        "These totals come from each credential's hourly report, so the latest hour or so is not in them yet; " +
        "a credential's own Usage, on its page, is exact and up to the minute.",
    ),
    form,
    list,
    more,
  );
  try {
    await load(true);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 403)) return showError(error);
    // A member (or a scoped credential without usage:read): say what this page is for, and where to look instead.
    form.remove();
    list.replaceChildren(
      h(
        "div",
        { class: "notice" },
        h("p", {}, h("strong", {}, "Only the org's owners can see its usage."), ` The API answered: “${error.message}”`),
        h("p", {}, "Each credential's own usage is under Usage on the API keys, Service tokens and Access tokens pages."),
      ),
    );
  }
};
