-- Service time people can trust (MCA order 67): corrections are proposals a second person
-- decides, minimum attendance, a public volunteer number, erasure that keeps the records,
-- revocable personal codes for offline attendance, and certificates.

-- Minimum attendance: minutes are credited only when the attended span is at least this
-- share of the activity's length.
ALTER TABLE activities
    ADD COLUMN min_attendance_pct TINYINT UNSIGNED NOT NULL DEFAULT 60 AFTER service_minutes,
    ADD CONSTRAINT chk_activities_min_attendance CHECK (min_attendance_pct <= 100);

-- The volunteer number (志愿者编号) is random, never derived from an id or a count; erasure
-- clears every personal column (NULL) and keeps the row, the number and the ledger.
-- code_nonce is part of the personal volunteer code's signature: changing it revokes codes.
ALTER TABLE volunteers
    MODIFY real_name_enc VARCHAR(512) NULL,
    MODIFY phone_enc VARCHAR(512) NULL,
    MODIFY id_number_enc VARCHAR(512) NULL,
    MODIFY id_number_hash CHAR(64) NULL,
    MODIFY status ENUM('registered', 'suspended', 'erased') NOT NULL DEFAULT 'registered',
    ADD COLUMN number CHAR(12) NULL AFTER user_id,
    ADD COLUMN code_nonce INT UNSIGNED NOT NULL DEFAULT 0,
    ADD COLUMN erased_at DATETIME NULL,
    ADD UNIQUE KEY uq_volunteers_number (number);
UPDATE volunteers SET number = CONCAT('V', UPPER(LEFT(SHA2(CONCAT(user_id, '/', UUID(), '/', RAND()), 256), 11)))
    WHERE number IS NULL;
ALTER TABLE volunteers MODIFY number CHAR(12) NOT NULL;

-- Identity fixes by an admin, with the reason (the values themselves are not kept here).
CREATE TABLE volunteer_identity_fixes (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    fields VARCHAR(64) NOT NULL,
    reason VARCHAR(500) NOT NULL,
    fixed_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    KEY ix_identity_fixes_user (user_id),
    CONSTRAINT fk_identity_fixes_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Corrections are proposals: only an approved one enters the ledger (service_records with
-- correction_id, unique: approved once). kind 'request': asked by the volunteer themself.
CREATE TABLE service_corrections (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    activity_id BIGINT UNSIGNED NOT NULL,
    kind ENUM('staff', 'request') NOT NULL,
    minutes INT NOT NULL,
    reason VARCHAR(500) NOT NULL,
    status ENUM('pending', 'approved', 'rejected') NOT NULL DEFAULT 'pending',
    proposed_by BIGINT UNSIGNED NOT NULL,
    created_at DATETIME NOT NULL,
    decided_by BIGINT UNSIGNED NULL,
    decided_at DATETIME NULL,
    decision_note VARCHAR(500) NULL,
    KEY ix_corrections_person (user_id, activity_id, status),
    KEY ix_corrections_queue (status, id),
    CONSTRAINT fk_corrections_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_corrections_activity FOREIGN KEY (activity_id) REFERENCES activities (id),
    CONSTRAINT chk_corrections_two_people CHECK (decided_by IS NULL OR (decided_by <> proposed_by AND decided_by <> user_id))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE service_records
    ADD COLUMN correction_id BIGINT UNSIGNED NULL AFTER checkin_id,
    ADD COLUMN approved_by BIGINT UNSIGNED NULL AFTER created_by,
    ADD UNIQUE KEY uq_service_records_correction (correction_id);

-- Certificates (志愿服务记录证明): the number is random (16 digits), unique, never reused;
-- what was certified is frozen here, so verification shows what the paper says.
CREATE TABLE service_certificates (
    number BIGINT UNSIGNED NOT NULL PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    org_id BIGINT UNSIGNED NULL,
    period_from DATETIME NULL,
    period_to DATETIME NULL,
    last_record_id BIGINT UNSIGNED NOT NULL DEFAULT 0,
    total_minutes INT NOT NULL,
    issued_by VARCHAR(200) NOT NULL,
    in_charge VARCHAR(100) NULL,
    verify_url VARCHAR(300) NOT NULL,   -- the origin the verification URL was given under
    issued_at DATETIME NOT NULL,
    KEY ix_certificates_user (user_id),
    CONSTRAINT fk_certificates_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
