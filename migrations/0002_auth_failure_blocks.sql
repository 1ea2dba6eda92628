-- Client IPs that exceeded the failed-authentication limit, until when. Read in
-- the same query as the credential, so a blocked IP is refused before any secret
-- is compared; written only when the limiter first refuses an IP.
CREATE TABLE auth_failure_blocks (
  ip TEXT PRIMARY KEY,
  blocked_until INTEGER NOT NULL
);
