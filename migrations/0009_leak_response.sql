-- Leak response (src/core/leaks/leaks.ts): a leaked legacy 64-hex Access client secret names no token,
-- so it is found by its keyed hash. These indexes make that a lookup, not a scan.
CREATE INDEX credentials_by_secret_hash ON credentials (secret_hash) WHERE kind = 'access_token';
CREATE INDEX credentials_by_prev_secret_hash ON credentials (prev_secret_hash)
  WHERE kind = 'access_token' AND prev_secret_hash IS NOT NULL;

-- A proven leak's audit event raises `credential.leaked` for the org's webhooks, in the same
-- statement (so in the same batch as the change the event records).
CREATE TRIGGER audit_credential_leaked_event AFTER INSERT ON audit_events
WHEN NEW.action = 'credential.leaked' AND EXISTS (SELECT 1 FROM webhooks WHERE org_id = NEW.org_id AND disabled_at IS NULL)
BEGIN
  INSERT INTO webhook_events (id, org_id, type, data, created_at)
  VALUES ('msg_' || lower(hex(randomblob(16))), NEW.org_id, 'credential.leaked',
    json_patch(json_object('kind', NEW.target_type, 'id', NEW.target_id, 'org_id', NEW.org_id,
      'org_name', (SELECT name FROM orgs WHERE id = NEW.org_id)), NEW.changes),
    NEW.at);
END;
