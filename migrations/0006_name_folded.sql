-- A case-folded copy of each credential's name, for `search`: SQLite's own lower()
-- and LIKE fold ASCII only, so "DÉJÀ" would not find "Déjà vu". The Worker writes
-- the fold (Unicode NFKC, then lower case) with every insert and rename; rows that
-- existed before this migration get SQLite's ASCII fold until they are renamed.
ALTER TABLE credentials ADD COLUMN name_folded TEXT NOT NULL DEFAULT '';
UPDATE credentials SET name_folded = lower(name);
