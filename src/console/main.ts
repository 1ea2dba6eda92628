/**
 * The console's entry: sign-in, the page frame (who is signed in, Sign out,
 * the navigation) and the hash routes of its pages. Static files served by the
 * Worker (public/console.html); everything it does goes through the public API.
 */
import { identify } from "./api";
import { field, focusHeading, h } from "./dom";
import { attempt, clearNotices, showError, showNotice } from "./notices";
import { accessAppsPage } from "./pages/access-apps";
import { accessTokensPage } from "./pages/access-tokens";
import { apiKeysPage } from "./pages/api-keys";
import { auditLogPage } from "./pages/audit-log";
import type { Page, PageContext } from "./pages/page";
import { serviceTokensPage } from "./pages/service-tokens";
import { usagePage } from "./pages/usage";
import { webhooksPage } from "./pages/webhooks";
import { currentIdentity, forget, remember, storedCredential } from "./session";

const ROUTES: Record<string, [title: string, page: Page]> = {
  "api-keys": ["API keys", apiKeysPage],
  "service-tokens": ["Service tokens", serviceTokensPage],
  "access-tokens": ["Access tokens", accessTokensPage],
  usage: ["Usage", usagePage],
  "audit-log": ["Audit log", auditLogPage],
  webhooks: ["Webhooks", webhooksPage],
  "access-apps": ["Access applications", accessAppsPage],
};
const DEFAULT_ROUTE = "api-keys";

const header = () => document.getElementById("top")!;
const content = () => document.getElementById("page")!;
const routeName = () => {
  const name = location.hash.replace(/^#\/?/, "");
  return name in ROUTES ? name : DEFAULT_ROUTE;
};

const ctx: PageContext = { signOut };

function signOut(message = "You are signed out; the credential is forgotten.") {
  forget();
  for (const dialog of document.querySelectorAll("dialog")) dialog.remove();
  history.replaceState(null, "", location.pathname);
  showSignIn();
  showNotice(message);
}

function showSignIn() {
  document.title = "Sign in · edgekeys console";
  header().replaceChildren(h("p", { class: "brand" }, "edgekeys console"));
  const key = h("input", { name: "key", type: "password", required: true, autocomplete: "off", spellcheck: "false" });
  const submit = h("button", { type: "submit", class: "primary" }, "Sign in");
  const form = h(
    "form",
    { class: "card sign-in", "aria-labelledby": "sign-in-title" },
    field(
      "API key",
      key,
      "An API key (sk-…) or a service token (bt-st-…). It is kept in this tab only, and forgotten when you sign out or close the tab.",
    ),
    h("div", { class: "actions" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clearNotices();
    const credential = key.value.trim();
    const ok = await attempt(async () => remember(credential, await identify(credential)));
    submit.disabled = false;
    if (!ok) return;
    key.value = "";
    showFrame();
  });
  content().replaceChildren(h("h1", { id: "sign-in-title", tabindex: -1 }, "Sign in"), form);
  key.focus();
}

function showFrame() {
  const who = currentIdentity();
  const nav = h(
    "nav",
    { "aria-label": "Console" },
    h("ul", {}, ...Object.entries(ROUTES).map(([name, [title]]) => h("li", {}, h("a", { href: `#/${name}`, "data-route": name }, title)))),
  );
  const user = who.principal?.email ?? who.name;
  header().replaceChildren(
    h(
      "div",
      { class: "bar" },
      h("p", { class: "brand" }, "edgekeys console"),
      h("p", { class: "who" }, `${user} · account `, h("code", {}, who.account_id)),
      h("button", { type: "button", onclick: () => signOut() }, "Sign out"),
    ),
    nav,
  );
  void showRoute();
}

async function showRoute() {
  if (!storedCredential()) return;
  const name = routeName();
  const [title, page] = ROUTES[name]!;
  document.title = `${title} · edgekeys console`;
  for (const link of header().querySelectorAll<HTMLAnchorElement>("a[data-route]")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  clearNotices();
  const root = h("div", { class: "page", "data-page": name, "aria-busy": "true" });
  content().replaceChildren(root);
  await page(root, ctx);
  root.removeAttribute("aria-busy");
  focusHeading(root);
}

async function start() {
  window.addEventListener("hashchange", () => void showRoute());
  const credential = storedCredential();
  if (!credential) return showSignIn();
  try {
    remember(credential, await identify(credential));
    showFrame();
  } catch (error) {
    forget();
    showSignIn();
    showError(error);
  }
}

void start();
