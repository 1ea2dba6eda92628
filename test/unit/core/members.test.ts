/** MemberService on the in-memory repository: invites, service accounts, removals, the last owner, and the homes a change holds. */
import { beforeEach, describe, expect, it } from "vitest";
import { uuidv7 } from "../../../src/core/shared/ids";
import type { MembershipRequest } from "../../../src/core/orgs/members";
import type { Principal } from "../../../src/core/shared/model";
import { coreServices } from "../../helpers/core-services";

let s: ReturnType<typeof coreServices>;
let a: Awaited<ReturnType<typeof s.orgWithOwner>>;

beforeEach(async () => {
  s = coreServices();
  a = await s.orgWithOwner("acme", "alice@example.com");
});

const request = (over: Partial<MembershipRequest>): MembershipRequest => ({
  inviter: a.owner.id,
  inviteEmails: [],
  inviteIds: [],
  serviceAccounts: [],
  role: "member",
  removeIds: [],
  removeEmails: [],
  ...over,
});
const change = (over: Partial<MembershipRequest>) => s.members.change(a.org, "owner", request(over));
const roleOf = (orgId: string, principal: Principal) => s.repo.tables.membership(orgId, principal.id)?.role;
const keyOf = async (orgId: string, principal: Principal, name = "k") =>
  (await s.credentials.issue({ kind: "api_key", orgId, principalId: principal.id, name, expiresAt: null }, "owner")).credential;

/** Bob: the owner of his own org, globex. */
const bobOfGlobex = () => s.orgWithOwner("globex", "bob@example.com");

describe("invites", () => {
  it("by email create the user once, under the normalised address, and target whoever holds it", async () => {
    const added = await change({ inviteEmails: [" Carol@Example.com ", "carol@example.com"] });
    expect(added).toHaveLength(1);
    const carol = added[0]!.principal;
    expect(carol).toMatchObject({ kind: "user", email: "carol@example.com" });
    expect(roleOf(a.org.id, carol)).toBe("member");
    expect(s.repo.events.at(-1)).toMatchObject({
      action: "member.invite",
      targetId: carol.id,
      changes: { email: "carol@example.com", role: "member" },
    });
    // An existing user is invited as they are.
    const bob = (await bobOfGlobex()).owner;
    const [again] = await change({ inviteEmails: ["bob@example.com"] });
    expect(again?.principal.id).toBe(bob.id);
    expect(s.repo.events.at(-1)).toMatchObject({ targetId: bob.id });
  });

  it("by id reach only users who share an org with the inviter; strangers look like unknown ids", async () => {
    const b = await bobOfGlobex();
    for (const id of [b.owner.id, uuidv7()]) {
      await expect(change({ inviteIds: [id] })).rejects.toMatchObject({
        code: "invalid_request",
        message: `invite_users.ids[0]: no user with id ${id}`,
        details: { field: "invite_users.ids[0]" },
      });
    }
    expect(roleOf(a.org.id, b.owner)).toBeUndefined();
    // Once they share an org, the id works.
    s.join(b.org, a.owner);
    await change({ inviteIds: [b.owner.id] });
    expect(roleOf(a.org.id, b.owner)).toBe("member");
    expect(s.repo.events.at(-1)).toMatchObject({ action: "member.invite", targetId: b.owner.id, changes: { role: "member" } });
  });

  it("refuse a service account's address", async () => {
    await expect(change({ inviteEmails: ["dave@example.com", `${uuidv7()}@Service-Accounts.invalid`] })).rejects.toMatchObject({
      details: { field: "invite_users.emails[1]" },
    });
    expect(s.repo.tables.userByEmail("dave@example.com")).toBeUndefined();
  });

  it("into owners promote, never demote, and hold the homes of the credentials that gain power", async () => {
    const b = await bobOfGlobex();
    s.join(a.org, b.owner);
    const bobsKey = await keyOf(a.org.id, b.owner);
    await keyOf(b.org.id, b.owner, "at home");
    s.freshTimeline();
    await change({ inviteEmails: ["bob@example.com", "alice@example.com"], role: "owner" });
    expect(roleOf(a.org.id, b.owner)).toBe("owner");
    // Only Bob's key in acme gains: Alice was an owner already, and globex is another org.
    expect(s.timeline).toEqual([`hold key:${bobsKey.id}`, "write changeMembership", `release hold-1 key:${bobsKey.id}`]);
    await change({ inviteEmails: ["bob@example.com"], role: "member" });
    expect(roleOf(a.org.id, b.owner)).toBe("owner");
  });
});

describe("service accounts", () => {
  it("are created in the org, each with a first token shown once when named", async () => {
    s.freshTimeline();
    const [withToken, without] = await change({
      serviceAccounts: [
        { name: "deployer", tokenName: "deploy" },
        { name: "reader", tokenName: null },
      ],
    });
    const deployer = withToken!.principal;
    expect(deployer).toMatchObject({ kind: "service_account", name: "deployer", email: `${deployer.id}@service-accounts.invalid` });
    expect(await s.orgs.serviceAccount(a.org.id, deployer.id)).toEqual(deployer);
    expect(without?.token).toBeNull();
    const [token] = await s.credentials.list({ kind: "service_token", principalId: deployer.id, limit: 10 });
    expect(withToken?.token?.name).toBe("deploy");
    const stored = s.repo.tables.credentials.get(token!.credential.id)!;
    expect(await s.hasher.verify(withToken!.token!.raw, stored.secretHash, stored.hashVersion)).toBe(true);
    expect(s.repo.events.slice(-3).map((e) => [e.action, e.targetId])).toEqual([
      ["service_account.create", deployer.id],
      ["service_token.create", stored.id],
      ["service_account.create", without!.principal.id],
    ]);
    // Created, not invited: a new service account revokes nothing, so no home is held.
    expect(s.timeline.filter((entry) => entry.startsWith("hold"))).toEqual([]);
  });
});

describe("removals", () => {
  it("by id and by email take the member's credentials in this org with them; a service account goes whole", async () => {
    const b = await bobOfGlobex();
    s.join(a.org, b.owner);
    const bobsKey = await keyOf(a.org.id, b.owner);
    const bobsHomeKey = await keyOf(b.org.id, b.owner);
    const [sa] = await change({ serviceAccounts: [{ name: "bot", tokenName: "t" }] });
    const [saToken] = await s.credentials.list({ kind: "service_token", principalId: sa!.principal.id, limit: 1 });
    s.freshTimeline();

    await change({ removeIds: [sa!.principal.id, uuidv7()], removeEmails: ["BOB@example.com"] });
    expect(roleOf(a.org.id, b.owner)).toBeUndefined();
    expect(roleOf(b.org.id, b.owner)).toBe("owner");
    expect(s.repo.tables.credentials.has(bobsKey.id)).toBe(false);
    expect(s.repo.tables.credentials.has(bobsHomeKey.id)).toBe(true);
    expect(s.repo.tables.principals.has(sa!.principal.id)).toBe(false);
    expect(s.repo.tables.credentials.has(saToken!.credential.id)).toBe(false);
    expect(s.repo.events.slice(-2).map((e) => [e.action, e.targetId])).toEqual([
      ["member.remove", b.owner.id],
      ["member.remove", sa!.principal.id],
    ]);
    const held = [`key:${bobsKey.id}`, `key:${saToken!.credential.id}`].sort().join(",");
    expect(s.timeline).toEqual([`hold ${held}`, "write changeMembership", `release hold-1 ${held}`]);
  });

  it("write nothing when a home cannot be held", async () => {
    const b = await bobOfGlobex();
    s.join(a.org, b.owner);
    await keyOf(a.org.id, b.owner);
    const events = s.repo.events.length;
    s.homes.unreachable = true;
    await expect(change({ removeIds: [b.owner.id] })).rejects.toMatchObject({ code: "unavailable" });
    expect(roleOf(a.org.id, b.owner)).toBe("member");
    expect(s.repo.events).toHaveLength(events);
  });

  it("never leave an org without an owner", async () => {
    await expect(change({ removeEmails: ["alice@example.com"] })).rejects.toMatchObject({
      code: "invalid_request",
      details: { field: "remove_users" },
    });
    const b = await bobOfGlobex();
    s.join(a.org, b.owner, "owner");
    await expect(change({ removeIds: [a.owner.id, b.owner.id] })).rejects.toMatchObject({ details: { field: "remove_users" } });
    await change({ removeIds: [b.owner.id] });
    expect(await s.repo.countOwners(a.org.id)).toBe(1);
  });

  it("of the last owner are refused by the write itself when a concurrent removal got there first, leaving nothing half-done", async () => {
    const b = await bobOfGlobex();
    s.join(a.org, b.owner, "owner");
    const bobsKey = await keyOf(a.org.id, b.owner);
    // While Alice's removal holds its homes, Bob's removal (another request) is written.
    s.homes.duringHold = async () => {
      s.homes.duringHold = null;
      await s.members.change(a.org, "owner", request({ inviter: b.owner.id, removeIds: [b.owner.id] }));
    };
    await expect(change({ removeIds: [a.owner.id] })).rejects.toMatchObject({
      code: "invalid_request",
      details: { field: "remove_users" },
    });
    expect(roleOf(a.org.id, a.owner)).toBe("owner");
    expect(s.repo.tables.credentials.has(a.caller.credential.id)).toBe(true);
    expect(s.repo.tables.credentials.has(bobsKey.id)).toBe(false);
    expect(s.repo.events.filter((e) => e.action === "member.remove").map((e) => e.targetId)).toEqual([b.owner.id]);
  });
});

it("refuses a member's credential: only owners change members", async () => {
  await expect(s.members.change(a.org, "member", request({ inviteEmails: ["x@example.com"] }))).rejects.toMatchObject({
    code: "forbidden",
  });
});
