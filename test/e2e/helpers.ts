import { inject } from "vitest";

export const baseUrl = () => inject("baseUrl");

let n = 0;
export const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(n++).toString(36)}`;

/** Bootstraps a fresh org and owner against the running Worker (plain HTTP, as the README shows); `accountId` names its account. */
export async function bootstrap(orgName = unique("e2e-org"), email = `${unique("owner")}@example.com`, accountId?: string) {
  const res = await fetch(`${baseUrl()}/admin/bootstrap`, {
    method: "POST",
    headers: { Authorization: `Bearer ${inject("adminToken")}`, "Content-Type": "application/json" },
    body: JSON.stringify({ org_name: orgName, email, ...(accountId ? { account_id: accountId } : {}) }),
  });
  if (!res.ok) throw new Error(`bootstrap: ${res.status} ${await res.text()}`);
  return (await res.json()) as {
    org: { id: string; name: string; account_id: string };
    user: { id: string; email: string };
    api_key: { id: string; key: string };
  };
}
