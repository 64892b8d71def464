-- Organizations (filed by residents, approved by admins), their members, activities and
-- sign-ups. Capacity: activities.confirmed_count is changed only in the transaction that
-- changes a sign-up, under the activity row's lock, and the CHECK makes overbooking
-- impossible even for a buggy writer.
CREATE TABLE organizations (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    community_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('association', 'private_non_enterprise', 'foundation') NOT NULL,
    stage ENUM('startup', 'growing', 'mature') NOT NULL DEFAULT 'startup',
    status ENUM('pending', 'filed', 'rejected') NOT NULL DEFAULT 'pending',
    summary VARCHAR(2000) NOT NULL DEFAULT '',
    filed_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    decided_at DATETIME NULL,
    decided_by BIGINT UNSIGNED NULL,
    reject_reason VARCHAR(500) NULL,
    KEY ix_orgs_community (community_id, status),
    KEY ix_orgs_filer (filed_by),
    CONSTRAINT fk_orgs_community FOREIGN KEY (community_id) REFERENCES communities (id),
    CONSTRAINT fk_orgs_filer FOREIGN KEY (filed_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE org_members (
    org_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    role ENUM('leader', 'social_worker', 'member') NOT NULL,
    added_by BIGINT UNSIGNED NOT NULL,
    added_at DATETIME NOT NULL,
    PRIMARY KEY (org_id, user_id),
    KEY ix_members_user (user_id),
    CONSTRAINT fk_members_org FOREIGN KEY (org_id) REFERENCES organizations (id),
    CONSTRAINT fk_members_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE activities (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT UNSIGNED NOT NULL,
    title VARCHAR(100) NOT NULL,
    description TEXT NOT NULL,
    category ENUM('relief', 'consultation', 'safety', 'culture', 'other') NOT NULL,
    starts_at DATETIME NOT NULL,
    ends_at DATETIME NOT NULL,
    signup_deadline DATETIME NULL,
    capacity INT UNSIGNED NOT NULL,
    confirmed_count INT UNSIGNED NOT NULL DEFAULT 0,
    waitlisted_count INT UNSIGNED NOT NULL DEFAULT 0,
    waitlist_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
    walk_in TINYINT(1) NOT NULL DEFAULT 0,
    service_minutes INT UNSIGNED NULL,
    location_name VARCHAR(100) NOT NULL,
    lat DECIMAL(9, 6) NOT NULL,
    lng DECIMAL(9, 6) NOT NULL,
    radius_m INT UNSIGNED NOT NULL,
    status ENUM('draft', 'published', 'cancelled') NOT NULL DEFAULT 'draft',
    created_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    published_at DATETIME NULL,
    cancelled_at DATETIME NULL,
    KEY ix_activities_list (status, starts_at, id),
    KEY ix_activities_org (org_id, status),
    CONSTRAINT chk_activities_capacity CHECK (confirmed_count <= capacity),
    CONSTRAINT fk_activities_org FOREIGN KEY (org_id) REFERENCES organizations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per (activity, user); a cancelled sign-up is kept and reused on a new sign-up.
-- queue_seq orders the waitlist (first come, first promoted).
CREATE TABLE signups (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    activity_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    status ENUM('confirmed', 'waitlisted', 'cancelled') NOT NULL,
    queue_seq BIGINT UNSIGNED NOT NULL DEFAULT 0,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE KEY uq_signups (activity_id, user_id),
    KEY ix_signups_queue (activity_id, status, queue_seq),
    KEY ix_signups_user (user_id, created_at),
    CONSTRAINT fk_signups_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
    CONSTRAINT fk_signups_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
