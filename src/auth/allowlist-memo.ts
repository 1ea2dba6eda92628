/**
 * A credential's home's IP allowlist, compiled once per verification record,
 * with the answers for the last few addresses kept beside it (a credential's
 * callers are few: no parse per request).
 */
import { allowlistMatcher } from "../core/credentials/ip-allowlist";

export class AllowlistMemo<R> {
  private compiled: { record: R; matches: (ip: string | null) => boolean; seen: Map<string, boolean> } | undefined;

  /** Whether `ip` is in `ranges`, the allowlist of `record`. */
  allowed(record: R, ranges: string[], ip: string | null): boolean {
    if (this.compiled?.record !== record) this.compiled = { record, matches: allowlistMatcher(ranges), seen: new Map() };
    const { matches, seen } = this.compiled;
    const key = ip ?? "";
    let ok = seen.get(key);
    if (ok === undefined) {
      ok = matches(ip);
      if (seen.size >= 16) seen.clear();
      seen.set(key, ok);
    }
    return ok;
  }
}
