-- Round 2, accounts and organizations: a profile (avatar, home community) on users, single-use
-- invitations into an organization, and a revision on activities (each edit bumps it, so the
-- "activity changed" notice of an edit is one event per person however often it is sent).
ALTER TABLE users
    ADD COLUMN avatar_url VARCHAR(512) NULL,
    ADD COLUMN home_community_id BIGINT UNSIGNED NULL,
    ADD CONSTRAINT fk_users_home_community FOREIGN KEY (home_community_id) REFERENCES communities (id);

-- code: 16 random decimal digits (about 53 bits), shown as a QR code by the leader; used once
-- (used_by set in the transaction that adds the member) and dead after expires_at.
CREATE TABLE org_invites (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT UNSIGNED NOT NULL,
    code CHAR(16) NOT NULL,
    role ENUM('social_worker', 'member') NOT NULL,
    created_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_by BIGINT UNSIGNED NULL,
    used_at DATETIME NULL,
    UNIQUE KEY uq_invites_code (code),
    KEY ix_invites_org (org_id),
    CONSTRAINT fk_invites_org FOREIGN KEY (org_id) REFERENCES organizations (id),
    CONSTRAINT fk_invites_creator FOREIGN KEY (created_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE activities ADD COLUMN revision INT UNSIGNED NOT NULL DEFAULT 0;
