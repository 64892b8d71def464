/* Unit tests for domain/checkin.c: the rotating check-in code (signing, windows, forgeries,
 * malformed input), great-circle distance, the check-in/check-out windows and service minutes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/checkin.h"

#define NOW ((time_t)1795300000)
#define WIN 30
#define H 3600
#define M 60

static const unsigned char KEY[33] = "0123456789abcdef0123456789abcdef";
static const unsigned char KEY2[33] = "0123456789abcdef0123456789abcdeF";

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Verifies with KEY and WIN; *id is left at -7 unless the code is accepted. */
static ss_token_status verify(const char *token, time_t now, long long *id)
{
    *id = -7;
    return ss_checkin_token_verify(KEY, 32, token, now, WIN, id);
}

static void make(long long activity, time_t now, char out[SS_CHECKIN_TOKEN_MAX], time_t *exp)
{
    ss_checkin_token_make(KEY, 32, activity, now, WIN, out, exp);
}

/* Expects token to be refused as invalid, leaving the activity id alone. */
static void expect_invalid(const char *token, time_t now)
{
    long long id;
    if (verify(token, now, &id) != SS_TOKEN_INVALID) fail_msg("accepted or expired: \"%s\"", token);
    assert_int_equal(id, -7);
}

static void round_trip(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX], want[64];
    time_t exp;
    long long id;
    make(42, NOW, tok, &exp);
    snprintf(want, sizeof want, "42.%lld.", (long long)(NOW / WIN));
    assert_memory_equal(tok, want, strlen(want));
    const char *sig = tok + strlen(want);
    assert_int_equal(strlen(sig), 22);   /* 16 bytes, base64url without padding */
    assert_int_equal(strspn(sig, B64URL), 22);
    assert_int_equal(verify(tok, NOW, &id), SS_TOKEN_OK);
    assert_int_equal(id, 42);

    /* deterministic within a window, different in the next one and for another activity */
    char again[SS_CHECKIN_TOKEN_MAX], next[SS_CHECKIN_TOKEN_MAX], other[SS_CHECKIN_TOKEN_MAX];
    make(42, NOW / WIN * WIN, again, &exp);
    assert_string_equal(again, tok);
    make(42, NOW + WIN, next, &exp);
    assert_string_not_equal(next, tok);
    make(43, NOW, other, &exp);
    assert_string_not_equal(strrchr(other, '.'), strrchr(tok, '.'));

    /* large ids survive */
    make(999999999999LL, NOW, tok, &exp);
    assert_int_equal(verify(tok, NOW, &id), SS_TOKEN_OK);
    assert_int_equal(id, 999999999999LL);
}

static void previous_window(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX];
    time_t exp;
    long long id;
    make(7, NOW, tok, &exp);
    time_t start = NOW / WIN * WIN;
    assert_int_equal(verify(tok, start, &id), SS_TOKEN_OK);
    assert_int_equal(verify(tok, start + WIN, &id), SS_TOKEN_OK);            /* previous window */
    assert_int_equal(verify(tok, start + 2 * WIN - 1, &id), SS_TOKEN_OK);
    assert_int_equal(id, 7);
    assert_int_equal(verify(tok, start + 2 * WIN, &id), SS_TOKEN_EXPIRED);   /* two windows old */
    assert_int_equal(verify(tok, start + 10 * WIN, &id), SS_TOKEN_EXPIRED);
    assert_int_equal(id, -7);
}

static void future_window(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX];
    time_t exp;
    make(7, NOW + WIN, tok, &exp);
    expect_invalid(tok, NOW);
    make(7, NOW + 100 * WIN, tok, &exp);
    expect_invalid(tok, NOW);
}

static void forged(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX], bad[SS_CHECKIN_TOKEN_MAX + 8];
    time_t exp;
    long long id;
    make(42, NOW, tok, &exp);
    size_t sig = (size_t)(strrchr(tok, '.') - tok) + 1, n = strlen(tok);
    /* flip every character of the signature but the last (whose low bits carry no data) */
    for (size_t i = sig; i + 1 < n; i++) {
        strcpy(bad, tok);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        expect_invalid(bad, NOW);
    }
    /* and the top bits of the last one */
    strcpy(bad, tok);
    bad[n - 1] = B64URL[(strchr(B64URL, tok[n - 1]) - B64URL + 16) % 64];
    expect_invalid(bad, NOW);

    /* the same signature under another activity id or window */
    snprintf(bad, sizeof bad, "43%s", tok + 2);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "4%s", tok + 2);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "142%s", tok + 2);
    expect_invalid(bad, NOW);
    char prev[SS_CHECKIN_TOKEN_MAX];
    make(42, NOW - WIN, prev, &exp);
    snprintf(bad, sizeof bad, "%.*s%s", (int)sig, prev, tok + sig);   /* previous window, current sig */
    expect_invalid(bad, NOW);

    /* wrong key, both ways */
    ss_checkin_token_make(KEY2, 32, 42, NOW, WIN, bad, &exp);
    expect_invalid(bad, NOW);
    assert_int_equal(ss_checkin_token_verify(KEY2, 32, tok, NOW, WIN, &id), SS_TOKEN_INVALID);
    assert_int_equal(ss_checkin_token_verify(KEY, 16, tok, NOW, WIN, &id), SS_TOKEN_INVALID);
    assert_int_equal(ss_checkin_token_verify(KEY2, 32, bad, NOW, WIN, &id), SS_TOKEN_OK);
}

static void malformed(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX], bad[256];
    time_t exp;
    long long id;
    make(42, NOW, tok, &exp);
    const char *sig = strrchr(tok, '.') + 1;
    long long w = (long long)(NOW / WIN);

    assert_int_equal(ss_checkin_token_verify(KEY, 32, NULL, NOW, WIN, &id), SS_TOKEN_INVALID);
    expect_invalid("", NOW);
    expect_invalid("a.b.c", NOW);
    expect_invalid("1.2", NOW);
    expect_invalid("1.2.", NOW);
    expect_invalid("...", NOW);
    expect_invalid("01.5.xx", NOW);
    expect_invalid("-1.5.sig", NOW);
    snprintf(bad, sizeof bad, "042.%lld.%s", w, sig);       /* leading zero */
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "+42.%lld.%s", w, sig);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, " 42.%lld.%s", w, sig);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "42.0%lld.%s", w, sig);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "42..%s", sig);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "42.%lld%s", w, sig);        /* missing separator */
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "42.%lld.%s.", w, sig);       /* trailing junk */
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "%sx", tok);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "%sAA", tok);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "%s==", tok);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "%.*s", (int)strlen(tok) - 1, tok);   /* signature one short */
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "%.*s", (int)strlen(tok) - 2, tok);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "42.%lld.%.16s", w, sig);
    expect_invalid(bad, NOW);

    /* id 0 is never an activity, even correctly signed */
    make(0, NOW, bad, &exp);
    expect_invalid(bad, NOW);

    /* very long: past the buffer, and numbers with more digits than fit */
    memset(bad, '1', sizeof bad - 1);
    bad[sizeof bad - 1] = '\0';
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "1234567890123456789.%lld.%s", w, sig);
    expect_invalid(bad, NOW);
    snprintf(bad, sizeof bad, "42.12345678901234567890.%s", sig);
    expect_invalid(bad, NOW);
}

/* A code has exactly one spelling: whitespace around the signature, or a last character
 * that differs only in the bits base64 leaves unused, must not verify. */
static void signature_single_spelling(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX], bad[SS_CHECKIN_TOKEN_MAX + 8];
    time_t exp;
    make(42, NOW, tok, &exp);
    size_t sig = (size_t)(strrchr(tok, '.') - tok) + 1, n = strlen(tok);
    snprintf(bad, sizeof bad, "%.*s    %s", (int)sig, tok, tok + sig);
    expect_invalid(bad, NOW);
    for (const char *c = B64URL; *c; c++) {
        if (*c == tok[n - 1]) continue;
        strcpy(bad, tok);
        bad[n - 1] = *c;
        expect_invalid(bad, NOW);
    }
}

static void expiry(void **state)
{
    (void)state;
    char tok[SS_CHECKIN_TOKEN_MAX];
    time_t exp;
    long long id;
    for (time_t now = NOW; now < NOW + 3 * WIN; now++) {
        make(5, now, tok, &exp);
        assert_int_equal(exp, (now / WIN + 2) * WIN);
        assert_true(exp > now + WIN - 1 && exp <= now + 2 * WIN);
        assert_int_equal(verify(tok, exp - 1, &id), SS_TOKEN_OK);
        assert_int_equal(verify(tok, exp, &id), SS_TOKEN_EXPIRED);
    }
    ss_checkin_token_make(KEY, 32, 5, NOW, 10, tok, &exp);
    assert_int_equal(exp, (NOW / 10 + 2) * 10);
    assert_true(exp - NOW <= 20);
}

/* assert_float_equal works in float; distances need doubles. */
static void assert_near(double got, double want, double eps)
{
    if (!(fabs(got - want) <= eps)) fail_msg("%.6f is not within %.6f of %.6f", got, eps, want);
}

static void distance(void **state)
{
    (void)state;
    assert_near(ss_geo_distance_m(39.9042, 116.4074, 39.9042, 116.4074), 0.0, 1e-9);
    assert_near(ss_geo_distance_m(30.0, 120.0, 30.001, 120.0), 111.2, 0.5);
    assert_near(ss_geo_distance_m(0, 0, 0.001, 0), 111.2, 0.5);
    double bs = ss_geo_distance_m(39.9042, 116.4074, 31.2304, 121.4737);
    assert_near(bs, 1067000.0, 5000.0);
    assert_near(ss_geo_distance_m(31.2304, 121.4737, 39.9042, 116.4074), bs, 1e-6);   /* symmetric */
    assert_near(ss_geo_distance_m(0, 0, 0, 180), 20015000.0, 1000.0);
    assert_near(ss_geo_distance_m(39.9042, 116.4074, -39.9042, -63.5926), 20015000.0, 1000.0);
    assert_near(ss_geo_distance_m(90, 0, -90, 0), 20015000.0, 1000.0);
    /* a degree of longitude shrinks with latitude */
    assert_true(ss_geo_distance_m(60, 0, 60, 0.001) < ss_geo_distance_m(0, 0, 0, 0.001) * 0.51);
    assert_false(isnan(ss_geo_distance_m(10, 20, -10, -160)));
}

static void windows(void **state)
{
    (void)state;
    time_t s = NOW, e = NOW + 2 * H;
    assert_false(ss_checkin_window_open(s - 30 * M - 1, s, e));
    assert_true(ss_checkin_window_open(s - 30 * M, s, e));      /* opens exactly 30 min before */
    assert_true(ss_checkin_window_open(s, s, e));
    assert_true(ss_checkin_window_open(e, s, e));
    assert_false(ss_checkin_window_open(e + 1, s, e));          /* closes after the end */

    assert_false(ss_checkout_window_open(s - 30 * M - 1, s, e));
    assert_true(ss_checkout_window_open(s - 30 * M, s, e));
    assert_true(ss_checkout_window_open(e + 1, s, e));
    assert_true(ss_checkout_window_open(e + 2 * H, s, e));      /* until 2 h after the end */
    assert_false(ss_checkout_window_open(e + 2 * H + 1, s, e));
}

static void minutes(void **state)
{
    (void)state;
    time_t s = NOW, e = NOW + 2 * H;
    assert_int_equal(ss_service_minutes(s - 10 * M, e + 10 * M, s, e, 0), 120);   /* full overlap */
    assert_int_equal(ss_service_minutes(s, e, s, e, 0), 120);
    assert_int_equal(ss_service_minutes(s + 15 * M, e - 15 * M, s, e, 0), 90);   /* inside */
    assert_int_equal(ss_service_minutes(s - H, s + 30 * M, s, e, 0), 30);        /* partial at the start */
    assert_int_equal(ss_service_minutes(e - 20 * M, e + H, s, e, 0), 20);         /* partial at the end */
    assert_int_equal(ss_service_minutes(s - 2 * H, s - H, s, e, 0), 0);           /* before the start */
    assert_int_equal(ss_service_minutes(s - H, s, s, e, 0), 0);
    assert_int_equal(ss_service_minutes(e + M, e + H, s, e, 0), 0);               /* after the end */
    assert_int_equal(ss_service_minutes(s - M, e + M, s, e, 60), 60);             /* cap applies */
    assert_int_equal(ss_service_minutes(s - M, e + M, s, e, 200), 120);
    assert_int_equal(ss_service_minutes(s - M, e + M, s, e, 120), 120);
    assert_int_equal(ss_service_minutes(s - M, e + M, s, e, 0), 120);             /* 0: no cap */
    assert_int_equal(ss_service_minutes(s - M, e + M, s, e, -5), 120);
    assert_int_equal(ss_service_minutes(s + H, s + 10 * M, s, e, 0), 0);          /* out before in */
    assert_int_equal(ss_service_minutes(s + H, s + H, s, e, 0), 0);
    assert_int_equal(ss_service_minutes(s, s + 59, s, e, 0), 0);                  /* whole minutes */
    assert_int_equal(ss_service_minutes(s, s + 60, s, e, 0), 1);
    assert_int_equal(ss_service_minutes(s, s + 119, s, e, 0), 1);
    assert_int_equal(ss_service_minutes(s + 30, s + 30 + 5 * M - 1, s, e, 0), 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip),
        cmocka_unit_test(previous_window),
        cmocka_unit_test(future_window),
        cmocka_unit_test(forged),
        cmocka_unit_test(malformed),
        cmocka_unit_test(signature_single_spelling),
        cmocka_unit_test(expiry),
        cmocka_unit_test(distance),
        cmocka_unit_test(windows),
        cmocka_unit_test(minutes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
