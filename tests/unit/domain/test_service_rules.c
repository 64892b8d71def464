/* Unit tests for the service-time rules of domain/checkin.c and the public identifiers of
 * domain/person.c: minimum attendance (59 % / 60 % and the edges), the credit a check-out earns,
 * the cap of an activity, the correction cap counting credited and pending minutes, the two-person
 * rule, purpose-bound check-in codes, the personal volunteer code, the 72 h window of offline scans,
 * and the random volunteer and certificate numbers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>

#include <string.h>

#include "domain/checkin.h"
#include "domain/person.h"

#define S ((time_t)1795300000)
#define M 60
#define H 3600

static const unsigned char KEY[33] = "0123456789abcdef0123456789abcdef";

static void test_min_attendance(void **state)
{
    (void)state;
    time_t e = S + 100 * M;   /* 100 minutes */
    assert_int_equal(ss_attendance_enough(S, S + 59 * M, S, e, 60), 0);
    assert_int_equal(ss_attendance_enough(S, S + 60 * M, S, e, 60), 1);
    assert_int_equal(ss_attendance_enough(S, S + 60 * M - 1, S, e, 60), 0);   /* a second short */
    assert_int_equal(ss_attendance_enough(S - H, S + 59 * M, S, e, 60), 0);   /* early arrival does not count */
    assert_int_equal(ss_attendance_enough(S + 40 * M, e + H, S, e, 60), 1);   /* late stay does not either */
    assert_int_equal(ss_attendance_enough(S + 41 * M, e + H, S, e, 60), 0);
    assert_int_equal(ss_attendance_enough(S + 50 * M, S + 50 * M, S, e, 0), 1);   /* 0 %: always */
    assert_int_equal(ss_attendance_enough(S, e, S, e, 100), 1);
    assert_int_equal(ss_attendance_enough(S + 1, e, S, e, 100), 0);
    assert_int_equal(ss_attendance_enough(S, e, S, S, 60), 0);                 /* no length: nothing */
    /* odd lengths: 60 % of 7 minutes is 252 s */
    assert_int_equal(ss_attendance_enough(S, S + 252, S, S + 7 * M, 60), 1);
    assert_int_equal(ss_attendance_enough(S, S + 251, S, S + 7 * M, 60), 0);
}

static void test_credit_minutes(void **state)
{
    (void)state;
    const char *reason = "x";
    time_t e = S + 100 * M;
    assert_int_equal(ss_credit_minutes(S, S + 59 * M, S, e, 0, 60, &reason), 0);
    assert_string_equal(reason, "below_min_attendance");
    assert_int_equal(ss_credit_minutes(S, S + 60 * M, S, e, 0, 60, &reason), 60);
    assert_null(reason);
    assert_int_equal(ss_credit_minutes(S, e + H, S, e, 30, 60, &reason), 30);   /* service_minutes caps */
    assert_null(reason);
    assert_int_equal(ss_credit_minutes(S, S + 10 * M, S, e, 0, 0, &reason), 10);
}

static void test_cap(void **state)
{
    (void)state;
    assert_int_equal(ss_activity_cap_minutes(S, S + 100 * M, 0), 100);
    assert_int_equal(ss_activity_cap_minutes(S, S + 100 * M + 59, 0), 100);
    assert_int_equal(ss_activity_cap_minutes(S, S + 100 * M, 30), 30);
    assert_int_equal(ss_activity_cap_minutes(S, S, 0), 0);
    /* credited + pending up + this <= cap; credited + pending down + this >= 0 */
    assert_int_equal(ss_correction_fits(0, 0, 0, 100, 100), SS_CORRECTION_OK);
    assert_int_equal(ss_correction_fits(0, 0, 0, 101, 100), SS_CORRECTION_OVER_CAP);
    assert_int_equal(ss_correction_fits(60, 30, 0, 10, 100), SS_CORRECTION_OK);
    assert_int_equal(ss_correction_fits(60, 30, 0, 11, 100), SS_CORRECTION_OVER_CAP);
    assert_int_equal(ss_correction_fits(0, 90, 0, 11, 100), SS_CORRECTION_OVER_CAP);   /* pending counts */
    assert_int_equal(ss_correction_fits(20, 0, 0, -20, 100), SS_CORRECTION_OK);
    assert_int_equal(ss_correction_fits(20, 0, 0, -21, 100), SS_CORRECTION_NEGATIVE);
    assert_int_equal(ss_correction_fits(20, 0, -15, -6, 100), SS_CORRECTION_NEGATIVE);
    assert_int_equal(ss_correction_fits(120, 0, 0, -10, 100), SS_CORRECTION_OK);      /* lowering is never over */
}

static void test_two_person(void **state)
{
    (void)state;
    assert_int_equal(ss_correction_second_person(3, 1, 2), 1);
    assert_int_equal(ss_correction_second_person(1, 1, 2), 0);   /* the proposer */
    assert_int_equal(ss_correction_second_person(2, 1, 2), 0);   /* the person credited */
    assert_int_equal(ss_correction_second_person(2, 2, 2), 0);   /* a volunteer's own request */
}

static void test_code_purpose(void **state)
{
    (void)state;
    char in[SS_CHECKIN_TOKEN_MAX], out[SS_CHECKIN_TOKEN_MAX];
    time_t exp;
    long long id = 0;
    ss_checkin_token_make_for(KEY, 32, SS_CODE_CHECKIN, 42, S, 30, in, &exp);
    ss_checkin_token_make_for(KEY, 32, SS_CODE_CHECKOUT, 42, S, 30, out, &exp);
    assert_string_not_equal(in, out);
    assert_int_equal(ss_checkin_token_verify_for(KEY, 32, SS_CODE_CHECKIN, in, S, 30, &id), SS_TOKEN_OK);
    assert_int_equal(id, 42);
    assert_int_equal(ss_checkin_token_verify_for(KEY, 32, SS_CODE_CHECKOUT, out, S, 30, &id), SS_TOKEN_OK);
    assert_int_equal(ss_checkin_token_verify_for(KEY, 32, SS_CODE_CHECKOUT, in, S, 30, &id), SS_TOKEN_INVALID);
    assert_int_equal(ss_checkin_token_verify_for(KEY, 32, SS_CODE_CHECKIN, out, S, 30, &id), SS_TOKEN_INVALID);
    assert_int_equal(ss_checkin_token_verify(KEY, 32, in, S, 30, &id), SS_TOKEN_OK);   /* the old API: check-in */
}

static void test_volunteer_token(void **state)
{
    (void)state;
    char t[SS_CHECKIN_TOKEN_MAX], bad[SS_CHECKIN_TOKEN_MAX];
    long long uid = 0;
    long nonce = -1;
    ss_volunteer_token_make(KEY, 32, 1234, 0, t);
    assert_true(strncmp(t, "v1.1234.0.", 10) == 0);
    assert_int_equal(ss_volunteer_token_verify(KEY, 32, t, &uid, &nonce), 1);
    assert_true(uid == 1234 && nonce == 0);
    ss_volunteer_token_make(KEY, 32, 1234, 7, bad);   /* a new nonce: another code */
    assert_string_not_equal(t, bad);
    assert_int_equal(ss_volunteer_token_verify(KEY, 32, bad, &uid, &nonce), 1);
    assert_int_equal(nonce, 7);
    memcpy(bad, t, sizeof bad);
    bad[3] = '5';                                      /* another person, the same signature */
    assert_int_equal(ss_volunteer_token_verify(KEY, 32, bad, &uid, &nonce), 0);
    memcpy(bad, t, sizeof bad);
    bad[strlen(bad) - 3] ^= 1;
    assert_int_equal(ss_volunteer_token_verify(KEY, 32, bad, &uid, &nonce), 0);
    const char *garbage[] = {"", "v1.", "v1.1.0.", "v2.1234.0.AAAAAAAAAAAAAAAAAAAAAA", "1234.0.AAAA", "v1.-1.0.AAAA",
                             "v1.01.0.AAAAAAAAAAAAAAAAAAAAAA"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        assert_int_equal(ss_volunteer_token_verify(KEY, 32, garbage[i], &uid, &nonce), 0);
    assert_int_equal(ss_volunteer_token_verify(KEY, 32, NULL, &uid, &nonce), 0);
    /* a check-in code is not a volunteer code */
    char code[SS_CHECKIN_TOKEN_MAX];
    time_t exp;
    ss_checkin_token_make(KEY, 32, 1234, S, 30, code, &exp);
    assert_int_equal(ss_volunteer_token_verify(KEY, 32, code, &uid, &nonce), 0);
}

static void test_offline_window(void **state)
{
    (void)state;
    assert_int_equal(ss_offline_time_check(S - 72 * H, S), 0);
    assert_int_equal(ss_offline_time_check(S - 72 * H - 1, S), 1);
    assert_int_equal(ss_offline_time_check(S + 60, S), 0);
    assert_int_equal(ss_offline_time_check(S + 61, S), 2);
    assert_int_equal(ss_offline_time_check(S, S), 0);
    /* any time_t at all, without overflow (fuzz_certificate found now - at overflowing) */
    assert_int_equal(ss_offline_time_check((time_t)LLONG_MIN, S), 1);
    assert_int_equal(ss_offline_time_check((time_t)LLONG_MAX, S), 2);
}

static void test_public_numbers(void **state)
{
    (void)state;
    unsigned char a[8] = {0}, b[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, c[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    char na[13], nb[13], nc[13];
    ss_volunteer_number_format(a, na);
    ss_volunteer_number_format(b, nb);
    ss_volunteer_number_format(c, nc);
    assert_string_equal(na, "V00000000000");
    assert_int_equal(strlen(nb), 12);
    assert_true(ss_volunteer_number_valid(na) && ss_volunteer_number_valid(nb) && ss_volunteer_number_valid(nc));
    assert_string_not_equal(nb, nc);
    assert_false(ss_volunteer_number_valid("V0000000000I") || ss_volunteer_number_valid("X00000000000") ||
                 ss_volunteer_number_valid("V0000") || ss_volunteer_number_valid(NULL));
    long long x = ss_certificate_number_from(a), y = ss_certificate_number_from(b), z = ss_certificate_number_from(c);
    assert_true(x >= 1000000000000000LL && x <= 9999999999999999LL);
    assert_true(y >= 1000000000000000LL && y <= 9999999999999999LL);
    assert_true(z >= 1000000000000000LL && z <= 9999999999999999LL && z != x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_min_attendance),  cmocka_unit_test(test_credit_minutes),
        cmocka_unit_test(test_cap),             cmocka_unit_test(test_two_person),
        cmocka_unit_test(test_code_purpose),    cmocka_unit_test(test_volunteer_token),
        cmocka_unit_test(test_offline_window),  cmocka_unit_test(test_public_numbers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
