/**
 * What a request presents as its credential, read from its headers: a Bearer
 * token, or an Access client id and secret (as two headers, or as one JSON
 * header: SERVICE_AUTH_HEADER for every door, or the application's
 * `read_service_tokens_from_header` at the gateway). Reading refuses before
 * any I/O, each refusal with its own message (the pipeline counts every one
 * against the address, as a guess):
 * - a header pair sent twice (two `CF-Access-Client-Id` values), or half of it;
 * - a JSON header that is not exactly one object of the two members;
 * - credentials in two JSON headers at once.
 * A request with the pair *and* a JSON header is `ambiguous`: a strict account
 * refuses it, others take the pair (the behaviour before strict mode).
 */
import { unauthenticated } from "../core/shared/errors";

export type PresentedCredential = ({ kind: "client"; clientId: string; secret: string } | { kind: "bearer"; token: string }) & {
  /** The door's one answer to every failed guess, when it must not say which part was wrong. */
  guessMessage?: string;
  /** Credentials came both as the header pair and in a JSON header: why a strict account refuses the request. */
  ambiguous?: string;
};

/** The token of a `Bearer` Authorization header, or null when there is none. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  if (!match) throw unauthenticated("malformed", 'Authorization header must be "Bearer <API key>"');
  return match[1]!;
}

type HeaderGetter = (name: string) => string | null | undefined;

const ID = "CF-Access-Client-Id";
const SECRET = "CF-Access-Client-Secret";

/**
 * Reads the presented credential from request headers; a `missing` failure
 * when there is none at all. `jsonHeaders` name the single headers that may
 * carry a client id and secret as JSON (the application's first).
 */
export function presentedCredential(header: HeaderGetter, ...jsonHeaders: (string | null | undefined)[]): PresentedCredential {
  const clientId = header(ID);
  const secret = header(SECRET);
  const json = jsonHeaderIn(header, jsonHeaders);
  if (clientId || secret) {
    if (!secret) throw unauthenticated("malformed", `${ID} was sent without ${SECRET}: send both`);
    if (!clientId) throw unauthenticated("malformed", `${SECRET} was sent without ${ID}: send both`);
    // Header values arriving more than once are joined with ", "; neither an id nor a secret holds a comma.
    for (const [name, value] of [
      [ID, clientId],
      [SECRET, secret],
    ] as const) {
      if (value.includes(",")) throw unauthenticated("malformed", `${name} was sent more than once: send one service token`);
    }
    const pair = { kind: "client" as const, clientId: clientId.trim(), secret: secret.trim() };
    return json ? { ...pair, ambiguous: `Credentials were sent both in ${ID}/${SECRET} and in ${json.name}: send them one way` } : pair;
  }
  if (json) return fromJsonHeader(json.value, json.name);
  const token = bearerToken(header("Authorization") ?? undefined);
  if (token === null) throw unauthenticated("missing", `Missing credentials: send ${ID} and ${SECRET}`);
  return { kind: "bearer", token };
}

/** The one JSON header present among `names`; credentials in two of them are refused. */
function jsonHeaderIn(header: HeaderGetter, names: (string | null | undefined)[]): { name: string; value: string } | null {
  const present: { name: string; value: string }[] = [];
  for (const name of new Set(names.filter((n): n is string => Boolean(n)).map((n) => n.toLowerCase()))) {
    const value = header(name);
    // An application reading tokens from `Authorization` still lets a Bearer credential through there.
    if (!value || (name === "authorization" && /^bearer\s/i.test(value))) continue;
    present.push({ name: canonicalName(name, names), value });
  }
  if (present.length > 1)
    throw unauthenticated("malformed", `Credentials were sent in both ${present[0]!.name} and ${present[1]!.name}: send one`);
  return present[0] ?? null;
}

const canonicalName = (lower: string, names: (string | null | undefined)[]) => names.find((n) => n?.toLowerCase() === lower) ?? lower;

const MEMBERS = ["cf-access-client-id", "cf-access-client-secret"];
/** One JSON string token (RFC 8259), escapes included. */
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/**
 * `{"cf-access-client-id": "…", "cf-access-client-secret": "…"}` and nothing
 * else: read member by member, so that a member given twice (which JSON.parse
 * would silently take the last of) or a third member is refused, never guessed at.
 */
export function fromJsonHeader(value: string, name: string): PresentedCredential {
  const shape = `${name} must be JSON with "cf-access-client-id" and "cf-access-client-secret"`;
  const members = jsonMembers(value.trim());
  if (!members) throw unauthenticated("malformed", `${shape}, as one object of two strings`);
  const seen = new Map<string, string>();
  for (const [key, v] of members) {
    if (!MEMBERS.includes(key)) throw unauthenticated("malformed", `${shape} only: ${JSON.stringify(key.slice(0, 64))} is not one of them`);
    if (seen.has(key)) throw unauthenticated("malformed", `${shape}, each once: ${JSON.stringify(key)} is given twice`);
    seen.set(key, v);
  }
  const clientId = seen.get("cf-access-client-id");
  const secret = seen.get("cf-access-client-secret");
  if (clientId === undefined || secret === undefined) {
    throw unauthenticated("malformed", `${shape}: ${JSON.stringify(clientId === undefined ? MEMBERS[0] : MEMBERS[1])} is missing`);
  }
  return { kind: "client", clientId, secret };
}

/** The members of a flat JSON object of strings, in order; null when `text` is anything else. */
function jsonMembers(text: string): [string, string][] | null {
  let at = 0;
  const ws = () => {
    while (at < text.length && " \t\r\n".includes(text[at]!)) at++;
  };
  const string = (): string | null => {
    STRING.lastIndex = at;
    const m = STRING.exec(text);
    if (!m) return null;
    at = STRING.lastIndex;
    return JSON.parse(m[0]) as string;
  };
  const expect = (ch: string) => {
    ws();
    if (text[at] !== ch) return false;
    at++;
    return true;
  };
  if (!expect("{")) return null;
  const members: [string, string][] = [];
  ws();
  if (text[at] === "}") return at + 1 === text.length ? members : null;
  do {
    ws();
    const key = string();
    if (key === null || !expect(":")) return null;
    ws();
    const v = string();
    if (v === null) return null;
    members.push([key, v]);
  } while (expect(","));
  if (!expect("}")) return null;
  ws();
  return at === text.length ? members : null;
}
