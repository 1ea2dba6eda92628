/**
 * The scanner rule files in `scanners/` against real edgekeys secrets and
 * near-misses: secretlint run for real on files holding them; gitleaks' rules
 * (Go RE2, the same syntax for these patterns) compiled from the TOML. Both must
 * say exactly what `SECRET_PATTERNS` says, which README gives to GitHub.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { uuidv7 } from "../../src/core/shared/ids";
import { mintClientSecret, mintToken, SECRET_PATTERNS } from "../../src/core/credentials/tokens";
import { GITLEAKS_TOML, SECRETLINT_JSON } from "../helpers/scanner-rules";

const root = path.resolve(import.meta.dirname, "../..");
const dir = mkdtempSync(path.join(tmpdir(), "edgekeys-scan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const real = [mintToken("api_key", uuidv7()).token, mintToken("service_token", uuidv7()).token, mintClientSecret(uuidv7())];
const base62 = (n: number) =>
  Array.from({ length: n }, (_, i) => "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[(i * 7 + 3) % 62]).join("");
const nearMisses = [
  `sk-${base62(60)}`, // one short
  `sk-${base62(62)}`, // one long
  `xsk-${base62(61)}`, // glued to a word
  `sk_${base62(61)}`, // wrong separator
  `bt-st-${base62(60)}-x`,
  `ekcs-${base62(61)}`,
  `ekcs_${base62(30)}!${base62(30)}`,
  "f".repeat(64), // a legacy Access secret: recognised by edgekeys, too generic for a scanner rule
];
const text = [
  `API_KEY=${real[0]}`,
  `export BRAINTRUST_TOKEN="${real[1]}"`,
  `cf_access: { client_secret: '${real[2]}' }`,
  ...nearMisses.map((n, i) => `NEAR_${i}=${n}`),
].join("\n");

it("secretlint with scanners/secretlint.json finds every real secret and no near-miss", () => {
  const file = path.join(dir, "leaky.env");
  writeFileSync(file, `${text}\n`);
  const run = spawnSync(
    process.execPath,
    [
      path.join(root, "node_modules/secretlint/bin/secretlint.js"),
      "--secretlintrc",
      path.join(root, "scanners/secretlint.json"),
      "--format",
      "json",
      file,
    ],
    {
      cwd: root,
      encoding: "utf8",
    },
  );
  expect(run.error).toBeUndefined();
  const results = JSON.parse(run.stdout) as { messages: { range: [number, number] }[] }[];
  const found = results.flatMap((r) => r.messages.map((m) => text.slice(m.range[0], m.range[1])));
  expect(found.sort()).toEqual([...real].sort());
  expect(run.status).not.toBe(0); // secretlint fails the build on a finding
});

it("scanners/ holds exactly the rules the kind registry makes (UPDATE_SCANNERS=1 rewrites them)", () => {
  for (const [file, expected] of [
    ["scanners/gitleaks.toml", GITLEAKS_TOML],
    ["scanners/secretlint.json", SECRETLINT_JSON],
  ] as const) {
    if (process.env.UPDATE_SCANNERS) writeFileSync(path.join(root, file), expected);
    expect(readFileSync(path.join(root, file), "utf8"), file).toBe(expected);
  }
});

it("gitleaks' rules in scanners/gitleaks.toml are the same patterns and find the same", () => {
  const toml = readFileSync(path.join(root, "scanners/gitleaks.toml"), "utf8");
  const regexes = [...toml.matchAll(/^regex = '''(.+)'''$/gm)].map((m) => m[1]!);
  expect(regexes).toEqual(Object.values(SECRET_PATTERNS).map((p) => `\\b(${p})\\b`));
  const found = regexes.flatMap((r) => [...text.matchAll(new RegExp(r, "g"))].map((m) => m[1]));
  expect(found).toEqual(real);
});

it("README gives scanners every pattern", () => {
  const readme = readFileSync(path.join(root, "README.md"), "utf8");
  for (const pattern of Object.values(SECRET_PATTERNS)) expect(readme).toContain(pattern);
});
