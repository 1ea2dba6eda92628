-- Access applications and policies (Cloudflare Access's self-hosted applications, managed
-- with the same SDK as service tokens), and which hosts and paths the gateway serves for each.

CREATE TABLE access_apps (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  -- the Application Audience tag: 64 hex, in the `aud` of every assertion for the application
  aud TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  domain TEXT NOT NULL,
  -- every other field of the application as the client sent it (JSON object), returned as stored
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX access_apps_by_org ON access_apps (org_id, id);

-- The hosts and paths an application claims (its domain and destinations), in normal form
-- (src/core/access/app-domain.ts). One application per host and path across the installation.
CREATE TABLE access_app_routes (
  host TEXT NOT NULL,
  path TEXT NOT NULL,
  app_id TEXT NOT NULL REFERENCES access_apps (id) ON DELETE CASCADE,
  PRIMARY KEY (host, path)
) WITHOUT ROWID;
CREATE INDEX access_app_routes_by_app ON access_app_routes (app_id);

CREATE TABLE access_policies (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  -- NULL: a reusable (account-level) policy; else the one application that owns it
  app_id TEXT REFERENCES access_apps (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('non_identity', 'bypass', 'deny')),
  -- JSON {include, require, exclude}: Access's rule objects as the client wrote them
  rules TEXT NOT NULL,
  settings TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX access_policies_by_org ON access_policies (org_id, app_id, id);
CREATE INDEX access_policies_by_app ON access_policies (app_id);

-- Which policies an application uses, in which order (precedence is unique per application).
CREATE TABLE access_app_policies (
  app_id TEXT NOT NULL REFERENCES access_apps (id) ON DELETE CASCADE,
  policy_id TEXT NOT NULL REFERENCES access_policies (id) ON DELETE CASCADE,
  precedence INTEGER NOT NULL,
  PRIMARY KEY (app_id, policy_id),
  UNIQUE (app_id, precedence)
) WITHOUT ROWID;
CREATE INDEX access_app_policies_by_policy ON access_app_policies (policy_id);

-- A host belongs to one account: once an account's application claims any path on it, no other
-- account's application may claim a path there (a longer path would override the owner's policy).
-- Checked inside the write's own transaction, so two accounts racing for a host cannot both win.
CREATE TRIGGER access_app_routes_one_account BEFORE INSERT ON access_app_routes
WHEN EXISTS (
  SELECT 1 FROM access_app_routes r JOIN access_apps a ON a.id = r.app_id
  WHERE r.host = NEW.host AND a.org_id != (SELECT org_id FROM access_apps WHERE id = NEW.app_id)
)
BEGIN
  SELECT RAISE(ABORT, 'access_host_of_another_account');
END;
