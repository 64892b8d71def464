/* Volunteers, check-ins and the service-time ledger in MariaDB. Personal fields arrive
 * here already encrypted (util/crypto.h); this layer never sees plaintext. */
#ifndef SS_STORE_VOLUNTEERS_H
#define SS_STORE_VOLUNTEERS_H

#include <time.h>

#include "store/db.h"

typedef struct ss_volunteer {
    long long user_id;
    const char *number;               /* 志愿者编号: random, public, kept after erasure */
    const char *real_name_enc, *phone_enc, *id_number_enc, *id_number_hash;   /* NULL once erased */
    const char *skills_json;          /* a JSON array of strings */
    const char *status;               /* registered | suspended | erased */
    long code_nonce;                  /* in the personal code's signature; bumped to revoke codes */
    time_t created_at;
    long total_minutes;               /* sum of the ledger */
} ss_volunteer;

/* Registers user v->user_id with a new random volunteer number, or re-registers an erased one
 * (keeping the number), or, for a registered or suspended volunteer, updates phone and skills
 * only (the identity is locked: the handler compares it first). Returns 0 (*created: 1 when the
 * person became a volunteer); SS_ECONFLICT if another user holds the same ID number hash; or a
 * db error. */
int ss_store_volunteer_put(ss_db *db, ss_arena *a, const ss_volunteer *v, int *created);
/* An admin's identity fix: new name, ID number and hash, with the reason kept beside it.
 * SS_ENOTFOUND (no volunteer, or erased); SS_ECONFLICT (the ID number is another's). */
int ss_store_volunteer_fix_identity(ss_db *db, ss_arena *a, const ss_volunteer *v, const char *fields,
                                    const char *reason, long long by_user);
/* Moves a volunteer between registered and suspended. SS_ENOTFOUND: no such (non-erased) volunteer. */
int ss_store_volunteer_set_status(ss_db *db, ss_arena *a, long long user_id, const char *status);
/* Erasure: every personal column to NULL, status erased, codes revoked; the row, its number and
 * the ledger stay. SS_ENOTFOUND if the user never registered. Erasing twice is 0. */
int ss_store_volunteer_erase(ss_db *db, ss_arena *a, long long user_id);
/* Revokes the personal codes issued so far (code_nonce + 1). */
int ss_store_volunteer_revoke_codes(ss_db *db, ss_arena *a, long long user_id);
/* Loads the volunteer with total minutes. SS_ENOTFOUND if the user is not one. */
int ss_store_volunteer_get(ss_db *db, ss_arena *a, long long user_id, ss_volunteer *out);

typedef struct ss_checkin {
    long long id, activity_id, user_id;
    time_t checked_in_at, checked_out_at;   /* 0: not yet */
    long minutes;                           /* credited at check-out */
    const char *reason;                     /* "below_min_attendance" when 0 for that; else NULL */
    int created;                            /* 1 if this call did it */
} ss_checkin;

typedef struct ss_checkin_state {
    const char *signup;                     /* "confirmed", "waitlisted", "cancelled", or NULL: none */
    ss_checkin checkin;                     /* id 0: not checked in yet */
} ss_checkin_state;

/* The user's sign-up status for the activity and their check-in, in one read (a repeat scan
 * is answered from it, with no transaction and no lock). */
int ss_store_checkin_state(ss_db *db, ss_arena *a, long long activity_id, long long user_id, ss_checkin_state *out);
/* Records the check-in the caller found absent (created 1); should a parallel twin have stored
 * it first, returns that one with created 0. */
int ss_store_checkin_add(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now, double lat,
                         double lng, int walk_in, ss_checkin *out);

typedef struct ss_checkout_rule {
    time_t starts_at, ends_at;
    long cap_minutes;                       /* service_minutes, 0: none */
    int min_pct;                            /* minimum attendance, percent of the activity's length */
} ss_checkout_rule;

/* Records the check-out once and credits the ledger in the same transaction; a repeat returns
 * the first result with created 0. SS_ENOTFOUND: no check-in to close; SS_EINVALID: now is before
 * the check-in (an offline scan). */
int ss_store_checkout(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now, double lat,
                      double lng, const ss_checkout_rule *rule, ss_checkin *out);

typedef struct ss_service_record {
    long long id, user_id, activity_id, created_by;
    const char *kind, *reason, *title, *org_name;
    long minutes;
    time_t created_at, activity_starts_at;
} ss_service_record;

/* The user's ledger, newest first, before the cursor (record id), and the total of all rows. */
int ss_store_service_records_of(ss_db *db, ss_arena *a, long long user_id, long long before_id, int limit,
                                ss_service_record **out, int *n, long *total);
/* An activity's ledger (for the org's staff: the audit of who credited what). */
int ss_store_service_records_for_activity(ss_db *db, ss_arena *a, long long activity_id, long long after_id,
                                          int limit, ss_service_record **out, int *n);

#endif
