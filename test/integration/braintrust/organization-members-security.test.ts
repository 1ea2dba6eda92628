/**
 * Attacks on membership changes: invites by id as a way to pull strangers in or
 * to learn which ids exist, service-account addresses invited as users, and two
 * owners removing each other at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AuditContext } from "../../../src/core/audit";
import { D1Repository } from "../../../src/db/d1-repository";
import { authStatus, createServiceAccount } from "../../helpers/braintrust";
import { bootstrap, call } from "../../helpers/http";

const patch = (token: string, body: unknown) => call("PATCH", "/v1/organization/members", { token, body });
const NO_SUCH_USER = "0190f3a0-0000-7000-8000-000000000000";

/** The answer with what legitimately differs (request id, the id named) taken out. */
const comparable = (body: Record<string, unknown>, id: string) => ({
  ...body,
  request_id: undefined,
  message: String(body.message).replace(id, "<id>"),
});

describe("invites by id", () => {
  it("answers a user of another org exactly like an unknown id, and adds nobody", async () => {
    const b = await bootstrap();
    const stranger = await bootstrap();
    const strangerAnswer = await patch(b.api_key.key, { invite_users: { ids: [stranger.user.id] } });
    const unknownAnswer = await patch(b.api_key.key, { invite_users: { ids: [NO_SUCH_USER] } });
    expect(strangerAnswer.status).toBe(400);
    expect(strangerAnswer.status).toBe(unknownAnswer.status);
    expect(comparable(strangerAnswer.body, stranger.user.id)).toEqual(comparable(unknownAnswer.body, NO_SUCH_USER));
    expect(strangerAnswer.text).not.toContain(stranger.user.email);
    // the stranger did not become a member
    const inB = await call("POST", "/v1/api_key", { token: stranger.api_key.key, body: { name: "x", org_name: b.org.name } });
    expect(inB.status).toBe(403);
  });

  it("reaches a user who shares another org with the inviter", async () => {
    const b = await bootstrap();
    const colleague = await bootstrap();
    expect((await patch(colleague.api_key.key, { invite_users: { emails: [b.user.email] } })).status).toBe(200);
    const res = await patch(b.api_key.key, { invite_users: { ids: [colleague.user.id] } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.added_users).toEqual([expect.objectContaining({ id: colleague.user.id, email: colleague.user.email })]);
  });

  it("refuses a service account's address invited as a user's email", async () => {
    const b = await bootstrap();
    const robot = await createServiceAccount(b.api_key.key);
    for (const email of [robot.email!, robot.email!.toUpperCase(), "someone@service-accounts.invalid"]) {
      const res = await patch(b.api_key.key, { invite_users: { emails: ["fine@example.com", email] } });
      expect(res.status, email).toBe(400);
      expect(res.body.field).toBe("invite_users.emails[1]");
    }
    // nothing of the refused request happened
    const again = await patch(b.api_key.key, { remove_users: { emails: ["fine@example.com"] } });
    expect(again.status).toBe(200);
  });
});

describe("the last owner", () => {
  it("survives two owners removing each other at once", async () => {
    for (let round = 0; round < 5; round++) {
      const a = await bootstrap();
      const b = await bootstrap();
      // b becomes a second owner of a's org, with a key there
      expect((await patch(a.api_key.key, { invite_users: { emails: [b.user.email], group_names: ["Owners"] } })).status).toBe(200);
      const bKey = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "in-a", org_name: a.org.name } });
      expect(bKey.status).toBe(200);
      const [first, second] = await Promise.all([
        patch(a.api_key.key, { org_name: a.org.name, remove_users: { ids: [b.user.id] } }),
        patch(bKey.body.key, { org_name: a.org.name, remove_users: { ids: [a.user.id] } }),
      ]);
      const statuses = [first.status, second.status].sort();
      // Either one removal refused (400), or the second one's key was already gone (401): never both 200.
      expect(statuses[0], `round ${round}: ${first.text} / ${second.text}`).toBe(200);
      expect(statuses[1]).not.toBe(200);
      const owners = await env.DB.prepare("SELECT count(*) AS n FROM memberships WHERE org_id = ? AND role = 'owner'")
        .bind(a.org.id)
        .first<{ n: number }>();
      expect(owners?.n).toBe(1);
    }
  });

  it("is enforced by the write itself: a batch that removes the last owner fails whole", async () => {
    const a = await bootstrap();
    const repo = new D1Repository(env.DB);
    const [owner] = await repo.findMembers(a.org.id, { ids: [a.user.id], emails: [] });
    const event = new AuditContext().event("member.remove", a.org.id, "principal", a.user.id, {});
    await expect(
      repo.changeMembership({ orgId: a.org.id, now: Date.now(), inviteEmails: [], inviteIds: [], serviceAccounts: [], remove: [owner!.principal], events: [{ event }] }),
    ).rejects.toMatchObject({ code: "invalid_request", details: { field: "remove_users" } });
    // the owner's credentials, deleted earlier in the same batch, are back: nothing was half-applied
    expect(await authStatus(a.api_key.key)).toBe(200);
    const events = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE org_id = ? AND action = 'member.remove'")
      .bind(a.org.id)
      .first<{ n: number }>();
    expect(events?.n).toBe(0);
  });
});
