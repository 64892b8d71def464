/* Unit tests for the code2Session reply parser (auth/wechat.h, ss_wx_parse_reply): the
 * success shapes, each WeChat errcode's mapping, malformed bodies, and that *out is left
 * untouched on every failure. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "auth/wechat.h"
#include "http/errors.h"

#define SENTINEL 0x5a

static int parse(const char *body, ss_wx_session *out, const char **code)
{
    return ss_wx_parse_reply(body, strlen(body), out, code);
}

/* Expects body to fail with err and contract code, leaving *out byte-for-byte untouched. */
static void expect_fail(const char *body, size_t len, int err, const char *code)
{
    ss_wx_session out, before;
    memset(&out, SENTINEL, sizeof out);
    memcpy(&before, &out, sizeof out);
    const char *got = NULL;
    int rc = ss_wx_parse_reply(body, len, &out, &got);
    if (rc != err) fail_msg("body %.*s: got %d, want %d", (int)len, body, rc, err);
    assert_non_null(got);
    assert_string_equal(got, code);
    assert_memory_equal(&out, &before, sizeof out);
    /* The code is one the error table knows, with the status the contract gives it. */
    const ss_error_def *d = ss_error_find(got);
    assert_non_null(d);
    assert_int_equal(d->status, ss_error_for(err)->status);
}

static void expect_fail_str(const char *body, int err, const char *code)
{
    expect_fail(body, strlen(body), err, code);
}

static void test_success_with_unionid(void **state)
{
    (void)state;
    ss_wx_session out;
    memset(&out, SENTINEL, sizeof out);
    const char *code = NULL;
    assert_int_equal(parse("{\"openid\":\"oABC123\",\"session_key\":\"c2Vzc2lvbi1rZXk=\","
                           "\"unionid\":\"uXYZ789\"}", &out, &code), 0);
    assert_string_equal(out.openid, "oABC123");
    assert_string_equal(out.session_key, "c2Vzc2lvbi1rZXk=");
    assert_string_equal(out.unionid, "uXYZ789");
}

static void test_success_without_unionid(void **state)
{
    (void)state;
    ss_wx_session out;
    memset(&out, SENTINEL, sizeof out);
    const char *code = NULL;
    assert_int_equal(parse("{\"session_key\":\"k\",\"openid\":\"o1\"}", &out, &code), 0);
    assert_string_equal(out.openid, "o1");
    assert_string_equal(out.session_key, "k");
    assert_string_equal(out.unionid, "");
}

static void test_errcode_zero_is_success(void **state)
{
    (void)state;
    ss_wx_session out;
    memset(&out, SENTINEL, sizeof out);
    const char *code = NULL;
    assert_int_equal(parse("{\"errcode\":0,\"errmsg\":\"ok\",\"openid\":\"o2\",\"session_key\":\"sk\"}",
                           &out, &code), 0);
    assert_string_equal(out.openid, "o2");
    assert_string_equal(out.session_key, "sk");
    assert_string_equal(out.unionid, "");
}

static void test_whitespace_and_extra_fields(void **state)
{
    (void)state;
    ss_wx_session out;
    const char *code = NULL;
    assert_int_equal(parse(" \n{ \"openid\" : \"o3\", \"session_key\" : \"sk3\", \"extra\": [1, {\"a\": null}] }\n",
                           &out, &code), 0);
    assert_string_equal(out.openid, "o3");
    assert_string_equal(out.session_key, "sk3");
}

static void test_len_is_honoured(void **state)
{
    (void)state;
    /* The body is not NUL-terminated where len says it ends (a curl buffer). */
    const char *json = "{\"openid\":\"o4\",\"session_key\":\"sk4\"}";
    char buf[128];
    snprintf(buf, sizeof buf, "%sGARBAGE{", json);
    ss_wx_session out;
    const char *code = NULL;
    assert_int_equal(ss_wx_parse_reply(buf, strlen(json), &out, &code), 0);
    assert_string_equal(out.openid, "o4");
    /* And a body cut short by len is not valid JSON. */
    expect_fail(json, strlen(json) - 1, SS_EUNAVAIL, "unavailable");
}

static void test_code_invalid(void **state)
{
    (void)state;
    expect_fail_str("{\"errcode\":40029,\"errmsg\":\"invalid code, rid: 6f1c\"}", SS_EUNAUTH, "wx_code_invalid");
    expect_fail_str("{\"errcode\":40163,\"errmsg\":\"code been used, rid: 6f1d\"}", SS_EUNAUTH, "wx_code_invalid");
}

static void test_rate_limited(void **state)
{
    (void)state;
    expect_fail_str("{\"errcode\":45011,\"errmsg\":\"api minute-quota reach limit\"}", SS_ELIMIT,
                    "wx_rate_limited");
}

static void test_user_blocked(void **state)
{
    (void)state;
    expect_fail_str("{\"errcode\":40226,\"errmsg\":\"code blocked\"}", SS_EFORBIDDEN, "wx_user_blocked");
}

static void test_other_errcodes_unavailable(void **state)
{
    (void)state;
    expect_fail_str("{\"errcode\":-1,\"errmsg\":\"system error\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"errcode\":40013,\"errmsg\":\"invalid appid\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"errcode\":12345}", SS_EUNAVAIL, "unavailable");
    /* An error code wins over fields that would otherwise make a success. */
    expect_fail_str("{\"errcode\":40029,\"openid\":\"o\",\"session_key\":\"k\"}", SS_EUNAUTH, "wx_code_invalid");
    expect_fail_str("{\"errcode\":-1,\"openid\":\"o\",\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
}

static void test_malformed_bodies(void **state)
{
    (void)state;
    expect_fail("", 0, SS_EUNAVAIL, "unavailable");
    expect_fail_str("<html><body>502 Bad Gateway</body></html>", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":\"o\",\"session_key\":", SS_EUNAVAIL, "unavailable");
    expect_fail_str("[]", SS_EUNAVAIL, "unavailable");
    expect_fail_str("[{\"openid\":\"o\",\"session_key\":\"k\"}]", SS_EUNAVAIL, "unavailable");
    expect_fail_str("\"openid\"", SS_EUNAVAIL, "unavailable");
    expect_fail_str("null", SS_EUNAVAIL, "unavailable");
    expect_fail_str("42", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{}", SS_EUNAVAIL, "unavailable");
}

static void test_missing_or_wrong_fields(void **state)
{
    (void)state;
    expect_fail_str("{\"openid\":123,\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":null,\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":[\"o\"],\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":\"o\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":\"o\",\"session_key\":7}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"errcode\":0,\"errmsg\":\"ok\"}", SS_EUNAVAIL, "unavailable");
    /* An empty or NUL-carrying openid would key an account on nothing. */
    expect_fail_str("{\"openid\":\"\",\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":\"o\\u0000x\",\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":\"o\",\"session_key\":\"\"}", SS_EUNAVAIL, "unavailable");
    expect_fail_str("{\"openid\":\"o\",\"session_key\":\"k\",\"unionid\":5}", SS_EUNAVAIL, "unavailable");
    /* errcode must be an integer to be trusted. */
    expect_fail_str("{\"errcode\":\"0\",\"openid\":\"o\",\"session_key\":\"k\"}", SS_EUNAVAIL, "unavailable");
}

/* Returns a body whose field `name` is n characters long (others short). */
static void body_with_long(char *buf, size_t size, const char *name, size_t n)
{
    char val[SS_WX_FIELD_MAX * 2];
    memset(val, 'x', n);
    val[n] = '\0';
    snprintf(buf, size, "{\"openid\":\"%s\",\"session_key\":\"%s\",\"unionid\":\"%s\"}",
             strcmp(name, "openid") == 0 ? val : "o", strcmp(name, "session_key") == 0 ? val : "k",
             strcmp(name, "unionid") == 0 ? val : "u");
}

static void test_field_lengths(void **state)
{
    (void)state;
    static const char *const names[] = {"openid", "session_key", "unionid"};
    char buf[1024];
    for (size_t i = 0; i < 3; i++) {
        /* Exactly SS_WX_FIELD_MAX fits. */
        body_with_long(buf, sizeof buf, names[i], SS_WX_FIELD_MAX);
        ss_wx_session out;
        const char *code = NULL;
        if (parse(buf, &out, &code) != 0) fail_msg("%s of %d characters refused", names[i], SS_WX_FIELD_MAX);
        const char *got = i == 0 ? out.openid : i == 1 ? out.session_key : out.unionid;
        assert_int_equal(strlen(got), SS_WX_FIELD_MAX);
        /* One more does not. */
        body_with_long(buf, sizeof buf, names[i], SS_WX_FIELD_MAX + 1);
        expect_fail_str(buf, SS_EUNAVAIL, "unavailable");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_success_with_unionid),
        cmocka_unit_test(test_success_without_unionid),
        cmocka_unit_test(test_errcode_zero_is_success),
        cmocka_unit_test(test_whitespace_and_extra_fields),
        cmocka_unit_test(test_len_is_honoured),
        cmocka_unit_test(test_code_invalid),
        cmocka_unit_test(test_rate_limited),
        cmocka_unit_test(test_user_blocked),
        cmocka_unit_test(test_other_errcodes_unavailable),
        cmocka_unit_test(test_malformed_bodies),
        cmocka_unit_test(test_missing_or_wrong_fields),
        cmocka_unit_test(test_field_lengths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
