/* Volunteers, check-ins and the service-time ledger in MariaDB. Personal fields arrive
 * here already encrypted (util/crypto.h); this layer never sees plaintext. */
#ifndef SS_STORE_VOLUNTEERS_H
#define SS_STORE_VOLUNTEERS_H

#include <time.h>

#include "store/db.h"

typedef struct ss_volunteer {
    long long user_id;
    const char *real_name_enc, *phone_enc, *id_number_enc, *id_number_hash;
    const char *skills_json;          /* a JSON array of strings */
    const char *status;               /* registered | suspended */
    time_t created_at;
    long total_minutes;               /* sum of the ledger */
} ss_volunteer;

/* Registers or updates user v->user_id. Returns 0 (*created tells which); SS_ECONFLICT if
 * another user holds the same ID number hash; or a db error. */
int ss_store_volunteer_put(ss_db *db, ss_arena *a, const ss_volunteer *v, int *created);
/* Loads the volunteer with total minutes. SS_ENOTFOUND if the user is not one. */
int ss_store_volunteer_get(ss_db *db, ss_arena *a, long long user_id, ss_volunteer *out);

typedef struct ss_checkin {
    long long id, activity_id, user_id;
    time_t checked_in_at, checked_out_at;   /* 0: not yet */
    long minutes;                           /* credited at check-out */
    int created;                            /* 1 if this call did it */
} ss_checkin;

/* The user's sign-up status for the activity ("confirmed", "waitlisted", "cancelled") or NULL. */
int ss_store_signup_status(ss_db *db, ss_arena *a, long long activity_id, long long user_id, const char **status);
/* Records a check-in once; a repeat returns the first one with created 0. */
int ss_store_checkin(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now, double lat,
                     double lng, int walk_in, ss_checkin *out);

typedef struct ss_checkout_rule {
    time_t starts_at, ends_at;
    long cap_minutes;                       /* service_minutes, 0: none */
} ss_checkout_rule;

/* Records the check-out once and credits the ledger in the same transaction; a repeat returns
 * the first result with created 0. SS_ENOTFOUND: no check-in to close. */
int ss_store_checkout(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now, double lat,
                      double lng, const ss_checkout_rule *rule, ss_checkin *out);

typedef struct ss_service_record {
    long long id, user_id, activity_id, created_by;
    const char *kind, *reason, *title, *org_name;
    long minutes;
    time_t created_at, activity_starts_at;
} ss_service_record;

/* Appends a correction row for user_id on activity_id. SS_ENOTFOUND: the user never signed up
 * for or checked in to the activity; SS_EINVALID: the user's minutes for the activity would
 * fall below zero. */
int ss_store_service_correct(ss_db *db, ss_arena *a, long long user_id, long long activity_id, long minutes,
                             const char *reason, long long by_user, ss_service_record *out);
/* The user's ledger, newest first, before the cursor (record id), and the total of all rows. */
int ss_store_service_records_of(ss_db *db, ss_arena *a, long long user_id, long long before_id, int limit,
                                ss_service_record **out, int *n, long *total);
/* An activity's ledger (for the org's staff: the audit of who credited what). */
int ss_store_service_records_for_activity(ss_db *db, ss_arena *a, long long activity_id, long long after_id,
                                          int limit, ss_service_record **out, int *n);

#endif
