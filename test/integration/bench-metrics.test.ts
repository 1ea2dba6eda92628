import { expect, it } from "vitest";
import { bootstrap, callWithEnv } from "../helpers/http";

it("reports D1 statements, DO calls and their timing only when BENCH_METRICS is on", async () => {
  const b = await bootstrap();
  const on = await callWithEnv({ BENCH_METRICS: "1" }, "GET", "/cdn-cgi/access/get-identity", { token: b.api_key.key });
  expect(on.status).toBe(200);
  // the key's home reads its record from D1 on first use (one statement, counted though the object made it);
  // recording the first use is a write after the answer, not counted
  expect(on.headers.get("x-bench-d1-queries")).toBe("1");
  expect(on.headers.get("x-bench-do-calls")).toBe("1");
  expect(on.headers.get("server-timing")).toMatch(/^d1;dur=[\d.]+, do;dur=[\d.]+, total;dur=[\d.]+$/);
  const steady = await callWithEnv({ BENCH_METRICS: "1" }, "GET", "/cdn-cgi/access/get-identity", { token: b.api_key.key });
  // the steady state: one call to the home, which answers from what it holds
  expect(steady.headers.get("x-bench-d1-queries")).toBe("0");
  expect(steady.headers.get("x-bench-do-calls")).toBe("1");
  const off = await callWithEnv({}, "GET", "/cdn-cgi/access/get-identity", { token: b.api_key.key });
  expect(off.status).toBe(200);
  expect(off.headers.get("x-bench-d1-queries")).toBeNull();
  expect(off.headers.get("server-timing")).toBeNull();
});
