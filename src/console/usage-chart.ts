/**
 * A credential's usage drawn by hand: requests per bucket stacked by outcome
 * as inline SVG (no chart library, no other host; colours from the stylesheet,
 * since the CSP allows no inline style), with its text alternative: the SVG is
 * an image named by its <title> and described by a <desc> that says the totals,
 * and the buckets are in a data table under a disclosure. The totals by
 * outcome, the last use and the credits left are shown beside it.
 */
import { USAGE_OUTCOMES, type UsageOutcome } from "../core/credentials/usage";
import { type Child, h, isoText, isoTime, uid } from "./dom";
import { dataTable } from "./table";

export type Counts = { requests: number } & Record<UsageOutcome, number>;

/** `GET …/usage`'s answer (src/surfaces/shared/usage.ts). */
export interface CredentialUsage {
  id: string;
  granularity: "minute" | "hour";
  from: string;
  to: string;
  last_used_at: string | null;
  credits_remaining: number | null;
  totals: Counts;
  series: (Counts & { start: string })[];
}

/** Each outcome in words; the core's list of outcomes decides which there are. */
export const OUTCOME_NAMES: Record<UsageOutcome, string> = {
  success: "success",
  rate_limited: "rate limited",
  credits_exhausted: "credits exhausted",
  ip_refused: "IP refused",
  disabled: "disabled",
  expired: "expired",
  wrong_secret: "wrong secret",
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "3 success, 2 wrong secret": the outcomes that happened, in the core's order. */
export const outcomesText = (c: Counts, skip: UsageOutcome[] = []) =>
  USAGE_OUTCOMES.filter((o) => c[o] > 0 && !skip.includes(o))
    .map((o) => `${c[o]} ${OUTCOME_NAMES[o]}`)
    .join(", ");

/** The chart's top: the largest bucket rounded up to 1, 2 or 5 times a power of ten. */
function niceMax(n: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(n, 1)));
  return [1, 2, 5, 10].map((f) => f * power).find((m) => m >= n) ?? n;
}

const SVG = "http://www.w3.org/2000/svg";
function svg(tag: string, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

/** One bar per bucket, its outcomes stacked from the baseline; its time and counts as a tooltip. */
function bars(series: CredentialUsage["series"], top: number): SVGElement[] {
  return series.flatMap((b, i) => {
    if (b.requests === 0) return [];
    let y = top;
    const parts = USAGE_OUTCOMES.filter((o) => b[o] > 0).map((o) => {
      y -= b[o];
      return svg("rect", { x: i + 0.1, y, width: 0.8, height: b[o], class: `u-${o}` });
    });
    return [svg("g", {}, svg("title", {}, `${isoText(b.start)}: ${plural(b.requests, "request")} (${outcomesText(b)})`), ...parts)];
  });
}

/** The chart and its text alternative, or the empty state when nothing was counted; `period` as in "in the last hour". */
export function usageView(u: CredentialUsage, period: string): HTMLElement {
  const unit = u.granularity;
  const summary = h("dl", { class: "usage-totals" }, ...totals(u));
  if (u.totals.requests === 0) {
    return h("div", {}, summary, h("p", { class: "empty" }, `No requests were counted ${period}.`));
  }
  const top = niceMax(Math.max(...u.series.map((b) => b.requests)));
  const peak = u.series.reduce((a, b) => (b.requests > a.requests ? b : a));
  const [titleId, descId] = [uid("chart-title"), uid("chart-desc")];
  const description =
    `${plural(u.totals.requests, "request")} from ${isoText(u.from)} to ${isoText(u.to)}: ${outcomesText(u.totals)}. ` +
    `The busiest ${unit} began ${isoText(peak.start)}, with ${plural(peak.requests, "request")}.`;
  const chart = svg(
    "svg",
    {
      role: "img",
      "aria-labelledby": titleId,
      "aria-describedby": descId,
      viewBox: `0 0 ${u.series.length} ${top}`,
      preserveAspectRatio: "none",
      class: "chart",
    },
    svg("title", { id: titleId }, `Requests per ${unit} by outcome ${period}`),
    svg("desc", { id: descId }, description),
    ...bars(u.series, top),
  );
  return h(
    "div",
    {},
    summary,
    h(
      "figure",
      { class: "usage-chart" },
      h("div", { class: "y-axis", "aria-hidden": "true" }, h("span", {}, String(top)), h("span", {}, "0")),
      h("div", { class: "plot" }, chart),
      h("div", { class: "x-axis", "aria-hidden": "true" }, h("span", {}, isoText(u.from)), h("span", {}, isoText(u.to))),
      h("figcaption", {}, `Requests per ${unit} (UTC), stacked by outcome; the colours are named in the totals above.`),
    ),
    bucketTable(u, period),
  );
}

/** Requests, each outcome (its colour beside it), last use and credits left, as a description list. */
function totals(u: CredentialUsage): Child[] {
  const item = (term: Child[], value: Child) => h("div", {}, h("dt", {}, ...term), h("dd", {}, value));
  return [
    item(["Requests"], u.totals.requests),
    ...USAGE_OUTCOMES.map((o) =>
      item([h("span", { class: `swatch u-${o}`, "aria-hidden": "true" }), capital(OUTCOME_NAMES[o])], u.totals[o]),
    ),
    item(["Last used"], isoTime(u.last_used_at, "never", true)),
    item(["Credits left"], u.credits_remaining ?? "unlimited"),
  ];
}

/** The buckets that counted anything, as a table under a disclosure (the rest are empty by construction). */
function bucketTable(u: CredentialUsage, period: string): HTMLElement {
  const shown = u.series.filter((b) => b.requests > 0);
  const outcomes = USAGE_OUTCOMES.filter((o) => u.totals[o] > 0);
  const rows = shown.map((b) => ({ head: isoTime(b.start), cells: [b.requests, ...outcomes.map((o) => b[o])] }));
  return h(
    "details",
    { class: "usage-data" },
    h("summary", {}, "Data table"),
    dataTable(
      `Requests per ${u.granularity} ${period}: the ${plural(shown.length, u.granularity)} that counted any, of ${u.series.length}`,
      ["Start (UTC)", "Requests", ...outcomes.map((o) => capital(OUTCOME_NAMES[o]))],
      rows,
      "",
    ),
  );
}
