-- Hosts belong to accounts by the operator's word (ORIGINS' account_id, or GATEWAY_ACCOUNT_ID with
-- ORIGIN_URL), checked before any write (src/core/access/apps.ts), never by who claimed first: the
-- first-come rule goes. An application another account left on a host before that (while hosts went
-- to the first claimant) decides nothing: the gateway reads only the owner's applications, and the
-- owner's own write on a host and path takes that route over (src/db/access-apps.ts).
DROP TRIGGER access_app_routes_one_account;
