/**
 * GET /v1/api_key/{api_key_id} (src/surfaces/braintrust/api-key/get-api-key.ts).
 */
import { describe, expect, it } from "vitest";
import { bootstrap, call, MISSING } from "../../../helpers/http";

describe("GET /v1/api_key/{api_key_id}", () => {
  it("returns the caller's key, its last use read exact from its home (this very request)", async () => {
    const b = await bootstrap();
    const before = Date.now();
    const res = await call("GET", `/v1/api_key/${b.api_key.id}`, { token: b.api_key.key });
    expect(res.status).toBe(200);
    const { key, ...withoutSecret } = b.api_key as typeof b.api_key & Record<string, unknown>;
    const { last_used_at, ...rest } = res.body;
    expect(rest).toEqual({ ...withoutSecret, last_used_at: undefined });
    expect(Date.parse(last_used_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(last_used_at)).toBeLessThanOrEqual(Date.now());
    expect(key).toBeDefined();
  });

  it("answers 404 for unknown ids, other users' keys and other orgs' keys alike", async () => {
    const b = await bootstrap();
    const colleague = await bootstrap({ org_name: b.org.name });
    const stranger = await bootstrap();
    for (const id of [MISSING, colleague.api_key.id, stranger.api_key.id]) {
      const res = await call("GET", `/v1/api_key/${id}`, { token: b.api_key.key });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: "not_found", message: `API key "${id}" not found` });
    }
  });

  it("answers 400 for a malformed id and 401 without a key", async () => {
    const b = await bootstrap();
    const bad = await call("GET", "/v1/api_key/123", { token: b.api_key.key });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("api_key_id");
    expect((await call("GET", `/v1/api_key/${b.api_key.id}`)).status).toBe(401);
  });
});
