/**
 * The console's only way to the server: the same public API every client uses
 * (`/v1`, `/client/v4/accounts/…`, `/cdn-cgi/access/get-identity`), with the
 * signed-in credential as a Bearer token. A failure becomes an ApiError with the
 * API's own message and its request id, which the page shows as they are.
 */
import { currentIdentity, type Identity, storedCredential } from "./session";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The message of either error shape: `/v1`'s `{error, message, request_id}` or Cloudflare's envelope. */
function messageOf(body: unknown, fallback: string): string {
  const b = body as { message?: unknown; errors?: { message?: unknown }[] } | null;
  if (typeof b?.message === "string") return b.message;
  const first = b?.errors?.[0]?.message;
  return typeof first === "string" ? first : fallback;
}

async function send<T>(credential: string, method: Method, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { Authorization: `Bearer ${credential}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit", // the API reads the Bearer header only; no cookie is ever sent or kept
      cache: "no-store",
    });
  } catch {
    throw new ApiError("The server could not be reached", 0, null);
  }
  const parsed: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const requestId = (parsed as { request_id?: string } | null)?.request_id ?? res.headers.get("X-Request-Id");
    throw new ApiError(messageOf(parsed, `${res.status} ${res.statusText}`), res.status, requestId);
  }
  return parsed as T;
}

/** Checks a credential and says whose it is. */
export const identify = (credential: string) => send<Identity>(credential, "GET", "/cdn-cgi/access/get-identity");

/** A call to the Braintrust-style API under `/v1`. */
export function v1<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const credential = storedCredential();
  if (!credential) return Promise.reject(new ApiError("Not signed in", 401, null));
  return send<T>(credential, method, `/v1${path}`, body);
}

/** A call to the Cloudflare Access API of the signed-in account; answers the envelope's `result`. */
export async function access<T>(method: Method, path: string, body?: unknown): Promise<T> {
  const credential = storedCredential();
  if (!credential) throw new ApiError("Not signed in", 401, null);
  const envelope = await send<{ result: T }>(credential, method, `/client/v4/accounts/${currentIdentity().account_id}/access${path}`, body);
  return envelope.result;
}

/** A query string from the values given (empty ones left out). */
export function query(params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}
