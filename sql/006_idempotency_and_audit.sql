-- Two cross-cutting records, each written in the same transaction as the change it belongs to
-- (the request's transaction, see src/http/server.c):
--
-- idempotency_keys: the first reply to a POST that carried an Idempotency-Key, scoped to the
-- caller and the request's method and path; a retry with the same key and body replays it.
-- Rows older than a day are purged (src/store/idempotency.c).
CREATE TABLE idempotency_keys (
    user_id BIGINT UNSIGNED NOT NULL,
    scope BINARY(32) NOT NULL,                 -- SHA-256 of "METHOD path"
    idem_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    body_hash BINARY(32) NOT NULL,             -- SHA-256 of the request body
    status SMALLINT UNSIGNED NOT NULL,
    content_type VARCHAR(100) CHARACTER SET ascii NULL,
    reply MEDIUMBLOB NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (user_id, scope, idem_key),
    KEY ix_idempotency_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- audit_log: every change made by staff, approvers and admins; no personal data, only ids and
-- a short summary. Append-only: the triggers below refuse UPDATE and DELETE for everyone.
CREATE TABLE audit_log (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    at DATETIME(3) NOT NULL,
    actor_id BIGINT UNSIGNED NOT NULL,
    actor_role VARCHAR(32) NOT NULL,
    action VARCHAR(64) NOT NULL,
    object_type VARCHAR(32) NOT NULL,
    object_id BIGINT UNSIGNED NOT NULL,
    community_id BIGINT UNSIGNED NULL,         -- whose community admins may read the row
    summary VARCHAR(500) NOT NULL,
    request_id VARCHAR(64) CHARACTER SET ascii NOT NULL,
    KEY ix_audit_object (object_type, object_id, id),
    KEY ix_audit_actor (actor_id, id),
    KEY ix_audit_community (community_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log FOR EACH ROW
    SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'audit_log is append-only';
