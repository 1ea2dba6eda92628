/**
 * GitHub's secret scanning partner endpoint, through the Worker with real D1 and
 * homes: signed reports stop live secrets at once; anything unsigned, tampered or
 * signed by an unpublished key answers 401 and changes nothing.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { authStatus, createServiceAccount } from "../../helpers/braintrust";
import { account, createToken, inMinutes, verify } from "../../helpers/cloudflare";
import { expectLog } from "../../helpers/expected-logs";
import { call, callWithEnv, dumpDatabase } from "../../helpers/http";
import { createWebhook, eventsOf, newBox, waitFor } from "../../helpers/lifecycle";
import { keyFetches, newGithubKey, publishKeys, report, signBody } from "../../helpers/secret-scanning";

const seen = (url = "https://github.com/acme/app/blob/main/.env") => ({ type: "edgekeys_api_key", url, source: "content" });

/** The org's `credential.leaked` audit events, oldest first. */
async function leakedEvents(key: string): Promise<{ target_type: string; target_id: string; changes: Record<string, unknown> }[]> {
  const res = await call("GET", "/v1/audit_events?action=credential.leaked&limit=100", { token: key });
  expect(res.status, res.text).toBe(200);
  return res.body.objects.reverse();
}

async function setup() {
  const key = await newGithubKey();
  return { key, keysUrl: await publishKeys([key]) };
}

describe("a signed report", () => {
  it("stops every live secret it names, labels each token, and tells the owner", async () => {
    const { key, keysUrl } = await setup();
    const a = await account();
    const robot = (await createServiceAccount(a.key, { token_name: "deploy" })).api_key!;
    const box = newBox();
    const webhook = await createWebhook(a.key, box, { events: ["credential.leaked"] });
    const second = await call("POST", "/v1/api_key", { token: a.key, body: { name: "leaky" } });
    const access = await createToken(a);
    const matches = [
      { token: second.body.key, ...seen() },
      { token: robot, type: "some_other_type", url: "", source: "commit" },
      { token: access.client_secret, type: "edgekeys_access_client_secret", url: "https://gist.github.com/x", source: "gist_content" },
      { token: "some_token", type: "some_type", url: "https://example.com/base-repo-url/", source: "commit" },
    ];
    const res = await report(keysUrl, matches, key);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual([
      { token_raw: second.body.key, token_type: "edgekeys_api_key", label: "true_positive" },
      { token_raw: robot, token_type: "some_other_type", label: "true_positive" },
      { token_raw: access.client_secret, token_type: "edgekeys_access_client_secret", label: "true_positive" },
      { token_raw: "some_token", token_type: "some_type", label: "false_positive" },
    ]);
    // Felt by the very next request, whatever door it comes through.
    expect(await authStatus(second.body.key)).toBe(401);
    expect(await authStatus(robot)).toBe(401);
    expect(await verify(access.client_id, access.client_secret)).toBe("unknown");
    expect(await authStatus(a.key)).toBe(200);
    const leaked = await leakedEvents(a.key);
    expect(leaked).toEqual([
      expect.objectContaining({
        target_type: "api_key",
        target_id: second.body.id,
        changes: expect.objectContaining({
          reporter: "github_secret_scanning",
          response: "deleted",
          url: matches[0]!.url,
          source: "content",
          name: "leaky",
        }),
      }),
      expect.objectContaining({
        target_type: "service_token",
        changes: expect.objectContaining({ response: "deleted", type: "some_other_type", source: "commit" }),
      }),
      expect.objectContaining({
        target_type: "access_token",
        target_id: access.id,
        changes: expect.objectContaining({ response: "deleted", client_id: access.client_id, source: "gist_content" }),
      }),
    ]);
    const events = eventsOf(webhook.secret, await waitFor(box, 3));
    expect(events.map((e) => e.type)).toEqual(["credential.leaked", "credential.leaked", "credential.leaked"]);
    expect(events[2]!.data).toMatchObject({
      kind: "access_token",
      id: access.id,
      client_id: access.client_id,
      url: "https://gist.github.com/x",
      reporter: "github_secret_scanning",
    });
    expect(JSON.stringify(events)).not.toContain(access.client_secret);
  });

  it("changes nothing more when the same report comes again", async () => {
    const { key, keysUrl } = await setup();
    const a = await account();
    const leaky = (await call("POST", "/v1/api_key", { token: a.key, body: { name: "twice" } })).body;
    const body = JSON.stringify([{ token: leaky.key, ...seen() }]);
    expect((await report(keysUrl, body, key)).body[0].label).toBe("true_positive");
    const before = await dumpDatabase();
    const again = await report(keysUrl, body, key);
    expect(again.status).toBe(200);
    expect(again.body[0].label).toBe("false_positive");
    expect(await dumpDatabase()).toBe(before);
  });

  it("labels a forged secret for a real credential a false positive and leaves the credential working", async () => {
    const { key, keysUrl } = await setup();
    const a = await account();
    // Same prefix and credential id, another secret, a valid checksum: only the keyed hash tells.
    const forged = (await call("POST", "/v1/api_key", { token: a.key, body: { name: "victim" } })).body.key as string;
    const { mintToken } = await import("../../../src/core/credentials/tokens");
    const twin = mintToken("api_key", a.api_key.id).token;
    expect(twin).not.toBe(a.key);
    const res = await report(
      keysUrl,
      [
        { token: twin, ...seen() },
        { token: forged.slice(0, -1) + (forged.endsWith("A") ? "B" : "A"), ...seen() },
      ],
      key,
    );
    expect(res.body.map((m: { label: string }) => m.label)).toEqual(["false_positive", "false_positive"]);
    expect(await authStatus(a.key)).toBe(200);
    expect(await authStatus(forged)).toBe(200);
  });

  it("ends only the grace of a leaked previous Access secret, and with LEAKED_CREDENTIAL_ACTION=disable keeps a token disabled", async () => {
    const { key, keysUrl } = await setup();
    const a = await account();
    const token = await createToken(a);
    const rotated = await call("POST", `${a.base}/${token.id}/rotate`, {
      token: a.key,
      body: { previous_client_secret_expires_at: inMinutes(60) },
    });
    const current = rotated.body.result.client_secret as string;
    expect(await verify(token.client_id, token.client_secret)).toBe("ok");
    const res = await report(keysUrl, [{ token: token.client_secret, ...seen() }], key);
    expect(res.body[0].label).toBe("true_positive");
    expect(await verify(token.client_id, token.client_secret)).toBe("invalid_secret");
    expect(await verify(token.client_id, current)).toBe("ok");
    const disabled = await report(keysUrl, [{ token: current, ...seen() }], key, { env: { LEAKED_CREDENTIAL_ACTION: "disable" } });
    expect(disabled.body[0].label).toBe("true_positive");
    expect(await verify(token.client_id, current)).toBe("disabled");
    const kept = await call("GET", `${a.base}/${token.id}`, { token: a.key });
    expect(kept.status).toBe(200);
    const responses = (await leakedEvents(a.key)).map((e) => [e.changes.secret, e.changes.response]);
    expect(responses).toEqual([
      ["previous", "grace_ended"],
      ["current", "disabled"],
    ]);
  });

  it("finds a legacy 64-hex Access secret by its keyed hash, and it keeps working until then", async () => {
    const { key, keysUrl } = await setup();
    const a = await account();
    const token = await createToken(a);
    const legacy = [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const { SecretHasher } = await import("../../../src/core/credentials/hashing");
    const { hash } = await new SecretHasher({ current: { version: 1, secret: env.TOKEN_PEPPER! } }).hash(legacy);
    const { writeThrough } = await import("../../helpers/homes");
    await writeThrough([token.id], "UPDATE credentials SET secret_hash = ? WHERE id = ?", hash, token.id);
    expect(await verify(token.client_id, legacy)).toBe("ok");
    const res = await report(keysUrl, [{ token: legacy, type: "cloudflare_access_secret", url: "", source: "npm" }], key);
    expect(res.body[0]).toEqual({ token_raw: legacy, token_type: "cloudflare_access_secret", label: "true_positive" });
    expect(await verify(token.client_id, legacy)).toBe("unknown");
  });
});

describe("anything not signed by a published GitHub key", () => {
  it("answers 401 and revokes nothing: tampered body, bad or missing signature, unknown key id", async () => {
    const { key, keysUrl } = await setup();
    const a = await account();
    const body = JSON.stringify([{ token: a.key, ...seen() }]);
    const stranger = await newGithubKey();
    const before = await dumpDatabase();
    const attempts = [
      await report(keysUrl, body, key, { body: body.replace("content", "commit") }),
      await report(keysUrl, body, key, { headers: { "Github-Public-Key-Signature": await signBody(`${body} `, key) } }),
      await report(keysUrl, body, key, { headers: { "Github-Public-Key-Signature": "MEQCIQDaMKqr" } }),
      await report(keysUrl, body, key, { headers: { "Github-Public-Key-Signature": "" } }),
      await report(keysUrl, body, key, { headers: { "Github-Public-Key-Identifier": "" } }),
      await report(keysUrl, body, stranger),
      // a signature by the right key over another body, under the right key id
      await report(keysUrl, body, key, { headers: { "Github-Public-Key-Signature": await signBody("[]", key) } }),
    ];
    for (const res of attempts) {
      expect(res.status, res.text).toBe(401);
      expect(res.body).toMatchObject({ error: "unauthenticated", message: "Invalid GitHub secret scanning signature" });
    }
    expect(await dumpDatabase()).toBe(before);
    expect(await authStatus(a.key)).toBe(200);
  });

  it("fetches the keys again once for an unknown key id, and not again within a minute", async () => {
    const { key, keysUrl } = await setup();
    expect((await report(keysUrl, "[]", key)).status).toBe(200);
    expect(await keyFetches(keysUrl)).toBe(1);
    expect((await report(keysUrl, "[]", key)).status).toBe(200);
    expect(await keyFetches(keysUrl)).toBe(1); // cached
    // GitHub publishes a new key, then signs with it: one fetch finds it.
    const next = await newGithubKey();
    await publishKeys([next, key], keysUrl);
    expect((await report(keysUrl, "[]", next)).status).toBe(200);
    expect(await keyFetches(keysUrl)).toBe(2);
    // Random key ids cannot make the Worker hammer GitHub.
    for (let i = 0; i < 3; i++) expect((await report(keysUrl, "[]", await newGithubKey())).status).toBe(401);
    expect(await keyFetches(keysUrl)).toBe(2);
  });

  it("verifies the signed sample from GitHub's documentation", async () => {
    const keyId = "bcb53661c06b4728e59d897fb6165d5c9cda0fd9cdf9d09ead458168deb7518c";
    const pem =
      "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYAGMWO8XgCamYKMJS6jc/qgvSlAd\nAjPuDPRcXU22YxgBrz+zoN19MzuRyW87qEt9/AmtoNP5GrobzUvQSyJFVw==\n-----END PUBLIC KEY-----\n";
    const { keysUrl } = await setup();
    await fetch(keysUrl, { method: "PUT", body: JSON.stringify({ public_keys: [{ key_identifier: keyId, key: pem, is_current: true }] }) });
    const body = '[{"source":"commit","token":"some_token","type":"some_type","url":"https://example.com/base-repo-url/"}]';
    const signature = "MEQCIQDaMKqrGnE27S0kgMrEK0eYBmyG0LeZismAEz/BgZyt7AIfXt9fErtRS4XaeSt/AO1RtBY66YcAdjxji410VQV4xg==";
    const headers = { "Content-Type": "application/json", "Github-Public-Key-Identifier": keyId, "Github-Public-Key-Signature": signature };
    const res = await callWithEnv({ GITHUB_SECRET_SCANNING_KEYS_URL: keysUrl }, "POST", "/secret-scanning/github", {
      rawBody: body,
      headers,
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual([{ token_raw: "some_token", token_type: "some_type", label: "false_positive" }]);
    const tampered = await callWithEnv({ GITHUB_SECRET_SCANNING_KEYS_URL: keysUrl }, "POST", "/secret-scanning/github", {
      rawBody: body.replace("commit", "content"),
      headers,
    });
    expect(tampered.status).toBe(401);
  });

  it("answers 503 with a request id when GitHub's keys cannot be fetched, and bounds a signed report", async () => {
    const { key, keysUrl } = await setup();
    const logged = expectLog(/^secret scanning keys: GitHub's secret scanning keys answered 404$/);
    const down = await report(`${keysUrl}-missing`, "[]", key);
    expect(down.status).toBe(503);
    expect(logged.lines).toHaveLength(1);
    expect(down.body).toMatchObject({ error: "unavailable", request_id: expect.any(String) });
    // While the endpoint fails, reports (unauthenticated, each well-formed) cost one outbound fetch a minute, not one each.
    const failing = `${keysUrl}-failing`;
    await fetch(failing, { method: "PUT", body: "FAIL" });
    const failureLogged = expectLog(/secret scanning keys: .*answered 500/);
    for (let i = 0; i < 20; i++) {
      const res = await report(failing, "[]", key);
      expect(res.status).toBe(503);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    expect(await keyFetches(failing)).toBe(1);
    expect(failureLogged.lines).toHaveLength(1); // the one failed fetch is logged, the 19 refused reports are not
    const many = JSON.stringify(Array.from({ length: 1001 }, (_, i) => ({ token: `t${i}`, type: "x", url: "", source: "commit" })));
    const tooMany = await report(keysUrl, many, key);
    expect(tooMany.status, tooMany.text).toBe(400);
    const huge = await report(keysUrl, JSON.stringify([{ token: "x", url: "u".repeat(1024 * 1024) }]), key);
    expect(huge.status).toBe(413);
    const notAList = await report(keysUrl, '{"token":"x"}', key);
    expect(notAList.status).toBe(400);
  });
});
