/* Unit tests for the error table (http/errors.h): each ss_err maps to the status and code
 * of docs/API.md and openapi.yaml, every contract code has English and Chinese messages, statuses round-trip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http/errors.h"

/* Every contract code the table must define (docs/API.md, openapi.yaml). */
static const char *const known_codes[] = {
    "bad_request", "unauthorized", "forbidden", "not_found", "method_not_allowed", "conflict",
    "gone", "payload_too_large", "validation_failed", "rate_limited", "unavailable", "internal",
    "wx_code_invalid", "wx_rate_limited", "wx_user_blocked", "unsupported_media_type", "name_taken",
};
#define NKNOWN (sizeof known_codes / sizeof known_codes[0])

static void expect_generic(int err, int status, const char *code)
{
    const ss_error_def *d = ss_error_for(err);
    assert_non_null(d);
    if (d->status != status || strcmp(d->code, code) != 0)
        fail_msg("ss_err %d: got %d %s, want %d %s", err, d->status, d->code, status, code);
}

static void test_generic_mapping(void **state)
{
    (void)state;
    expect_generic(SS_EBADREQ, 400, "bad_request");
    expect_generic(SS_EUNAUTH, 401, "unauthorized");
    expect_generic(SS_EFORBIDDEN, 403, "forbidden");
    expect_generic(SS_ENOTFOUND, 404, "not_found");
    expect_generic(SS_EMETHOD, 405, "method_not_allowed");
    expect_generic(SS_ECONFLICT, 409, "conflict");
    expect_generic(SS_EGONE, 410, "gone");
    expect_generic(SS_ETOOBIG, 413, "payload_too_large");
    expect_generic(SS_EINVALID, 422, "validation_failed");
    expect_generic(SS_ELIMIT, 429, "rate_limited");
    expect_generic(SS_EUNAVAIL, 503, "unavailable");
    expect_generic(SS_EINTERNAL, 500, "internal");
}

static void test_deadlock_is_unavailable(void **state)
{
    (void)state;
    /* Retries exhausted: the caller may try again, so 503, not 500. */
    expect_generic(SS_EDEADLOCK, 503, "unavailable");
    /* A lock wait that timed out already waited: not retried, but the client may retry. */
    expect_generic(SS_ELOCKWAIT, 503, "unavailable");
}

static void test_unknown_is_internal(void **state)
{
    (void)state;
    expect_generic(-15, 500, "internal");
    expect_generic(-1000, 500, "internal");
    expect_generic(1, 500, "internal");
    expect_generic(404, 500, "internal");
    expect_generic(-2147483647 - 1, 500, "internal");
}

static void test_specific_codes(void **state)
{
    (void)state;
    const ss_error_def *d = ss_error_find("wx_code_invalid");
    assert_non_null(d);
    assert_int_equal(d->status, 401);
    assert_string_equal(d->code, "wx_code_invalid");
    d = ss_error_find("wx_rate_limited");
    assert_non_null(d);
    assert_int_equal(d->status, 429);
    d = ss_error_find("wx_user_blocked");
    assert_non_null(d);
    assert_int_equal(d->status, 403);
    d = ss_error_find("unsupported_media_type");
    assert_non_null(d);
    assert_int_equal(d->status, 415);
}

static void test_find_unknown(void **state)
{
    (void)state;
    assert_null(ss_error_find("no_such_code"));
    assert_null(ss_error_find(""));
    assert_null(ss_error_find("NOT_FOUND"));
    assert_null(ss_error_find("not_found "));
    assert_null(ss_error_find("not"));
}

static void test_find_agrees_with_for(void **state)
{
    (void)state;
    /* The generic definitions are the same entries ss_error_find returns. */
    for (int e = SS_EBADREQ; e >= SS_EINTERNAL; e--) {
        const ss_error_def *d = ss_error_for(e);
        assert_ptr_equal(ss_error_find(d->code), d);
    }
}

static int is_snake_case(const char *s)
{
    if (!s || !(*s >= 'a' && *s <= 'z')) return 0;
    for (const char *p = s; *p; p++) {
        if (*p == '_') {
            if (p[1] == '_' || p[1] == '\0') return 0;
        } else if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) {
            return 0;
        }
    }
    return 1;
}

/* Returns 1 if s is well-formed UTF-8 with at least one multi-byte sequence. */
static int is_utf8_non_ascii(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    int multi = 0;
    while (*p) {
        int n;
        if (*p < 0x80) n = 0;
        else if ((*p & 0xe0) == 0xc0 && *p >= 0xc2) n = 1;
        else if ((*p & 0xf0) == 0xe0) n = 2;
        else if ((*p & 0xf8) == 0xf0 && *p <= 0xf4) n = 3;
        else return 0;
        p++;
        for (int i = 0; i < n; i++, p++)
            if ((*p & 0xc0) != 0x80) return 0;
        multi |= n > 0;
    }
    return multi;
}

static void test_every_entry(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++) {
        const ss_error_def *d = ss_error_find(known_codes[i]);
        if (!d) fail_msg("code %s is missing", known_codes[i]);
        assert_string_equal(d->code, known_codes[i]);
        if (!is_snake_case(d->code)) fail_msg("code %s is not snake_case", d->code);
        assert_true(d->status >= 400 && d->status <= 599);
        assert_non_null(d->en);
        assert_non_null(d->zh);
        if (strlen(d->en) < 3) fail_msg("%s: English message too short", d->code);
        if (strlen(d->zh) < 3) fail_msg("%s: Chinese message too short", d->code);
        if (!is_utf8_non_ascii(d->zh)) fail_msg("%s: Chinese message is not Chinese UTF-8", d->code);
        assert_string_not_equal(d->en, d->zh);
        /* Messages are read by people and carry no internal details. */
        assert_null(strchr(d->en, '%'));
        assert_null(strchr(d->zh, '%'));
    }
}

static void test_codes_unique(void **state)
{
    (void)state;
    for (size_t i = 0; i < NKNOWN; i++)
        for (size_t j = i + 1; j < NKNOWN; j++)
            assert_ptr_not_equal(ss_error_find(known_codes[i]), ss_error_find(known_codes[j]));
}

static void test_status_round_trip(void **state)
{
    (void)state;
    /* Every generic ss_err that owns a status comes back from it. */
    const int errs[] = {SS_EBADREQ, SS_EUNAUTH, SS_EFORBIDDEN, SS_ENOTFOUND, SS_EMETHOD, SS_ECONFLICT,
                        SS_EGONE, SS_ETOOBIG, SS_EINVALID, SS_ELIMIT, SS_EUNAVAIL, SS_EINTERNAL};
    for (size_t i = 0; i < sizeof errs / sizeof errs[0]; i++) {
        int status = ss_error_for(errs[i])->status;
        if (ss_error_from_status(status) != errs[i])
            fail_msg("status %d: got %d, want %d", status, ss_error_from_status(status), errs[i]);
    }
    /* Specific codes come back as an ss_err with their own status. */
    const char *specific[] = {"wx_code_invalid", "wx_rate_limited", "wx_user_blocked"};
    for (size_t i = 0; i < sizeof specific / sizeof specific[0]; i++) {
        const ss_error_def *d = ss_error_find(specific[i]);
        assert_int_equal(ss_error_for(ss_error_from_status(d->status))->status, d->status);
    }
    /* Statuses with no ss_err of their own are still errors, never success. */
    const int others[] = {415, 418, 500, 502, 0, 200, -1};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) assert_true(ss_error_from_status(others[i]) < 0);
    assert_int_equal(ss_error_from_status(500), SS_EINTERNAL);
}

/* A code with a second status on some routes: found by status, the default unchanged. */
static void test_code_with_two_statuses(void **state)
{
    (void)state;
    const ss_error_def *d = ss_error_find_status("not_a_participant", 403);
    assert_non_null(d);
    assert_string_equal(d->code, "not_a_participant");
    assert_int_equal(d->status, 403);
    const ss_error_def *dflt = ss_error_find("not_a_participant");
    if (dflt) assert_int_equal(dflt->status, 409);   /* the corrections' default, where defined */
    assert_null(ss_error_find_status("not_a_participant", 418));
    d = ss_error_find_status("already_rated", 409);
    assert_non_null(d);
    assert_ptr_equal(d, ss_error_find("already_rated"));
    assert_null(ss_error_find_status("no_such_code", 409));
}

static void test_strerror(void **state)
{
    (void)state;
    assert_string_equal(ss_strerror(SS_OK), "ok");
    assert_string_equal(ss_strerror(SS_ENOTFOUND), "not_found");
    assert_string_equal(ss_strerror(SS_EUNAVAIL), "unavailable");
    assert_string_equal(ss_strerror(SS_EINTERNAL), "internal");
    /* Deadlocks are told apart in logs even though they reply 503. */
    assert_string_not_equal(ss_strerror(SS_EDEADLOCK), "unavailable");
    assert_non_null(ss_strerror(-999));
}

/* Every reason the handlers write has a Chinese form (never the generic fallback), numbers
 * and lists carried over; an unknown reason still gets a Chinese sentence. */
static void test_field_reasons_zh(void **state)
{
    (void)state;
    static const char *const used[] = {
        "required", "must be a string", "must be an integer", "must be a number", "must be true or false",
        "must be an object", "must be an RFC 3339 date-time string",
        "must be an RFC 3339 date-time with offset, e.g. 2026-11-21T09:00:00+08:00",
        "must be between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z",
        "must be an RFC 3339 date-time between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z",
        "must not contain control characters", "must not be empty", "is not correctly percent-encoded", "not a cursor",
        "no such community", "no such organization", "no such user",
        "this contest is for organizations of another community", "must be an array of strings",
        "at most 20 skills", "each skill is 1 to 20 characters", "2 to 30 letters, as on the ID card",
        "must be a mainland mobile number (11 digits, 1[3-9]...)",
        "must be an 18-digit resident ID number with a valid birth date and check digit",
        "a correction changes something: not 0", "this person neither signed up for nor checked in to the activity",
        "would make the person's minutes for this activity negative", "1 to 64 characters: letters, digits, - _ . :",
        "required: the code from wx.login, 1 to 128 characters", "must be no more than 24 hours in the past",
        "must be after starts_at", "must be in the future", "an activity lasts at most 31 days",
        "must be in the future and no later than ends_at", "must be after vote_from",
        "must be no later than vote_until", "2 to 10 options", "at most 20 needs", "before starts_on",
        "must be an array of need ids", "must be before 2038", "must differ", "no such need",
        "no such need in this community", "no such project of this organization",
        "no such resource in the project's community",
    };
    char buf[512];
    for (size_t i = 0; i < sizeof used / sizeof used[0]; i++) {
        const char *zh = ss_field_reason_zh(used[i], buf, sizeof buf);
        if (strstr(zh, "不符合要求（")) fail_msg("no Chinese for \"%s\"", used[i]);
    }
    assert_string_equal(ss_field_reason_zh("must be between 1 and 100", buf, sizeof buf), "必须在 1 至 100 之间。");
    assert_string_equal(ss_field_reason_zh("must be between -90 and 90", buf, sizeof buf), "必须在 -90 至 90 之间。");
    assert_string_equal(ss_field_reason_zh("must be 2 to 100 characters", buf, sizeof buf), "长度须为 2 至 100 个字符。");
    assert_string_equal(ss_field_reason_zh("must be exactly 18 characters", buf, sizeof buf), "长度须为 18 个字符。");
    assert_string_equal(ss_field_reason_zh("must be one of: a, b", buf, sizeof buf), "必须是以下之一：a, b。");
    assert_string_equal(ss_field_reason_zh("something new", buf, sizeof buf), "不符合要求（something new）。");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_reasons_zh),
        cmocka_unit_test(test_generic_mapping),
        cmocka_unit_test(test_deadlock_is_unavailable),
        cmocka_unit_test(test_unknown_is_internal),
        cmocka_unit_test(test_specific_codes),
        cmocka_unit_test(test_find_unknown),
        cmocka_unit_test(test_find_agrees_with_for),
        cmocka_unit_test(test_every_entry),
        cmocka_unit_test(test_codes_unique),
        cmocka_unit_test(test_code_with_two_statuses),
        cmocka_unit_test(test_status_round_trip),
        cmocka_unit_test(test_strerror),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
