/**
 * Load against the running Worker: 64 concurrent clients creating, listing,
 * verifying and deleting API keys for a bounded time. No answer may be a 5xx, and
 * at the end each client's listing equals what it created minus what it deleted.
 */
import { describe, expect, it } from "vitest";
import { baseUrl, bootstrap } from "./helpers";
import { reportFigures } from "../helpers/settings";

const CLIENTS = 64;
const SECONDS = 8;

interface Tally {
  requests: number;
  fiveHundreds: number;
  created: number;
  deleted: number;
  other: Record<string, number>;
}

async function client(index: number, deadline: number, tally: Tally) {
  // One org per client: the default per-credential limit (1000/min) is not what is measured here.
  const b = await bootstrap(`load-${Date.now().toString(36)}-${index}`);
  const auth = { Authorization: `Bearer ${b.api_key.key}`, "Content-Type": "application/json" };
  const live: { id: string; key: string }[] = [];
  const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = auth) => {
    const res = await fetch(`${baseUrl()}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    tally.requests++;
    if (res.status >= 500) tally.fiveHundreds++;
    else if (res.status >= 300) tally.other[res.status] = (tally.other[res.status] ?? 0) + 1;
    return res;
  };
  let step = 0;
  while (Date.now() < deadline) {
    step++;
    const created = await send("POST", "/v1/api_key", { name: `load-${step}` });
    if (created.ok) {
      const k = (await created.json()) as { id: string; key: string };
      live.push(k);
      tally.created++;
    }
    await (await send("GET", "/v1/api_key?limit=20")).arrayBuffer();
    const pick = live[step % live.length];
    if (pick) await (await send("GET", "/cdn-cgi/access/get-identity", undefined, { Authorization: `Bearer ${pick.key}` })).arrayBuffer();
    if (step % 3 === 0 && live.length > 1) {
      const victim = live.shift()!;
      const del = await send("DELETE", `/v1/api_key/${victim.id}`);
      if (del.ok) tally.deleted++;
      await del.arrayBuffer();
    }
  }
  // the final listing, every page: the bootstrap key plus created minus deleted
  let count = 0;
  let cursor = "";
  for (let pages = 0; pages < 1000; pages++) {
    const res = await send("GET", `/v1/api_key?limit=100${cursor}`);
    const { objects } = (await res.json()) as { objects: { id: string }[] };
    if (!objects.length) break;
    count += objects.length;
    cursor = `&starting_after=${objects.at(-1)!.id}`;
  }
  return { expected: 1 + live.length, listed: count };
}

describe("load", () => {
  it(`${CLIENTS} concurrent clients for ${SECONDS} s: no 5xx, and listings equal creates minus deletes`, async () => {
    const tally: Tally = { requests: 0, fiveHundreds: 0, created: 0, deleted: 0, other: {} };
    const deadline = Date.now() + SECONDS * 1000;
    const results = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i, deadline, tally)));
    reportFigures(
      `[load] ${tally.requests} requests, ${tally.created} created, ${tally.deleted} deleted, 5xx: ${tally.fiveHundreds}, other non-2xx: ${JSON.stringify(tally.other)}`,
    );
    expect(tally.fiveHundreds).toBe(0);
    expect(tally.other).toEqual({});
    for (const r of results) expect(r.listed).toBe(r.expected);
    expect(tally.created).toBeGreaterThan(CLIENTS);
  }, 120_000);
});
