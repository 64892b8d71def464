-- Notifications: the in-app inbox and, in the same rows, the outbox of WeChat subscribe
-- messages (a transactional outbox: a handler inserts its notices in the transaction of the
-- change they report, and the sender program pushes them later).
--
-- (user_id, event_key) is unique: one notice per person and event, however often the event
-- is reported (a retried request, the sender's reminder pass run again after a restart).
-- wx_state walks pending -> sending (claimed, committed before the send) -> sent | refused
-- (WeChat said no grant: 43101) | failed; or pending -> no_grant (the person granted nothing
-- for this template) | stale (a reminder whose activity already started). A row found in
-- `sending` after a restart is set to `unknown` and never sent again: at most once, and once
-- unless the sender died between its claim and the send.
CREATE TABLE notifications (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    kind VARCHAR(32) NOT NULL,
    event_key VARCHAR(100) NOT NULL,
    activity_id BIGINT UNSIGNED NULL,
    object_id BIGINT UNSIGNED NULL,
    title VARCHAR(100) NOT NULL,
    body VARCHAR(500) NOT NULL,
    created_at DATETIME NOT NULL,
    read_at DATETIME NULL,
    wx_state ENUM('pending', 'sending', 'sent', 'refused', 'failed', 'no_grant', 'stale', 'unknown')
        NOT NULL DEFAULT 'pending',
    wx_subscription_id BIGINT UNSIGNED NULL,
    wx_errcode INT NULL,
    wx_claimed_at DATETIME NULL,
    wx_done_at DATETIME NULL,
    UNIQUE KEY uq_notifications_event (user_id, event_key),
    KEY ix_notifications_inbox (user_id, id),
    KEY ix_notifications_outbox (wx_state, id),
    CONSTRAINT fk_notifications_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One-time subscriptions (wx.requestSubscribeMessage): each row lets one message of
-- template_id reach the person (for one activity, or any when activity_id is NULL).
-- used_by_notification is set by the sender's claim, so a grant is spent once.
CREATE TABLE wx_subscriptions (
    id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_id BIGINT UNSIGNED NOT NULL,
    template_id VARCHAR(64) NOT NULL,
    activity_id BIGINT UNSIGNED NULL,
    granted_at DATETIME NOT NULL,
    used_by_notification BIGINT UNSIGNED NULL,
    KEY ix_subscriptions_open (user_id, template_id, used_by_notification),
    UNIQUE KEY uq_subscriptions_use (used_by_notification),
    CONSTRAINT fk_subscriptions_user FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
