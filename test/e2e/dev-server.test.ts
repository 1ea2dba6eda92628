/** What `npm run dev` promises: the admin token given with --var works, and the service answers. */
import { describe, expect, inject, it } from "vitest";
import { baseUrl } from "./helpers";

describe("npm run dev", () => {
  it("starts with the admin token given as --var and serves docs", async () => {
    const wrong = await fetch(`${baseUrl()}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: "Bearer not-the-token", "Content-Type": "application/json" },
      body: JSON.stringify({ org_name: "x", email: "x@example.com" }),
    });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${baseUrl()}/admin/bootstrap`, {
      method: "POST",
      headers: { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" },
      body: JSON.stringify({ org_name: "dev-check", email: "dev@example.com" }),
    });
    expect(right.status).toBe(200);
    const doc = await (await fetch(`${baseUrl()}/openapi.json`)).json();
    expect(doc.paths["/v1/api_key"]).toBeDefined();
  });
});
