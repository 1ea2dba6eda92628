-- The Access organization of each account (GET/PUT/PATCH /accounts/{id}/access/organizations):
-- the settings edgekeys enforces get columns, every other field Access defines is kept as sent
-- in `settings` (JSON).
--
-- strict_service_token_auth: Access turns it on for organizations created from 2026-10-05 and
-- does not let them turn it off. Here an account created after this migration starts strict and
-- locked (the column defaults and the trigger below); every account that existed before keeps
-- today's behaviour (strict off, unlocked) until its owner turns strict mode on.
CREATE TABLE access_organizations (
  org_id TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
  strict_service_token_auth INTEGER NOT NULL DEFAULT 1 CHECK (strict_service_token_auth IN (0, 1)),
  -- 1: created strict, as Access's new organizations are: strict mode cannot be turned off
  strict_locked INTEGER NOT NULL DEFAULT 1 CHECK (strict_locked IN (0, 1)),
  -- service_token_inactivity; the cron reads the enabled ones (src/lifecycle/inactive-tokens.ts)
  inactivity_enabled INTEGER NOT NULL DEFAULT 0 CHECK (inactivity_enabled IN (0, 1)),
  inactivity_days INTEGER CHECK (inactivity_days BETWEEN 30 AND 365),
  inactivity_action TEXT CHECK (inactivity_action IN ('disable', 'delete')),
  -- JSON object: every other field, as the client sent it
  settings TEXT NOT NULL DEFAULT '{}',
  updated_at INTEGER,
  CHECK (inactivity_enabled = 0 OR (inactivity_days IS NOT NULL AND inactivity_action IS NOT NULL))
);
CREATE INDEX access_organizations_inactivity ON access_organizations (inactivity_action) WHERE inactivity_enabled = 1;

INSERT INTO access_organizations (org_id, strict_service_token_auth, strict_locked) SELECT id, 0, 0 FROM orgs;

CREATE TRIGGER orgs_access_organization AFTER INSERT ON orgs
BEGIN
  INSERT OR IGNORE INTO access_organizations (org_id) VALUES (NEW.id);
END;

-- The inactivity sweep's range: an org's Access tokens by state and by when they were last used
-- (or created, never used). Handled tokens leave it (disabled, or deleted).
CREATE INDEX credentials_access_idle ON credentials (org_id, enabled, coalesce(last_used_at, created_at)) WHERE kind = 'access_token';

-- A token the sweep disabled or deleted: its `credential.inactive` webhook event, written by the
-- audit event's own INSERT, so neither exists without the other (as credential.leaked, 0009).
CREATE TRIGGER audit_service_token_inactive_event AFTER INSERT ON audit_events
WHEN NEW.action IN ('service_token.inactive_disabled', 'service_token.inactive_deleted')
  AND EXISTS (SELECT 1 FROM webhooks WHERE org_id = NEW.org_id AND disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (id, org_id, type, data, created_at)
  VALUES ('msg_' || lower(hex(randomblob(16))), NEW.org_id, 'credential.inactive',
    json_patch(json_object('kind', NEW.target_type, 'id', NEW.target_id, 'org_id', NEW.org_id,
      'org_name', (SELECT name FROM orgs WHERE id = NEW.org_id)), NEW.changes),
    NEW.at);
END;
