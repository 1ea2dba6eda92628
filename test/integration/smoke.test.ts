import { describe, expect, it } from "vitest";
import { bootstrap, call } from "../helpers/http";

describe("smoke", () => {
  it("bootstraps and creates a key", async () => {
    const b = await bootstrap();
    const res = await call("POST", "/v1/api_key", { token: b.api_key.key, body: { name: "k1" } });
    expect(res.status, res.text).toBe(200);
    expect(res.body.key).toMatch(/^sk-/);
  });
});
