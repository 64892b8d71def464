/* Check-in rules that need no I/O: the rotating check-in code (an HMAC-signed token bound
 * to one activity and one time window), the geofence (great-circle distance), the
 * check-in and check-out windows, and the service minutes a check-out earns. */
#ifndef SS_DOMAIN_CHECKIN_H
#define SS_DOMAIN_CHECKIN_H

#include <stddef.h>
#include <time.h>

#define SS_CHECKIN_TOKEN_MAX 64
#define SS_CHECKIN_OPENS_BEFORE_S (30 * 60)     /* check-in opens 30 min before the start */
#define SS_CHECKOUT_GRACE_S (2 * 3600)          /* check-out stays open 2 h after the end */

/* What a code is for: a check-in code is refused at check-out and the other way round. */
typedef enum { SS_CODE_CHECKIN = 0, SS_CODE_CHECKOUT } ss_code_purpose;

typedef enum {
    SS_TOKEN_OK = 0,
    SS_TOKEN_INVALID,    /* malformed or forged */
    SS_TOKEN_EXPIRED,    /* authentic but older than the previous window */
} ss_token_status;

/* Writes the code for activity_id at now into out (SS_CHECKIN_TOKEN_MAX bytes):
 * "<activity id>.<window>.<base64url(HMAC-SHA256(key, "checkin:<id>:<window>")[0..16])>".
 * window = now / window_s. *expires_at: when the code stops being accepted. */
void ss_checkin_token_make(const unsigned char *key, size_t keylen, long long activity_id, time_t now, int window_s,
                           char *out, time_t *expires_at);
/* Verifies a code at now: the current and the previous window are accepted (clock skew and
 * the time to scan). Returns the status and, when authentic, *activity_id. */
ss_token_status ss_checkin_token_verify(const unsigned char *key, size_t keylen, const char *token, time_t now,
                                        int window_s, long long *activity_id);

/* The same for a purpose: the HMAC covers "<purpose>:<id>:<window>" ("checkin" or "checkout"),
 * so a code of one purpose never verifies as the other. The two above are SS_CODE_CHECKIN. */
void ss_checkin_token_make_for(const unsigned char *key, size_t keylen, ss_code_purpose purpose,
                               long long activity_id, time_t now, int window_s, char *out, time_t *expires_at);
ss_token_status ss_checkin_token_verify_for(const unsigned char *key, size_t keylen, ss_code_purpose purpose,
                                            const char *token, time_t now, int window_s, long long *activity_id);

/* Great-circle distance in metres (haversine, mean Earth radius 6371008.8 m). */
double ss_geo_distance_m(double lat1, double lng1, double lat2, double lng2);

/* Returns 1 if a check-in at now is inside [starts_at - 30 min, ends_at]. */
int ss_checkin_window_open(time_t now, time_t starts_at, time_t ends_at);
/* Returns 1 if a check-out at now is inside [starts_at - 30 min, ends_at + 2 h]. */
int ss_checkout_window_open(time_t now, time_t starts_at, time_t ends_at);

/* Whole minutes of [in, out] overlapping [starts_at, ends_at], capped by cap_minutes when > 0. */
long ss_service_minutes(time_t in, time_t out, time_t starts_at, time_t ends_at, long cap_minutes);

/* The personal volunteer code for offline attendance: "v1.<user id>.<nonce>.<base64url(
 * HMAC-SHA256(key, "volunteer:<user id>:<nonce>")[0..16])>". It does not expire; it is revoked
 * by raising the volunteer's nonce (on request, suspension and erasure). out holds
 * SS_CHECKIN_TOKEN_MAX bytes. */
void ss_volunteer_token_make(const unsigned char *key, size_t keylen, long long user_id, long nonce, char *out);
/* Returns 1 and sets *user_id, *nonce when the code is authentic; else 0. */
int ss_volunteer_token_verify(const unsigned char *key, size_t keylen, const char *token, long long *user_id,
                              long *nonce);

/* Offline scans may be uploaded up to 72 h after they were made, and none from the future
 * (60 s of clock difference allowed): returns 0 when `at` is acceptable at now, 1 when too old,
 * 2 when in the future. */
#define SS_OFFLINE_MAX_AGE_S (72 * 3600)
#define SS_OFFLINE_SKEW_S 60
int ss_offline_time_check(time_t at, time_t now);

/* Minimum attendance (default 60 %): 1 if the attended part of [in, out] inside [starts_at,
 * ends_at] is at least pct % of the activity's length (integer arithmetic: overlap * 100 >=
 * pct * length), else 0. pct 0 always passes. */
#define SS_MIN_ATTENDANCE_DEFAULT 60
int ss_attendance_enough(time_t in, time_t out, time_t starts_at, time_t ends_at, int pct);

/* The minutes a check-out earns under every rule: ss_service_minutes when the attendance is
 * enough, else 0 with *reason = "below_min_attendance" (*reason NULL otherwise). */
long ss_credit_minutes(time_t in, time_t out, time_t starts_at, time_t ends_at, long cap_minutes, int min_pct,
                       const char **reason);

/* The most a person may be credited for one activity: service_minutes when set (> 0), else the
 * activity's length in whole minutes. */
long ss_activity_cap_minutes(time_t starts_at, time_t ends_at, long service_minutes);

/* A correction proposal of `minutes` (not 0) for a person with `credited` minutes in the ledger
 * and pending proposals adding up to pending_up (> 0 ones) and pending_down (< 0 ones, <= 0):
 * SS_CORRECTION_OK; SS_CORRECTION_OVER_CAP if credited + pending_up + minutes > cap;
 * SS_CORRECTION_NEGATIVE if credited + pending_down + minutes < 0. */
typedef enum { SS_CORRECTION_OK = 0, SS_CORRECTION_OVER_CAP, SS_CORRECTION_NEGATIVE } ss_correction_check;
ss_correction_check ss_correction_fits(long credited, long pending_up, long pending_down, long minutes, long cap);

/* The two-person rule: who proposed a correction and whom it credits may not decide it.
 * Returns 1 if decider may decide a correction for beneficiary proposed by proposer. */
int ss_correction_second_person(long long decider, long long proposer, long long beneficiary);

#endif
