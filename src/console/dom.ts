/**
 * A few lines of DOM building instead of a framework: elements are made with
 * `h()` and text is always set as text (never parsed as HTML), so nothing the
 * API answers can become markup.
 */
export type Child = Node | string | number | null | undefined | false;
type Props = Record<string, string | number | boolean | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else if (value !== false && value !== undefined) el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

let counter = 0;
/** A document-unique id, for labels and descriptions. */
export const uid = (stem: string) => `${stem}-${++counter}`;

/** A labelled form control: the label's text is the control's accessible name. */
export function field(label: string, control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement, hint?: string): HTMLElement {
  control.id ||= uid("field");
  const hintEl = hint ? h("small", { id: uid("hint") }, hint) : null;
  if (hintEl) control.setAttribute("aria-describedby", hintEl.id);
  return h("div", { class: "field" }, h("label", { for: control.id }, label), control, hintEl);
}

export const select = (name: string, options: [value: string, label: string][], selected?: string) =>
  h("select", { name }, ...options.map(([value, label]) => h("option", { value, selected: value === selected }, label)));

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "in 3 days" / "5 minutes ago"; exact time in the title and the datetime attribute. */
export function when(iso: string | null | undefined, never = "never"): Node {
  if (!iso) return document.createTextNode(never);
  return h("time", { datetime: iso, title: new Date(iso).toLocaleString() }, fromNow(iso));
}

/** "in 3 days" / "5 minutes ago". */
function fromNow(iso: string): string {
  const ms = Date.parse(iso) - Date.now();
  const [unit, size] = UNITS.find(([, size]) => Math.abs(ms) >= size) ?? ["second", 1000];
  return relative.format(Math.round(ms / size), unit);
}

/** A time as an ISO date in UTC, to the minute ("2026-12-07T04:05Z") or the second. */
export const isoText = (iso: string, seconds = false) => `${new Date(iso).toISOString().slice(0, seconds ? 19 : 16)}Z`;

/** An exact time as an ISO date in UTC (see `isoText`), the relative time in its title. */
export function isoTime(iso: string | null | undefined, never = "never", seconds = false): Node {
  if (!iso) return document.createTextNode(never);
  return h("time", { datetime: iso, title: fromNow(iso) }, isoText(iso, seconds));
}

/** Moves focus to a page's heading after navigation, so keyboard and screen-reader users start there. */
export function focusHeading(root: HTMLElement) {
  root.querySelector<HTMLElement>("h1")?.focus();
}
