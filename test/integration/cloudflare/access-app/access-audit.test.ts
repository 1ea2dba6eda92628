/**
 * The audit log of Access applications and policies: every change recorded
 * once, in its own batch, with its target; refused changes record nothing.
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { accessAccount, auditEvents, createApp, host, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

describe("the audit log of Access applications and policies", () => {
  it("records each change with its target", async () => {
    const a = await accessAccount();
    const start = (await auditEvents(a)).length;
    const p = (await cf("POST", a.policies, { token: a.key, body: policyBody({ name: "shared" }) })).body.result;
    await cf("PUT", `${a.policies}/${p.id}`, { token: a.key, body: policyBody({ name: "shared2" }) });
    const domain = host(a);
    const app = (await cf("POST", a.apps, { token: a.key, body: { type: "self_hosted", domain, policies: [p.id] } })).body.result;
    await cf("PUT", `${a.apps}/${app.id}`, { token: a.key, body: { type: "self_hosted", domain, name: "renamed" } });
    await cf("POST", `${a.apps}/${app.id}/revoke_tokens`, { token: a.key });
    await cf("DELETE", `${a.apps}/${app.id}/policies/${p.id}`, { token: a.key });
    const other = await createApp(a, { policies: [policyBody()] });
    const own = (await cf("POST", `${a.apps}/${other.id}/policies`, { token: a.key, body: policyBody({ name: "own" }) })).body.result;
    await cf("PUT", `${a.apps}/${other.id}/policies/${own.id}`, { token: a.key, body: policyBody({ name: "own2" }) });
    await cf("DELETE", `${a.apps}/${other.id}/policies/${own.id}`, { token: a.key });
    await cf("DELETE", `${a.policies}/${p.id}`, { token: a.key });
    await cf("DELETE", `${a.apps}/${app.id}`, { token: a.key });

    const log = (await auditEvents(a)).slice(start).map((e) => [e.action, e.target_type, e.target_id]);
    expect(log).toEqual([
      ["access_policy.create", "access_policy", p.id],
      ["access_policy.update", "access_policy", p.id],
      ["access_app.create", "access_app", app.id],
      ["access_app.update", "access_app", app.id],
      ["access_app.revoke_tokens", "access_app", app.id],
      ["access_policy.unlink", "access_policy", p.id],
      ["access_app.create", "access_app", other.id],
      ["access_policy.create", "access_policy", own.id],
      ["access_policy.update", "access_policy", own.id],
      ["access_policy.delete", "access_policy", own.id],
      ["access_policy.delete", "access_policy", p.id],
      ["access_app.delete", "access_app", app.id],
    ]);
    const events = (await auditEvents(a)).slice(start);
    expect(events[1]!.changes).toMatchObject({ name: "shared2", decision: "non_identity", include: policyBody().include });
    expect(events[3]!.changes).toMatchObject({ name: "renamed", domain });
    expect(events[7]!.changes).toMatchObject({ name: "own", app_id: other.id });
  });

  it("records nothing for a refused change", async () => {
    const a = await accessAccount();
    const app = await createApp(a);
    const before = (await auditEvents(a)).length;
    await cf("POST", a.policies, { token: a.key, body: policyBody({ decision: "allow" }) });
    await cf("POST", a.apps, { token: a.key, body: { type: "self_hosted", domain: app.domain } }); // 409
    await cf("PUT", `${a.apps}/${MISSING}`, { token: a.key, body: { type: "self_hosted", domain: host(a) } });
    await cf("DELETE", `${a.policies}/${MISSING}`, { token: a.key });
    await cf("DELETE", `${a.apps}/${app.id}/policies/${MISSING}`, { token: a.key });
    expect(await auditEvents(a)).toHaveLength(before);
  });
});
