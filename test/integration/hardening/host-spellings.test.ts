/**
 * Tenant isolation of hosts: for every ordered pair of three accounts, the
 * second's attempts to claim or reach the first's host under every spelling
 * of it (case, trailing dot, port, the IDN's Unicode and A-label forms, a
 * forged X-Forwarded-Host or Forwarded) change nothing and reach nothing.
 * (Absolute-form request targets need a real socket: test/e2e/gateway-bypass.test.ts.)
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { account, cf, createToken } from "../../helpers/cloudflare";
import { appsBase, createApp, newHost, policy, serviceToken, viaGateway, everyone } from "../../helpers/gateway-apps";
import { giveHost, unique } from "../../helpers/http";
import { clientHeaders } from "../../helpers/service-auth";

type Tenant = Awaited<ReturnType<typeof account>> & {
  host: string;
  unicodeHost: string;
  token: { id: string; client_id: string; client_secret: string };
};
const tenants: Tenant[] = [];

/** Every way to write `t`'s host that a request or a domain may carry. */
const spellings = (t: Tenant) => [
  t.host,
  t.host.toUpperCase(),
  `${t.host}.`,
  `${t.host}:8443`,
  `${t.host}:443`,
  `${t.host.toUpperCase()}.:2053`,
  t.unicodeHost,
  `${t.unicodeHost}:8443`,
];

/** The rows of `t` that another account must not change: its applications, their routes and policies. */
async function rowsOf(t: Tenant) {
  const orgId = t.org.id;
  const apps = await env.DB.prepare("SELECT * FROM access_apps WHERE org_id = ? ORDER BY id").bind(orgId).all();
  const routes = await env.DB.prepare(
    "SELECT r.* FROM access_app_routes r JOIN access_apps a ON a.id = r.app_id WHERE a.org_id = ? ORDER BY 1, 2",
  )
    .bind(orgId)
    .all();
  const policies = await env.DB.prepare("SELECT * FROM access_policies WHERE org_id = ? ORDER BY id").bind(orgId).all();
  return JSON.stringify([apps.results, routes.results, policies.results]);
}

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const a = await account();
    const token = await createToken(a);
    // One host in plain ASCII; the IDN's A-label is given to the same account.
    const host = newHost(a);
    const stem = unique("bücher").replace(/[^a-zü0-9-]/g, "");
    const unicodeHost = `${stem}.test`;
    giveHost(new URL(`https://${unicodeHost}`).hostname, a.org.account_id);
    const t = { ...a, host, unicodeHost, token };
    await createApp(a, `${host}/private`, [policy("non_identity", [serviceToken(token.id)])]);
    await createApp(a, `${unicodeHost}/private`, [policy("non_identity", [serviceToken(token.id)])]);
    tenants.push(t);
  }
});

describe("hosts across accounts, every spelling", () => {
  it("lets no account claim another's host, and answers exactly as for a host given to nobody", async () => {
    let attempts = 0;
    for (const owner of tenants) {
      const kept = await rowsOf(owner);
      for (const intruder of tenants.filter((t) => t !== owner)) {
        for (const spelling of spellings(owner)) {
          for (const domain of [spelling, `${spelling}/private`, `${spelling}/private/deeper`]) {
            const res = await cf("POST", appsBase(intruder.org.account_id), {
              token: intruder.key,
              body: { type: "self_hosted", domain, policies: [policy("bypass", [everyone])] },
            });
            expect(res.status, `${domain}: ${res.text}`).toBe(400);
            expect(res.text).not.toContain(owner.org.account_id);
            attempts++;
          }
        }
      }
      expect(await rowsOf(owner)).toBe(kept);
    }
    expect(attempts).toBe(3 * 2 * 8 * 3);
  });

  it("never lets another account's credential, or a forged forwarding header, reach an account's protected path", async () => {
    for (const owner of tenants) {
      for (const intruder of tenants.filter((t) => t !== owner)) {
        const theirs = clientHeaders(intruder.token.client_id, intruder.token.client_secret);
        for (const spelling of spellings(owner)) {
          const url = `${new URL(`https://${spelling}`).host}/private/x`;
          for (const headers of [
            {},
            theirs,
            { ...theirs, "X-Forwarded-Host": intruder.host },
            { ...theirs, Forwarded: `host=${intruder.host}` },
          ]) {
            const res = await viaGateway([owner.host], "GET", url, { headers });
            expect([401, 403], `${url} ${JSON.stringify(headers)} → ${res.status}`).toContain(res.status);
            expect(res.headers.get("x-origin")).toBeNull();
          }
        }
        // On the intruder's own host, a forged X-Forwarded-Host naming the owner's host is dropped: the origin
        // hears the host the decision was made on.
        const own = await viaGateway([intruder.host], "GET", `${intruder.host}/private/x`, {
          headers: { ...theirs, "X-Forwarded-Host": owner.host },
        });
        expect(own.status).toBe(200);
        expect(own.body.headers["x-forwarded-host"]).toBe(intruder.host);
      }
      // The owner's own token passes under every spelling.
      for (const spelling of spellings(owner)) {
        const res = await viaGateway([owner.host], "GET", `${new URL(`https://${spelling}`).host}/private/x`, {
          headers: clientHeaders(owner.token.client_id, owner.token.client_secret),
        });
        expect(res.status, spelling).toBe(200);
      }
    }
  });
});
