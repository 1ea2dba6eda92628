/**
 * The scanner rule files of `scanners/`, derived from the kind registry: one rule per credential
 * kind, with its label, its secret's prefix and `SECRET_PATTERNS`' pattern. A new kind is a new
 * rule here without an edit. `test/e2e/scanner-rules.test.ts` checks that the committed files are
 * exactly these, and rewrites them with `UPDATE_SCANNERS=1`.
 */
import { SECRET_PATTERNS } from "../../src/core/credentials/tokens";
import { CREDENTIAL_KIND_NAMES, CREDENTIAL_KINDS, type CredentialKind, SECRET_FORMATS, SECRET_PREFIXES } from "../../src/core/shared/kinds";

const rules = CREDENTIAL_KIND_NAMES.map((kind: CredentialKind) => {
  const format = SECRET_FORMATS[kind];
  const secret =
    CREDENTIAL_KINDS[kind].presented === "client" ? `${CREDENTIAL_KINDS[kind].label} client secret` : CREDENTIAL_KINDS[kind].label;
  return {
    id: `edgekeys-${format.replaceAll("_", "-")}`,
    name: `edgekeys ${secret}`,
    prefix: SECRET_PREFIXES[kind],
    regex: `\\b(${SECRET_PATTERNS[format]})\\b`,
  };
});

export const GITLEAKS_TOML = `# gitleaks rules for edgekeys credentials: \`gitleaks detect --config scanners/gitleaks.toml\`
# (or copy the rules into your own .gitleaks.toml). Each format is a fixed prefix, 61 base62
# characters and nothing more; the last 6 are a CRC-32 that edgekeys checks, so a match is a
# candidate until \`POST /credentials/revoke\` (or the service itself) proves it.
# Generated from the kind registry (src/core/shared/kinds.ts) by test/helpers/scanner-rules.ts.
title = "edgekeys credentials"

[extend]
useDefault = true
${rules
  .map(
    (r) => `
[[rules]]
id = "${r.id}"
description = "${r.name} (${r.prefix})"
regex = '''${r.regex}'''
keywords = ["${r.prefix}"]
`,
  )
  .join("")}`;

export const SECRETLINT_JSON = `${JSON.stringify(
  {
    rules: [
      {
        id: "@secretlint/secretlint-rule-pattern",
        options: { patterns: rules.map((r) => ({ name: r.name, patterns: [`/${r.regex}/`] })) },
      },
    ],
  },
  null,
  2,
)}\n`;
