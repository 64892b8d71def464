-- Satisfaction ratings (满意度评价) of activities, one per person who checked in, and their
-- tallies per organization and per social worker who staffed the activity. "Staffed": the
-- organization's members with role social_worker when the rating is stored; who they were is
-- kept in rating_staff, so a later change of roles does not rewrite past ratings.
CREATE TABLE activity_ratings (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    activity_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    org_id BIGINT UNSIGNED NOT NULL,
    score TINYINT UNSIGNED NOT NULL,
    comment VARCHAR(500) NULL,
    created_at DATETIME NOT NULL,
    UNIQUE KEY uq_activity_ratings (activity_id, user_id),
    KEY ix_activity_ratings_org (org_id, id),
    CONSTRAINT chk_activity_ratings_score CHECK (score BETWEEN 1 AND 5),
    CONSTRAINT fk_activity_ratings_activity FOREIGN KEY (activity_id) REFERENCES activities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE rating_staff (
    rating_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (rating_id, user_id),
    KEY ix_rating_staff_user (user_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- n ratings of `score` for an org or a social worker: moved in the rating's transaction.
CREATE TABLE rating_tallies (
    subject ENUM('org', 'social_worker') NOT NULL,
    subject_id BIGINT UNSIGNED NOT NULL,
    score TINYINT UNSIGNED NOT NULL,
    n INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (subject, subject_id, score)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Expert review in contests: reviewers named by an admin score approved projects 0..100 (one
-- review each, editable until voting ends). review_sum and review_count of a project move with
-- its reviews, so results read the mean without scanning reviews (and votes come from the tally
-- slots), never all votes.
ALTER TABLE contests ADD COLUMN IF NOT EXISTS expert_weight DECIMAL(4, 3) NOT NULL DEFAULT 0;
ALTER TABLE contest_projects
    ADD COLUMN IF NOT EXISTS review_sum INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS review_count INT UNSIGNED NOT NULL DEFAULT 0;

CREATE TABLE contest_reviewers (
    contest_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    added_by BIGINT UNSIGNED NOT NULL,
    added_at DATETIME NOT NULL,
    PRIMARY KEY (contest_id, user_id),
    CONSTRAINT fk_contest_reviewers_contest FOREIGN KEY (contest_id) REFERENCES contests (id),
    CONSTRAINT fk_contest_reviewers_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE contest_reviews (
    project_id BIGINT UNSIGNED NOT NULL,
    reviewer_id BIGINT UNSIGNED NOT NULL,
    score TINYINT UNSIGNED NOT NULL,
    comment VARCHAR(2000) NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (project_id, reviewer_id),
    CONSTRAINT chk_contest_reviews_score CHECK (score <= 100),
    CONSTRAINT fk_contest_reviews_project FOREIGN KEY (project_id) REFERENCES contest_projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
