/**
 * The Braintrust surface around its endpoints (src/surfaces/braintrust/router.ts):
 * CORS preflight. Authentication is in authentication.test.ts.
 */
import { describe, expect, it } from "vitest";
import { call, MISSING } from "../../helpers/http";

describe("the Braintrust surface", () => {
  it("answers CORS preflight on every path", async () => {
    for (const path of ["/v1/service_token", `/v1/service_token/${MISSING}`, "/v1/organization/members"]) {
      const res = await call("OPTIONS", path, { headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PUT" } });
      expect(res.status, path).toBeLessThan(300);
      expect(res.headers.get("access-control-allow-methods")).toContain("PUT");
    }
  });
});
