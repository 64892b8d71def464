-- Micro-venture philanthropy contests (微公益创投): projects, votes, per-user daily quotas
-- and slotted tallies.
--
-- Votes are the truth (one row per accepted vote). A vote's transaction also takes one
-- unit of the voter's daily quota (a row per contest, user and Shanghai calendar day,
-- incremented only while under the limit) and adds 1 to one tally slot (SS_TALLY_SLOTS) of the
-- project chosen at random, so thousands of votes a second on one project spread over many
-- rows instead of queueing on one. A project's count is the sum of its slots, exact at
-- every commit; `sanshe ctl recount` rebuilds the slots from the votes and reports drift.
CREATE TABLE contests (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    title VARCHAR(100) NOT NULL,
    community_id BIGINT UNSIGNED NULL,
    budget_cents BIGINT UNSIGNED NOT NULL,
    votes_per_user_per_day INT UNSIGNED NOT NULL,
    submit_until DATETIME NOT NULL,
    vote_from DATETIME NOT NULL,
    vote_until DATETIME NOT NULL,
    created_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    KEY ix_contests_community (community_id),
    CONSTRAINT fk_contests_community FOREIGN KEY (community_id) REFERENCES communities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contest_projects (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    contest_id BIGINT UNSIGNED NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    title VARCHAR(100) NOT NULL,
    summary VARCHAR(2000) NOT NULL DEFAULT '',
    budget_cents BIGINT UNSIGNED NOT NULL,
    status ENUM('submitted', 'approved', 'rejected') NOT NULL DEFAULT 'submitted',
    reject_reason VARCHAR(500) NULL,
    submitted_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    decided_at DATETIME NULL,
    decided_by BIGINT UNSIGNED NULL,
    KEY ix_projects_contest (contest_id, status, id),
    CONSTRAINT fk_projects_contest FOREIGN KEY (contest_id) REFERENCES contests (id),
    CONSTRAINT fk_projects_org FOREIGN KEY (org_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contest_votes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    contest_id BIGINT UNSIGNED NOT NULL,
    project_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    vote_day DATE NOT NULL,
    votes_left INT UNSIGNED NOT NULL,          -- the reply's votes_left_today, replayed on a retry
    idempotency_key VARCHAR(64) NULL,
    client_addr VARCHAR(45) NULL,
    created_at DATETIME NOT NULL,
    UNIQUE KEY uq_votes_idempotency (user_id, idempotency_key),
    KEY ix_votes_project (project_id),
    KEY ix_votes_contest_user (contest_id, user_id, vote_day),
    CONSTRAINT fk_votes_project FOREIGN KEY (project_id) REFERENCES contest_projects (id),
    CONSTRAINT fk_votes_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contest_vote_quota (
    contest_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    vote_day DATE NOT NULL,
    used INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (contest_id, user_id, vote_day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contest_tally_slots (
    project_id BIGINT UNSIGNED NOT NULL,
    slot TINYINT UNSIGNED NOT NULL,
    votes BIGINT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (project_id, slot),
    CONSTRAINT fk_tally_project FOREIGN KEY (project_id) REFERENCES contest_projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
