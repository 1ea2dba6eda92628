/**
 * Lists as real tables (caption, column headers, a row header per row). On a
 * wide screen the actions wrap inside their cell and long ids break, so a
 * table fits 1440 px; on a narrow one each row stacks into a card whose cells
 * name their column (`data-label`), so its actions show without any sideways
 * scroll. The roles are explicit because a table laid out as blocks loses
 * them in some browsers. The box stays focusable and scrollable as a last resort.
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
  const head = h(
    "tr",
    { role: "row" },
    ...columns.map((c) => h("th", { scope: "col", role: "columnheader" }, c)),
    withActions ? h("th", { scope: "col", role: "columnheader" }, "Actions") : null,
  );
  const body = rows.map((row) => {
    const headId = uid("row");
    // Each action button is described by its row's name: "Delete" is then "Delete, ci-key" to a screen reader.
    for (const b of row.actions ?? []) b.setAttribute("aria-describedby", headId);
    return h(
      "tr",
      { role: "row" },
      h("th", { scope: "row", role: "rowheader", id: headId }, ...[row.head].flat()),
      // The first column is the row header; each cell names the column it sits in.
      ...row.cells.map((c, i) => h("td", { role: "cell", "data-label": columns[i + 1] ?? "" }, c)),
      withActions ? h("td", { role: "cell", "data-label": "Actions" }, h("div", { class: "actions" }, ...(row.actions ?? []))) : null,
    );
  });
  const table = h(
    "table",
    { role: "table" },
    h("caption", { id: captionId }, caption),
    h("thead", { role: "rowgroup" }, head),
    h("tbody", { role: "rowgroup" }, ...body),
  );
  const box = h("div", { class: "table-box", role: "region", "aria-labelledby": captionId, tabindex: 0 }, table);
  return rows.length ? box : h("div", {}, box, h("p", { class: "empty" }, empty));
}

export const button = (label: string, onClick: () => void, kind: "" | "primary" | "danger" = "") =>
  h("button", { type: "button", class: kind || undefined, onclick: onClick }, label);

/** A code-like value (ids, previews) that may break anywhere on a narrow screen. */
export const code = (text: string | null | undefined) => (text ? h("code", {}, text) : "—");
