/**
 * PATCH /v1/organization/members (src/surfaces/braintrust/organization/patch-organization-members.ts).
 *
 * Then attacks on membership changes: invites by id as a way to pull strangers in or
 * to learn which ids exist, service-account addresses invited as users, and two
 * owners removing each other at once.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AuditContext } from "../../../../src/core/shared/audit-events";
import { D1Repository } from "../../../../src/db/d1-repository";
import { authStatus, createServiceAccount } from "../../../helpers/braintrust";
import { bootstrap, call, unique } from "../../../helpers/http";

const patch = (token: string, body: unknown) => call("PATCH", "/v1/organization/members", { token, body });
const NO_SUCH_USER = "0190f3a0-0000-7000-8000-000000000000";

/** The answer with what legitimately differs (request id, the id named) taken out. */
const comparable = (body: Record<string, unknown>, id: string) => ({
  ...body,
  request_id: undefined,
  message: String(body.message).replace(id, "<id>"),
});

describe("PATCH /v1/organization/members", () => {
  it("creates a service account, with a token shown once when token_name is given", async () => {
    const b = await bootstrap();
    const res = await patch(b.api_key.key, {
      invite_users: { service_accounts: [{ name: "deployer" }, { name: "ci", token_name: "ci-token" }] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ status: "success", org_id: b.org.id, send_email_error: null });
    const [plain, withToken] = res.body.added_users;
    expect(plain).toEqual({ id: expect.any(String), email: `${plain.id}@service-accounts.invalid`, api_key: null, token_name: null });
    expect(withToken.token_name).toBe("ci-token");
    expect(withToken.api_key).toMatch(/^bt-st-[0-9A-Za-z]{61}$/);
    expect(await authStatus(withToken.api_key)).toBe(200);

    const tokens = await call("GET", "/v1/service_token", { token: b.api_key.key });
    expect(tokens.body.objects).toEqual([
      expect.objectContaining({
        name: "ci-token",
        service_account_id: withToken.id,
        service_account_email: withToken.email,
        service_account_name: "ci",
        org_id: b.org.id,
        preview_name: `bt-st-****${withToken.api_key.slice(-4)}`,
      }),
    ]);
  });

  it("invites users by email (created when unknown) and by id, as members", async () => {
    const b = await bootstrap();
    const elsewhere = await bootstrap();
    // Inviting by id reaches only users who already share an org with the inviter.
    expect((await patch(elsewhere.api_key.key, { invite_users: { emails: [b.user.email] } })).status).toBe(200);
    const newEmail = `${unique("new")}@example.com`;
    const res = await patch(b.api_key.key, { invite_users: { emails: [newEmail.toUpperCase()], ids: [elsewhere.user.id] } });
    expect(res.status, res.text).toBe(200);
    const emails = res.body.added_users.map((u: { email: string }) => u.email).sort();
    expect(emails).toEqual([newEmail, elsewhere.user.email].sort());
    // the invited user can now act in this org with a key from their own org
    const inB = await call("POST", "/v1/api_key", { token: elsewhere.api_key.key, body: { name: "x", org_name: b.org.name } });
    expect(inB.status).toBe(200);
    expect(inB.body.org_id).toBe(b.org.id);
    // ...as a member, not an owner
    const sa = await patch(elsewhere.api_key.key, { org_name: b.org.name, invite_users: { service_accounts: [{ name: "n" }] } });
    expect(sa.status).toBe(403);
  });

  it('makes the invited owners with group_names ["Owners"], and refuses unknown groups and group ids', async () => {
    const b = await bootstrap();
    const owner = await createServiceAccount(b.api_key.key, { token_name: "t", group_names: ["Owners"] });
    const made = await call("POST", "/v1/service_token", {
      token: owner.api_key!,
      body: { name: "by-robot", service_account_id: owner.id },
    });
    expect(made.status, made.text).toBe(200);
    const unknownGroup = await patch(b.api_key.key, { invite_users: { service_accounts: [{ name: "x" }], group_names: ["Admins"] } });
    expect(unknownGroup.status).toBe(400);
    expect(unknownGroup.body.field).toBe("invite_users.group_names[0]");
    const byId = await patch(b.api_key.key, {
      invite_users: { service_accounts: [{ name: "x" }], group_ids: ["0190f3a0-0000-7000-8000-000000000000"] },
    });
    expect(byId.status).toBe(400);
  });

  it("removes members: their credentials stop working, and a removed service account is gone", async () => {
    const b = await bootstrap();
    const colleague = await bootstrap({ org_name: b.org.name });
    const robot = await createServiceAccount(b.api_key.key, { token_name: "t" });
    const res = await patch(b.api_key.key, { remove_users: { emails: [colleague.user.email], ids: [robot.id] } });
    expect(res.status, res.text).toBe(200);
    expect(await authStatus(colleague.api_key.key)).toBe(401);
    expect(await authStatus(robot.api_key!)).toBe(401);
    const again = await call("POST", "/v1/service_token", { token: b.api_key.key, body: { name: "t2", service_account_id: robot.id } });
    expect(again.status).toBe(404);
    // removing someone who is not (or no longer) a member is a no-op
    expect((await patch(b.api_key.key, { remove_users: { ids: [robot.id] } })).status).toBe(200);
  });

  it("refuses to remove the last owner", async () => {
    const b = await bootstrap();
    const res = await patch(b.api_key.key, { remove_users: { ids: [b.user.id] } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/at least one owner/);
    expect(await authStatus(b.api_key.key)).toBe(200);
  });

  it("answers 403 to members and to orgs the caller is not in", async () => {
    const b = await bootstrap();
    await patch(b.api_key.key, { invite_users: { emails: ["member@example.com"] } });
    const member = await bootstrap({ email: `${unique("m")}@example.com` });
    await patch(b.api_key.key, { invite_users: { emails: [member.user.email] } });
    const asMember = await patch(member.api_key.key, { org_name: b.org.name, invite_users: { service_accounts: [{ name: "x" }] } });
    expect(asMember.status).toBe(403);
    expect(asMember.body.message).toMatch(/owner/);
    const stranger = await bootstrap();
    for (const target of [
      { org_name: stranger.org.name },
      { org_id: stranger.org.id },
      { org_id: b.org.id, org_name: stranger.org.name },
    ]) {
      const res = await patch(b.api_key.key, { ...target, invite_users: { service_accounts: [{ name: "x" }] } });
      expect(res.status, JSON.stringify(target)).toBe(403);
    }
    expect((await patch(b.api_key.key, { org_id: b.org.id, org_name: b.org.name, invite_users: { emails: [] } })).status).toBe(200);
  });

  it("refuses bad input naming the field, and changes nothing when any part is refused", async () => {
    const b = await bootstrap();
    const cases: [unknown, string][] = [
      [{ invite_users: { emails: "a@example.com" } }, "invite_users.emails"],
      [{ invite_users: { emails: ["not-an-email"] } }, "invite_users.emails[0]"],
      [{ invite_users: { service_accounts: [{}] } }, "invite_users.service_accounts[0].name"],
      [{ invite_users: { service_accounts: [{ name: "ok", token_name: 7 }] } }, "invite_users.service_accounts[0].token_name"],
      [{ invite_users: { ids: ["nope"] } }, "invite_users.ids[0]"],
      [{ remove_users: { ids: [1] } }, "remove_users.ids[0]"],
      [{ invite_users: { service_accounts: Array.from({ length: 41 }, () => ({ name: "x" })) } }, "invite_users.service_accounts"],
    ];
    for (const [body, field] of cases) {
      const res = await patch(b.api_key.key, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.field).toBe(field);
    }
    // a valid service account next to an unknown user id: refused whole
    const mixed = await patch(b.api_key.key, {
      invite_users: { service_accounts: [{ name: "x", token_name: "t" }], ids: ["0190f3a0-0000-7000-8000-000000000000"] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.field).toBe("invite_users.ids[0]");
    expect((await call("GET", "/v1/service_token", { token: b.api_key.key })).body.objects).toEqual([]);
  });
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
      repo.changeMembership({
        orgId: a.org.id,
        now: Date.now(),
        inviteEmails: [],
        inviteIds: [],
        serviceAccounts: [],
        remove: [owner!.principal],
        events: [{ event }],
      }),
    ).rejects.toMatchObject({ code: "invalid_request", details: { field: "remove_users" } });
    // the owner's credentials, deleted earlier in the same batch, are back: nothing was half-applied
    expect(await authStatus(a.api_key.key)).toBe(200);
    const events = await env.DB.prepare("SELECT count(*) AS n FROM audit_events WHERE org_id = ? AND action = 'member.remove'")
      .bind(a.org.id)
      .first<{ n: number }>();
    expect(events?.n).toBe(0);
  });
});

it("says in send_email_error that no email is sent when asked to send invite emails", async () => {
  const b = await bootstrap();
  const asked = await call("PATCH", "/v1/organization/members", {
    token: b.api_key.key,
    body: { invite_users: { emails: [`${unique("mail")}@example.com`], send_invite_emails: true } },
  });
  expect(asked.status, asked.text).toBe(200);
  expect(asked.body.send_email_error).toMatch(/sends no email/);
  const quiet = await call("PATCH", "/v1/organization/members", {
    token: b.api_key.key,
    body: { invite_users: { emails: [`${unique("mail")}@example.com`] } },
  });
  expect(quiet.body.send_email_error).toBeNull();
});
