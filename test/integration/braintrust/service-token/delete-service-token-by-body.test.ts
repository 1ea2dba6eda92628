/**
 * DELETE /v1/service_token with the id in the body
 * (src/surfaces/braintrust/service-token/delete-service-token-by-body.ts). Deleting
 * and refusing by body, beside by path, is in delete-service-token.test.ts.
 */
import { describe, expect, it } from "vitest";
import { orgWithServiceAccount as org } from "../../../helpers/braintrust";
import { call } from "../../../helpers/http";

describe("DELETE /v1/service_token", () => {
  it("refuses a body without a valid id", async () => {
    const o = await org();
    for (const body of [{}, { id: "x" }, { id: 5 }]) {
      const res = await call("DELETE", "/v1/service_token", { token: o.ownerKey, body });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe("id");
    }
    const noBody = await call("DELETE", "/v1/service_token", { token: o.ownerKey });
    expect(noBody.status).toBe(400);
  });
});
