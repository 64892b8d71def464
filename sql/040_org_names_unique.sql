-- Organization names are unique within a community (409 name_taken). Names compare as the
-- column's collation does (utf8mb4_unicode_ci: case and trailing spaces do not count).
-- Duplicates filed before this rule keep their rows: all but the oldest get " #<id>" added.
UPDATE organizations o
JOIN (SELECT community_id, name, MIN(id) AS keep_id FROM organizations
      GROUP BY community_id, name HAVING COUNT(*) > 1) d
  ON d.community_id = o.community_id AND d.name = o.name AND o.id <> d.keep_id
SET o.name = CONCAT(LEFT(o.name, 80), ' #', o.id);

ALTER TABLE organizations ADD UNIQUE KEY ux_orgs_community_name (community_id, name);
