/** AccessTokenService on the in-memory repository: create, update, refresh, rotate with grace, compare-and-swap, and the token's home around every update. */
import { beforeEach, describe, expect, it } from "vitest";
import type { Credential } from "../../../src/core/shared/model";
import { CLIENT_ID_PATTERN, clientSecretId } from "../../../src/core/credentials/tokens";
import { coreServices, HOUR } from "../../helpers/core-services";

/** Acting as an owner of `orgId`: what the Cloudflare surface resolves for an owner's credential. */
const asOwner = (orgId: string) => ({ orgId, role: "owner" as const });

const YEAR = 8760 * HOUR;

let s: ReturnType<typeof coreServices>;
let orgId: string;

beforeEach(async () => {
  s = coreServices();
  orgId = (await s.orgWithOwner("acme", "alice@example.com")).org.id;
});

const stored = (id: string) => s.repo.tables.credentials.get(id)!;
const verifies = (secret: string, hash: ArrayBuffer | null, version: number | null) =>
  hash !== null && version !== null && s.hasher.verify(secret, hash, version);

/** Runs `write` with a fresh timeline and expects exactly hold → write → release of the token's home around it. */
async function guarded<T>(token: Credential, write: () => Promise<T>): Promise<T> {
  s.freshTimeline();
  const result = await write();
  const hold = `hold-${s.homes.holdsTaken}`;
  expect(s.timeline).toEqual([`hold client:${token.clientId}`, "write updateCredential", `release ${hold} client:${token.clientId}`]);
  return result;
}

describe("create", () => {
  it("mints a client id and secret, with a year's duration by default, and records it", async () => {
    const { credential, secret } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    expect(credential.clientId).toMatch(CLIENT_ID_PATTERN);
    expect(clientSecretId(secret)).toBe(credential.id);
    expect(credential).toMatchObject({ kind: "access_token", principalId: null, duration: "8760h", enabled: true, secretVersion: 1 });
    expect(credential.expiresAt).toBe(s.clock.now + YEAR);
    expect(await verifies(secret, stored(credential.id).secretHash, stored(credential.id).hashVersion)).toBe(true);
    expect(s.repo.events.at(-1)).toMatchObject({
      action: "access_token.create",
      targetId: credential.id,
      changes: { name: "ci", duration: "8760h", enabled: true, client_secret_version: 1 },
    });
  });

  it("takes a duration (forever: no expiry), a disabled state and a starting secret version", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), {
      name: "ci",
      duration: "forever",
      enabled: false,
      clientSecretVersion: 3,
    });
    expect(credential).toMatchObject({ expiresAt: null, enabled: false, secretVersion: 3 });
  });
});

describe("list, get and delete", () => {
  it("pages oldest first with a total, and keeps to the org", async () => {
    for (const name of ["web", "api", "web-2"]) await s.accessTokens.create(asOwner(orgId), { name });
    const other = (await s.orgWithOwner("globex", "bob@example.com")).org.id;
    const theirs = await s.accessTokens.create(asOwner(other), { name: "web" });
    const page = await s.accessTokens.list(asOwner(orgId), { page: 2, perPage: 2 });
    expect(page.items.map((c) => c.name)).toEqual(["web-2"]);
    expect(page.total).toBe(3);
    expect((await s.accessTokens.list(asOwner(orgId), { search: "WEB", page: 1, perPage: 10 })).items.map((c) => c.name)).toEqual([
      "web",
      "web-2",
    ]);
    expect((await s.accessTokens.list(asOwner(orgId), { name: "web", page: 1, perPage: 10 })).total).toBe(1);
    await expect(s.accessTokens.get(asOwner(orgId), theirs.credential.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(s.accessTokens.delete(asOwner(orgId), theirs.credential.id)).rejects.toMatchObject({ code: "not_found" });
    expect(s.repo.tables.credentials.has(theirs.credential.id)).toBe(true);
  });

  it("delete holds the home named by the client id, and writes nothing when it cannot", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    s.homes.unreachable = true;
    await expect(s.accessTokens.delete(asOwner(orgId), credential.id)).rejects.toMatchObject({ code: "unavailable" });
    expect(s.repo.tables.credentials.has(credential.id)).toBe(true);
    s.homes.unreachable = false;
    s.freshTimeline();
    await s.accessTokens.delete(asOwner(orgId), credential.id);
    expect(s.timeline).toEqual([
      `hold client:${credential.clientId}`,
      "write deleteCredential",
      `release hold-1 client:${credential.clientId}`,
    ]);
    expect(s.repo.events.at(-1)).toMatchObject({ action: "access_token.delete", targetId: credential.id, changes: { name: "ci" } });
  });
});

describe("update and refresh", () => {
  it("change name and enabled, bump the revision, and record only what was asked", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    s.clock.now += 1000;
    const { credential: updated, secret } = await guarded(credential, () =>
      s.accessTokens.update(asOwner(orgId), credential.id, { name: "cd", enabled: false }),
    );
    expect(secret).toBeNull();
    expect(updated).toMatchObject({ name: "cd", enabled: false, revision: 1, updatedAt: s.clock.now, expiresAt: credential.expiresAt });
    expect(s.repo.events.at(-1)).toMatchObject({ action: "access_token.update", at: s.clock.now, changes: { name: "cd", enabled: false } });
    expect(Object.keys(s.repo.events.at(-1)!.changes).sort()).toEqual(["enabled", "name"]);
  });

  it("count a new duration, and a refresh, from the time of the change", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci", duration: "24h" });
    s.clock.now += HOUR;
    const changed = await guarded(credential, () => s.accessTokens.update(asOwner(orgId), credential.id, { duration: "2h" }));
    expect(changed.credential).toMatchObject({ duration: "2h", expiresAt: s.clock.now + 2 * HOUR });
    s.clock.now += HOUR;
    const refreshed = await guarded(credential, () => s.accessTokens.refresh(asOwner(orgId), credential.id));
    expect(refreshed).toMatchObject({ expiresAt: s.clock.now + 2 * HOUR, revision: 2 });
    expect(new Uint8Array(refreshed.secretHash)).toEqual(new Uint8Array(credential.secretHash));
    expect(s.repo.events.at(-1)).toMatchObject({ action: "access_token.refresh", changes: { expires_at: s.clock.now + 2 * HOUR } });
  });

  it("never move the update time backwards, even when the clock does", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    s.clock.now -= HOUR;
    expect((await s.accessTokens.refresh(asOwner(orgId), credential.id)).updatedAt).toBe(credential.updatedAt);
  });

  it("refuse a client_secret_version lower than the current one, and treat an equal one as no rotation", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci", clientSecretVersion: 2 });
    await expect(s.accessTokens.update(asOwner(orgId), credential.id, { clientSecretVersion: 1 })).rejects.toMatchObject({
      code: "invalid_request",
      details: { field: "client_secret_version" },
    });
    expect(stored(credential.id).revision).toBe(0);
    const same = await s.accessTokens.update(asOwner(orgId), credential.id, { clientSecretVersion: 2 });
    expect(same.secret).toBeNull();
    expect(new Uint8Array(same.credential.secretHash)).toEqual(new Uint8Array(credential.secretHash));
  });
});

describe("rotation", () => {
  it("without grace: a new secret, and the old one dies at once (its hash is not kept)", async () => {
    const { credential, secret: old } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    const { credential: rotated, secret } = await guarded(credential, () => s.accessTokens.rotate(asOwner(orgId), credential.id, null));
    expect(rotated).toMatchObject({
      secretVersion: 2,
      prevSecretHash: null,
      prevHashVersion: null,
      prevExpiresAt: s.clock.now,
      clientId: credential.clientId,
    });
    expect(await verifies(secret!, rotated.secretHash, rotated.hashVersion)).toBe(true);
    expect(await verifies(old, rotated.secretHash, rotated.hashVersion)).toBe(false);
    expect(s.repo.events.at(-1)).toMatchObject({
      action: "access_token.rotate",
      changes: { client_secret_version: 2, previous_client_secret_expires_at: s.clock.now },
    });
  });

  it("with grace: the previous secret verifies until the time given, which can move later or into the past", async () => {
    const { credential, secret: old } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    const until = s.clock.now + HOUR;
    const { credential: rotated } = await s.accessTokens.rotate(asOwner(orgId), credential.id, until);
    expect(rotated.prevExpiresAt).toBe(until);
    expect(await verifies(old, rotated.prevSecretHash, rotated.prevHashVersion)).toBe(true);

    const later = await guarded(credential, () =>
      s.accessTokens.update(asOwner(orgId), credential.id, { previousSecretExpiresAt: until + HOUR }),
    );
    expect(later.credential.prevExpiresAt).toBe(until + HOUR);
    expect(await verifies(old, later.credential.prevSecretHash, later.credential.prevHashVersion)).toBe(true);

    const past = await guarded(credential, () =>
      s.accessTokens.update(asOwner(orgId), credential.id, { previousSecretExpiresAt: s.clock.now - 1 }),
    );
    expect(past.credential).toMatchObject({ prevSecretHash: null, prevHashVersion: null, prevExpiresAt: s.clock.now - 1 });
  });

  it("never revives a previous secret whose grace has run out", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    await s.accessTokens.rotate(asOwner(orgId), credential.id, s.clock.now + HOUR);
    s.clock.now += 2 * HOUR;
    // The dead hash is still stored; asking for more grace drops it instead of reviving it.
    expect(stored(credential.id).prevSecretHash).not.toBeNull();
    const { credential: after } = await s.accessTokens.update(asOwner(orgId), credential.id, {
      previousSecretExpiresAt: s.clock.now + HOUR,
    });
    expect(after).toMatchObject({ prevSecretHash: null, prevExpiresAt: s.clock.now });
    // and with no previous hash left, a later grace time changes nothing
    const { credential: again } = await s.accessTokens.update(asOwner(orgId), credential.id, {
      previousSecretExpiresAt: s.clock.now + HOUR,
    });
    expect(again).toMatchObject({ prevSecretHash: null, prevExpiresAt: s.clock.now });
  });

  it("by raising client_secret_version through an update, with the grace asked for", async () => {
    const { credential, secret: old } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    const until = s.clock.now + HOUR;
    const { credential: rotated, secret } = await s.accessTokens.update(asOwner(orgId), credential.id, {
      clientSecretVersion: 5,
      previousSecretExpiresAt: until,
    });
    expect(clientSecretId(secret!)).toBe(credential.id);
    expect(rotated).toMatchObject({ secretVersion: 5, prevExpiresAt: until });
    expect(await verifies(old, rotated.prevSecretHash, rotated.prevHashVersion)).toBe(true);
    expect(s.repo.events.at(-1)).toMatchObject({ action: "access_token.update", changes: { client_secret_version: 5, rotated: true } });
  });
});

describe("compare-and-swap", () => {
  it("retries over a concurrent write, computing again from what that write left", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    // Another rotation lands between our read and our write: its secret, not the one we read, becomes the previous one.
    const theirs = new Uint8Array(32).fill(7).buffer;
    let collisions = 0;
    s.repo.beforeUpdate = ({ id }) => {
      if (collisions++ === 0) s.repo.concurrentWrite(id, { secretHash: theirs, secretVersion: 2, name: "renamed elsewhere" });
    };
    const events = s.repo.events.length;
    const { credential: rotated } = await s.accessTokens.rotate(asOwner(orgId), credential.id, s.clock.now + HOUR);
    expect(collisions).toBe(2);
    expect(rotated).toMatchObject({ name: "renamed elsewhere", secretVersion: 3, revision: 2 });
    expect(new Uint8Array(rotated.prevSecretHash!)).toEqual(new Uint8Array(theirs));
    expect(s.repo.events).toHaveLength(events + 1);
    expect(s.repo.events.at(-1)?.changes).toMatchObject({ client_secret_version: 3 });
  });

  it("answers 409 after five collisions in a row, with nothing written and no event", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    let attempts = 0;
    s.repo.beforeUpdate = ({ id }) => {
      attempts++;
      s.repo.concurrentWrite(id);
    };
    const events = s.repo.events.length;
    s.freshTimeline();
    await expect(s.accessTokens.update(asOwner(orgId), credential.id, { name: "cd" })).rejects.toMatchObject({ code: "conflict" });
    expect(attempts).toBe(5);
    expect(stored(credential.id)).toMatchObject({ name: "ci", revision: 5 });
    expect(s.repo.events).toHaveLength(events);
    // The home was held first, and the refused write ends its hold at once (rather than letting it expire).
    expect(s.timeline[0]).toBe(`hold client:${credential.clientId}`);
    expect(s.timeline.filter((e) => e.startsWith("release"))).toEqual([`release hold-1 client:${credential.clientId}`]);
  });

  it("writes nothing when the token's home cannot be held", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    s.homes.unreachable = true;
    for (const write of [
      () => s.accessTokens.update(asOwner(orgId), credential.id, { enabled: false }),
      () => s.accessTokens.refresh(asOwner(orgId), credential.id),
      () => s.accessTokens.rotate(asOwner(orgId), credential.id, null),
    ]) {
      await expect(write()).rejects.toMatchObject({ code: "unavailable" });
    }
    expect(stored(credential.id).revision).toBe(0);
  });
});

describe("authorization, decided in the core", () => {
  it("refuses every operation to a member of the org, before any read or write", async () => {
    const { credential } = await s.accessTokens.create(asOwner(orgId), { name: "ci" });
    const member = { orgId, role: "member" as const };
    const events = s.repo.events.length;
    for (const attempt of [
      () => s.accessTokens.create(member, { name: "x" }),
      () => s.accessTokens.list(member, { page: 1, perPage: 10 }),
      () => s.accessTokens.get(member, credential.id),
      () => s.accessTokens.update(member, credential.id, { enabled: false }),
      () => s.accessTokens.rotate(member, credential.id, null),
      () => s.accessTokens.refresh(member, credential.id),
      () => s.accessTokens.delete(member, credential.id),
    ]) {
      await expect(attempt()).rejects.toMatchObject({
        code: "forbidden",
        message: /^Managing Access service tokens requires an org owner's credential/,
      });
    }
    expect(s.repo.events).toHaveLength(events);
    expect((await s.accessTokens.get(asOwner(orgId), credential.id)).enabled).toBe(true);
  });
});
