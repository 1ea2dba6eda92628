/**
 * Gateway mode's part of the configuration (parsed by `config.ts`, with the
 * rest): which hosts are served, where each goes, and which account the
 * operator gave each to. Never first come: a host nobody was given is not
 * served, and nobody may put an application on it.
 */
import { canonicalHost } from "./core/access/app-domain";
import { DomainError } from "./core/shared/errors";

/** Where a served host's traffic goes, and the account the operator gave it to. */
export interface HostRoute {
  /** An http(s) URL, or "self": the host itself, reached from a Worker on its route. */
  origin: string;
  /** 32 hex: the one account whose applications decide on this host, and who alone may put applications on it. */
  accountId: string;
}

/**
 * Gateway mode's configuration. Every host it serves has an owner the
 * operator named: an ORIGINS entry's `account_id` (GATEWAY_ACCOUNT_ID when the
 * entry names none), or, for every other host, GATEWAY_ACCOUNT_ID with
 * ORIGIN_URL. Never first come: a host nobody was given is not served, and
 * nobody may put an application on it.
 */
export interface Gateway {
  /** ORIGINS: hosts (canonical: lower case, no trailing dot, A-label, no port) whose every path but `/cdn-cgi/access/*` is the gateway's. */
  origins: ReadonlyMap<string, HostRoute>;
  /** ORIGIN_URL with GATEWAY_ACCOUNT_ID: every other host, for paths outside edgekeys' own. */
  fallback: HostRoute | undefined;
  /** GATEWAY_ACCOUNT_ID: on its own hosts, a path no application claims admits this account's credentials (the mode before applications). */
  accountId: string | undefined;
}

/** The route of a canonical host in gateway mode: its origin and owner, or undefined when the operator gave it to nobody. */
export const hostRoute = (gateway: Gateway | null, host: string): HostRoute | undefined => gateway?.origins.get(host) ?? gateway?.fallback;

/** ORIGINS (already parsed as JSON and checked entry by entry), ORIGIN_URL and GATEWAY_ACCOUNT_ID. */
export interface GatewayVars {
  origins: Record<string, string | { origin: string; account_id?: string }> | undefined;
  originUrl: string | undefined;
  accountId: string | undefined;
}

/**
 * Gateway mode from ORIGINS, ORIGIN_URL and GATEWAY_ACCOUNT_ID, refusing (at
 * the first request, naming the entry and the fix) a configuration that would
 * serve a host without an owner, or name a host in a form requests never have.
 */
export function gatewayOf(vars: GatewayVars): Gateway | null {
  if (!vars.originUrl && !vars.origins) return null;
  const account = vars.accountId;
  const origins = new Map<string, HostRoute>();
  for (const [written, value] of Object.entries(vars.origins ?? {})) {
    const entry = typeof value === "string" ? { origin: value } : { origin: value.origin, accountId: value.account_id };
    const host = canonicalHost(written);
    if (typeof host !== "string") {
      throw misconfigured(`ORIGINS entry ${JSON.stringify(written)} ${host.refused}; name the host alone (e.g. "app.example.com")`);
    }
    const accountId = entry.accountId ?? account;
    if (!accountId) {
      throw misconfigured(
        `ORIGINS entry ${JSON.stringify(written)} names no account: write {"origin": ${JSON.stringify(entry.origin)}, "account_id": "<32 hex>"} (the account whose applications protect it), or set GATEWAY_ACCOUNT_ID to own every entry that names none`,
      );
    }
    if (origins.has(host)) throw misconfigured(`ORIGINS names the host ${host} twice (${JSON.stringify(written)}); keep one entry`);
    origins.set(host, { origin: entry.origin, accountId });
  }
  if (vars.originUrl && !account) {
    throw misconfigured(
      "ORIGIN_URL serves every host not in ORIGINS, and a served host needs an owner: set GATEWAY_ACCOUNT_ID to the account (32 hex) that owns those hosts, or list each host in ORIGINS with its account_id and unset ORIGIN_URL",
    );
  }
  return { origins, fallback: vars.originUrl && account ? { origin: vars.originUrl, accountId: account } : undefined, accountId: account };
}

const misconfigured = (message: string) => new DomainError("misconfigured", message);
