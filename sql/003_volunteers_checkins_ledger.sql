-- Volunteers (real name, phone and ID number encrypted at rest; a keyed hash of the ID
-- number makes one volunteer per person), check-ins, and the service-time ledger.
CREATE TABLE volunteers (
    user_id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    real_name_enc VARCHAR(512) NOT NULL,
    phone_enc VARCHAR(512) NOT NULL,
    id_number_enc VARCHAR(512) NOT NULL,
    id_number_hash CHAR(64) NOT NULL,
    skills VARCHAR(1000) NOT NULL DEFAULT '[]',
    status ENUM('registered', 'suspended') NOT NULL DEFAULT 'registered',
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    UNIQUE KEY uq_volunteers_id_number (id_number_hash),
    CONSTRAINT fk_volunteers_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One check-in per volunteer and activity; check-out fills checked_out_at once.
CREATE TABLE checkins (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    activity_id BIGINT UNSIGNED NOT NULL,
    user_id BIGINT UNSIGNED NOT NULL,
    checked_in_at DATETIME NOT NULL,
    checked_out_at DATETIME NULL,
    in_lat DECIMAL(9, 6) NOT NULL,
    in_lng DECIMAL(9, 6) NOT NULL,
    out_lat DECIMAL(9, 6) NULL,
    out_lng DECIMAL(9, 6) NULL,
    walk_in TINYINT(1) NOT NULL DEFAULT 0,
    UNIQUE KEY uq_checkins (activity_id, user_id),
    KEY ix_checkins_user (user_id),
    CONSTRAINT fk_checkins_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
    CONSTRAINT fk_checkins_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The ledger is append-only: a check-out credits one row (checkin_id is unique), a
-- correction is a new row with a reason and the corrector. Triggers refuse UPDATE and DELETE.
CREATE TABLE service_records (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    activity_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('checkout', 'correction') NOT NULL,
    minutes INT NOT NULL,
    checkin_id BIGINT UNSIGNED NULL,
    reason VARCHAR(500) NULL,
    created_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    UNIQUE KEY uq_service_records_checkin (checkin_id),
    KEY ix_service_records_user (user_id, id),
    KEY ix_service_records_activity (activity_id, user_id),
    CONSTRAINT fk_service_records_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_service_records_activity FOREIGN KEY (activity_id) REFERENCES activities (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER service_records_no_update BEFORE UPDATE ON service_records FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'service_records is append-only';
CREATE TRIGGER service_records_no_delete BEFORE DELETE ON service_records FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'service_records is append-only';
