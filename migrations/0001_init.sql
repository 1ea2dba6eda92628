-- Orgs, principals (users and service accounts), memberships and credentials.
-- Times are integer milliseconds since the epoch; ids are UUIDv7 text, so that
-- ordering by id is ordering by creation and keyset pagination needs no extra column.

CREATE TABLE orgs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);

CREATE TABLE principals (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('user', 'service_account')),
  email TEXT NOT NULL,
  given_name TEXT,
  family_name TEXT,
  -- service accounts have a display name; users are named by given/family name
  name TEXT,
  created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX principals_user_email ON principals (email) WHERE kind = 'user';

CREATE TABLE memberships (
  org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  principal_id TEXT NOT NULL REFERENCES principals (id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('owner', 'member')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (org_id, principal_id)
);
CREATE INDEX memberships_principal ON memberships (principal_id);

-- One table for every credential kind; columns a kind does not use stay NULL.
CREATE TABLE credentials (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('api_key', 'service_token', 'access_token')),
  org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  -- owner: a user (api_key) or a service account (service_token); NULL for access tokens
  principal_id TEXT REFERENCES principals (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  -- non-secret reminder of the raw value: the prefix and a few characters
  preview TEXT NOT NULL,
  -- HMAC-SHA-256(pepper[hash_version], raw secret)
  secret_hash BLOB NOT NULL,
  hash_version INTEGER NOT NULL,
  -- the secret before the last rotation, accepted until prev_expires_at
  prev_secret_hash BLOB,
  prev_hash_version INTEGER,
  prev_expires_at INTEGER,
  -- Access tokens: public client id and Go-style duration string
  client_id TEXT UNIQUE,
  duration TEXT,
  secret_version INTEGER NOT NULL DEFAULT 1,
  enabled INTEGER NOT NULL DEFAULT 1,
  expires_at INTEGER,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_used_at INTEGER,
  -- bumped by every update; updates compare-and-swap on it so none is lost
  revision INTEGER NOT NULL DEFAULT 0
);
-- "my keys, newest first" (GET /v1/api_key), and the same within one org
CREATE INDEX credentials_by_owner ON credentials (kind, principal_id, id);
CREATE INDEX credentials_by_owner_org ON credentials (kind, principal_id, org_id, id);
-- "the org's tokens, newest first" and lookups by name within an org
CREATE INDEX credentials_by_org_name ON credentials (org_id, kind, name, id);
CREATE INDEX credentials_by_org ON credentials (org_id, kind, id);
