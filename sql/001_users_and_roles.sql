-- Users (unique by WeChat openid), communities, and global or per-community roles.
-- All tables utf8mb4; all DATETIME columns hold UTC.
CREATE TABLE users (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    openid VARCHAR(128) NOT NULL,
    unionid VARCHAR(128) NULL,
    nickname VARCHAR(64) NOT NULL DEFAULT '微信用户',
    created_at DATETIME NOT NULL,
    last_login_at DATETIME NULL,
    UNIQUE KEY uq_users_openid (openid),
    KEY ix_users_unionid (unionid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE communities (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    street VARCHAR(100) NOT NULL,
    district VARCHAR(100) NOT NULL,
    kind ENUM('urban', 'rural') NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE KEY uq_communities_name (district, street, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- role 'admin' has community_id 0; 'community_admin' names its community.
CREATE TABLE user_roles (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    role ENUM('admin', 'community_admin') NOT NULL,
    community_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
    granted_at DATETIME NOT NULL,
    UNIQUE KEY uq_user_roles (user_id, role, community_id),
    CONSTRAINT fk_user_roles_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
