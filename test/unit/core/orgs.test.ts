/** OrgService on the in-memory repository: resolving the org a request acts in, service accounts, roles, and bootstrap. */
import { beforeEach, describe, expect, it } from "vitest";
import { uuidv7 } from "../../../src/core/shared/ids";
import { coreServices } from "../../helpers/core-services";

let s: ReturnType<typeof coreServices>;
let a: Awaited<ReturnType<typeof s.orgWithOwner>>;

beforeEach(async () => {
  s = coreServices();
  a = await s.orgWithOwner("acme", "alice@example.com");
});

describe("resolve", () => {
  it("is the credential's org unless another of the caller's orgs is named, by name or id", async () => {
    const b = await s.orgWithOwner("globex", "bob@example.com");
    s.join(b.org, a.owner);
    expect(await s.orgs.resolve(a.caller, null)).toEqual({ org: a.org, role: "owner" });
    expect(await s.orgs.resolve(a.caller, "acme", a.org.id)).toEqual({ org: a.org, role: "owner" });
    expect(await s.orgs.resolve(a.caller, "globex")).toEqual({ org: b.org, role: "member" });
    expect(await s.orgs.resolve(a.caller, undefined, b.org.id)).toEqual({ org: b.org, role: "member" });
    expect(await s.orgs.resolve(a.caller, "globex", b.org.id)).toEqual({ org: b.org, role: "member" });
  });

  it("answers a missing org exactly like one the caller is not in", async () => {
    const b = await s.orgWithOwner("globex", "bob@example.com");
    const refusal = (name: string) => ({ code: "forbidden", message: `You are not a member of an org named ${JSON.stringify(name)}` });
    await expect(s.orgs.resolve(a.caller, "globex")).rejects.toMatchObject(refusal("globex"));
    await expect(s.orgs.resolve(a.caller, "nowhere")).rejects.toMatchObject(refusal("nowhere"));
    const missingId = uuidv7();
    for (const id of [b.org.id, missingId]) {
      await expect(s.orgs.resolve(a.caller, null, id)).rejects.toMatchObject({
        code: "forbidden",
        message: `You are not a member of an org with id ${JSON.stringify(id)}`,
      });
    }
  });

  it("refuses an org id and an org name that name different orgs", async () => {
    const b = await s.orgWithOwner("globex", "bob@example.com");
    s.join(b.org, a.owner);
    await expect(s.orgs.resolve(a.caller, "acme", b.org.id)).rejects.toMatchObject({ code: "forbidden" });
  });

  it("gives the caller's role in any org, null where they are not a member", async () => {
    const b = await s.orgWithOwner("globex", "bob@example.com");
    expect(await s.orgs.roleIn(a.caller, a.org.id)).toBe("owner");
    expect(await s.orgs.roleIn(a.caller, b.org.id)).toBeNull();
    s.join(b.org, a.owner);
    expect(await s.orgs.roleIn(a.caller, b.org.id)).toBe("member");
  });
});

it("finds a service account only in its own org; another org's looks missing", async () => {
  const b = await s.orgWithOwner("globex", "bob@example.com");
  const [sa] = await s.members.change(b.org, "owner", {
    inviter: b.owner.id,
    inviteEmails: [],
    inviteIds: [],
    serviceAccounts: [{ name: "bot", tokenName: null }],
    role: "member",
    removeIds: [],
    removeEmails: [],
  });
  const id = sa!.principal.id;
  expect((await s.orgs.serviceAccount(b.org.id, id)).name).toBe("bot");
  for (const [orgId, saId] of [
    [a.org.id, id],
    [a.org.id, uuidv7()],
    [b.org.id, b.owner.id],
  ] as const) {
    await expect(s.orgs.serviceAccount(orgId, saId)).rejects.toMatchObject({
      code: "not_found",
      message: `Service account ${JSON.stringify(saId)} not found`,
    });
  }
});

describe("bootstrap", () => {
  it("creates the org, the user as its owner and a working key, and records it against the org", async () => {
    const { org, user, issued } = await s.orgs.bootstrap({
      orgName: "initech",
      email: " Peter@Example.com ",
      givenName: "Peter",
      familyName: null,
    });
    expect(user).toMatchObject({ kind: "user", email: "peter@example.com", givenName: "Peter", familyName: null });
    const caller = await s.repo.getCaller(issued.credential.id);
    expect(caller).toMatchObject({ org, principal: user, role: "owner", credential: { name: "bootstrap", kind: "api_key" } });
    expect(await s.hasher.verify(issued.token, caller!.credential.secretHash, caller!.credential.hashVersion)).toBe(true);
    expect(s.repo.events.at(-1)).toMatchObject({
      action: "org.bootstrap",
      orgId: org.id,
      targetType: "org",
      targetId: org.id,
      changes: { org_name: "initech", email: "peter@example.com", api_key_id: issued.credential.id },
    });
  });

  it("finds an existing org by name and user by email, fills in missing names and keeps the others", async () => {
    const again = await s.orgs.bootstrap({ orgName: "acme", email: "ALICE@example.com", givenName: "Alice", familyName: null });
    expect(again.org).toEqual(a.org);
    expect(again.user).toMatchObject({ id: a.owner.id, givenName: "Alice", familyName: null });
    // The issued key is the stored one: its org and owner are those found, not the ids minted for the request.
    expect(again.issued.credential).toMatchObject({ orgId: a.org.id, principalId: a.owner.id });
    expect(s.repo.tables.credentials.has(a.caller.credential.id)).toBe(true);
    const third = await s.orgs.bootstrap({ orgName: "acme", email: "alice@example.com", givenName: null, familyName: "Smith" });
    expect(third.user).toMatchObject({ givenName: "Alice", familyName: "Smith" });
    expect(s.repo.tables.orgs.size).toBe(1);
    expect(await s.repo.countOwners(a.org.id)).toBe(1);
  });

  it("makes another user of an existing org an owner, holding the homes of their credentials that gain power", async () => {
    const b = await s.orgWithOwner("globex", "bob@example.com");
    s.join(a.org, b.owner);
    const { credential: bobsKey } = await s.credentials.issue(
      { kind: "api_key", orgId: a.org.id, principalId: b.owner.id, name: "k", expiresAt: null },
      "owner",
    );
    s.freshTimeline();
    await s.orgs.bootstrap({ orgName: "acme", email: "bob@example.com", givenName: null, familyName: null });
    expect(s.repo.tables.membership(a.org.id, b.owner.id)?.role).toBe("owner");
    expect(await s.repo.countOwners(a.org.id)).toBe(2);
    expect(s.timeline).toEqual([`hold key:${bobsKey.id}`, "write bootstrap", `release hold-1 key:${bobsKey.id}`]);
  });

  it("writes nothing when a home cannot be held", async () => {
    const b = await s.orgWithOwner("globex", "bob@example.com");
    s.join(a.org, b.owner);
    await s.credentials.issue({ kind: "api_key", orgId: a.org.id, principalId: b.owner.id, name: "k", expiresAt: null }, "owner");
    const before = { credentials: s.repo.tables.credentials.size, events: s.repo.events.length };
    s.homes.unreachable = true;
    await expect(s.orgs.bootstrap({ orgName: "acme", email: "bob@example.com", givenName: null, familyName: null })).rejects.toMatchObject({
      code: "unavailable",
    });
    expect(s.repo.tables.membership(a.org.id, b.owner.id)?.role).toBe("member");
    expect({ credentials: s.repo.tables.credentials.size, events: s.repo.events.length }).toEqual(before);
  });
});
