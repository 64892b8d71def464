/* Check-in rules (see checkin.h). */
#include "domain/checkin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/crypto.h"

#define SIG_BYTES 16

static void sign(const unsigned char *key, size_t keylen, ss_code_purpose purpose, long long id, long long window,
                 unsigned char sig[32])
{
    char msg[80];
    int n = snprintf(msg, sizeof msg, "%s:%lld:%lld", purpose == SS_CODE_CHECKOUT ? "checkout" : "checkin", id, window);
    ss_hmac_sha256(key, keylen, msg, (size_t)n, sig);
}

void ss_checkin_token_make(const unsigned char *key, size_t keylen, long long activity_id, time_t now, int window_s,
                           char *out, time_t *expires_at)
{
    ss_checkin_token_make_for(key, keylen, SS_CODE_CHECKIN, activity_id, now, window_s, out, expires_at);
}

void ss_checkin_token_make_for(const unsigned char *key, size_t keylen, ss_code_purpose purpose,
                               long long activity_id, time_t now, int window_s, char *out, time_t *expires_at)
{
    long long window = (long long)now / window_s;
    unsigned char sig[32];
    char b64[32];
    sign(key, keylen, purpose, activity_id, window, sig);
    ss_b64url_encode(sig, SIG_BYTES, b64, sizeof b64);
    snprintf(out, SS_CHECKIN_TOKEN_MAX, "%lld.%lld.%s", activity_id, window, b64);
    *expires_at = (time_t)((window + 2) * window_s);
}

/* Parses a positive decimal number of at most 18 digits ending at stop; returns the end or NULL. */
static const char *number(const char *s, char stop, long long *out)
{
    long long v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9' && p - s < 18; p++) v = v * 10 + (*p - '0');
    if (p == s || *p != stop || (p - s > 1 && *s == '0')) return NULL;
    *out = v;
    return p;
}

ss_token_status ss_checkin_token_verify(const unsigned char *key, size_t keylen, const char *token, time_t now,
                                        int window_s, long long *activity_id)
{
    return ss_checkin_token_verify_for(key, keylen, SS_CODE_CHECKIN, token, now, window_s, activity_id);
}

ss_token_status ss_checkin_token_verify_for(const unsigned char *key, size_t keylen, ss_code_purpose purpose,
                                            const char *token, time_t now, int window_s, long long *activity_id)
{
    long long id, window;
    const char *p;
    if (!token || strlen(token) >= SS_CHECKIN_TOKEN_MAX) return SS_TOKEN_INVALID;
    if (!(p = number(token, '.', &id)) || !(p = number(p + 1, '.', &window)) || id <= 0) return SS_TOKEN_INVALID;
    unsigned char given[SIG_BYTES + 2], want[32];
    size_t glen;
    const char *b64 = p + 1;
    if (ss_b64url_decode(b64, strlen(b64), given, sizeof given, &glen) != 0 || glen != SIG_BYTES)
        return SS_TOKEN_INVALID;
    sign(key, keylen, purpose, id, window, want);
    if (!ss_const_eq(given, want, SIG_BYTES)) return SS_TOKEN_INVALID;
    long long current = (long long)now / window_s;
    if (window > current) return SS_TOKEN_INVALID;     /* from the future: not made by us */
    if (window < current - 1) return SS_TOKEN_EXPIRED;
    *activity_id = id;
    return SS_TOKEN_OK;
}

double ss_geo_distance_m(double lat1, double lng1, double lat2, double lng2)
{
    const double r = 6371008.8, rad = M_PI / 180.0;
    double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
    if (h > 1) h = 1;
    return 2 * r * asin(sqrt(h));
}

int ss_checkin_window_open(time_t now, time_t starts_at, time_t ends_at)
{
    return now >= starts_at - SS_CHECKIN_OPENS_BEFORE_S && now <= ends_at;
}

int ss_checkout_window_open(time_t now, time_t starts_at, time_t ends_at)
{
    return now >= starts_at - SS_CHECKIN_OPENS_BEFORE_S && now <= ends_at + SS_CHECKOUT_GRACE_S;
}

long ss_service_minutes(time_t in, time_t out, time_t starts_at, time_t ends_at, long cap_minutes)
{
    time_t from = in > starts_at ? in : starts_at;
    time_t to = out < ends_at ? out : ends_at;
    long minutes = to > from ? (long)((to - from) / 60) : 0;
    if (cap_minutes > 0 && minutes > cap_minutes) minutes = cap_minutes;
    return minutes;
}

int ss_attendance_enough(time_t in, time_t out, time_t starts_at, time_t ends_at, int pct)
{
    if (pct <= 0) return 1;
    time_t from = in > starts_at ? in : starts_at, to = out < ends_at ? out : ends_at;
    long long attended = to > from ? (long long)(to - from) : 0, length = (long long)(ends_at - starts_at);
    if (length <= 0) return 0;
    return attended * 100 >= (long long)pct * length;
}

long ss_credit_minutes(time_t in, time_t out, time_t starts_at, time_t ends_at, long cap_minutes, int min_pct,
                       const char **reason)
{
    *reason = NULL;
    if (!ss_attendance_enough(in, out, starts_at, ends_at, min_pct)) {
        *reason = "below_min_attendance";
        return 0;
    }
    return ss_service_minutes(in, out, starts_at, ends_at, cap_minutes);
}

long ss_activity_cap_minutes(time_t starts_at, time_t ends_at, long service_minutes)
{
    if (service_minutes > 0) return service_minutes;
    return ends_at > starts_at ? (long)((ends_at - starts_at) / 60) : 0;
}

ss_correction_check ss_correction_fits(long credited, long pending_up, long pending_down, long minutes, long cap)
{
    if (minutes > 0 && credited + pending_up + minutes > cap) return SS_CORRECTION_OVER_CAP;
    if (minutes < 0 && credited + pending_down + minutes < 0) return SS_CORRECTION_NEGATIVE;
    return SS_CORRECTION_OK;
}

int ss_correction_second_person(long long decider, long long proposer, long long beneficiary)
{
    return decider != proposer && decider != beneficiary;
}

static void volunteer_sign(const unsigned char *key, size_t keylen, long long user_id, long nonce,
                           unsigned char sig[32])
{
    char msg[80];
    int n = snprintf(msg, sizeof msg, "volunteer:%lld:%ld", user_id, nonce);
    ss_hmac_sha256(key, keylen, msg, (size_t)n, sig);
}

void ss_volunteer_token_make(const unsigned char *key, size_t keylen, long long user_id, long nonce, char *out)
{
    unsigned char sig[32];
    char b64[32];
    volunteer_sign(key, keylen, user_id, nonce, sig);
    ss_b64url_encode(sig, SIG_BYTES, b64, sizeof b64);
    snprintf(out, SS_CHECKIN_TOKEN_MAX, "v1.%lld.%ld.%s", user_id, nonce, b64);
}

int ss_volunteer_token_verify(const unsigned char *key, size_t keylen, const char *token, long long *user_id,
                              long *nonce)
{
    long long id, n;
    const char *p;
    if (!token || strlen(token) >= SS_CHECKIN_TOKEN_MAX || strncmp(token, "v1.", 3) != 0) return 0;
    if (!(p = number(token + 3, '.', &id)) || id <= 0) return 0;
    if (!(p = number(p + 1, '.', &n))) return 0;
    unsigned char given[SIG_BYTES + 2], want[32];
    size_t glen;
    const char *b64 = p + 1;
    if (ss_b64url_decode(b64, strlen(b64), given, sizeof given, &glen) != 0 || glen != SIG_BYTES) return 0;
    volunteer_sign(key, keylen, id, (long)n, want);
    if (!ss_const_eq(given, want, SIG_BYTES)) return 0;
    *user_id = id;
    *nonce = (long)n;
    return 1;
}

int ss_offline_time_check(time_t at, time_t now)
{
    if (at > now + SS_OFFLINE_SKEW_S) return 2;
    if (at < now - SS_OFFLINE_MAX_AGE_S) return 1;   /* not now - at: that overflows for a far past */
    return 0;
}
