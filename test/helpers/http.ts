/** Small helpers to drive the Worker through `exports.default.fetch` inside workerd. */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { inject } from "vitest";
import { rememberSecrets } from "./secret-ledger";

export const BASE = "https://edgekeys.test";
export const ADMIN_TOKEN = "test-admin-token";
/** A well-formed id (UUIDv7) that names nothing. */
export const MISSING = "0190f3a0-0000-7000-8000-000000000000";

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** Sent as is, instead of JSON-encoding `body`. */
  rawBody?: string;
  headers?: Record<string, string>;
}

/** The Request a test means: JSON-encodes `body`, adds the Bearer token. */
function buildRequest(method: string, path: string, opts: CallOptions): Request {
  const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body, null, 2);
    headers["Content-Type"] ??= "application/json";
  }
  // A full URL (another host, for the gateway's applications) is taken as it is.
  return new Request(/^https?:\/\//.test(path) ? path : `${BASE}${path}`, { method, headers, body });
}

/** Reads the answer (JSON when it parses), noting any secret it hands out. */
async function readAnswer<T>(res: Response): Promise<Answer<T>> {
  const text = await res.text();
  rememberSecrets(text);
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {}
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Answer<T>> {
  // Once a test has given hosts to accounts, every call runs under that operator's configuration.
  if (operatorHosts.size) return callWithEnv({}, method, path, opts);
  return readAnswer<T>(await exports.default.fetch(buildRequest(method, path, opts)));
}

/**
 * The tests' operator: hosts given to accounts, as ORIGINS entries with their
 * `account_id`, all going to the echo origin. Only an account given a host may
 * put Access applications on it, and the gateway serves only these hosts.
 */
const operatorHosts = new Map<string, { origin: string; account_id: string }>();

/** Gives `host` (canonical) to the account; every later call runs with it in ORIGINS. */
export function giveHost(host: string, accountId: string): string {
  operatorHosts.set(host, { origin: inject("originUrl"), account_id: accountId });
  return host;
}

/**
 * Forgets every host given so far: each test file starts with an operator that gave none (the
 * workers project shares modules between files, and a file that gives no host calls the Worker
 * as before, through its own fetch).
 */
export const forgetGivenHosts = () => operatorHosts.clear();

/** Whether the tests' operator gave `host` to some account. */
export const isGivenHost = (host: string) => operatorHosts.has(host);

/** The configuration of the tests' operator (none until a host is given). */
const operatorVars = (): Record<string, string> =>
  operatorHosts.size ? { ORIGINS: JSON.stringify(Object.fromEntries(operatorHosts)) } : {};

let counter = 0;
/** A name no other test uses, so tests need not clean up after each other. */
export const unique = (stem: string) =>
  `${stem}-${Date.now().toString(36)}-${(counter++).toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export interface Bootstrapped {
  org: { id: string; name: string; account_id: string };
  user: { id: string; email: string; given_name: string | null; family_name: string | null };
  api_key: { id: string; key: string; name: string; preview_name: string; org_id: string };
}

/** Bootstraps a fresh org with an owner and returns it with the owner's key. */
export async function bootstrap(input: Partial<{ org_name: string; email: string; given_name: string; family_name: string }> = {}) {
  const res = await call<Bootstrapped>("POST", "/admin/bootstrap", {
    token: ADMIN_TOKEN,
    body: { org_name: unique("org"), email: `${unique("user")}@example.com`, ...input },
  });
  if (res.status !== 200) throw new Error(`bootstrap failed: ${res.status} ${res.text}`);
  return res.body;
}

/** Every row of every table, as JSON, for "is this secret stored anywhere?" checks. */
export async function dumpDatabase(): Promise<string> {
  const { results: tables } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'usage_days'",
  ).all<{ name: string }>();
  const parts: string[] = [];
  for (const { name } of tables) {
    const { results } = await env.DB.prepare(`SELECT * FROM "${name}"`).all();
    parts.push(JSON.stringify(name === "credentials" ? results.map(withoutUse) : results));
  }
  return parts.join("\n");
}

/**
 * A credential's row without what its use writes (`last_used_at`, `credits_remaining`): the homes'
 * usage reports land through the queue on their own time (a first use's at once, the rest hourly),
 * so comparisons of "nothing changed" leave them out, as they leave out `usage_days`. What use
 * writes is tested where it is written (test/integration/usage/).
 */
export function withoutUse(row: Record<string, unknown>): Record<string, unknown> {
  const { last_used_at: _used, credits_remaining: _credits, ...rest } = row;
  return rest;
}

/** Calls the Worker's handler directly with some bindings replaced (e.g. ADMIN_TOKEN unset, a wrapped DB). */
export async function callWithEnv(
  overrides: Partial<Record<keyof Cloudflare.Env, unknown>>,
  method: string,
  path: string,
  opts: CallOptions = {},
): Promise<Answer> {
  const { default: worker } = await import("../../src/index");
  const ctx = createExecutionContext();
  const res = await worker.fetch(buildRequest(method, path, opts), { ...env, ...operatorVars(), ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return readAnswer(res);
}

/** A D1 binding that counts the statements prepared through it. */
export function countingDb(db: D1Database): { db: D1Database; statements: string[] } {
  const statements: string[] = [];
  const wrapped = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") {
        return (sql: string) => {
          statements.push(sql);
          return target.prepare(sql);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db: wrapped, statements };
}
