/* Unit tests for the router (http/router.h): literal and parameter segments, strict id
 * parsing, 404 versus 405 with Allow, and the checks ss_router_add makes on its table. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/errors.h"
#include "http/router.h"

static int h_health(struct ss_req *r) { (void)r; return 0; }
static int h_me(struct ss_req *r) { (void)r; return 0; }
static int h_me_patch(struct ss_req *r) { (void)r; return 0; }
static int h_user(struct ss_req *r) { (void)r; return 0; }
static int h_member(struct ss_req *r) { (void)r; return 0; }
static int h_approve(struct ss_req *r) { (void)r; return 0; }
static int h_orgs(struct ss_req *r) { (void)r; return 0; }
static int h_orgs_post(struct ss_req *r) { (void)r; return 0; }
static int h_four(struct ss_req *r) { (void)r; return 0; }

/* {id} is added before the literal "me" on purpose: "me" must not depend on order. */
static const ss_route routes[] = {
    {"GET", "/api/v1/health", h_health, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/users/{id}", h_user, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/users/me", h_me, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"PATCH", "/api/v1/users/me", h_me_patch, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/orgs/{id}/members/{uid}", h_member, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/orgs/{id}/approve", h_approve, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/orgs", h_orgs, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/orgs", h_orgs_post, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/a/{w}/b/{x}/c/{y}/d/{z}", h_four, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
#define NROUTES ((int)(sizeof routes / sizeof routes[0]))

static int setup(void **state)
{
    ss_router *r = ss_router_create();
    for (int i = 0; i < NROUTES; i++)
        if (ss_router_add(r, &routes[i]) != 0) {
            ss_router_free(r);
            return -1;
        }
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    ss_router_free(*state);
    return 0;
}

/* Matches and expects success on the route with the given handler. */
static ss_route_match match_ok(const ss_router *r, const char *method, const char *path, ss_handler_fn h)
{
    ss_route_match m;
    memset(&m, 0, sizeof m);
    int rc = ss_router_match(r, method, path, &m);
    if (rc != 0) fail_msg("%s %s: got %d, want 0", method, path, rc);
    assert_non_null(m.route);
    if (m.route->handler != h) fail_msg("%s %s: matched %s", method, path, m.route->pattern);
    assert_true(m.index >= 0 && m.index < ss_router_count(r));
    assert_ptr_equal(ss_router_route(r, m.index), m.route);
    return m;
}

static void expect_rc(const ss_router *r, const char *method, const char *path, int want)
{
    ss_route_match m;
    memset(&m, 0, sizeof m);
    int rc = ss_router_match(r, method, path, &m);
    if (rc != want) fail_msg("%s %s: got %d, want %d", method, path, rc, want);
}

static void test_literal_routes(void **state)
{
    const ss_router *r = *state;
    ss_route_match m = match_ok(r, "GET", "/api/v1/health", h_health);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(m.route->access, SS_ACCESS_PUBLIC);
    match_ok(r, "GET", "/api/v1/orgs", h_orgs);
    match_ok(r, "POST", "/api/v1/orgs", h_orgs_post);
    assert_int_equal(ss_router_count(r), NROUTES);
    for (int i = 0; i < NROUTES; i++) assert_ptr_equal(ss_router_route(r, i), &routes[i]);
}

static void test_param_routes(void **state)
{
    const ss_router *r = *state;
    ss_route_match m = match_ok(r, "GET", "/api/v1/users/42", h_user);
    assert_int_equal(m.nparams, 1);
    assert_int_equal(m.params[0], 42);
    m = match_ok(r, "GET", "/api/v1/orgs/7/members/123456", h_member);
    assert_int_equal(m.nparams, 2);
    assert_int_equal(m.params[0], 7);
    assert_int_equal(m.params[1], 123456);
    m = match_ok(r, "POST", "/api/v1/orgs/9/approve", h_approve);
    assert_int_equal(m.nparams, 1);
    assert_int_equal(m.params[0], 9);
    assert_int_equal(m.route->access, SS_ACCESS_ADMIN);
    m = match_ok(r, "GET", "/a/1/b/22/c/333/d/4444", h_four);
    assert_int_equal(m.nparams, 4);
    assert_int_equal(m.params[0], 1);
    assert_int_equal(m.params[1], 22);
    assert_int_equal(m.params[2], 333);
    assert_int_equal(m.params[3], 4444);
}

static void test_largest_id(void **state)
{
    const ss_router *r = *state;
    /* 18 digits is the longest id accepted; it fits a long long with room to spare. */
    ss_route_match m = match_ok(r, "GET", "/api/v1/users/999999999999999999", h_user);
    assert_true(m.params[0] == 999999999999999999LL);
    m = match_ok(r, "GET", "/api/v1/users/100000000000000000", h_user);
    assert_true(m.params[0] == 100000000000000000LL);
}

static void test_me_versus_id(void **state)
{
    const ss_router *r = *state;
    ss_route_match m = match_ok(r, "GET", "/api/v1/users/me", h_me);
    assert_int_equal(m.nparams, 0);
    match_ok(r, "PATCH", "/api/v1/users/me", h_me_patch);
    m = match_ok(r, "GET", "/api/v1/users/1", h_user);
    assert_int_equal(m.params[0], 1);
    /* PATCH exists for "me" only, not for {id}. */
    expect_rc(r, "PATCH", "/api/v1/users/5", SS_EMETHOD);
    expect_rc(r, "GET", "/api/v1/users/mee", SS_ENOTFOUND);
    expect_rc(r, "GET", "/api/v1/users/m", SS_ENOTFOUND);
    expect_rc(r, "GET", "/api/v1/users/ME", SS_ENOTFOUND);
}

static void test_bad_ids_are_404(void **state)
{
    const ss_router *r = *state;
    const char *bad[] = {
        "/api/v1/users/0",
        "/api/v1/users/00",
        "/api/v1/users/007",
        "/api/v1/users/-1",
        "/api/v1/users/+1",
        "/api/v1/users/1e3",
        "/api/v1/users/0x10",
        "/api/v1/users/12a",
        "/api/v1/users/ 1",
        "/api/v1/users/1.0",
        "/api/v1/users/1234567890123456789",            /* 19 digits */
        "/api/v1/users/9223372036854775807",            /* LLONG_MAX */
        "/api/v1/users/9223372036854775808",            /* LLONG_MAX + 1 */
        "/api/v1/users/99999999999999999999999999999",  /* overflow */
        "/api/v1/orgs/0/members/1",
        "/api/v1/orgs/1/members/-2",
        "/api/v1/orgs/01/approve",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        expect_rc(r, "GET", bad[i], SS_ENOTFOUND);
        /* A bad id is not a 405 either: the path matches no pattern at all. */
        expect_rc(r, "DELETE", bad[i], SS_ENOTFOUND);
    }
}

static void test_unknown_paths_are_404(void **state)
{
    const ss_router *r = *state;
    const char *bad[] = {
        "/api/v1/nothing",
        "/api/v1",
        "/api/v1/",
        "/",
        "",
        "api/v1/health",
        "/api/v1/health/",      /* trailing slash */
        "/api/v1/users/42/",
        "/api/v1/orgs/",
        "/api/v1//health",      /* double slash */
        "//api/v1/health",
        "/api/v1/users//42",
        "/api/v1/orgs/7//members/1",
        "/api/v1/healthz",
        "/api/v1/health/x",
        "/API/v1/health",
        "/api/v1/orgs/7/members",
        "/api/v1/orgs/7/members/8/9",
        "/a/1/b/2/c/3/d",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_rc(r, "GET", bad[i], SS_ENOTFOUND);
}

static void test_405_with_allow(void **state)
{
    const ss_router *r = *state;
    ss_route_match m;
    memset(&m, 0, sizeof m);
    assert_int_equal(ss_router_match(r, "DELETE", "/api/v1/users/me", &m), SS_EMETHOD);
    assert_null(m.route);
    assert_non_null(strstr(m.allow, "GET"));
    assert_non_null(strstr(m.allow, "PATCH"));
    assert_int_equal(strlen(m.allow), strlen("GET, HEAD, PATCH"));
    assert_non_null(strstr(m.allow, ", "));

    memset(&m, 0, sizeof m);
    assert_int_equal(ss_router_match(r, "POST", "/api/v1/users/42", &m), SS_EMETHOD);
    assert_string_equal(m.allow, "GET, HEAD");

    memset(&m, 0, sizeof m);
    assert_int_equal(ss_router_match(r, "PUT", "/api/v1/orgs", &m), SS_EMETHOD);
    assert_non_null(strstr(m.allow, "GET"));
    assert_non_null(strstr(m.allow, "POST"));
    assert_int_equal(strlen(m.allow), strlen("GET, HEAD, POST"));

    memset(&m, 0, sizeof m);
    assert_int_equal(ss_router_match(r, "GET", "/api/v1/orgs/3/approve", &m), SS_EMETHOD);
    assert_string_equal(m.allow, "POST");

    /* Methods are case-sensitive tokens (RFC 9110). */
    expect_rc(r, "get", "/api/v1/health", SS_EMETHOD);
}

static void test_allow_cleared_on_success(void **state)
{
    const ss_router *r = *state;
    ss_route_match m;
    memset(&m, 0, sizeof m);
    assert_int_equal(ss_router_match(r, "DELETE", "/api/v1/users/me", &m), SS_EMETHOD);
    assert_int_equal(ss_router_match(r, "GET", "/api/v1/users/me", &m), 0);
    assert_string_equal(m.allow, "");
}

static void test_duplicate_rejected(void **state)
{
    (void)state;
    static const ss_route a = {"GET", "/x/{id}", h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    static const ss_route dup = {"GET", "/x/{id}", h_me, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    static const ss_route other_method = {"DELETE", "/x/{id}", h_me, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    ss_router *r = ss_router_create();
    assert_int_equal(ss_router_add(r, &a), 0);
    assert_int_equal(ss_router_add(r, &dup), SS_EINVALID);
    assert_int_equal(ss_router_add(r, &a), SS_EINVALID);
    assert_int_equal(ss_router_count(r), 1);
    /* Parameter names do not take part in matching: this would never be reached. */
    static const ss_route renamed = {"GET", "/x/{xid}", h_me, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    assert_int_equal(ss_router_add(r, &renamed), SS_EINVALID);
    assert_int_equal(ss_router_count(r), 1);
    assert_int_equal(ss_router_add(r, &other_method), 0);
    assert_int_equal(ss_router_count(r), 2);
    match_ok(r, "GET", "/x/5", h_user);
    match_ok(r, "DELETE", "/x/5", h_me);
    ss_router_free(r);
}

static void test_malformed_patterns_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "x", "api/v1", "/api//x", "/api/", "//", "/api/{}", "/api/{id", "/api/id}", "/api/x{id}",
        "/api/{id}x", "/api/{i}d}", "/api/{", "/{id}/",
    };
    static ss_route rows[sizeof bad / sizeof bad[0]];
    ss_router *r = ss_router_create();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rows[i] = (ss_route){"GET", bad[i], h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
        int rc = ss_router_add(r, &rows[i]);
        if (rc != SS_EINVALID) fail_msg("pattern \"%s\": got %d, want SS_EINVALID", bad[i], rc);
    }
    static const ss_route no_method = {NULL, "/ok", h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    static const ss_route no_handler = {"GET", "/ok", NULL, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    assert_int_equal(ss_router_add(r, &no_method), SS_EINVALID);
    assert_int_equal(ss_router_add(r, &no_handler), SS_EINVALID);
    assert_int_equal(ss_router_count(r), 0);
    /* The refusals left the router usable. */
    static const ss_route ok = {"GET", "/ok", h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    assert_int_equal(ss_router_add(r, &ok), 0);
    ss_router_free(r);
}

static void test_too_many_params_rejected(void **state)
{
    (void)state;
    static const ss_route four = {"GET", "/{a}/{b}/{c}/{d}", h_four, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    static const ss_route five = {"GET", "/{a}/{b}/{c}/{d}/{e}", h_four, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    static const ss_route five_mixed = {"GET", "/x/{a}/y/{b}/{c}/z/{d}/{e}", h_four, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    ss_router *r = ss_router_create();
    assert_int_equal(SS_ROUTE_MAX_PARAMS, 4);
    assert_int_equal(ss_router_add(r, &five), SS_EINVALID);
    assert_int_equal(ss_router_add(r, &five_mixed), SS_EINVALID);
    assert_int_equal(ss_router_add(r, &four), 0);
    assert_int_equal(ss_router_count(r), 1);
    expect_rc(r, "GET", "/1/2/3/4/5", SS_ENOTFOUND);
    ss_route_match m = match_ok(r, "GET", "/1/2/3/4", h_four);
    assert_int_equal(m.nparams, 4);
    assert_int_equal(m.params[3], 4);
    ss_router_free(r);
}

static void test_too_many_segments_rejected(void **state)
{
    (void)state;
    static char deep_ok[64], deep_bad[64];
    deep_ok[0] = deep_bad[0] = '\0';
    for (int i = 0; i < SS_ROUTE_MAX_SEGMENTS; i++) strcat(deep_ok, "/s");
    for (int i = 0; i <= SS_ROUTE_MAX_SEGMENTS; i++) strcat(deep_bad, "/s");
    static ss_route ok, bad;
    ok = (ss_route){"GET", deep_ok, h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    bad = (ss_route){"GET", deep_bad, h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
    ss_router *r = ss_router_create();
    assert_int_equal(ss_router_add(r, &bad), SS_EINVALID);
    assert_int_equal(ss_router_add(r, &ok), 0);
    match_ok(r, "GET", deep_ok, h_user);
    expect_rc(r, "GET", deep_bad, SS_ENOTFOUND);
    ss_router_free(r);
}

static void test_table_full(void **state)
{
    (void)state;
    enum { TRIES = 2000 };
    static char pats[TRIES][16];
    static ss_route rows[TRIES];
    ss_router *r = ss_router_create();
    int added = 0, rc = 0;
    for (int i = 0; i < TRIES; i++) {
        snprintf(pats[i], sizeof pats[i], "/r%d", i);
        rows[i] = (ss_route){"GET", pats[i], h_user, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE};
        rc = ss_router_add(r, &rows[i]);
        if (rc != 0) break;
        added++;
    }
    assert_int_equal(rc, SS_ELIMIT);
    assert_true(added > 50);
    assert_int_equal(ss_router_count(r), added);
    match_ok(r, "GET", "/r0", h_user);
    ss_router_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_literal_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_param_routes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_largest_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_me_versus_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_ids_are_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unknown_paths_are_404, setup, teardown),
        cmocka_unit_test_setup_teardown(test_405_with_allow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_cleared_on_success, setup, teardown),
        cmocka_unit_test(test_duplicate_rejected),
        cmocka_unit_test(test_malformed_patterns_rejected),
        cmocka_unit_test(test_too_many_params_rejected),
        cmocka_unit_test(test_too_many_segments_rejected),
        cmocka_unit_test(test_table_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
