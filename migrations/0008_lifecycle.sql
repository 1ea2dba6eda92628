-- Lifecycle: webhooks, the outbox of their events, deliveries and attempts; expiry and
-- inactivity notices. Every credential event is written by a trigger of the statement that
-- makes the change, so no change is without its event and no event without its change.

CREATE TABLE webhooks (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  -- JSON array of event types; NULL for every type
  events TEXT,
  description TEXT,
  -- the signing secret, AES-256-GCM under WEBHOOK_ENCRYPTION_KEY (src/core/webhooks/secret-box.ts); never in plain text
  secret_enc BLOB NOT NULL,
  -- the secret before the last rotation: it signs too until prev_expires_at
  prev_secret_enc BLOB,
  prev_expires_at INTEGER,
  -- consecutive failed attempts, and since when: an endpoint failing for days is disabled
  failing_since INTEGER,
  disabled_at INTEGER,
  disabled_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX webhooks_by_org ON webhooks (org_id, id);

-- The outbox: one row per event, with the id every attempt carries as `webhook-id`.
CREATE TABLE webhook_events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  type TEXT NOT NULL,
  -- JSON object; never a secret
  data TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhook_events_by_org ON webhook_events (org_id, created_at);

CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  event_id TEXT NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
  webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,
  -- when a message for the next attempt was sent (or is due to arrive): the cron resends lost ones
  enqueued_at INTEGER,
  -- a consumer is attempting it until then
  leased_until INTEGER,
  last_attempt_at INTEGER,
  last_status INTEGER,
  last_error TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at);

CREATE TABLE webhook_attempts (
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at INTEGER NOT NULL,
  -- the receiver's HTTP status, or NULL when it did not answer
  status INTEGER,
  error TEXT,
  duration_ms INTEGER,
  PRIMARY KEY (delivery_id, attempt)
) WITHOUT ROWID;

-- Each event becomes one delivery per enabled webhook of its org that wants its type.
CREATE TRIGGER webhook_events_fan_out AFTER INSERT ON webhook_events
BEGIN
  INSERT INTO webhook_deliveries (id, event_id, webhook_id, next_attempt_at, created_at)
  SELECT NEW.id || '.' || w.id, NEW.id, w.id, NEW.created_at, NEW.created_at
  FROM webhooks w
  WHERE w.org_id = NEW.org_id AND w.disabled_at IS NULL
    AND (w.events IS NULL OR EXISTS (SELECT 1 FROM json_each(w.events) WHERE value = NEW.type));
END;

-- Notices: when the cron should look at a credential's expiry next (0: as soon as it can), the
-- smallest warning threshold (days) already sent for the current expiry (0: `expired` sent), and
-- when `inactive` was sent (cleared when the credential is used again).
ALTER TABLE credentials ADD COLUMN notice_due_at INTEGER;
ALTER TABLE credentials ADD COLUMN noticed_days INTEGER;
ALTER TABLE credentials ADD COLUMN inactive_noticed_at INTEGER;
CREATE INDEX credentials_notice_due ON credentials (notice_due_at) WHERE notice_due_at IS NOT NULL;
CREATE INDEX credentials_idle ON credentials (coalesce(last_used_at, created_at)) WHERE inactive_noticed_at IS NULL;
UPDATE credentials SET notice_due_at = 0 WHERE expires_at IS NOT NULL;

CREATE TRIGGER credentials_expiry_set AFTER INSERT ON credentials WHEN NEW.expires_at IS NOT NULL
BEGIN
  UPDATE credentials SET notice_due_at = 0 WHERE id = NEW.id;
END;

-- A refresh or any other change of the expiry: its warnings are due again, for the new expiry.
CREATE TRIGGER credentials_expiry_moved AFTER UPDATE OF expires_at ON credentials WHEN NEW.expires_at IS NOT OLD.expires_at
BEGIN
  UPDATE credentials SET notice_due_at = CASE WHEN NEW.expires_at IS NULL THEN NULL ELSE 0 END, noticed_days = NULL WHERE id = NEW.id;
END;

CREATE TRIGGER credentials_used_again AFTER UPDATE OF last_used_at ON credentials WHEN OLD.inactive_noticed_at IS NOT NULL
BEGIN
  UPDATE credentials SET inactive_noticed_at = NULL WHERE id = NEW.id;
END;

-- Events of credential writes, only for orgs with an enabled webhook (others pay one index probe).
CREATE TRIGGER credentials_created_event AFTER INSERT ON credentials
WHEN EXISTS (SELECT 1 FROM webhooks WHERE org_id = NEW.org_id AND disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (id, org_id, type, data, created_at)
  VALUES ('msg_' || lower(hex(randomblob(16))), NEW.org_id, 'credential.created',
    json_object('kind', NEW.kind, 'id', NEW.id, 'name', NEW.name, 'org_id', NEW.org_id,
      'org_name', (SELECT name FROM orgs WHERE id = NEW.org_id), 'client_id', NEW.client_id,
      'expires_at', CASE WHEN NEW.expires_at IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', NEW.expires_at / 1000.0, 'unixepoch') END),
    NEW.created_at);
END;

CREATE TRIGGER credentials_rotated_event AFTER UPDATE OF secret_version ON credentials
WHEN NEW.secret_version > OLD.secret_version AND EXISTS (SELECT 1 FROM webhooks WHERE org_id = NEW.org_id AND disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (id, org_id, type, data, created_at)
  VALUES ('msg_' || lower(hex(randomblob(16))), NEW.org_id, 'credential.rotated',
    json_object('kind', NEW.kind, 'id', NEW.id, 'name', NEW.name, 'org_id', NEW.org_id,
      'org_name', (SELECT name FROM orgs WHERE id = NEW.org_id), 'client_id', NEW.client_id,
      'client_secret_version', NEW.secret_version,
      'previous_secret_expires_at', CASE WHEN NEW.prev_expires_at IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', NEW.prev_expires_at / 1000.0, 'unixepoch') END,
      'expires_at', CASE WHEN NEW.expires_at IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', NEW.expires_at / 1000.0, 'unixepoch') END),
    NEW.updated_at);
END;

CREATE TRIGGER credentials_deleted_event AFTER DELETE ON credentials
WHEN EXISTS (SELECT 1 FROM webhooks WHERE org_id = OLD.org_id AND disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (id, org_id, type, data, created_at)
  VALUES ('msg_' || lower(hex(randomblob(16))), OLD.org_id, 'credential.deleted',
    json_object('kind', OLD.kind, 'id', OLD.id, 'name', OLD.name, 'org_id', OLD.org_id,
      'org_name', (SELECT name FROM orgs WHERE id = OLD.org_id), 'client_id', OLD.client_id,
      'expires_at', CASE WHEN OLD.expires_at IS NULL THEN NULL ELSE strftime('%Y-%m-%dT%H:%M:%fZ', OLD.expires_at / 1000.0, 'unixepoch') END),
    CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER));
END;
