-- Content safety (WeChat msgSecCheck): text that the check calls "review", or that could not be
-- checked because WeChat was down, is stored but hidden from everyone but staff until a person
-- passes it. content_status on each object that holds people's text; content_reviews is the
-- staff queue (one row per held text, community_id for community admins' part of the queue).
ALTER TABLE activities ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE organizations ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE needs ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';
ALTER TABLE consultation_comments ADD COLUMN content_status ENUM('visible', 'review', 'rejected') NOT NULL DEFAULT 'visible';

CREATE TABLE content_reviews (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    object_type ENUM('activity', 'org', 'need', 'consultation_comment') NOT NULL,
    object_id BIGINT UNSIGNED NOT NULL,
    community_id BIGINT UNSIGNED NOT NULL,
    reason VARCHAR(32) NOT NULL,            -- 'review' (WeChat's suggestion) or 'unchecked' (WeChat unreachable)
    status ENUM('pending', 'passed', 'rejected') NOT NULL DEFAULT 'pending',
    created_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    decided_by BIGINT UNSIGNED NULL,
    decided_at DATETIME NULL,
    KEY ix_content_reviews_queue (status, community_id, id),
    KEY ix_content_reviews_object (object_type, object_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
