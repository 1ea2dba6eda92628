/** CredentialService on the in-memory repository: issue, replace by name, list, get, delete, and the homes around each revoking write. */
import { beforeEach, describe, expect, it } from "vitest";
import type { IssueInput } from "../../../src/core/credentials/credentials";
import { uuidv7 } from "../../../src/core/shared/ids";
import type { Principal } from "../../../src/core/shared/model";
import { parseToken } from "../../../src/core/credentials/tokens";
import { coreServices } from "../../helpers/core-services";

let s: ReturnType<typeof coreServices>;
let a: Awaited<ReturnType<typeof s.orgWithOwner>>;
let bot: Principal;

const serviceAccount = (name: string): Principal => {
  const id = uuidv7();
  return { id, kind: "service_account", email: `${id}@service-accounts.invalid`, givenName: null, familyName: null, name, createdAt: 0 };
};

beforeEach(async () => {
  s = coreServices();
  a = await s.orgWithOwner("acme", "alice@example.com");
  bot = serviceAccount("deployer");
  s.join(a.org, bot);
  s.freshTimeline();
});

const key = (name: string, over: Partial<IssueInput> = {}): IssueInput => ({
  kind: "api_key",
  orgId: a.org.id,
  principalId: a.owner.id,
  name,
  expiresAt: null,
  ...over,
});
const token = (name: string) => key(name, { kind: "service_token", principalId: bot.id });

describe("issue", () => {
  it("stores a credential whose token names it and verifies against its hash, with its event", async () => {
    const expiresAt = s.clock.now + 3_600_000;
    const issued = await s.credentials.issue(key("ci", { expiresAt }), "owner");
    expect(parseToken(issued.token)).toEqual({ kind: "api_key", credentialId: issued.credential.id });
    const stored = await s.repo.getCaller(issued.credential.id);
    expect(stored?.credential).toMatchObject({ name: "ci", enabled: true, expiresAt, revision: 0, secretVersion: 1, prevSecretHash: null });
    expect(await s.hasher.verify(issued.token, stored!.credential.secretHash, stored!.credential.hashVersion)).toBe(true);
    expect(s.repo.events.at(-1)).toMatchObject({
      action: "api_key.create",
      orgId: a.org.id,
      targetType: "api_key",
      targetId: issued.credential.id,
      requestId: "req-unit",
      clientIp: "203.0.113.7",
      changes: { name: "ci", expires_at: expiresAt },
    });
    // A new credential revokes nothing: no home is held.
    expect(s.timeline).toEqual(["write insertCredential"]);
  });

  it("names the service account in a service token's event", async () => {
    const issued = await s.credentials.issue(token("deploy"), "owner");
    expect(s.repo.events.at(-1)).toMatchObject({ action: "service_token.create", changes: { name: "deploy", service_account_id: bot.id } });
    expect((await s.credentials.get({ id: issued.credential.id, kind: "service_token", orgId: a.org.id })).owner?.id).toBe(bot.id);
  });
});

describe("replace by name", () => {
  it("creates when the name is new, and replaces every same-name token of the org otherwise", async () => {
    const first = await s.credentials.replaceByName(token("deploy"), "owner");
    expect(first.replaced).toBe(0);
    expect(s.repo.events.at(-1)).toMatchObject({ action: "service_token.create", changes: { name: "deploy" } });
    // A second same-name token (plain create allows it) and tokens that must survive.
    const twin = await s.credentials.issue(token("deploy"), "owner");
    const other = await s.credentials.issue(token("other"), "owner");
    const b = await s.orgWithOwner("globex", "bob@example.com");
    const elsewhere = await s.credentials.issue({ ...token("deploy"), orgId: b.org.id, principalId: b.owner.id }, "owner");

    const second = await s.credentials.replaceByName(token("deploy"), "owner");
    expect(second.replaced).toBe(2);
    expect(s.repo.events.at(-1)).toMatchObject({
      action: "service_token.replace",
      targetId: second.credential.id,
      changes: { name: "deploy", service_account_id: bot.id, replaced: 2 },
    });
    const left = [...s.repo.tables.credentials.keys()];
    expect(left).not.toContain(first.credential.id);
    expect(left).not.toContain(twin.credential.id);
    expect(left).toEqual(expect.arrayContaining([second.credential.id, other.credential.id, elsewhere.credential.id]));
  });

  it("holds the homes of the tokens it replaces, and releases a token created during the hold as an extra", async () => {
    const old = await s.credentials.issue(token("deploy"), "owner");
    let racer = "";
    s.homes.duringHold = async () => {
      s.homes.duringHold = null;
      racer = (await s.credentials.issue(token("deploy"), "owner")).credential.id;
    };
    s.freshTimeline();
    const replaced = await s.credentials.replaceByName(token("deploy"), "owner");
    expect(replaced.replaced).toBe(2);
    expect(s.timeline).toEqual([
      `hold key:${old.credential.id}`,
      "write insertCredential",
      "write replaceCredentialByName",
      `release hold-1 key:${old.credential.id} + key:${racer}`,
    ]);
  });

  it("writes nothing when a home cannot be held", async () => {
    const old = await s.credentials.issue(token("deploy"), "owner");
    const events = s.repo.events.length;
    s.homes.unreachable = true;
    await expect(s.credentials.replaceByName(token("deploy"), "owner")).rejects.toMatchObject({ code: "unavailable" });
    expect([...s.repo.tables.credentials.values()].filter((c) => c.name === "deploy").map((c) => c.id)).toEqual([old.credential.id]);
    expect(s.repo.events).toHaveLength(events);
  });
});

describe("list", () => {
  it("filters by owner, org, name, search and ids, newest first, without hashes", async () => {
    const ids: string[] = [];
    for (const name of ["alpha", "Beta", "gamma", "50%_off"]) ids.push((await s.credentials.issue(key(name), "owner")).credential.id);
    const b = await s.orgWithOwner("globex", "bob@example.com");
    await s.credentials.issue({ ...key("alpha"), orgId: b.org.id, principalId: b.owner.id }, "owner");
    await s.credentials.issue(token("alpha"), "owner");

    const names = async (q: Partial<Parameters<typeof s.credentials.list>[0]>) =>
      (await s.credentials.list({ kind: "api_key", principalId: a.owner.id, limit: 100, ...q })).map((o) => o.credential.name);
    // alice's own keys in every org (bootstrap issued one), newest first
    expect(await names({})).toEqual(["50%_off", "gamma", "Beta", "alpha", "bootstrap"]);
    expect(await names({ orgId: a.org.id, name: "alpha" })).toEqual(["alpha"]);
    // case-insensitive substring; the wildcards are taken literally
    expect(await names({ search: "BET" })).toEqual(["Beta"]);
    expect(await names({ search: "%_" })).toEqual(["50%_off"]);
    expect(await names({ search: "_" })).toEqual(["50%_off"]);
    expect(await names({ ids: [ids[0]!, ids[2]!] })).toEqual(["gamma", "alpha"]);
    expect(await names({ ids: [] })).toEqual([]);
    expect(await names({ principalId: b.owner.id })).toEqual(["alpha", "bootstrap"]);
    const [listed] = await s.credentials.list({ kind: "api_key", principalId: a.owner.id, limit: 1 });
    expect(listed?.credential.secretHash.byteLength).toBe(0);
    expect(listed?.owner?.id).toBe(a.owner.id);
  });

  it("pages forwards and backwards with id cursors, and by offset oldest first", async () => {
    for (let i = 0; i < 5; i++) await s.credentials.issue(key(`k${i}`), "owner");
    const page = async (q: Partial<Parameters<typeof s.credentials.list>[0]>) =>
      (await s.credentials.list({ kind: "api_key", orgId: a.org.id, limit: 2, ...q })).map((o) => o.credential.name);
    const ids = (await s.credentials.list({ kind: "api_key", orgId: a.org.id, limit: 100 })).map((o) => o.credential.id);
    expect(await page({})).toEqual(["k4", "k3"]);
    expect(await page({ startingAfter: ids[1] })).toEqual(["k2", "k1"]);
    expect(await page({ startingAfter: ids[5] })).toEqual([]);
    // backwards: the two just above the cursor, still newest first
    expect(await page({ endingBefore: ids[4] })).toEqual(["k2", "k1"]);
    expect(await page({ endingBefore: ids[1] })).toEqual(["k4"]);
    expect(await page({ oldestFirst: true, offset: 2 })).toEqual(["k1", "k2"]);
    // the count ignores cursors, offset and limit
    expect(await s.repo.countCredentials({ kind: "api_key", orgId: a.org.id, startingAfter: ids[1], offset: 3, limit: 1 })).toBe(6);
  });
});

describe("get and delete", () => {
  it("find a credential only within its scope, answering every miss alike", async () => {
    const issued = await s.credentials.issue(key("ci"), "owner");
    const id = issued.credential.id;
    const b = await s.orgWithOwner("globex", "bob@example.com");
    expect((await s.credentials.get({ id, kind: "api_key", orgId: a.org.id })).credential.name).toBe("ci");
    expect((await s.credentials.get({ id, kind: "api_key", principalId: a.owner.id })).owner?.email).toBe("alice@example.com");
    expect((await s.credentials.get({ id, kind: "api_key", visibleTo: a.owner.id })).credential.id).toBe(id);
    const misses = [
      { id, kind: "api_key" as const, orgId: b.org.id },
      { id, kind: "api_key" as const, principalId: b.owner.id },
      { id, kind: "api_key" as const, visibleTo: b.owner.id },
      { id: uuidv7(), kind: "api_key" as const, orgId: a.org.id },
    ];
    for (const scope of misses) {
      await expect(s.credentials.get(scope)).rejects.toMatchObject({
        code: "not_found",
        message: `API key ${JSON.stringify(scope.id)} not found`,
      });
    }
    await expect(s.credentials.get({ id, kind: "service_token", orgId: a.org.id })).rejects.toMatchObject({ message: /^Service token/ });
  });

  it("delete answers what it deleted, records it from the row, and refuses other scopes without an event", async () => {
    const issued = await s.credentials.issue(key("ci"), "owner");
    const id = issued.credential.id;
    const b = await s.orgWithOwner("globex", "bob@example.com");
    const events = s.repo.events.length;
    await expect(s.credentials.delete({ id, kind: "api_key", orgId: b.org.id }, "owner")).rejects.toMatchObject({ code: "not_found" });
    await expect(s.credentials.delete({ id, kind: "service_token", orgId: a.org.id }, "owner")).rejects.toMatchObject({
      code: "not_found",
    });
    expect(s.repo.events).toHaveLength(events);

    const deleted = await s.credentials.delete({ id, kind: "api_key", principalId: a.owner.id }, "owner");
    expect(deleted.credential.id).toBe(id);
    expect(deleted.owner?.id).toBe(a.owner.id);
    expect(s.repo.events.at(-1)).toMatchObject({ action: "api_key.delete", orgId: a.org.id, targetId: id, changes: { name: "ci" } });
    expect(await s.repo.getCaller(id)).toBeNull();
    await expect(s.credentials.delete({ id, kind: "api_key", principalId: a.owner.id }, "owner")).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("delete holds the home before it writes and releases it after; an unreachable home stops it", async () => {
    const { credential } = await s.credentials.issue(key("ci"), "owner");
    s.homes.unreachable = true;
    await expect(s.credentials.delete({ id: credential.id, kind: "api_key", orgId: a.org.id }, "owner")).rejects.toMatchObject({
      code: "unavailable",
    });
    expect(s.repo.tables.credentials.has(credential.id)).toBe(true);

    s.homes.unreachable = false;
    s.freshTimeline();
    await s.credentials.delete({ id: credential.id, kind: "api_key", orgId: a.org.id }, "owner");
    expect(s.timeline).toEqual([`hold key:${credential.id}`, "write deleteCredential", `release hold-1 key:${credential.id}`]);
  });
});

describe("authorization, decided in the core by the kinds registry", () => {
  it("lets a member manage API keys but not service tokens, and writes nothing when refused", async () => {
    const events = s.repo.events.length;
    await expect(s.credentials.issue(token("deploy"), "member")).rejects.toMatchObject({
      code: "forbidden",
      message: /^Creating service tokens requires an org owner's credential/,
    });
    await expect(s.credentials.replaceByName(token("deploy"), "member")).rejects.toMatchObject({
      code: "forbidden",
      message: /^Replacing service tokens/,
    });
    expect(s.repo.events).toHaveLength(events);
    const issued = await s.credentials.issue(token("deploy"), "owner");
    await expect(
      s.credentials.delete({ id: issued.credential.id, kind: "service_token", orgId: a.org.id }, "member"),
    ).rejects.toMatchObject({
      code: "forbidden",
      message: /^Deleting service tokens/,
    });
    expect(s.timeline.filter((e) => e.startsWith("hold"))).toEqual([]);
    const mine = await s.credentials.issue(key("mine"), "member");
    expect((await s.credentials.delete({ id: mine.credential.id, kind: "api_key", orgId: a.org.id }, "member")).credential.id).toBe(
      mine.credential.id,
    );
  });
});
