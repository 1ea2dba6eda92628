-- Scoped credentials (see ARCHITECTURE.md, "Scoped credentials"): a credential's policy
-- (permissions, IP allowlist, rate limit, credits) as JSON, NULL for none. It is read with the
-- verification record, so the credential's home enforces it with no extra statement.
ALTER TABLE credentials ADD COLUMN policy TEXT;
-- Credits left, as last written back by the home (with its last-used write, at most once a
-- minute, and at each exhaustion): informational; the home's own count decides.
ALTER TABLE credentials ADD COLUMN credits_remaining INTEGER;
-- When the credits last ran out; every new value raises one `credential.credits_exhausted`.
ALTER TABLE credentials ADD COLUMN credits_exhausted_at INTEGER;

CREATE TRIGGER credentials_credits_exhausted_event AFTER UPDATE OF credits_exhausted_at ON credentials
WHEN NEW.credits_exhausted_at IS NOT NULL AND NEW.credits_exhausted_at IS NOT OLD.credits_exhausted_at
  AND EXISTS (SELECT 1 FROM webhooks WHERE org_id = NEW.org_id AND disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (id, org_id, type, data, created_at)
  VALUES ('msg_' || lower(hex(randomblob(16))), NEW.org_id, 'credential.credits_exhausted',
    json_object('kind', NEW.kind, 'id', NEW.id, 'name', NEW.name, 'org_id', NEW.org_id,
      'org_name', (SELECT name FROM orgs WHERE id = NEW.org_id), 'client_id', NEW.client_id,
      'refill', json_extract(NEW.policy, '$.credits.refill')),
    NEW.credits_exhausted_at);
END;
