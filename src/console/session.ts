/**
 * The signed-in credential. It lives in this tab's sessionStorage (so that a
 * reload keeps the session, and closing the tab ends it) and in memory; never
 * in localStorage, never in a cookie. Signing out forgets both.
 */
const KEY = "edgekeys.console.credential";

/** Who the credential is, as `GET /cdn-cgi/access/get-identity` describes it. */
export interface Identity {
  id: string;
  credential_kind: string;
  name: string;
  account_id: string;
  org_id: string;
  principal: { id: string; kind: "user" | "service_account"; email: string } | null;
}

let credential: string | null = null;
let identity: Identity | null = null;

export function storedCredential(): string | null {
  credential ??= sessionStorage.getItem(KEY);
  return credential;
}

export function remember(key: string, who: Identity) {
  credential = key;
  identity = who;
  sessionStorage.setItem(KEY, key);
}

export function currentIdentity(): Identity {
  if (!identity) throw new Error("not signed in");
  return identity;
}

export function forget() {
  credential = null;
  identity = null;
  sessionStorage.removeItem(KEY);
}
