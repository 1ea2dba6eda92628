// Prints a .dev.vars (and .env) for .ci/run in which every value differs from what the tests
// configure: another pepper and signing key, gateway mode on, limits of 1, and so on. Were any of
// it read by a test Worker, the suite would fail.
import { signingMaterial } from "../scripts/signing-key.mjs";

const { jwk, certificate } = await signingMaterial({ alg: "ES256" });
const vars = {
  ADMIN_TOKEN: "planted-admin-token",
  TOKEN_PEPPER: "planted-pepper-that-no-test-uses-0123",
  TOKEN_PEPPER_VERSION: "7",
  TOKEN_PEPPER_PREVIOUS: "planted-previous-pepper-0123456789",
  JWT_PRIVATE_KEY: jwk,
  JWT_CERTIFICATE: certificate.trim().replaceAll("\n", "\\n"),
  JWT_ISSUER: "planted-issuer",
  JWT_TTL_SECONDS: "1",
  WEBHOOK_ENCRYPTION_KEY: "planted-webhook-key-0123456789abcdef",
  WEBHOOK_ALLOW_INSECURE: "false",
  WEBHOOK_RETRY_SCHEDULE: "3600",
  ORIGIN_URL: "http://127.0.0.1:1",
  ORIGINS: JSON.stringify({ "edgekeys.test": "http://127.0.0.1:1" }),
  GATEWAY_ACCOUNT_ID: "0123456789abcdef0123456789abcdef",
  RATE_LIMIT_REQUESTS: "1",
  AUTH_FAILURE_LIMIT: "1",
  PUBLIC_REVOKE_LIMIT: "1",
  SERVICE_AUTH_HEADER: "X-Planted",
  GITHUB_SECRET_SCANNING_KEYS_URL: "http://127.0.0.1:1/keys",
  LEAKED_CREDENTIAL_ACTION: "disable",
  EXPIRY_WARNING_DAYS: "400",
  INACTIVE_AFTER_DAYS: "1",
};
console.log("# Planted by .ci/run: nothing in the test suite may read this file.");
for (const [name, value] of Object.entries(vars)) console.log(`${name}='${value}'`);
