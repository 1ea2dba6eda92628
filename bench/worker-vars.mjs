// The configuration every benchmark Worker starts with: fresh secrets, a signing key for the
// identity assertions, the limiter on but out of reach, and BENCH_METRICS on.
import { generateKeyPairSync, randomUUID } from "node:crypto";

export function benchVars(adminToken) {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return {
    ADMIN_TOKEN: adminToken,
    TOKEN_PEPPER: randomUUID(),
    JWT_PRIVATE_KEY: JSON.stringify({ ...privateKey.export({ format: "jwk" }), alg: "ES256", kid: randomUUID() }),
    // The limiter stays on (one DO call per request); the limit is set out of the benchmark's reach.
    RATE_LIMIT_REQUESTS: "1000000000",
    // Counts D1 statements and DO calls, and serves the /__bench routes.
    BENCH_METRICS: "1",
  };
}
