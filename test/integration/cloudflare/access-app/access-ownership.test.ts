/**
 * Who may manage Access applications and policies: only owners of the account
 * (9109 for a member), and another account's objects answer exactly as
 * missing ones (src/surfaces/cloudflare/account.ts, core/access/apps.ts).
 */
import { describe, expect, it } from "vitest";
import { cf } from "../../../helpers/cloudflare";
import { type Account, accessAccount, createApp, createPolicy, host, memberOf, policyBody } from "../../../helpers/cloudflare-access";
import { MISSING } from "../../../helpers/http";

/** Every operation on one application, one app policy and one reusable policy of `of`, as called by `by`'s paths. */
function operations(by: Account, ids: { app: string; appPolicy: string; policy: string }) {
  const app = `${by.apps}/${ids.app}`;
  const appBody = { type: "self_hosted", domain: host(by) };
  return [
    ["GET", app],
    ["PUT", app, appBody],
    ["DELETE", app],
    ["POST", `${app}/revoke_tokens`],
    ["GET", `${app}/policies`],
    ["POST", `${app}/policies`, policyBody()],
    ["GET", `${app}/policies/${ids.appPolicy}`],
    ["PUT", `${app}/policies/${ids.appPolicy}`, policyBody()],
    ["DELETE", `${app}/policies/${ids.appPolicy}`],
    ["GET", `${by.policies}/${ids.policy}`],
    ["PUT", `${by.policies}/${ids.policy}`, policyBody()],
    ["DELETE", `${by.policies}/${ids.policy}`],
  ] as const;
}

async function setup() {
  const owner = await accessAccount();
  const policy = await createPolicy(owner);
  const app = await createApp(owner, { policies: [policyBody()] });
  return { owner, ids: { app: app.id, appPolicy: app.policies[0]!.id, policy: policy.id }, snapshot: () => snapshot(owner) };
}

const snapshot = async (a: Account) =>
  JSON.stringify([(await cf("GET", a.apps, { token: a.key })).body.result, (await cf("GET", a.policies, { token: a.key })).body.result]);

describe("Access applications and policies across accounts", () => {
  it("answers another account's application or policy exactly as a missing one, and changes nothing", async () => {
    const { ids, snapshot: current } = await setup();
    const intruder = await accessAccount();
    await createPolicy(intruder); // an account with objects of its own
    const kept = await current();
    const theirs = operations(intruder, ids);
    const missing = operations(intruder, { app: MISSING, appPolicy: MISSING, policy: MISSING });
    for (const [i, [method, path, body]] of theirs.entries()) {
      const res = await cf(method, path, { token: intruder.key, body });
      const none = await cf(method, missing[i]![1], { token: intruder.key, body });
      expect(res.status, `${method} ${path}`).toBe(404);
      const anonymised = res.text.replaceAll(ids.app, MISSING).replaceAll(ids.appPolicy, MISSING).replaceAll(ids.policy, MISSING);
      expect(anonymised, `${method} ${path}`).toBe(none.text);
    }
    expect(await current()).toBe(kept);
  });

  it("refuses a member's credential on every operation with 403 (9109), changing nothing", async () => {
    const { owner, ids, snapshot: current } = await setup();
    const member = await memberOf(owner);
    const kept = await current();
    const all = [
      ...operations(owner, ids),
      ["GET", owner.apps],
      ["POST", owner.apps, { type: "self_hosted", domain: host(owner) }],
      ["GET", owner.policies],
      ["POST", owner.policies, policyBody()],
    ] as const;
    for (const [method, path, body] of all) {
      const res = await cf(method, path, { token: member, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: 9109, message: expect.stringMatching(/owner/) });
    }
    expect(await current()).toBe(kept);
  });

  it("answers an account the caller is not in with 7003, naming the path asked for", async () => {
    const a = await accessAccount();
    const b = await accessAccount();
    for (const path of [
      `/client/v4/accounts/${b.org.account_id}/access/apps`,
      `/accounts/${b.org.account_id}/access/policies/${MISSING}`,
    ]) {
      const res = await cf("GET", path, { token: a.key });
      expect(res.status).toBe(404);
      expect(res.body.errors[0]).toEqual({
        code: 7003,
        message: `Could not route to ${path.replace("/client/v4", "")}, perhaps your object identifier is invalid?`,
      });
    }
  });
});
