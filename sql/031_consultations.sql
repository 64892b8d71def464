-- Community consultation (社区协商 / 网络议事): a topic with 2-10 options, residents' comments and
-- one ballot each (residents: users whose home_community_id is the consultation's community).
-- Stages deliberating -> resolved -> publicized -> feedback. A ballot's transaction reads the
-- consultation row in share mode and resolve takes it for update, so no ballot lands after the
-- resolution: the tally (consultation_options.votes) is frozen from then on.
CREATE TABLE consultations (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    community_id BIGINT UNSIGNED NOT NULL,
    title VARCHAR(100) NOT NULL,
    body VARCHAR(4000) NOT NULL,
    stage ENUM('deliberating', 'resolved', 'publicized', 'feedback') NOT NULL DEFAULT 'deliberating',
    closes_at DATETIME NOT NULL,
    decision VARCHAR(4000) NULL,
    feedback VARCHAR(4000) NULL,
    ballots INT UNSIGNED NOT NULL DEFAULT 0,
    convened_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    resolved_at DATETIME NULL,
    publicized_at DATETIME NULL,
    feedback_at DATETIME NULL,
    KEY ix_consultations_community (community_id, id),
    CONSTRAINT fk_consultations_community FOREIGN KEY (community_id) REFERENCES communities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE consultation_options (
    consultation_id BIGINT UNSIGNED NOT NULL,
    idx TINYINT UNSIGNED NOT NULL,
    label VARCHAR(100) NOT NULL,
    votes INT UNSIGNED NOT NULL DEFAULT 0,
    PRIMARY KEY (consultation_id, idx),
    CONSTRAINT fk_consultation_options FOREIGN KEY (consultation_id) REFERENCES consultations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE consultation_ballots (
    consultation_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    option_idx TINYINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (consultation_id, user_id),
    CONSTRAINT fk_consultation_ballots FOREIGN KEY (consultation_id) REFERENCES consultations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE consultation_comments (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    consultation_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    body VARCHAR(2000) NOT NULL,
    created_at DATETIME NOT NULL,
    KEY ix_consultation_comments (consultation_id, id),
    CONSTRAINT fk_consultation_comments FOREIGN KEY (consultation_id) REFERENCES consultations (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
