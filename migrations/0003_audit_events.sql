-- Every change to a credential, every bootstrap and membership change, written in the
-- same D1 batch as the change itself. Never holds a secret.
CREATE TABLE audit_events (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  actor_principal_id TEXT,
  actor_credential_id TEXT,
  action TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id TEXT NOT NULL,
  client_ip TEXT,
  request_id TEXT,
  -- JSON object of the fields the change set (names and values; secrets never)
  changes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_by_org ON audit_events (org_id, id);
CREATE INDEX audit_events_by_target ON audit_events (org_id, target_id, id);
CREATE INDEX audit_events_by_action ON audit_events (org_id, action, id);
