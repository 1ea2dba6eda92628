/** The audit log's actions: each credential kind's come from the kind registry, the rest are listed once. */
import { describe, expect, it } from "vitest";
import { AUDIT_ACTIONS } from "../../src/core/shared/audit-actions";
import { CREDENTIAL_KIND_NAMES, CREDENTIAL_KINDS } from "../../src/core/shared/kinds";

describe("AUDIT_ACTIONS", () => {
  it("holds every kind's verbs, from the registry, and no action twice", () => {
    for (const kind of CREDENTIAL_KIND_NAMES) {
      for (const verb of CREDENTIAL_KINDS[kind].auditVerbs) expect(AUDIT_ACTIONS).toContain(`${kind}.${verb}`);
    }
    expect(new Set(AUDIT_ACTIONS).size).toBe(AUDIT_ACTIONS.length);
    expect(AUDIT_ACTIONS).toEqual(
      expect.arrayContaining(["org.bootstrap", "access_token.rotate", "service_token.replace", "credential.leaked"]),
    );
    for (const action of AUDIT_ACTIONS) expect(action).toMatch(/^[a-z_]+\.[a-z_]+$/);
  });
});
