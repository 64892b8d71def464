-- Dashboard summaries (三社联动 numbers), kept in step by the writes: triggers on checkins,
-- service_records and activity_ratings move them in the same transaction as the row they
-- describe, whoever inserts it (API check-in, offline batch, approved correction), so a
-- dashboard reads a few thousand summary rows instead of a million check-ins. The year is the
-- Asia/Shanghai calendar year of the activity's start (DATETIMEs are UTC; China has no DST).
--
-- stats_activity: check-ins per activity (a first check-in makes the activity "held").
-- stats_org_year: per organization and year: activities held, check-ins, minutes credited,
--   sum and count of ratings.
-- stats_volunteer_year: the distinct volunteers who checked in at a community's activities in
--   a year.
-- stats_community_year: per community and year, everything above summed: organizations active
--   (their first activity held), activities held, check-ins, minutes, ratings, volunteers; a
--   district's dashboard reads one row per community from it.
-- A bulk loader may SET @ss_stats_off = 1 to skip the triggers and then CALL ss_stats_rebuild().
CREATE TABLE stats_activity (
    activity_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    org_id BIGINT UNSIGNED NOT NULL,
    year SMALLINT UNSIGNED NOT NULL,
    checkins INT UNSIGNED NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE stats_org_year (
    org_id BIGINT UNSIGNED NOT NULL,
    year SMALLINT UNSIGNED NOT NULL,
    community_id BIGINT UNSIGNED NOT NULL,
    activities_held INT UNSIGNED NOT NULL DEFAULT 0,
    checkins INT UNSIGNED NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    rating_sum BIGINT UNSIGNED NOT NULL DEFAULT 0,
    rating_count INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, year),
    KEY ix_stats_org_year_community (community_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE stats_volunteer_year (
    community_id BIGINT UNSIGNED NOT NULL,
    year SMALLINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    checkins INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, year, user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE stats_community_year (
    community_id BIGINT UNSIGNED NOT NULL,
    year SMALLINT UNSIGNED NOT NULL,
    orgs_active INT UNSIGNED NOT NULL DEFAULT 0,
    activities_held INT UNSIGNED NOT NULL DEFAULT 0,
    checkins INT UNSIGNED NOT NULL DEFAULT 0,
    minutes BIGINT NOT NULL DEFAULT 0,
    rating_sum BIGINT UNSIGNED NOT NULL DEFAULT 0,
    rating_count INT UNSIGNED NOT NULL DEFAULT 0,
    volunteers_active INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, year)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The dashboard counts filed organizations by stage and distinct social workers per community
-- from these indexes alone.
ALTER TABLE organizations ADD INDEX IF NOT EXISTS ix_orgs_community_stage (community_id, status, stage);
ALTER TABLE org_members ADD INDEX IF NOT EXISTS ix_members_org_role (org_id, role, user_id);

DELIMITER //
CREATE TRIGGER stats_checkins_insert AFTER INSERT ON checkins FOR EACH ROW
BEGIN
    DECLARE v_org, v_community BIGINT UNSIGNED;
    DECLARE v_year SMALLINT UNSIGNED;
    DECLARE v_new, v_active, v_volunteer, v_n INT DEFAULT 0;
    IF @ss_stats_off IS NULL THEN
        SELECT a.org_id, o.community_id, YEAR(a.starts_at + INTERVAL 8 HOUR) INTO v_org, v_community, v_year
            FROM activities a JOIN organizations o ON o.id = a.org_id WHERE a.id = NEW.activity_id;
        INSERT INTO stats_activity (activity_id, org_id, year, checkins) VALUES (NEW.activity_id, v_org, v_year, 1)
            ON DUPLICATE KEY UPDATE checkins = checkins + 1;
        -- the row is ours (locked) now: its count tells whether this check-in was the first
        SELECT checkins INTO v_n FROM stats_activity WHERE activity_id = NEW.activity_id FOR UPDATE;
        IF v_n = 1 THEN SET v_new = 1; END IF;
        INSERT INTO stats_org_year (org_id, year, community_id, activities_held, checkins)
            VALUES (v_org, v_year, v_community, v_new, 1)
            ON DUPLICATE KEY UPDATE activities_held = activities_held + v_new, checkins = checkins + 1;
        IF v_new = 1 THEN   -- the org's first activity held this year makes it active
            SELECT activities_held INTO v_n FROM stats_org_year WHERE org_id = v_org AND year = v_year FOR UPDATE;
            IF v_n = 1 THEN SET v_active = 1; END IF;
        END IF;
        INSERT INTO stats_volunteer_year (community_id, year, user_id, checkins) VALUES (v_community, v_year, NEW.user_id, 1)
            ON DUPLICATE KEY UPDATE checkins = checkins + 1;
        SELECT checkins INTO v_n FROM stats_volunteer_year
            WHERE community_id = v_community AND year = v_year AND user_id = NEW.user_id FOR UPDATE;
        IF v_n = 1 THEN SET v_volunteer = 1; END IF;
        INSERT INTO stats_community_year (community_id, year, orgs_active, activities_held, checkins, volunteers_active)
            VALUES (v_community, v_year, v_active, v_new, 1, v_volunteer)
            ON DUPLICATE KEY UPDATE orgs_active = orgs_active + v_active, activities_held = activities_held + v_new,
                checkins = checkins + 1, volunteers_active = volunteers_active + v_volunteer;
    END IF;
END//

CREATE TRIGGER stats_service_records_insert AFTER INSERT ON service_records FOR EACH ROW
BEGIN
    IF @ss_stats_off IS NULL THEN
        INSERT INTO stats_org_year (org_id, year, community_id, minutes)
            SELECT a.org_id, YEAR(a.starts_at + INTERVAL 8 HOUR), o.community_id, NEW.minutes
            FROM activities a JOIN organizations o ON o.id = a.org_id WHERE a.id = NEW.activity_id
            ON DUPLICATE KEY UPDATE minutes = minutes + NEW.minutes;
        INSERT INTO stats_community_year (community_id, year, minutes)
            SELECT o.community_id, YEAR(a.starts_at + INTERVAL 8 HOUR), NEW.minutes
            FROM activities a JOIN organizations o ON o.id = a.org_id WHERE a.id = NEW.activity_id
            ON DUPLICATE KEY UPDATE minutes = minutes + NEW.minutes;
    END IF;
END//

CREATE TRIGGER stats_ratings_insert AFTER INSERT ON activity_ratings FOR EACH ROW
BEGIN
    IF @ss_stats_off IS NULL THEN
        INSERT INTO stats_org_year (org_id, year, community_id, rating_sum, rating_count)
            SELECT a.org_id, YEAR(a.starts_at + INTERVAL 8 HOUR), o.community_id, NEW.score, 1
            FROM activities a JOIN organizations o ON o.id = a.org_id WHERE a.id = NEW.activity_id
            ON DUPLICATE KEY UPDATE rating_sum = rating_sum + NEW.score, rating_count = rating_count + 1;
        INSERT INTO stats_community_year (community_id, year, rating_sum, rating_count)
            SELECT o.community_id, YEAR(a.starts_at + INTERVAL 8 HOUR), NEW.score, 1
            FROM activities a JOIN organizations o ON o.id = a.org_id WHERE a.id = NEW.activity_id
            ON DUPLICATE KEY UPDATE rating_sum = rating_sum + NEW.score, rating_count = rating_count + 1;
    END IF;
END//

-- Rebuilds every summary from the rows it describes (after a bulk load, or to check for drift).
CREATE PROCEDURE ss_stats_rebuild()
BEGIN
    DELETE FROM stats_activity;
    DELETE FROM stats_org_year;
    DELETE FROM stats_volunteer_year;
    DELETE FROM stats_community_year;
    INSERT INTO stats_activity (activity_id, org_id, year, checkins)
        SELECT a.id, a.org_id, YEAR(a.starts_at + INTERVAL 8 HOUR), c.n
        FROM (SELECT activity_id, COUNT(*) AS n FROM checkins GROUP BY activity_id) c
        JOIN activities a ON a.id = c.activity_id;
    INSERT INTO stats_org_year (org_id, year, community_id, activities_held, checkins)
        SELECT s.org_id, s.year, o.community_id, COUNT(*), SUM(s.checkins)
        FROM stats_activity s JOIN organizations o ON o.id = s.org_id GROUP BY s.org_id, s.year;
    INSERT INTO stats_org_year (org_id, year, community_id, minutes)
        SELECT a.org_id, YEAR(a.starts_at + INTERVAL 8 HOUR) AS y, o.community_id, SUM(r.minutes)
        FROM service_records r JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = a.org_id
        GROUP BY a.org_id, y
        ON DUPLICATE KEY UPDATE minutes = VALUES(minutes);
    INSERT INTO stats_org_year (org_id, year, community_id, rating_sum, rating_count)
        SELECT a.org_id, YEAR(a.starts_at + INTERVAL 8 HOUR) AS y, o.community_id, SUM(r.score), COUNT(*)
        FROM activity_ratings r JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = a.org_id
        GROUP BY a.org_id, y
        ON DUPLICATE KEY UPDATE rating_sum = VALUES(rating_sum), rating_count = VALUES(rating_count);
    INSERT INTO stats_volunteer_year (community_id, year, user_id, checkins)
        SELECT o.community_id, YEAR(a.starts_at + INTERVAL 8 HOUR) AS y, c.user_id, COUNT(*)
        FROM checkins c JOIN activities a ON a.id = c.activity_id JOIN organizations o ON o.id = a.org_id
        GROUP BY o.community_id, y, c.user_id;
    INSERT INTO stats_community_year (community_id, year, orgs_active, activities_held, checkins, minutes, rating_sum,
                                      rating_count)
        SELECT community_id, year, SUM(activities_held > 0), SUM(activities_held), SUM(checkins), SUM(minutes),
               SUM(rating_sum), SUM(rating_count)
        FROM stats_org_year GROUP BY community_id, year;
    INSERT INTO stats_community_year (community_id, year, volunteers_active)
        SELECT community_id, year, COUNT(*) FROM stats_volunteer_year GROUP BY community_id, year
        ON DUPLICATE KEY UPDATE volunteers_active = VALUES(volunteers_active);
END//
DELIMITER ;

-- Summaries of the rows that exist already.
CALL ss_stats_rebuild();
