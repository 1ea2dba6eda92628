/**
 * DELETE /v1/api_key/{api_key_id} (src/surfaces/braintrust/api-key/delete-api-key.ts).
 */
import { describe, expect, it } from "vitest";
import { bootstrap, call } from "../../../helpers/http";

describe("DELETE /v1/api_key/{api_key_id}", () => {
  it("returns the deleted key, which stops authenticating at once", async () => {
    const b = await bootstrap();
    const spare = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "spare" } });
    const res = await call("DELETE", `/v1/api_key/${spare.body.id}`, { token: b.api_key.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: spare.body.id, name: "spare", user_id: b.user.id, org_id: b.org.id });
    expect(res.body.key).toBeUndefined();
    const used = await call("GET", "/v1/api_key", { token: spare.body.key });
    expect(used.status).toBe(401);
    expect((await call("GET", `/v1/api_key/${spare.body.id}`, { token: b.api_key.key })).status).toBe(404);
    expect((await call("DELETE", `/v1/api_key/${spare.body.id}`, { token: b.api_key.key })).status).toBe(404);
  });

  it("lets a key delete itself, after which it is refused", async () => {
    const b = await bootstrap();
    expect((await call("DELETE", `/v1/api_key/${b.api_key.id}`, { token: b.api_key.key })).status).toBe(200);
    expect((await call("GET", "/v1/api_key", { token: b.api_key.key })).status).toBe(401);
  });

  it("cannot delete another user's or another org's key", async () => {
    const b = await bootstrap();
    const colleague = await bootstrap({ org_name: b.org.name });
    const stranger = await bootstrap();
    for (const victim of [colleague, stranger]) {
      const res = await call("DELETE", `/v1/api_key/${victim.api_key.id}`, { token: b.api_key.key });
      expect(res.status).toBe(404);
      expect((await call("GET", "/v1/api_key", { token: victim.api_key.key })).status).toBe(200);
    }
  });

  it("answers 400 for a malformed id", async () => {
    const b = await bootstrap();
    expect((await call("DELETE", "/v1/api_key/not-a-uuid", { token: b.api_key.key })).status).toBe(400);
  });
});
