/**
 * The create forms every page has: a heading, labelled fields, a submit
 * button that is disabled while its request runs (a double click creates one
 * credential, not two), and the API's error shown when it fails.
 */
import { type Child, h, select, uid } from "./dom";
import { attempt, clearNotices } from "./notices";

export function createForm(
  title: string,
  fields: Child[],
  submitLabels: string[],
  onSubmit: (data: FormData, submitter: string) => Promise<void>,
): HTMLElement {
  const headingId = uid("form-title");
  const buttons = submitLabels.map((label, i) =>
    h("button", { type: "submit", class: i === 0 ? "primary" : undefined, value: label }, label),
  );
  const form = h("form", { "aria-labelledby": headingId }, ...fields, h("div", { class: "actions" }, ...buttons));
  form.addEventListener("submit", async (event) => {
    event.preventDefault(); // never a navigation: the CSP's form-action 'none' would refuse it anyway
    const submitter = (event.submitter as HTMLButtonElement | null)?.value ?? submitLabels[0]!;
    for (const b of buttons) b.disabled = true;
    clearNotices();
    const ok = await attempt(() => onSubmit(new FormData(form), submitter));
    for (const b of buttons) b.disabled = false;
    if (ok) form.reset();
  });
  return h("section", { class: "card" }, h("h2", { id: headingId }, title), form);
}

/** A form value as a trimmed string ("" when absent). */
export const text = (data: FormData, name: string) => String(data.get(name) ?? "").trim();

/** Expiry choices for keys and tokens, in days ("" is never). */
export const expirySelect = () =>
  select("expires", [
    ["", "Never"],
    ["1", "In 1 day"],
    ["7", "In 7 days"],
    ["30", "In 30 days"],
    ["90", "In 90 days"],
    ["365", "In 1 year"],
  ]);

/** The RFC 3339 time `days` from now, or undefined for never. */
export const expiresAt = (days: string) => (days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : undefined);

/** A page's heading, focusable so that navigation can move focus to it. */
export const pageHeading = (title: string, intro: Child) => [h("h1", { tabindex: -1 }, title), h("p", { class: "intro" }, intro)];
