/**
 * Where a webhook may point (src/core/webhooks/url.ts, through POST /v1/webhook), with the
 * production setting: the test env allows http and private targets (WEBHOOK_ALLOW_INSECURE)
 * for its local receiver, so these requests run with it switched off.
 */
import { describe, expect, it } from "vitest";
import { bootstrap, call, callWithEnv } from "../../../helpers/http";

const strict = (token: string, url: string) =>
  callWithEnv({ WEBHOOK_ALLOW_INSECURE: "false" }, "POST", "/v1/webhook", { token, body: { url } });

describe("POST /v1/webhook without WEBHOOK_ALLOW_INSECURE", () => {
  it("refuses http and every target naming this machine or a private network, at url", async () => {
    const { api_key } = await bootstrap();
    const refused = [
      "http://hooks.example.com/x",
      "https://127.0.0.1/x",
      "https://127.1/x",
      "https://10.0.0.1/",
      "https://172.16.5.4/",
      "https://192.168.1.1/",
      "https://100.64.0.1/",
      "https://[::1]/",
      "https://[fd00::1]/",
      "https://[::ffff:127.0.0.1]/",
      "https://169.254.169.254/latest/meta-data/",
      "https://0.0.0.0/",
      "https://localhost/",
      "https://localhost./",
      "https://api.localhost/",
      "https://x.internal/",
      "https://printer.local/",
      "https://intranet/",
      "https://2130706433/",
      "https://0x7f000001/",
      "https://017700000001/",
    ];
    for (const url of refused) {
      const res = await strict(api_key.key, url);
      expect(res.status, `${url} → ${res.text}`).toBe(400);
      expect(res.body, url).toMatchObject({ error: "invalid_request", field: "url", message: expect.stringMatching(/^url: /) });
    }
    expect((await call("GET", "/v1/webhook", { token: api_key.key })).body.objects).toEqual([]);
  });

  it("accepts an https URL on a public host", async () => {
    const { api_key } = await bootstrap();
    for (const url of ["https://hooks.example.com/x", "https://hooks.example.com:8443/a?b=c", "https://93.184.215.14/hook"]) {
      const res = await strict(api_key.key, url);
      expect(res.status, `${url} → ${res.text}`).toBe(200);
      expect(res.body.url).toBe(url);
      // deleted at once: no credential event of this org may go out to the internet from a test
      expect((await call("DELETE", `/v1/webhook/${res.body.id}`, { token: api_key.key })).status).toBe(200);
    }
  });
});
