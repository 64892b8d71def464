/* Notifications in MariaDB: the in-app inbox and, in the same rows, the outbox the sender
 * program pushes to WeChat (see sql/021_notifications.sql for the states). */
#ifndef SS_STORE_NOTIFICATIONS_H
#define SS_STORE_NOTIFICATIONS_H

#include <time.h>

#include "store/db.h"

/* One event to tell people about. (person, event_key) is unique: the same event stored
 * again for the same person is ignored, so retries and repeated passes are harmless. */
typedef struct ss_notice {
    const char *kind;        /* waitlist_promoted, activity_changed, activity_cancelled, org_decided,
                                project_decided, correction_decided, reminder_24h, reminder_30m */
    const char *event_key;   /* at most 100 characters */
    long long activity_id;   /* 0: none */
    long long object_id;     /* the org, project, correction...; 0: none */
    const char *title, *body;
} ss_notice;

/* Stores n for user_id. Returns 0 (also when it was there already) or a db error. */
int ss_store_notify_user(ss_db *db, ss_arena *a, long long user_id, const ss_notice *n);
/* Stores n for everyone whose sign-up for activity_id is live (confirmed or waitlisted). */
int ss_store_notify_signed_up(ss_db *db, ss_arena *a, long long activity_id, const ss_notice *n);

typedef struct ss_notification {
    long long id, activity_id, object_id;
    const char *kind, *title, *body;   /* arena */
    time_t created_at, read_at;        /* read_at 0: unread */
} ss_notification;

/* The user's inbox, newest first, id < before_id; only unread ones when unread_only. */
int ss_store_inbox(ss_db *db, ss_arena *a, long long user_id, int unread_only, long long before_id, int limit,
                   ss_notification **out, int *n);
/* Marks the user's notification id read (already read: 0). SS_ENOTFOUND: not theirs. */
int ss_store_notification_read(ss_db *db, ss_arena *a, long long user_id, long long id);

/* A one-time WeChat grant for template_id (activity_id 0: any activity). Sets *id. */
int ss_store_subscription_add(ss_db *db, ss_arena *a, long long user_id, const char *template_id,
                              long long activity_id, long long *id);

/* ---------------------------------------------------------------- the sender's side */

/* Stores a `kind` reminder with event key "<kind>:<activity>" for everyone signed up to each
 * published activity starting in [from, to). Returns 0 and *added (rows new to the table). */
int ss_store_reminders_enqueue(ss_db *db, ss_arena *a, const char *kind, const char *title_prefix, time_t from,
                               time_t to, long long *added);
/* The same for the sign-ups changed in the last within_s seconds only (the database's clock):
 * between two full passes the sender looks at what changed, not at everyone. */
int ss_store_reminders_enqueue_recent(ss_db *db, ss_arena *a, const char *kind, const char *title_prefix,
                                      time_t from, time_t to, int within_s, long long *added);

/* A notification waiting for its WeChat push, with what the push needs. */
typedef struct ss_outbox_item {
    long long id, user_id, activity_id;
    const char *kind, *title, *body, *openid;   /* arena */
    time_t starts_at;                           /* of the activity; 0 without one */
    int activity_cancelled;
} ss_outbox_item;
/* Up to limit pending items, oldest first. */
int ss_store_outbox_pending(ss_db *db, ss_arena *a, int limit, ss_outbox_item **out, int *n);
/* Claims item id for sending with the person's oldest unspent grant of template_id that fits
 * its activity, in one transaction that commits before the send. Returns 0 (claimed: state
 * `sending`, grant spent); SS_ENOTFOUND when no grant fits (state `no_grant`, nothing to send);
 * SS_ECONFLICT when another sender claimed it first. */
int ss_store_outbox_claim(ss_db *db, ss_arena *a, long long id, long long user_id, long long activity_id,
                          const char *template_id);
/* Sets a final state: sent, refused, failed, stale; errcode recorded (0: none). */
int ss_store_outbox_done(ss_db *db, ss_arena *a, long long id, const char *state, long errcode);
/* After a restart: items left in `sending` (claimed, maybe sent) become `unknown` and are never
 * sent again. Sets *n to how many. */
int ss_store_outbox_recover(ss_db *db, ss_arena *a, long long *n);

#endif
