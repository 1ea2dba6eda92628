-- Usage (see ARCHITECTURE.md, "Usage"): per credential and UTC day, its requests by outcome as its
-- home last reported them. Homes report once an hour, through a queue whose consumer writes a whole
-- batch of reports in one statement; a report is the day's running total through `through` (an
-- hour's end), so a report sent twice or late changes nothing. Only org-wide lists read this
-- table; a credential's own series come from its home (minutes for 24 h, hours for 30 days).
-- Rows older than 31 days are deleted by the cron; a deleted credential's rows join nothing.
CREATE TABLE usage_days (
  credential_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  through INTEGER NOT NULL,
  requests INTEGER NOT NULL,
  success INTEGER NOT NULL,
  rate_limited INTEGER NOT NULL,
  credits_exhausted INTEGER NOT NULL,
  ip_refused INTEGER NOT NULL,
  disabled INTEGER NOT NULL,
  expired INTEGER NOT NULL,
  wrong_secret INTEGER NOT NULL,
  PRIMARY KEY (credential_id, day)
) WITHOUT ROWID;
CREATE INDEX usage_days_by_day ON usage_days (day);
-- Org-wide lists walk an org's credentials with credentials_by_org (0001) and join their days by key.
