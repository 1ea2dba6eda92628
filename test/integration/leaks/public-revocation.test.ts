/**
 * `POST /credentials/revoke`: whoever holds a secret may revoke it, without
 * authentication. The answer never says whether anything existed; calls are
 * limited per client address.
 */
import { describe, expect, it } from "vitest";
import { authStatus, createServiceAccount } from "../../helpers/braintrust";
import { account, createToken, verify } from "../../helpers/cloudflare";
import { env } from "cloudflare:workers";
import { call, callWithEnv, countingDb, dumpDatabase, MISSING, unique } from "../../helpers/http";

let addressCounter = 0;
/** A client address of its own per test, so that the per-address limit is each test's alone. */
const newAddress = () => `198.51.100.${(addressCounter++ % 250) + 1}`;

const revoke = (credentials: unknown, address: string, env: Record<string, string> = {}) =>
  callWithEnv(env, "POST", "/credentials/revoke", { body: { credentials }, headers: { "CF-Connecting-IP": address } });

describe("public revocation", () => {
  it("revokes every live secret sent, audited for its owner, and answers exactly the same for nothing", async () => {
    const a = await account();
    const key = (await call("POST", "/v1/api_key", { token: a.key, body: { name: "pasted-in-slack" } })).body;
    const robot = (await createServiceAccount(a.key, { token_name: "deploy" })).api_key!;
    const access = await createToken(a);
    const address = newAddress();
    const live = await revoke([key.key, robot, access.client_secret], address);
    const { mintToken } = await import("../../../src/core/credentials/tokens");
    const nothing = await revoke([mintToken("api_key", MISSING).token, "not a secret", "f".repeat(64)], address);
    for (const res of [live, nothing]) {
      expect(res.status).toBe(202);
      expect(res.text).toBe("");
    }
    // Headers tell nothing either: the same names, and nothing but the request id differs.
    const names = (h: Headers) => [...h.keys()].sort().join(",");
    expect(names(nothing.headers)).toBe(names(live.headers));
    expect(await authStatus(key.key)).toBe(401);
    expect(await authStatus(robot)).toBe(401);
    expect(await verify(access.client_id, access.client_secret)).toBe("unknown");
    expect(await authStatus(a.key)).toBe(200);
    const events = await call("GET", "/v1/audit_events?action=credential.leaked&limit=100", { token: a.key });
    expect(
      events.body.objects.map((e: { target_type: string; changes: Record<string, unknown>; client_ip: string | null }) => [
        e.target_type,
        e.changes.reporter,
        e.changes.response,
        e.client_ip,
      ]),
    ).toEqual([
      ["access_token", "public_revocation", "deleted", address],
      ["service_token", "public_revocation", "deleted", address],
      ["api_key", "public_revocation", "deleted", address],
    ]);
    // The log names the actor as the event says: anyone holding the secret, not the admin token.
    expect(new Set(events.body.objects.map((e: { actor: unknown }) => JSON.stringify(e.actor)))).toEqual(
      new Set([JSON.stringify({ type: "public_revocation" })]),
    );
  });

  it("changes nothing for a forged secret of a real credential, or when sent again", async () => {
    const a = await account();
    const { mintToken } = await import("../../../src/core/credentials/tokens");
    const address = newAddress();
    const before = await dumpDatabase();
    expect((await revoke([mintToken("api_key", a.api_key.id).token], address)).status).toBe(202);
    expect(await dumpDatabase()).toBe(before);
    expect(await authStatus(a.key)).toBe(200);
    const spare = (await call("POST", "/v1/api_key", { token: a.key, body: { name: unique("spare") } })).body.key;
    expect((await revoke([spare], address)).status).toBe(202);
    const after = await dumpDatabase();
    expect((await revoke([spare, spare], address)).status).toBe(202);
    expect(await dumpDatabase()).toBe(after);
  });

  it("reads a large batch in chunks: live secrets at either end of 1,000 are found", async () => {
    const a = await account();
    const { mintToken } = await import("../../../src/core/credentials/tokens");
    const { uuidv7 } = await import("../../../src/core/shared/ids");
    const first = (await call("POST", "/v1/api_key", { token: a.key, body: { name: "first" } })).body.key;
    const access = await createToken(a);
    // 998 well-formed secrets of ids that exist nowhere, and legacy-looking hex: every chunk of the candidate read is exercised.
    const filler = Array.from({ length: 998 }, (_, i) =>
      i % 2 ? mintToken("service_token", uuidv7()).token : i.toString(16).padStart(64, "0"),
    );
    const res = await revoke([first, ...filler, access.client_secret], newAddress());
    expect(res.status).toBe(202);
    expect(await authStatus(first)).toBe(401);
    expect(await verify(access.client_id, access.client_secret)).toBe("unknown");
    expect(await authStatus(a.key)).toBe(200);
  });

  it("costs the same for 1,000 copies of one live secret as for one: judged once, written once", async () => {
    const a = await account();
    const mint = async () => (await call("POST", "/v1/api_key", { token: a.key, body: { name: unique("copied") } })).body.key as string;
    const [once, many] = [await mint(), await mint()];
    const statementsFor = async (credentials: string[]) => {
      const counted = countingDb(env.DB);
      expect((await revoke(credentials, newAddress(), { DB: counted.db } as never)).status).toBe(202);
      return counted.statements.length;
    };
    const single = await statementsFor([once]);
    expect(await statementsFor(Array.from({ length: 1000 }, () => many))).toBe(single);
    expect(await authStatus(once)).toBe(401);
    expect(await authStatus(many)).toBe(401);
    const leaked = await call("GET", "/v1/audit_events?action=credential.leaked&limit=100", { token: a.key });
    expect(leaked.body.objects).toHaveLength(2);
  });

  it("refuses a body out of bounds with 400 naming the field, and changes nothing", async () => {
    const a = await account();
    const address = newAddress();
    const before = await dumpDatabase();
    for (const bad of [[], Array.from({ length: 1001 }, () => a.key), [""], ["x".repeat(1025)], "sk-...", [42]]) {
      const res = await revoke(bad, address, { PUBLIC_REVOKE_LIMIT: "100" });
      expect(res.status, res.text).toBe(400);
      expect(res.body).toMatchObject({
        error: "invalid_request",
        message: expect.stringContaining("credentials"),
        request_id: expect.any(String),
      });
    }
    expect(await dumpDatabase()).toBe(before);
    expect(await authStatus(a.key)).toBe(200);
  });

  it("limits calls per client address, whatever they send", async () => {
    const a = await account();
    const address = newAddress();
    const env = { PUBLIC_REVOKE_LIMIT: "3", PUBLIC_REVOKE_WINDOW_SECONDS: "3600" };
    for (let i = 0; i < 3; i++) expect((await revoke(["x"], address, env)).status).toBe(202);
    const limited = await revoke([a.key], address, env);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(limited.body).toMatchObject({ error: "rate_limited", request_id: expect.any(String) });
    // Refused before it was read: the key still works. Another address has its own budget.
    expect(await authStatus(a.key)).toBe(200);
    expect((await revoke(["x"], newAddress(), env)).status).toBe(202);
  });
});

describe("the leak-response paths", () => {
  it("are exactly two: other methods answer 405, neighbouring paths are not theirs, and in gateway mode the rest of /credentials is the origin's", async () => {
    const { inject } = await import("vitest");
    const a = await account();
    expect((await call("GET", "/credentials/revoke")).status).toBe(405);
    expect((await call("GET", "/secret-scanning/github")).status).toBe(405);
    expect((await call("POST", "/credentials/revoke/", { body: { credentials: [a.key] } })).status).toBe(404);
    expect((await call("POST", "/credentials", { body: { credentials: [a.key] } })).status).toBe(404);
    expect(await authStatus(a.key)).toBe(200);
    const gateway = { ORIGIN_URL: inject("originUrl"), GATEWAY_ACCOUNT_ID: a.org.account_id };
    const own = await callWithEnv(gateway, "POST", "/credentials/revoke", {
      body: { credentials: ["x"] },
      headers: { "CF-Connecting-IP": newAddress() },
    });
    expect(own.status).toBe(202);
    const origins = await callWithEnv(gateway, "GET", "/credentials/other", { token: a.key });
    expect(origins.headers.get("x-origin")).toBe("echo");
  });
});
