/**
 * The one place a page reports back: an API error with its message and
 * request id (role=alert, read out at once), or a short confirmation
 * (role=status). Both regions exist before anything is written into them, so
 * assistive technology announces the change.
 */
import { ApiError } from "./api";
import { h } from "./dom";

const alertRegion = () => document.getElementById("alert")!;
const statusRegion = () => document.getElementById("status")!;

export function clearNotices() {
  alertRegion().replaceChildren();
  statusRegion().replaceChildren();
}

export function showError(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  statusRegion().replaceChildren();
  alertRegion().replaceChildren(
    h(
      "div",
      { class: "notice error" },
      h("strong", {}, "Error: "),
      message,
      requestId ? h("span", { class: "request-id" }, ` (request id ${requestId})`) : null,
    ),
  );
}

export function showNotice(text: string) {
  alertRegion().replaceChildren();
  statusRegion().replaceChildren(h("div", { class: "notice" }, text));
}

/** Runs an action, reporting its failure; answers whether it succeeded. */
export async function attempt(action: () => Promise<unknown>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (error) {
    showError(error);
    return false;
  }
}
