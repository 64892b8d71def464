-- The three lists of the Wenzhou model (需求清单 / 项目清单 / 资源清单): residents' needs with
-- their supporters, service projects that answer them (with their lifecycle, linked needs and
-- activities), and resources matched to projects. Also each user's home community, which decides
-- who may take part in a community's consultation (ADD COLUMN IF NOT EXISTS: PATCH /me sets it).
ALTER TABLE users ADD COLUMN IF NOT EXISTS home_community_id BIGINT UNSIGNED NULL;

-- support_count moves only with a need_supports row, in the same transaction (one per person).
CREATE TABLE needs (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    community_id BIGINT UNSIGNED NOT NULL,
    category ENUM('relief', 'consultation', 'safety', 'culture', 'elderly', 'children', 'environment', 'other') NOT NULL,
    title VARCHAR(100) NOT NULL,
    description VARCHAR(2000) NOT NULL,
    status ENUM('open', 'accepted', 'declined', 'resolved') NOT NULL DEFAULT 'open',
    support_count INT UNSIGNED NOT NULL DEFAULT 0,
    raised_by BIGINT UNSIGNED NOT NULL,
    triage_note VARCHAR(500) NULL,
    triaged_by BIGINT UNSIGNED NULL,
    triaged_at DATETIME NULL,
    created_at DATETIME NOT NULL,
    KEY ix_needs_support (community_id, status, support_count, id),
    KEY ix_needs_all_support (support_count, id),
    KEY ix_needs_created (community_id, created_at),
    CONSTRAINT fk_needs_community FOREIGN KEY (community_id) REFERENCES communities (id),
    CONSTRAINT fk_needs_user FOREIGN KEY (raised_by) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE need_supports (
    need_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (need_id, user_id),
    CONSTRAINT fk_need_supports_need FOREIGN KEY (need_id) REFERENCES needs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Lifecycle proposed -> approved -> in_progress -> completed -> evaluated (src/domain/project.c).
CREATE TABLE service_projects (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    org_id BIGINT UNSIGNED NOT NULL,
    community_id BIGINT UNSIGNED NOT NULL,
    title VARCHAR(100) NOT NULL,
    summary VARCHAR(2000) NOT NULL,
    kind ENUM('purchase', 'micro_venture', 'self_funded') NOT NULL,
    budget_cents BIGINT UNSIGNED NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    status ENUM('proposed', 'approved', 'in_progress', 'completed', 'evaluated') NOT NULL DEFAULT 'proposed',
    score TINYINT UNSIGNED NULL,
    report VARCHAR(4000) NULL,
    proposed_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    KEY ix_sprojects_community (community_id, starts_on),
    KEY ix_sprojects_org (org_id, id),
    CONSTRAINT chk_sprojects_budget CHECK (budget_cents <= 1000000000),
    CONSTRAINT fk_sprojects_org FOREIGN KEY (org_id) REFERENCES organizations (id),
    CONSTRAINT fk_sprojects_community FOREIGN KEY (community_id) REFERENCES communities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE project_needs (
    project_id BIGINT UNSIGNED NOT NULL,
    need_id BIGINT UNSIGNED NOT NULL,
    PRIMARY KEY (project_id, need_id),
    KEY ix_project_needs_need (need_id),
    CONSTRAINT fk_project_needs_project FOREIGN KEY (project_id) REFERENCES service_projects (id),
    CONSTRAINT fk_project_needs_need FOREIGN KEY (need_id) REFERENCES needs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An activity belongs to at most one project.
CREATE TABLE activity_projects (
    activity_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    project_id BIGINT UNSIGNED NOT NULL,
    linked_by BIGINT UNSIGNED NOT NULL,
    linked_at DATETIME NOT NULL,
    KEY ix_activity_projects_project (project_id),
    CONSTRAINT fk_activity_projects_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
    CONSTRAINT fk_activity_projects_project FOREIGN KEY (project_id) REFERENCES service_projects (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE resources (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    community_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('funds', 'venue', 'people', 'goods') NOT NULL,
    provider VARCHAR(100) NOT NULL,
    description VARCHAR(1000) NOT NULL,
    quantity BIGINT UNSIGNED NOT NULL,
    created_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    KEY ix_resources_community (community_id, kind, id),
    CONSTRAINT fk_resources_community FOREIGN KEY (community_id) REFERENCES communities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A resource may serve several projects.
CREATE TABLE project_resources (
    project_id BIGINT UNSIGNED NOT NULL,
    resource_id BIGINT UNSIGNED NOT NULL,
    note VARCHAR(500) NOT NULL DEFAULT '',
    matched_by BIGINT UNSIGNED NOT NULL,
    matched_at DATETIME NOT NULL,
    PRIMARY KEY (project_id, resource_id),
    KEY ix_project_resources_resource (resource_id),
    CONSTRAINT fk_project_resources_project FOREIGN KEY (project_id) REFERENCES service_projects (id),
    CONSTRAINT fk_project_resources_resource FOREIGN KEY (resource_id) REFERENCES resources (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
