-- An org always keeps an owner. The service checks this before a removal, but two
-- owners removing each other at once both pass that check; these triggers hold the
-- rule inside the write itself. RAISE(ABORT) fails the statement, and D1 rolls the
-- whole batch back: nothing of the change is half-applied.
CREATE TRIGGER memberships_keep_an_owner_on_delete
AFTER DELETE ON memberships
WHEN OLD.role = 'owner'
  AND NOT EXISTS (SELECT 1 FROM memberships WHERE org_id = OLD.org_id AND role = 'owner')
  AND EXISTS (SELECT 1 FROM orgs WHERE id = OLD.org_id)
BEGIN
  SELECT RAISE(ABORT, 'last_owner');
END;

CREATE TRIGGER memberships_keep_an_owner_on_update
AFTER UPDATE OF role ON memberships
WHEN OLD.role = 'owner' AND NEW.role <> 'owner'
  AND NOT EXISTS (SELECT 1 FROM memberships WHERE org_id = OLD.org_id AND role = 'owner')
BEGIN
  SELECT RAISE(ABORT, 'last_owner');
END;
