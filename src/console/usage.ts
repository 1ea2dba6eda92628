/**
 * The "Usage" action of a credential's row: a dialog with its requests by
 * outcome over the last hour (per minute), 24 hours or 30 days (per hour), read
 * from the credential's own `…/usage` route, which counts exactly and at once.
 */
import { ApiError, query } from "./api";
import { showPanel } from "./dialogs";
import { field, h, select } from "./dom";
import { button } from "./table";
import { type CredentialUsage, usageView } from "./usage-chart";

/** Reads a credential's usage for a query string (`?granularity=…&from=…`). */
export type UsageReader = (query: string) => Promise<CredentialUsage>;

const HOUR_MS = 3_600_000;
const PERIODS: Record<string, [label: string, phrase: string, granularity: "minute" | "hour", span: number]> = {
  hour: ["Last hour, per minute", "in the last hour", "minute", HOUR_MS],
  day: ["Last 24 hours, per hour", "in the last 24 hours", "hour", 24 * HOUR_MS],
  month: ["Last 30 days, per hour", "in the last 30 days", "hour", 30 * 24 * HOUR_MS],
};

/** The row's button: "Usage", described by the row's name like every row action. */
export const usageButton = (name: string, read: UsageReader) => button("Usage", () => void showUsage(name, read));

async function showUsage(name: string, read: UsageReader) {
  const period = select(
    "period",
    Object.entries(PERIODS).map(([value, [label]]): [string, string] => [value, label]),
    "day",
  );
  const view = h("div", { class: "usage-view", "aria-busy": "true" });
  const status = h("p", { role: "status", class: "usage-status" });
  let latest = 0;
  const load = async () => {
    const mine = ++latest;
    const [, phrase, granularity, span] = PERIODS[period.value]!;
    view.setAttribute("aria-busy", "true");
    try {
      const usage = await read(query({ granularity, from: new Date(Date.now() - span).toISOString() }));
      if (mine !== latest) return; // a later choice is on its way
      view.replaceChildren(usageView(usage, phrase));
      status.textContent = `${usage.totals.requests} ${usage.totals.requests === 1 ? "request" : "requests"} ${phrase}.`;
    } catch (error) {
      if (mine !== latest) return;
      const id = error instanceof ApiError && error.requestId ? ` (request id ${error.requestId})` : "";
      view.replaceChildren(h("p", { class: "notice error", role: "alert" }, `Error: ${(error as Error).message}${id}`));
      status.textContent = "";
    }
    view.removeAttribute("aria-busy");
  };
  period.addEventListener("change", () => void load());
  const shown = showPanel(`Usage of “${name}”`, [h("div", { class: "filters" }, field("Period", period)), status, view]);
  await load();
  await shown;
}
