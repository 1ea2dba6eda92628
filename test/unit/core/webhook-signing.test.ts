/** Standard Webhooks signing, checked against the reference verifier (the `standardwebhooks` package). */
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signWebhook } from "../../../src/core/webhooks/signing";

const nowSeconds = () => Math.floor(Date.now() / 1000);
const BODY = JSON.stringify({ type: "credential.expiring", data: { id: "key_1", days_left: 7, note: "über ✓" } });

/** Whether the reference verifier accepts `body` with `headers` under `secret`. */
function verifies(secret: string, body: string, headers: Record<string, string>): boolean {
  try {
    new Webhook(secret).verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

describe("newWebhookSecret", () => {
  it("is whsec_ and the base64 of 32 bytes", () => {
    const secret = newWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const bytes = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
    expect(bytes.length).toBe(32);
  });

  it("is different each time", () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newWebhookSecret()));
    expect(secrets.size).toBe(50);
  });
});

describe("signWebhook", () => {
  it("gives the three Standard Webhooks headers, and only those", async () => {
    const ts = nowSeconds();
    const headers = await signWebhook("msg_1", ts, BODY, [newWebhookSecret()]);
    expect(Object.keys(headers).sort()).toEqual(["webhook-id", "webhook-signature", "webhook-timestamp"]);
    expect(headers["webhook-id"]).toBe("msg_1");
    expect(headers["webhook-timestamp"]).toBe(String(ts));
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it("verifies with the reference verifier", async () => {
    const secret = newWebhookSecret();
    const headers = await signWebhook("msg_2", nowSeconds(), BODY, [secret]);
    expect(new Webhook(secret).verify(BODY, headers)).toEqual(JSON.parse(BODY));
  });

  it("verifies for an empty body and for a body that is not JSON", async () => {
    const secret = newWebhookSecret();
    const empty = await signWebhook("msg_3", nowSeconds(), "", [secret]);
    expect(verifies(secret, "", empty)).toBe(true);
    const text = "plain text, with a . and ünïcödé";
    const headers = await signWebhook("msg_4", nowSeconds(), text, [secret]);
    expect(() => new Webhook(secret).verify(text, headers, { jsonParse: false })).not.toThrow();
  });

  it("is deterministic for the same id, time, body and secret", async () => {
    const secret = newWebhookSecret();
    const ts = nowSeconds();
    expect(await signWebhook("msg_5", ts, BODY, [secret])).toEqual(await signWebhook("msg_5", ts, BODY, [secret]));
  });

  it("signs with every secret during a rotation, and each secret alone verifies", async () => {
    const previous = newWebhookSecret();
    const next = newWebhookSecret();
    const headers = await signWebhook("msg_6", nowSeconds(), BODY, [next, previous]);
    const entries = headers["webhook-signature"]!.split(" ");
    expect(entries).toHaveLength(2);
    for (const entry of entries) expect(entry).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(entries[0]).not.toBe(entries[1]);
    expect(verifies(next, BODY, headers)).toBe(true);
    expect(verifies(previous, BODY, headers)).toBe(true);
    expect(verifies(newWebhookSecret(), BODY, headers)).toBe(false);
  });

  it("fails verification when the body, the id or the timestamp changed", async () => {
    const secret = newWebhookSecret();
    const ts = nowSeconds();
    const headers = await signWebhook("msg_7", ts, BODY, [secret]);
    expect(verifies(secret, BODY, headers)).toBe(true);
    expect(verifies(secret, BODY.replace("7", "8"), headers)).toBe(false);
    expect(verifies(secret, `${BODY} `, headers)).toBe(false);
    expect(verifies(secret, BODY, { ...headers, "webhook-id": "msg_8" })).toBe(false);
    expect(verifies(secret, BODY, { ...headers, "webhook-timestamp": String(ts - 1) })).toBe(false);
    expect(verifies(secret, BODY, { ...headers, "webhook-timestamp": String(ts + 1) })).toBe(false);
  });

  it("fails verification under another secret", async () => {
    const headers = await signWebhook("msg_9", nowSeconds(), BODY, [newWebhookSecret()]);
    expect(verifies(newWebhookSecret(), BODY, headers)).toBe(false);
  });
});
