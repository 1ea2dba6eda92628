/**
 * Lists as real tables (caption, column headers, a row header per row), inside
 * a box that scrolls sideways on its own: a wide table never makes the page
 * scroll at 375 px. The box is focusable so that keyboard users can scroll it.
 */
import { type Child, h, uid } from "./dom";

export interface Row {
  /** The row's header cell: what the row is (a name). */
  head: Child | Child[];
  cells: Child[];
  actions?: HTMLButtonElement[];
}

export function dataTable(caption: string, columns: string[], rows: Row[], empty: string): HTMLElement {
  const captionId = uid("caption");
  const withActions = rows.some((r) => r.actions?.length);
  const head = h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, c)), withActions ? h("th", { scope: "col" }, "Actions") : null);
  const body = rows.map((row) => {
    const headId = uid("row");
    // Each action button is described by its row's name: "Delete" is then "Delete, ci-key" to a screen reader.
    for (const b of row.actions ?? []) b.setAttribute("aria-describedby", headId);
    return h(
      "tr",
      {},
      h("th", { scope: "row", id: headId }, ...[row.head].flat()),
      ...row.cells.map((c) => h("td", {}, c)),
      withActions ? h("td", {}, h("div", { class: "actions" }, ...(row.actions ?? []))) : null,
    );
  });
  const table = h("table", {}, h("caption", { id: captionId }, caption), h("thead", {}, head), h("tbody", {}, ...body));
  const box = h("div", { class: "table-box", role: "region", "aria-labelledby": captionId, tabindex: 0 }, table);
  return rows.length ? box : h("div", {}, box, h("p", { class: "empty" }, empty));
}

export const button = (label: string, onClick: () => void, kind: "" | "primary" | "danger" = "") =>
  h("button", { type: "button", class: kind || undefined, onclick: onClick }, label);

/** A code-like value (ids, previews) that may break anywhere on a narrow screen. */
export const code = (text: string | null | undefined) => (text ? h("code", {}, text) : "—");
