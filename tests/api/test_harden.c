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
#include <unistd.h>

#include <curl/curl.h>

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

/* ================================================================ input rules */

static api_response *post_zh(const char *token, const char *path, const char *body)
{
    return api_keep(api_request("POST", path, token, body, "Accept-Language: zh-CN", NULL));
}

/* 1 if s holds a CJK character (U+4E00..U+9FFF: E4..E9 lead bytes in UTF-8). */
static int has_cjk(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
        if (*p >= 0xe4 && *p <= 0xe9) return 1;
    return 0;
}

/* Text is trimmed; nothing but white space (ASCII, U+3000) is 422 on the field. */
TEST(test_text_trimmed_and_blank_refused)
{
    char name[96], body[256];
    snprintf(name, sizeof name, "Trim %s", run_tag);
    snprintf(body, sizeof body, "{\"name\":\"  %s \\u3000\",\"community_id\":%lld,\"kind\":\"association\"}", name,
             community);
    api_response *r = want(201, api_req("POST", leader.token, body, API "/orgs"));
    assert_string_equal(api_jstr(r, "name"), name);
    static const char *const blanks[] = {"", "   ", "\\u3000\\u3000", " \\t\\n "};
    for (size_t i = 0; i < sizeof blanks / sizeof blanks[0]; i++) {
        snprintf(body, sizeof body, "{\"name\":\"%s\",\"community_id\":%lld,\"kind\":\"association\"}", blanks[i],
                 community);
        r = api_req("POST", leader.token, body, API "/orgs");
        field_error(r, 422, "name");
    }
    /* a required text of an activity too */
    char s[40], e[40];
    api_fmt_time(time(NULL) + 86400, s, sizeof s);
    api_fmt_time(time(NULL) + 90000, e, sizeof e);
    json_t *b = json_loads(activity_body(s, e), 0, NULL);
    json_object_set_new(b, "title", json_string(" \xe3\x80\x80 "));
    field_error(api_req("POST", leader.token, api_json_text(b), API "/orgs/%lld/activities", org), 422, "title");
}

/* Organization names are unique within a community: 409 name_taken; another community may reuse one. */
TEST(test_org_name_unique_in_community)
{
    char name[96], body[256];
    snprintf(name, sizeof name, "Unique %s", run_tag);
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"community_id\":%lld,\"kind\":\"association\"}", name, community);
    want(201, api_req("POST", leader.token, body, API "/orgs"));
    assert_api_error(api_req("POST", resident.token, body, API "/orgs"), 409, "name_taken");
    /* trimmed and case aside, the same name */
    snprintf(body, sizeof body, "{\"name\":\" unique %s \",\"community_id\":%lld,\"kind\":\"association\"}", run_tag,
             community);
    assert_api_error(api_req("POST", resident.token, body, API "/orgs"), 409, "name_taken");
    char other[96];
    snprintf(other, sizeof other, "Other %s", run_tag);
    api_response *c = want(201, api_req("POST", admin.token,
                                        api_json_text(json_pack("{s:s, s:s, s:s, s:s}", "name", other, "street", "s",
                                                                "district", "d", "kind", "rural")),
                                        API "/communities"));
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"community_id\":%lld,\"kind\":\"association\"}", name,
             api_jint(c, "id"));
    want(201, api_req("POST", resident.token, body, API "/orgs"));
}

/* error.fields reasons follow Accept-Language: every reason Chinese for zh-CN, English otherwise;
 * a fixed length is "exactly N characters", never "N to N". */
TEST(test_field_reasons_in_chinese)
{
    const char *bad = "{\"title\":\"x\",\"description\":\"d\",\"category\":\"nope\",\"starts_at\":\"2040-01-01T00:00:00Z\","
                      "\"ends_at\":\"soon\",\"capacity\":0,\"location\":{\"name\":\"\",\"lat\":91,\"lng\":0,\"radius_m\":1}}";
    char path[64];
    snprintf(path, sizeof path, API "/orgs/%lld/activities", org);
    api_response *r = post_zh(leader.token, path, bad);
    assert_true(r->status == 422 || r->status == 400);
    assert_true(has_cjk(api_json_str(r, "error.message")));
    json_t *fields = api_json_get(r, "error.fields"), *why;
    const char *name;
    assert_true(json_object_size(fields) >= 5);
    json_object_foreach(fields, name, why) {
        if (!has_cjk(json_string_value(why))) fail_msg("fields.%s in English for zh-CN: %s", name, json_string_value(why));
    }
    r = api_req("POST", leader.token, bad, "%s", path);
    json_object_foreach(api_json_get(r, "error.fields"), name, why) {
        if (has_cjk(json_string_value(why))) fail_msg("fields.%s in Chinese without zh-CN", name);
    }
    /* a fixed length */
    r = api_keep(api_request("PUT", API "/me/volunteer", resident.token,
                             "{\"real_name\":\"张三\",\"phone\":\"139\",\"id_number\":\"11010119900101123X\"}", NULL));
    field_error(r, 422, "phone");
    assert_string_equal(api_json_str(r, "error.fields.phone"), "must be exactly 11 characters");
    r = api_keep(api_request("PUT", API "/me/volunteer", resident.token,
                             "{\"real_name\":\"张三\",\"phone\":\"139\",\"id_number\":\"11010119900101123X\"}",
                             "Accept-Language: zh-CN", NULL));
    assert_string_equal(api_json_str(r, "error.fields.phone"), "长度须为 11 个字符。");
}

/* An unknown path's 404 is Chinese for zh-CN, inside /api/ (the app) and outside it (nginx). */
TEST(test_unknown_path_404_in_chinese)
{
    static const char *const paths[] = {API "/no-such-thing", "/no-such-thing", "/api/v2/x"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        api_response *r = api_keep(api_request("GET", paths[i], NULL, NULL, "Accept-Language: zh-CN", NULL));
        assert_api_error(r, 404, "not_found");
        if (!has_cjk(api_json_str(r, "error.message"))) fail_msg("GET %s: %s", paths[i], r->body);
        r = api_keep(api_request("GET", paths[i], NULL, NULL, NULL));
        assert_api_error(r, 404, "not_found");
        assert_false(has_cjk(api_json_str(r, "error.message")));
    }
}

/* community_id=0 is no community: 400, as documented (minimum 1), not "no filter". */
TEST(test_community_id_zero_refused)
{
    field_error(api_req("GET", NULL, NULL, API "/activities?community_id=0"), 400, "community_id");
    field_error(api_req("GET", NULL, NULL, API "/orgs?community_id=0"), 400, "community_id");
    json_t *c = json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:s}", "title", "Zero community", "community_id", 0,
                          "budget_cents", 1000, "votes_per_user_per_day", 1, "submit_until", "2037-01-01T00:00:00Z",
                          "vote_from", "2037-01-02T00:00:00Z", "vote_until", "2037-01-03T00:00:00Z");
    field_error(api_req("POST", admin.token, api_json_text(c), API "/contests"), 422, "community_id");
}

/* Coordinates are replied rounded to 6 decimals, without float noise. */
TEST(test_coordinates_six_decimals)
{
    char s[40], e[40];
    api_fmt_time(time(NULL) + 86400, s, sizeof s);
    api_fmt_time(time(NULL) + 90000, e, sizeof e);
    json_t *b = json_loads(activity_body(s, e), 0, NULL);
    json_t *loc = json_object_get(b, "location");
    json_object_set_new(loc, "lat", json_real(30.12345678));
    json_object_set_new(loc, "lng", json_real(104.0633));
    api_response *r = want(201, api_req("POST", leader.token, api_json_text(b), API "/orgs/%lld/activities", org));
    if (!strstr(r->body, "\"lat\":30.123457,") || !strstr(r->body, "\"lng\":104.0633,"))
        fail_msg("coordinates not at 6 decimals: %s", r->body);
    r = want(200, api_req("GET", leader.token, NULL, API "/activities/%lld", api_jint(r, "id")));   /* a draft: staff only */
    if (!strstr(r->body, "\"lat\":30.123457,") || !strstr(r->body, "\"lng\":104.0633,"))
        fail_msg("coordinates not at 6 decimals: %s", r->body);
}

/* The vote order: an unknown project is 404 even when the day's votes are used up (not 429). */
TEST(test_vote_unknown_project_404_before_daily_limit)
{
    char t[3][40];
    time_t now = time(NULL);
    api_fmt_time(now + 3600, t[0], sizeof t[0]);
    api_fmt_time(now - 60, t[1], sizeof t[1]);
    api_fmt_time(now + 7200, t[2], sizeof t[2]);
    api_response *r = want(201, api_req("POST", admin.token,
                                        api_json_text(json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "title", "Order",
                                                                "budget_cents", 1000, "votes_per_user_per_day", 1,
                                                                "submit_until", t[0], "vote_from", t[1], "vote_until",
                                                                t[2])),
                                        API "/contests"));
    long long contest = api_jint(r, "id");
    r = want(201, api_req("POST", leader.token,
                          api_json_text(json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)org, "title",
                                                  "Order project", "summary", "s", "budget_cents", 100)),
                          API "/contests/%lld/projects", contest));
    long long project = api_jint(r, "id");
    want(200, api_req("POST", admin.token, NULL, API "/contest-projects/%lld/approve", project));
    char body[64];
    snprintf(body, sizeof body, "{\"project_id\":%lld}", project);
    want(201, api_req("POST", resident.token, body, API "/contests/%lld/votes", contest));
    assert_api_error(api_req("POST", resident.token, body, API "/contests/%lld/votes", contest), 429,
                     "vote_limit_reached");
    snprintf(body, sizeof body, "{\"project_id\":%lld}", project + 1000000);
    assert_api_error(api_req("POST", resident.token, body, API "/contests/%lld/votes", contest), 404, "not_found");
}

/* ================================================================ CORS */

typedef struct {
    long status;
    char headers[4096];   /* every header line of the reply, lower-cased names */
} raw_reply;

static size_t raw_header(char *b, size_t size, size_t n, void *ud)
{
    raw_reply *r = ud;
    size_t len = size * n, have = strlen(r->headers);
    if (have + len + 1 < sizeof r->headers) {
        memcpy(r->headers + have, b, len);
        r->headers[have + len] = '\0';
        for (size_t i = have; i < have + len && r->headers[i] != ':'; i++)
            if (r->headers[i] >= 'A' && r->headers[i] <= 'Z') r->headers[i] += 32;
    }
    return len;
}

static size_t raw_discard(char *b, size_t size, size_t n, void *ud)
{
    (void)b;
    (void)ud;
    return size * n;
}

/* method path with an Origin (NULL: none) and, for a preflight, Access-Control-Request-Method. */
static raw_reply cors_request(const char *method, const char *path, const char *origin, const char *acrm)
{
    raw_reply r = {0, ""};
    CURL *c = curl_easy_init();
    char url[512], h1[256], h2[128];
    snprintf(url, sizeof url, "%s%s", api_base_url(), path);
    struct curl_slist *h = NULL;
    if (origin) snprintf(h1, sizeof h1, "Origin: %s", origin), h = curl_slist_append(h, h1);
    if (acrm) snprintf(h2, sizeof h2, "Access-Control-Request-Method: %s", acrm), h = curl_slist_append(h, h2);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, raw_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, raw_discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    return r;
}

/* The value of header name (lower case) in r, or NULL. */
static const char *header_of(const raw_reply *r, const char *name, char *out, size_t len)
{
    char key[64];
    snprintf(key, sizeof key, "\n%s:", name);
    const char *p = strstr(r->headers, key);
    if (!p) return NULL;
    p += strlen(key);
    while (*p == ' ') p++;
    size_t n = strcspn(p, "\r\n");
    snprintf(out, len, "%.*s", (int)n, p);
    return out;
}

/* Only the origins in cors_origins get CORS headers; their preflight is 204 with the methods
 * and headers the API uses; another origin gets none, and its OPTIONS is not a preflight. */
TEST(test_cors_for_configured_origins_only)
{
    assert_int_equal(api_sanshe_up(repo_root, state_dir,
                                   "SANSHE_CORS_ORIGINS=https://console.example,https://admin.example:8443"),
                     0);
    char v[256];
    /* nginx reloads its workers in the background: wait (bounded) until the new ones answer */
    raw_reply ok;
    for (int i = 0; i < 100; i++) {
        ok = cors_request("GET", API "/activities?limit=1", "https://console.example", NULL);
        if (header_of(&ok, "access-control-allow-origin", v, sizeof v)) break;
        usleep(100000);
    }
    raw_reply ok2 = cors_request("GET", API "/no-such-thing", "https://admin.example:8443", NULL);
    raw_reply pre = cors_request("OPTIONS", API "/orgs", "https://console.example", "POST");
    raw_reply evil = cors_request("GET", API "/activities?limit=1", "https://evil.example", NULL);
    raw_reply evil_pre = cors_request("OPTIONS", API "/orgs", "https://evil.example", "POST");
    raw_reply none = cors_request("GET", API "/activities?limit=1", NULL, NULL);
    int restored = api_sanshe_up(repo_root, state_dir, "");   /* no origins again */
    raw_reply after;
    for (int i = 0; i < 100; i++) {
        after = cors_request("GET", API "/activities?limit=1", "https://console.example", NULL);
        if (!header_of(&after, "access-control-allow-origin", v, sizeof v)) break;
        usleep(100000);
    }

    assert_int_equal(ok.status, 200);
    assert_non_null(header_of(&ok, "access-control-allow-origin", v, sizeof v));
    assert_string_equal(v, "https://console.example");
    assert_non_null(header_of(&ok, "access-control-expose-headers", v, sizeof v));
    assert_non_null(strstr(v, "X-Request-Id"));
    assert_non_null(header_of(&ok, "vary", v, sizeof v));
    assert_int_equal(ok2.status, 404);   /* errors carry the headers too, so a console can read them */
    assert_non_null(header_of(&ok2, "access-control-allow-origin", v, sizeof v));
    assert_string_equal(v, "https://admin.example:8443");
    assert_int_equal(pre.status, 204);
    assert_non_null(header_of(&pre, "access-control-allow-origin", v, sizeof v));
    assert_string_equal(v, "https://console.example");
    assert_non_null(header_of(&pre, "access-control-allow-methods", v, sizeof v));
    assert_non_null(strstr(v, "POST"));
    assert_non_null(header_of(&pre, "access-control-allow-headers", v, sizeof v));
    assert_non_null(strstr(v, "Authorization"));
    assert_non_null(strstr(v, "Idempotency-Key"));
    assert_int_equal(evil.status, 200);
    assert_null(header_of(&evil, "access-control-allow-origin", v, sizeof v));
    assert_int_not_equal(evil_pre.status, 204);
    assert_null(header_of(&evil_pre, "access-control-allow-origin", v, sizeof v));
    assert_null(header_of(&evil_pre, "access-control-allow-methods", v, sizeof v));
    assert_null(header_of(&none, "access-control-allow-origin", v, sizeof v));
    assert_int_equal(restored, 0);
    assert_null(header_of(&after, "access-control-allow-origin", v, sizeof v));
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
        cmocka_unit_test(test_text_trimmed_and_blank_refused),
        cmocka_unit_test(test_org_name_unique_in_community),
        cmocka_unit_test(test_field_reasons_in_chinese),
        cmocka_unit_test(test_unknown_path_404_in_chinese),
        cmocka_unit_test(test_community_id_zero_refused),
        cmocka_unit_test(test_coordinates_six_decimals),
        cmocka_unit_test(test_vote_unknown_project_404_before_daily_limit),
        cmocka_unit_test(test_cors_for_configured_origins_only),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
