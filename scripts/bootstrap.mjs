#!/usr/bin/env node
// `npm run bootstrap -- --url <deployed URL> --org <name> --email <owner's email>`: creates an org
// on the deployed Worker (the first, or another), makes the email its owner and prints the owner's
// first API key, once, through the Worker's own `POST /admin/bootstrap`.
// That route needs ADMIN_TOKEN, a secret nobody can read back from Cloudflare, so `npm run deploy`
// does not make one. This script makes a one-time token, sets it (`wrangler secret put`, on stdin),
// uses it and deletes it again, so /admin/* answers 404 before and after. With ADMIN_TOKEN in the
// environment it uses that token instead and changes no secret (for a Worker given its own).
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { outputOf, wrangler } from "./wrangler-run.mjs";

const USAGE =
  "usage: npm run bootstrap -- --url https://edgekeys.<you>.workers.dev --org my-org --email you@example.com [--given-name A --family-name B]";
const log = (line) => console.log(`[bootstrap] ${line}`);
function fail(message, result) {
  if (result) console.error(outputOf(result));
  console.error(`[bootstrap] ${message}`);
  process.exit(1);
}

let options;
try {
  ({ values: options } = parseArgs({
    options: {
      url: { type: "string" },
      org: { type: "string" },
      email: { type: "string" },
      "given-name": { type: "string" },
      "family-name": { type: "string" },
    },
  }));
} catch (error) {
  fail(`${error.message}\n${USAGE}`);
}
if (!options.url || !options.org || !options.email || !URL.canParse(options.url)) fail(USAGE);
const base = new URL(options.url).origin;
const body = { org_name: options.org, email: options.email, given_name: options["given-name"], family_name: options["family-name"] };

/** How long a new secret may take to reach the Worker everywhere (setting one deploys a version). */
const PROPAGATION_MS = 90_000;

const ownToken = process.env.ADMIN_TOKEN;
let token = ownToken;
if (!ownToken) {
  const list = wrangler(["secret", "list", "--format", "json"]);
  if (!list.ok) fail("could not list the Worker's secrets (is it deployed? run npm run deploy first)", list);
  if (/"ADMIN_TOKEN"/.test(list.stdout)) {
    // Someone set it on purpose (or a bootstrap was interrupted): replacing it silently would lock them out.
    fail(`the Worker already has an ADMIN_TOKEN. Run this again with it in the environment
[bootstrap]   ADMIN_TOKEN=<the token> npm run bootstrap -- …
[bootstrap] or delete it (npx wrangler secret delete ADMIN_TOKEN) to let this script make a one-time one.`);
  }
  token = randomBytes(24).toString("base64url");
  const put = wrangler(["secret", "put", "ADMIN_TOKEN"], { input: token });
  if (!put.ok) fail("could not set the one-time ADMIN_TOKEN", put);
  log("one-time ADMIN_TOKEN set; /admin/bootstrap opens once the new version is live");
}

let answer;
let failure;
try {
  answer = await bootstrap();
} catch (error) {
  failure = error;
} finally {
  if (!ownToken) {
    const removed = wrangler(["secret", "delete", "ADMIN_TOKEN"]);
    if (removed.ok) log("one-time ADMIN_TOKEN deleted: /admin/* answers 404 again");
    else
      console.error(
        `${outputOf(removed)}\n[bootstrap] could not delete the one-time ADMIN_TOKEN: run npx wrangler secret delete ADMIN_TOKEN`,
      );
  }
}
if (failure) fail(failure.message);

const rule = "──────────────────────────────────────────────────────────────────────";
console.log(`
${rule}
 Org "${answer.org.name}" (account id ${answer.org.account_id}), owner ${answer.user.email}.
 Paste this line to keep the owner's API key (shown only now) in your shell:

   export EDGEKEYS_KEY=${answer.api_key.key}

 Then:   curl -sS ${base}/v1/api_key -H "Authorization: Bearer $EDGEKEYS_KEY"
 or sign in with the key to the console: ${base}/console
${rule}
`);

/**
 * POSTs /admin/bootstrap until the version holding the token answers. Until then the previous one
 * answers 404 (no ADMIN_TOKEN) or 401 (another one); with a token of the user's own, a 401 is final.
 */
async function bootstrap() {
  const deadline = Date.now() + PROPAGATION_MS;
  for (let wait = 500; ; wait = Math.min(wait * 2, 5000)) {
    let status;
    let text;
    try {
      const res = await fetch(`${base}/admin/bootstrap`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      status = res.status;
      text = await res.text();
      if (res.ok) return JSON.parse(text);
    } catch (error) {
      text = error.message;
    }
    const waiting = status === undefined || status === 404 || (status === 401 && !ownToken);
    if (!waiting || Date.now() + wait > deadline) throw new Error(`POST ${base}/admin/bootstrap answered ${status ?? "nothing"}: ${text}`);
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
