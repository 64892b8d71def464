/* Unit tests for the WeChat server-API reply parsers of auth/wxmsg.h: stable_token replies
 * (token and expiry, errcodes, malformed bodies, *out untouched on failure) and errcode replies
 * of subscribeMessage.send. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "auth/wxmsg.h"
#include "util/status.h"

static int token(const char *body, ss_wx_token *out, long *errcode)
{
    return ss_wx_parse_token(body, strlen(body), 1000, out, errcode);
}

static void token_ok(void **state)
{
    (void)state;
    ss_wx_token t = {0};
    long ec = -5;
    assert_int_equal(token("{\"access_token\":\"ACCESS\",\"expires_in\":7200}", &t, &ec), SS_OK);
    assert_string_equal(t.value, "ACCESS");
    assert_int_equal(t.expires_at, 1000 + 7200);
    assert_int_equal(ec, 0);
    assert_int_equal(token("{\"errcode\":0,\"access_token\":\"B\",\"expires_in\":60}", &t, &ec), SS_OK);
    assert_string_equal(t.value, "B");
}

static void token_refused(void **state)
{
    (void)state;
    ss_wx_token t = {.value = "KEEP", .expires_at = 42};
    long ec = 0;
    assert_int_equal(token("{\"errcode\":40013,\"errmsg\":\"invalid appid\"}", &t, &ec), SS_EUNAVAIL);
    assert_int_equal(ec, 40013);
    assert_int_equal(token("{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}", &t, &ec), SS_EUNAVAIL);
    assert_int_equal(ec, 40125);
    static const char *const bad[] = {
        "", "not json", "[]", "{}", "{\"access_token\":\"\",\"expires_in\":7200}",
        "{\"access_token\":\"A\"}", "{\"access_token\":\"A\",\"expires_in\":0}",
        "{\"access_token\":7,\"expires_in\":7200}", "{\"access_token\":\"A\",\"expires_in\":\"7200\"}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ec = 99;
        assert_int_equal(token(bad[i], &t, &ec), SS_EUNAVAIL);
        assert_int_equal(ec, 0);
    }
    assert_string_equal(t.value, "KEEP");   /* untouched by every failure */
    assert_int_equal(t.expires_at, 42);
}

static void token_too_long(void **state)
{
    (void)state;
    char body[SS_WX_TOKEN_MAX + 64];
    char tok[SS_WX_TOKEN_MAX + 2];
    memset(tok, 'x', sizeof tok - 1);
    tok[sizeof tok - 1] = '\0';
    snprintf(body, sizeof body, "{\"access_token\":\"%s\",\"expires_in\":7200}", tok);
    ss_wx_token t = {0};
    long ec;
    assert_int_equal(ss_wx_parse_token(body, strlen(body), 0, &t, &ec), SS_EUNAVAIL);
}

static void errcode_replies(void **state)
{
    (void)state;
    long ec = -7;
    assert_int_equal(ss_wx_parse_errcode("{\"errcode\":0,\"errmsg\":\"ok\"}", 27, &ec), 0);
    assert_int_equal(ec, 0);
    const char *refused = "{\"errcode\":43101,\"errmsg\":\"user refuse to accept the msg\"}";
    assert_int_equal(ss_wx_parse_errcode(refused, strlen(refused), &ec), 0);
    assert_int_equal(ec, 43101);
    ec = -7;
    assert_int_equal(ss_wx_parse_errcode("{\"errmsg\":\"ok\"}", 15, &ec), -1);
    assert_int_equal(ss_wx_parse_errcode("<html>", 6, &ec), -1);
    assert_int_equal(ss_wx_parse_errcode("", 0, &ec), -1);
    assert_int_equal(ec, -7);
}

static int sec(const char *body, long *ec, ss_wx_sec *sg) { return ss_wx_parse_sec_check(body, strlen(body), ec, sg); }

static void sec_check_replies(void **state)
{
    (void)state;
    long ec = -7;
    ss_wx_sec sg = SS_WX_SEC_PASS;
    assert_int_equal(sec("{\"errcode\":0,\"errmsg\":\"ok\",\"result\":{\"suggest\":\"risky\",\"label\":20001}}", &ec,
                         &sg), 0);
    assert_int_equal(ec, 0);
    assert_int_equal(sg, SS_WX_SEC_RISKY);
    assert_int_equal(sec("{\"errcode\":0,\"result\":{\"suggest\":\"review\",\"label\":10001}}", &ec, &sg), 0);
    assert_int_equal(sg, SS_WX_SEC_REVIEW);
    assert_int_equal(sec("{\"errcode\":0,\"result\":{\"suggest\":\"pass\",\"label\":100}}", &ec, &sg), 0);
    assert_int_equal(sg, SS_WX_SEC_PASS);
    /* WeChat refused the call: errcode set, no suggestion */
    assert_int_equal(sec("{\"errcode\":40001,\"errmsg\":\"invalid credential\"}", &ec, &sg), 0);
    assert_int_equal(ec, 40001);
    /* not a reply: an unknown suggestion, none at all, no errcode, not JSON */
    assert_int_equal(sec("{\"errcode\":0,\"result\":{\"suggest\":\"maybe\"}}", &ec, &sg), -1);
    assert_int_equal(sec("{\"errcode\":0,\"result\":{}}", &ec, &sg), -1);
    assert_int_equal(sec("{\"errcode\":0}", &ec, &sg), -1);
    assert_int_equal(sec("{\"result\":{\"suggest\":\"pass\"}}", &ec, &sg), -1);
    assert_int_equal(sec("<html>", &ec, &sg), -1);
    assert_int_equal(ss_wx_parse_sec_check("", 0, &ec, &sg), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_ok),
        cmocka_unit_test(token_refused),
        cmocka_unit_test(token_too_long),
        cmocka_unit_test(errcode_replies),
        cmocka_unit_test(sec_check_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
