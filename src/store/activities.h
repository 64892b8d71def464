/* Activities and sign-ups in MariaDB.
 *
 * Capacity is a hard limit under any concurrency. The mechanism: every change to a sign-up
 * runs in one transaction that first locks the activity's row (SELECT ... FOR UPDATE), decides
 * with domain/activity.c, and writes the activity's counters (confirmed_count,
 * waitlisted_count) in the same transaction. On one server the row lock serialises sign-ups
 * per activity. On a multi-primary cluster (Galera) row locks are local, but every such
 * transaction writes the activity row, so two nodes admitting the last seat at once conflict
 * at certification; the loser is aborted with a deadlock error (1213) and ss_db_tx retries it,
 * and the retry sees the seat taken. The CHECK (confirmed_count <= capacity) is the last line. */
#ifndef SS_STORE_ACTIVITIES_H
#define SS_STORE_ACTIVITIES_H

#include <time.h>

#include "store/db.h"
#include "util/nearcache.h"
#include "store/orgs.h"

typedef struct ss_activity {
    long long id, org_id, community_id;
    const char *org_name, *org_status;
    const char *title, *description, *category, *status, *location_name;
    time_t starts_at, ends_at, signup_deadline;   /* deadline 0: none */
    long capacity, confirmed, waitlisted;
    int walk_in;
    long service_minutes;                          /* 0: not set */
    int min_attendance_pct;                        /* minimum attendance for credit, 0..100 */
    double lat, lng;
    long radius_m;
    time_t created_at;
    const char *content_status;                    /* "visible", or "review"/"rejected": hidden but for staff */
} ss_activity;

typedef struct ss_activity_filter {
    long long community_id;      /* 0: any */
    const char *category;        /* NULL: any */
    time_t from, to;             /* starts_at in [from, to); from 0: not yet ended at now */
    time_t now;
    time_t after_starts;         /* cursor: strictly after (after_starts, after_id) */
    long long after_id;
    int limit;
} ss_activity_filter;

int ss_store_activity_create(ss_db *db, ss_arena *a, const ss_activity *in, long long created_by, long long *id);
/* Loads the activity with its org and user_id's role in that org. SS_ENOTFOUND. */
int ss_store_activity_get_for(ss_db *db, ss_arena *a, long long id, long long user_id, ss_activity *out,
                              ss_org_role *role);
/* The activity as anyone sees it (no role), read through near: up to SS_PUBLIC_MAX_AGE_MS old
 * (its counts, status and texts). Only for replies, never for a decision to write.
 * SS_ENOTFOUND. */
int ss_store_activity_get_near(ss_db *db, ss_near *near, ss_arena *a, long long id, ss_activity *out);
/* Moves the activity to status `to` if domain rules allow; already there: 0. SS_ECONFLICT otherwise. */
int ss_store_activity_transition(ss_db *db, ss_arena *a, long long id, const char *to);
/* Published activities matching f, by (starts_at, id). */
int ss_store_activity_list(ss_db *db, ss_arena *a, const ss_activity_filter *f, ss_activity **out, int *n);

/* Which of an organization's activities: every one (staff), by state, or what anyone sees
 * (published, ended included). "ended" is a published activity whose end has passed. */
typedef enum {
    SS_ORG_ACTS_ALL = 0,
    SS_ORG_ACTS_DRAFT,
    SS_ORG_ACTS_PUBLISHED,     /* published, not yet ended */
    SS_ORG_ACTS_ENDED,
    SS_ORG_ACTS_CANCELLED,
    SS_ORG_ACTS_PUBLIC,        /* published, ended or not */
} ss_org_activity_filter;
/* The org's activities of `which` at now, newest (highest id) first, with id < before_id; those
 * whose text waits for review (content_status not 'visible') only when held_too. */
int ss_store_org_activities(ss_db *db, ss_arena *a, long long org_id, ss_org_activity_filter which, time_t now,
                            int held_too, long long before_id, int limit, ss_activity **out, int *n);

typedef struct ss_signup {
    long long id, activity_id, user_id;
    const char *status;          /* confirmed | waitlisted | cancelled */
    long position;               /* 1-based waitlist position, 0 when confirmed */
    int created;                 /* 1 if this call created or revived it */
    time_t created_at;
    const char *nickname;        /* rosters */
    const char *title, *activity_status;   /* the caller's own list */
    time_t starts_at, ends_at;
    time_t checked_in_at, checked_out_at;  /* rosters; 0: not yet */
    int walk_in;                           /* rosters: checked in without a confirmed seat */
    int has_minutes;                       /* rosters: the ledger has rows for the person */
    long minutes;                          /* rosters: their sum */
    const char *minutes_reason;            /* rosters: "below_min_attendance" or NULL */
} ss_signup;

/* Signs user_id up for the activity at now: confirmed while seats remain, else waitlisted.
 * Repeating returns the existing sign-up with created 0. SS_ENOTFOUND: no such activity;
 * SS_ECONFLICT: sign-ups are closed (not published, past the deadline or the end). */
int ss_store_signup_join(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now,
                         ss_signup *out);
/* The caller's live sign-up without a lock (a repeat's whole answer): 0 with *out (created 0),
 * SS_ENOTFOUND when the user never signed up, SS_ECONFLICT when their sign-up was cancelled
 * (ss_store_signup_join revives it), or a db error. */
int ss_store_signup_mine(ss_db *db, ss_arena *a, long long activity_id, long long user_id, ss_signup *out);

/* The activity's seats and queue, its row locked until the transaction ends: every change to
 * its sign-ups takes this lock first (the mechanism above). Returns 0, SS_ENOTFOUND, or a db
 * error. Strings live in a. */
typedef struct ss_seats {
    const char *status;
    long capacity, confirmed, waitlisted;
    long long waitlist_seq;     /* the last place in the queue given out */
    time_t ends_at, deadline;   /* deadline 0: none */
} ss_seats;
int ss_store_seats_lock(ss_db *db, ss_arena *a, long long activity_id, ss_seats *out);

/* Who moved from the waitlist to a seat: user_id 0 when nobody. queue_seq is their place in
 * the queue's history, unique per activity (names the event). */
typedef struct ss_promotion {
    long long user_id, queue_seq;
} ss_promotion;

/* Cancels user_id's sign-up; a freed seat goes to the first waitlisted person in the same
 * transaction (*promoted, may be NULL). No sign-up: 0 (idempotent). */
int ss_store_signup_leave(ss_db *db, ss_arena *a, long long activity_id, long long user_id, ss_promotion *promoted);

/* A partial edit of an activity: NULL strings, 0 times and unset flags keep the stored value. */
typedef struct ss_activity_edit {
    const char *title, *description, *category, *location_name;
    time_t starts_at, ends_at, signup_deadline;    /* deadline: with set_deadline; 0 clears it */
    int set_deadline, set_capacity, set_walk_in, set_service_minutes, set_location, set_min_attendance;
    int min_attendance_pct;                        /* with set_min_attendance: 0..100 */
    long capacity, service_minutes;                /* service_minutes 0 clears it */
    int walk_in;
    double lat, lng;
    long radius_m;
} ss_activity_edit;

/* Applies e under the activity's row lock, in one transaction. The domain decides (ss_activity_edit_check): SS_ECONFLICT when cancelled or
 * ended; SS_ELIMIT when the capacity would fall below the confirmed seats; SS_ENOTFOUND.
 * On 0: *revision is the new revision, and when capacity grew on a published activity the
 * waitlist moved up: promoted[0 .. *npromoted) (at most max_promoted). */
int ss_store_activity_update(ss_db *db, ss_arena *a, long long id, const ss_activity_edit *e, time_t now,
                             long long *revision, ss_promotion *promoted, int max_promoted, int *npromoted);
/* Roster: live sign-ups of an activity in sign-up order (signup id), then walk-ins (status
 * "walk_in", keyed 10^15 + check-in id), after the cursor (the last row's id). */
int ss_store_signup_roster(ss_db *db, ss_arena *a, long long activity_id, long long after_signup, int limit,
                           ss_signup **out, int *n);
/* The user's sign-ups, newest activity first, after the cursor (activity id, descending). */
int ss_store_signups_of_user(ss_db *db, ss_arena *a, long long user_id, long long before_activity, int limit,
                             ss_signup **out, int *n);

#endif
