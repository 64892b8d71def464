/* API tests of the 三社联动 core (issue 13): needs (raise, support once, list, triage), service
 * projects (lifecycle, budgets, linked needs and activities) and resources, satisfaction ratings,
 * community consultation, expert review in contests, and the dashboards (a community built with
 * known counts, every figure checked, JSON and CSV). One-per-person rules are tried with 20
 * parallel requests by one user. Against a live stack (SANSHE_TEST_URL); roles via `sanshe ctl
 * grant` and facts the API cannot make quickly (past check-ins, home communities) through SQL on
 * the stack (SANSHE_TEST_STATE). */
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

#include "apiclient.h"

#define API "/api/v1"
#define TEST(name) static void name(void **state_ __attribute__((unused)))
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define J(j) api_json_text(j)
#define DAY 86400

static char repo_root[PATH_MAX];
static const char *state_dir;
static struct {
    api_user admin, cadmin, ocadmin, leader, sw, resident, other;
    long long community, other_community, org;
} W;

#define sql(...) api_sql_exec(state_dir, __VA_ARGS__)

static long long community_new(const char *what, const char *district, const char *kind)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, api_run_tag());
    return api_jint(want(201, api_req("POST", W.admin.token,
                                      J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Core St",
                                                  "district", district, "kind", kind)),
                                      API "/communities")),
                    "id");
}

/* A filed org of community led by leader; sw (may be NULL) joins as social worker. */
static long long org_new(const char *what, long long community, const api_user *leader, const api_user *sw)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, api_run_tag());
    long long id = api_jint(want(201, api_req("POST", leader->token,
                                              J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id",
                                                          (json_int_t)community, "kind", "association")),
                                              API "/orgs")),
                            "id");
    want(200, api_req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", id));
    if (sw)
        want(201, api_req("POST", leader->token,
                          J(json_pack("{s:I, s:s}", "user_id", (json_int_t)sw->id, "role", "social_worker")),
                          API "/orgs/%lld/members", id));
    return id;
}

/* A published activity of org tomorrow, created by by. */
static long long activity_new(long long org, const api_user *by)
{
    char a[40], b[40];
    time_t now = time(NULL);
    api_fmt_time(now + DAY, a, sizeof a);
    api_fmt_time(now + DAY + 7200, b, sizeof b);
    long long id = api_jint(
        want(201, api_req("POST", by->token,
                          J(json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s, s:f, s:f, s:i}}", "title", "Core activity",
                                      "description", "Helping.", "category", "relief", "starts_at", a, "ends_at", b,
                                      "capacity", 100, "location", "name", "Hall", "lat", 31.23, "lng", 121.47,
                                      "radius_m", 200)),
                          API "/orgs/%lld/activities", org)),
        "id");
    want(200, api_req("POST", by->token, NULL, API "/activities/%lld/publish", id));
    return id;
}

/* Moves an activity into the past (ended days_ago days ago, in the current year) through SQL. */
static void activity_past(long long id, int days_ago)
{
    sql("UPDATE activities SET starts_at = UTC_TIMESTAMP() - INTERVAL %d DAY - INTERVAL 2 HOUR, "
        "ends_at = UTC_TIMESTAMP() - INTERVAL %d DAY WHERE id = %lld", days_ago, days_ago, id);
}

static void checkin_sql(long long activity, long long user)
{
    sql("INSERT INTO checkins (activity_id, user_id, checked_in_at, in_lat, in_lng) "
        "VALUES (%lld, %lld, UTC_TIMESTAMP() - INTERVAL 1 DAY, 31.23, 121.47)", activity, user);
}

static int group_setup(void **state)
{
    (void)state;
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir)) return -1;
    api_login_user(&W.admin, "c_admin");
    if (api_grant(repo_root, state_dir, W.admin.openid, "admin", 0)) return -1;
    api_login_user(&W.admin, "c_admin");
    api_login_user(&W.cadmin, "c_cadmin");
    api_login_user(&W.ocadmin, "c_ocadmin");
    api_login_user(&W.leader, "c_leader");
    api_login_user(&W.sw, "c_sw");
    api_login_user(&W.resident, "c_resident");
    api_login_user(&W.other, "c_other");
    W.community = community_new("core", "Core district", "urban");
    W.other_community = community_new("core other", "Core district", "urban");
    if (api_grant(repo_root, state_dir, W.cadmin.openid, "community_admin", W.community) ||
        api_grant(repo_root, state_dir, W.ocadmin.openid, "community_admin", W.other_community))
        return -1;
    W.org = org_new("core org", W.community, &W.leader, &W.sw);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    api_keep_free();
    return 0;
}

static long long need_new(const api_user *by, long long community, const char *title)
{
    return api_jint(want(201, api_req("POST", by->token,
                                      J(json_pack("{s:I, s:s, s:s, s:s}", "community_id", (json_int_t)community,
                                                  "category", "elderly", "title", title, "description",
                                                  "Meals for the elderly.")),
                                      API "/needs")),
                    "id");
}

/* n copies of one POST by one user, all at once. */
static api_response **parallel_posts(const char *token, const char *path, const char *body, int n)
{
    api_call *calls = calloc((size_t)n, sizeof *calls);
    for (int i = 0; i < n; i++)
        calls[i] = (api_call){.method = "POST", .path = path, .token = token, .body = body,
                              .body_len = body ? strlen(body) : 0};
    api_response **rs = api_parallel(calls, (size_t)n, n);
    free(calls);
    return rs;
}

/* ================================================================ needs */

TEST(test_need_raise_and_bad_input)
{
    long long id = need_new(&W.resident, W.community, "Elderly canteen");
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/needs/%lld", id));
    assert_string_equal(api_jstr(r, "status"), "open");
    assert_int_equal(api_jint(r, "support_count"), 0);
    api_field_error_at(api_req("POST", W.resident.token,
                               J(json_pack("{s:I, s:s, s:s, s:s}", "community_id", (json_int_t)W.community, "category",
                                           "astrology", "title", "Stars", "description", "x")),
                               API "/needs"),
                       422, "category", __FILE__, __LINE__);
    api_field_error_at(api_req("POST", W.resident.token,
                               J(json_pack("{s:I, s:s, s:s, s:s}", "community_id", (json_int_t)999999999, "category",
                                           "other", "title", "Nowhere", "description", "x")),
                               API "/needs"),
                       422, "community_id", __FILE__, __LINE__);
    api_field_error_at(api_req("POST", W.resident.token, "{\"community_id\":\"one\"}", API "/needs"), 400,
                       "community_id", __FILE__, __LINE__);
    assert_api_error(api_req("POST", NULL, "{}", API "/needs"), 401, "unauthorized");
    assert_api_error(api_req("GET", NULL, NULL, API "/needs/999999999"), 404, "not_found");
    assert_api_error(api_req("POST", W.resident.token, NULL, API "/needs/999999999/support"), 404, "not_found");
}

TEST(test_need_support_once_under_concurrency)
{
    long long id = need_new(&W.resident, W.community, "Street lights");
    char path[96];
    snprintf(path, sizeof path, API "/needs/%lld/support", id);
    api_response **rs = parallel_posts(W.other.token, path, NULL, 20);
    for (int i = 0; i < 20; i++) {
        assert_api_status(rs[i], 200);
        assert_int_equal(api_jint(rs[i], "support_count"), 1);
    }
    api_free_all(rs, 20);
    assert_int_equal(api_jint(want(200, api_req("POST", W.resident.token, NULL, "%s", path)), "support_count"), 2);
    assert_int_equal(api_jint(want(200, api_req("GET", NULL, NULL, API "/needs/%lld", id)), "support_count"), 2);
}

TEST(test_need_list_by_support)
{
    long long c = community_new("needs list", "Core district", "rural");
    long long a = need_new(&W.resident, c, "Need A"), b = need_new(&W.resident, c, "Need B");
    need_new(&W.resident, c, "Need C");
    want(200, api_req("POST", W.resident.token, NULL, API "/needs/%lld/support", a));
    want(200, api_req("POST", W.resident.token, NULL, API "/needs/%lld/support", b));
    want(200, api_req("POST", W.other.token, NULL, API "/needs/%lld/support", b));
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/needs?community_id=%lld&sort=support", c));
    json_t *items = api_jarr(r, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(api_mint(json_array_get(items, 0), "id"), b);
    assert_int_equal(api_mint(json_array_get(items, 1), "id"), a);
    /* paging by support keeps the order */
    r = want(200, api_req("GET", NULL, NULL, API "/needs?community_id=%lld&sort=support&limit=2", c));
    const char *next = api_json_str(r, "next_cursor");
    assert_non_null(next);
    char cursor[64];
    snprintf(cursor, sizeof cursor, "%s", next);
    r = want(200, api_req("GET", NULL, NULL, API "/needs?community_id=%lld&sort=support&limit=2&cursor=%s", c, cursor));
    assert_int_equal(json_array_size(api_jarr(r, "items")), 1);
    r = want(200, api_req("GET", NULL, NULL, API "/needs?community_id=%lld&status=resolved", c));
    assert_int_equal(json_array_size(api_jarr(r, "items")), 0);
    api_field_error_at(api_req("GET", NULL, NULL, API "/needs?status=forgotten"), 422, "status", __FILE__, __LINE__);
    api_field_error_at(api_req("GET", NULL, NULL, API "/needs?sort=random"), 422, "sort", __FILE__, __LINE__);
}

TEST(test_need_triage)
{
    long long id = need_new(&W.resident, W.community, "Triage me");
    const char *accept = "{\"status\":\"accepted\",\"note\":\"we will look\"}";
    assert_api_error(api_req("POST", W.resident.token, accept, API "/needs/%lld/triage", id), 403, "forbidden");
    assert_api_error(api_req("POST", W.ocadmin.token, accept, API "/needs/%lld/triage", id), 403, "forbidden");
    api_field_error_at(api_req("POST", W.cadmin.token, "{\"status\":\"open\"}", API "/needs/%lld/triage", id), 422,
                       "status", __FILE__, __LINE__);
    api_response *r = want(200, api_req("POST", W.sw.token, accept, API "/needs/%lld/triage", id));   /* staff there */
    assert_string_equal(api_jstr(r, "status"), "accepted");
    want(200, api_req("POST", W.cadmin.token, "{\"status\":\"resolved\",\"note\":\"done\"}", API "/needs/%lld/triage", id));
    assert_api_error(api_req("POST", W.cadmin.token, accept, API "/needs/%lld/triage", id), 409, "invalid_state");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM audit_log WHERE object_type = 'need' AND object_id = %lld",
                                   id), 2);
}

/* ================================================================ projects and resources */

static const char *project_body(long long org, long long community, long long budget, const char *kind,
                                long long need)
{
    json_t *needs = need ? json_pack("[I]", (json_int_t)need) : json_array();
    return J(json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:o}", "org_id", (json_int_t)org, "community_id",
                       (json_int_t)community, "title", "Elderly meals", "summary", "Hot lunches.", "kind", kind,
                       "budget_cents", (json_int_t)budget, "starts_on", "2026-03-01", "ends_on", "2026-12-31",
                       "need_ids", needs));
}

TEST(test_project_lifecycle)
{
    long long need = need_new(&W.resident, W.community, "Answered need");
    api_response *r = want(201, api_req("POST", W.leader.token,
                                        project_body(W.org, W.community, 500000, "purchase", need),
                                        API "/service-projects"));
    long long id = api_jint(r, "id");
    assert_string_equal(api_jstr(r, "status"), "proposed");
    /* out of order */
    assert_api_error(api_req("POST", W.leader.token, NULL, API "/service-projects/%lld/start", id), 409, "invalid_state");
    assert_api_error(api_req("POST", W.cadmin.token, "{\"score\":90,\"report\":\"ok\"}",
                             API "/service-projects/%lld/evaluate", id), 409, "invalid_state");
    /* who */
    assert_api_error(api_req("POST", W.leader.token, NULL, API "/service-projects/%lld/approve", id), 403, "forbidden");
    assert_api_error(api_req("POST", W.ocadmin.token, NULL, API "/service-projects/%lld/approve", id), 403, "forbidden");
    want(200, api_req("POST", W.cadmin.token, NULL, API "/service-projects/%lld/approve", id));
    assert_api_error(api_req("POST", W.cadmin.token, NULL, API "/service-projects/%lld/approve", id), 409, "invalid_state");
    assert_api_error(api_req("POST", W.sw.token, NULL, API "/service-projects/%lld/start", id), 403, "forbidden");
    want(200, api_req("POST", W.leader.token, NULL, API "/service-projects/%lld/start", id));
    /* an activity of the org joins the project */
    long long act = activity_new(W.org, &W.sw);
    char link[64];
    snprintf(link, sizeof link, "{\"project_id\":%lld}", id);
    want(200, api_req("POST", W.sw.token, link, API "/activities/%lld/project", act));
    assert_api_error(api_req("POST", W.resident.token, link, API "/activities/%lld/project", act), 403, "forbidden");
    api_field_error_at(api_req("POST", W.sw.token, "{\"project_id\":999999999}", API "/activities/%lld/project", act),
                       422, "project_id", __FILE__, __LINE__);
    want(200, api_req("POST", W.leader.token, NULL, API "/service-projects/%lld/complete", id));
    api_field_error_at(api_req("POST", W.cadmin.token, "{\"score\":101,\"report\":\"ok\"}",
                               API "/service-projects/%lld/evaluate", id),
                       422, "score", __FILE__, __LINE__);
    r = want(200, api_req("POST", W.cadmin.token, "{\"score\":88,\"report\":\"Residents satisfied.\"}",
                          API "/service-projects/%lld/evaluate", id));
    assert_string_equal(api_jstr(r, "status"), "evaluated");
    assert_int_equal(api_jint(r, "score"), 88);
    assert_api_error(api_req("POST", W.leader.token, NULL, API "/service-projects/%lld/complete", id), 409, "invalid_state");
    r = want(200, api_req("GET", NULL, NULL, API "/service-projects/%lld", id));
    assert_int_equal(json_integer_value(json_array_get(api_jarr(r, "need_ids"), 0)), need);
    assert_int_equal(json_integer_value(json_array_get(api_jarr(r, "activity_ids"), 0)), act);
    r = want(200, api_req("GET", NULL, NULL, API "/needs/%lld", need));
    assert_int_equal(json_integer_value(json_array_get(api_jarr(r, "project_ids"), 0)), id);
    /* each step left an audit row */
    assert_int_equal(api_sql_count(state_dir,
                                   "SELECT COUNT(*) FROM audit_log WHERE object_type = 'service_project' AND object_id = %lld",
                                   id), 5);
}

TEST(test_project_bad_input)
{
    const char *path = API "/service-projects";
    api_field_error_at(api_req("POST", W.leader.token, project_body(W.org, W.community, -1, "purchase", 0), "%s", path),
                       422, "budget_cents", __FILE__, __LINE__);
    api_field_error_at(api_req("POST", W.leader.token, project_body(W.org, W.community, 1000000001LL, "purchase", 0),
                               "%s", path),
                       422, "budget_cents", __FILE__, __LINE__);
    want(201, api_req("POST", W.leader.token, project_body(W.org, W.community, 1000000000LL, "purchase", 0), "%s", path));
    api_field_error_at(api_req("POST", W.leader.token, project_body(W.org, W.community, 10, "lottery", 0), "%s", path),
                       422, "kind", __FILE__, __LINE__);
    long long far = need_new(&W.resident, W.other_community, "Elsewhere");
    api_field_error_at(api_req("POST", W.leader.token, project_body(W.org, W.community, 10, "purchase", far), "%s", path),
                       422, "need_ids", __FILE__, __LINE__);
    api_field_error_at(api_req("POST", W.leader.token, "{\"need_ids\":\"all\"}", "%s", path), 400, "need_ids", __FILE__,
                       __LINE__);
    assert_api_error(api_req("POST", W.sw.token, project_body(W.org, W.community, 10, "purchase", 0), "%s", path), 403,
                     "forbidden");
    api_field_error_at(api_req("POST", W.leader.token, project_body(999999999, W.community, 10, "purchase", 0), "%s", path),
                       422, "org_id", __FILE__, __LINE__);
    json_t *b = json_loads(project_body(W.org, W.community, 10, "purchase", 0), 0, NULL);
    json_object_set_new(b, "ends_on", json_string("2026-02-30"));
    api_field_error_at(api_req("POST", W.leader.token, J(b), "%s", path), 422, "ends_on", __FILE__, __LINE__);
    assert_api_error(api_req("POST", W.leader.token, NULL, API "/service-projects/999999999/approve"), 404, "not_found");
    api_field_error_at(api_req("GET", NULL, NULL, API "/service-projects?status=dreaming"), 422, "status", __FILE__,
                       __LINE__);
}

TEST(test_resources)
{
    const char *body = J(json_pack("{s:I, s:s, s:s, s:s, s:i}", "community_id", (json_int_t)W.community, "kind",
                                   "venue", "provider", "Neighbourhood committee", "description", "Hall, 80 seats",
                                   "quantity", 1));
    assert_api_error(api_req("POST", W.resident.token, body, API "/resources"), 403, "forbidden");
    assert_api_error(api_req("POST", W.ocadmin.token, body, API "/resources"), 403, "forbidden");
    long long res = api_jint(want(201, api_req("POST", W.sw.token, body, API "/resources")), "id");
    api_field_error_at(api_req("POST", W.cadmin.token,
                               J(json_pack("{s:I, s:s, s:s, s:s, s:i}", "community_id", (json_int_t)W.community, "kind",
                                           "magic", "provider", "x", "description", "y", "quantity", 1)),
                               API "/resources"),
                       422, "kind", __FILE__, __LINE__);
    long long p1 = api_jint(want(201, api_req("POST", W.leader.token,
                                              project_body(W.org, W.community, 100, "micro_venture", 0),
                                              API "/service-projects")),
                            "id");
    long long p2 = api_jint(want(201, api_req("POST", W.leader.token,
                                              project_body(W.org, W.community, 100, "self_funded", 0),
                                              API "/service-projects")),
                            "id");
    char match[96];
    snprintf(match, sizeof match, "{\"resource_id\":%lld,\"note\":\"Saturdays\"}", res);
    assert_api_error(api_req("POST", W.sw.token, match, API "/service-projects/%lld/resources", p1), 403, "forbidden");
    want(201, api_req("POST", W.cadmin.token, match, API "/service-projects/%lld/resources", p1));
    want(200, api_req("POST", W.cadmin.token, match, API "/service-projects/%lld/resources", p1));   /* again */
    want(201, api_req("POST", W.cadmin.token, match, API "/service-projects/%lld/resources", p2));  /* shared */
    api_field_error_at(api_req("POST", W.cadmin.token, "{\"resource_id\":999999999}",
                               API "/service-projects/%lld/resources", p1),
                       422, "resource_id", __FILE__, __LINE__);
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/service-projects/%lld", p1));
    json_t *list = api_jarr(r, "resources");
    assert_int_equal(json_array_size(list), 1);
    assert_string_equal(api_mstr(json_array_get(list, 0), "note"), "Saturdays");
    r = want(200, api_req("GET", NULL, NULL, API "/resources?community_id=%lld&kind=venue", W.community));
    assert_true(json_array_size(api_jarr(r, "items")) >= 1);
}

/* ================================================================ ratings */

TEST(test_ratings)
{
    api_user v1, v2;
    api_login_user(&v1, "c_rater1");
    api_login_user(&v2, "c_rater2");
    long long org = org_new("rated org", W.community, &W.leader, &W.sw);
    long long act = activity_new(org, &W.leader);
    checkin_sql(act, v1.id);
    checkin_sql(act, v2.id);
    const char *five = "{\"score\":5,\"comment\":\"Very good\"}";
    /* not ended yet */
    assert_api_error(api_req("POST", v1.token, five, API "/activities/%lld/ratings", act), 409, "activity_not_ended");
    activity_past(act, 1);
    assert_api_error(api_req("POST", W.other.token, five, API "/activities/%lld/ratings", act), 403, "not_a_participant");
    api_field_error_at(api_req("POST", v1.token, "{\"score\":6}", API "/activities/%lld/ratings", act), 422, "score",
                       __FILE__, __LINE__);
    api_field_error_at(api_req("POST", v1.token, "{\"score\":\"5\"}", API "/activities/%lld/ratings", act), 400, "score",
                       __FILE__, __LINE__);
    char path[96];
    snprintf(path, sizeof path, API "/activities/%lld/ratings", act);
    api_response **rs = parallel_posts(v1.token, path, five, 20);
    int created = 0, dup = 0;
    for (int i = 0; i < 20; i++) {
        if (rs[i]->status == 201) created++;
        else if (api_is_error(rs[i], 409, "already_rated")) dup++;
        else fail_msg("unexpected %ld %s", rs[i]->status, rs[i]->body);
    }
    api_free_all(rs, 20);
    assert_int_equal(created, 1);
    assert_int_equal(dup, 19);
    want(201, api_req("POST", v2.token, "{\"score\":4}", "%s", path));
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/orgs/%lld/ratings", org));
    assert_int_equal(api_jint(r, "count"), 2);
    assert_true(json_real_value(api_json_get(r, "average")) == 4.5);
    assert_int_equal(json_integer_value(api_json_get(r, "by_score.5")), 1);
    assert_int_equal(json_integer_value(api_json_get(r, "by_score.4")), 1);
    /* the org's social worker staffed it; the leader is not a social worker */
    r = want(200, api_req("GET", NULL, NULL, API "/social-workers/%lld/ratings", W.sw.id));
    assert_true(api_jint(r, "count") >= 2);
    r = want(200, api_req("GET", NULL, NULL, API "/social-workers/%lld/ratings", v1.id));
    assert_int_equal(api_jint(r, "count"), 0);
    assert_non_null(api_jnull(r, "average"));
    assert_api_error(api_req("GET", NULL, NULL, API "/social-workers/999999999/ratings"), 404, "not_found");
    free(v1.token);
    free(v2.token);
}

/* ================================================================ consultation */

TEST(test_consultation)
{
    char closes[40];
    api_fmt_time(time(NULL) + 7 * DAY, closes, sizeof closes);
    const char *body = J(json_pack("{s:I, s:s, s:s, s:[s, s, s], s:s}", "community_id", (json_int_t)W.community, "title",
                                   "Parking on Elm Road", "body", "Where should bikes park?", "options", "North yard",
                                   "South yard", "Both", "closes_at", closes));
    assert_api_error(api_req("POST", W.resident.token, body, API "/consultations"), 403, "forbidden");
    api_field_error_at(api_req("POST", W.cadmin.token,
                               J(json_pack("{s:I, s:s, s:s, s:[s], s:s}", "community_id", (json_int_t)W.community,
                                           "title", "One option", "body", "b", "options", "Only", "closes_at", closes)),
                               API "/consultations"),
                       422, "options", __FILE__, __LINE__);
    /* after what the store holds (2037-12-31): 422, never a 5xx */
    api_field_error_at(api_req("POST", W.cadmin.token,
                               J(json_pack("{s:I, s:s, s:s, s:[s, s], s:s}", "community_id", (json_int_t)W.community,
                                           "title", "Far away", "body", "b", "options", "a", "b", "closes_at",
                                           "2040-01-01T00:00:00Z")),
                               API "/consultations"),
                       422, "closes_at", __FILE__, __LINE__);
    long long id = api_jint(want(201, api_req("POST", W.cadmin.token, body, API "/consultations")), "id");
    api_user r1, r2, r3;
    api_login_user(&r1, "c_res1");
    api_login_user(&r2, "c_res2");
    api_login_user(&r3, "c_res3");
    /* not a resident here (yet) */
    assert_api_error(api_req("POST", r1.token, "{\"option\":0}", API "/consultations/%lld/ballots", id), 403,
                     "not_a_resident_here");
    assert_api_error(api_req("POST", r1.token, "{\"body\":\"hi\"}", API "/consultations/%lld/comments", id), 403,
                     "not_a_resident_here");
    sql("UPDATE users SET home_community_id = %lld WHERE id IN (%lld, %lld, %lld)", W.community, r1.id, r2.id, r3.id);
    sql("UPDATE users SET home_community_id = %lld WHERE id = %lld", W.other_community, W.other.id);
    assert_api_error(api_req("POST", W.other.token, "{\"option\":0}", API "/consultations/%lld/ballots", id), 403,
                     "not_a_resident_here");
    want(201, api_req("POST", r1.token, "{\"body\":\"North is closer.\"}", API "/consultations/%lld/comments", id));
    api_field_error_at(api_req("POST", r1.token, "{\"option\":3}", API "/consultations/%lld/ballots", id), 422, "option",
                       __FILE__, __LINE__);
    char path[96];
    snprintf(path, sizeof path, API "/consultations/%lld/ballots", id);
    api_response **rs = parallel_posts(r1.token, path, "{\"option\":0}", 20);
    int created = 0, dup = 0;
    for (int i = 0; i < 20; i++) {
        if (rs[i]->status == 201) created++;
        else if (api_is_error(rs[i], 409, "already_voted")) dup++;
        else fail_msg("unexpected %ld %s", rs[i]->status, rs[i]->body);
    }
    api_free_all(rs, 20);
    assert_int_equal(created, 1);
    assert_int_equal(dup, 19);
    want(201, api_req("POST", r2.token, "{\"option\":1}", "%s", path));
    /* only the convener or the community's admin moves it on */
    assert_api_error(api_req("POST", r1.token, "{\"decision\":\"North\"}", API "/consultations/%lld/resolve", id), 403,
                     "forbidden");
    assert_api_error(api_req("POST", W.cadmin.token, NULL, API "/consultations/%lld/publicize", id), 409, "invalid_state");
    want(200, api_req("POST", W.cadmin.token, "{\"decision\":\"Both yards, north first.\"}",
                      API "/consultations/%lld/resolve", id));
    /* the tally is frozen */
    assert_api_error(api_req("POST", r3.token, "{\"option\":2}", "%s", path), 409, "invalid_state");
    assert_api_error(api_req("POST", r3.token, "{\"body\":\"late\"}", API "/consultations/%lld/comments", id), 409,
                     "invalid_state");
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/consultations/%lld", id));
    assert_string_equal(api_jstr(r, "stage"), "resolved");
    assert_int_equal(api_jint(r, "ballots"), 2);
    assert_non_null(api_jnull(r, "decision"));   /* not publicized yet */
    json_t *opts = api_jarr(r, "options");
    assert_int_equal(api_mint(json_array_get(opts, 0), "votes"), 1);
    assert_int_equal(api_mint(json_array_get(opts, 1), "votes"), 1);
    assert_int_equal(api_mint(json_array_get(opts, 2), "votes"), 0);
    want(200, api_req("POST", W.cadmin.token, NULL, API "/consultations/%lld/publicize", id));
    want(200, api_req("POST", W.cadmin.token, "{\"body\":\"Racks installed in both yards.\"}",
                      API "/consultations/%lld/feedback", id));
    r = want(200, api_req("GET", NULL, NULL, API "/consultations/%lld", id));
    assert_string_equal(api_jstr(r, "stage"), "feedback");
    assert_string_equal(api_jstr(r, "decision"), "Both yards, north first.");
    assert_int_equal(json_array_size(api_jarr(r, "timeline")), 4);
    assert_int_equal(json_array_size(api_jarr(r, "comments")), 1);
    assert_api_error(api_req("GET", NULL, NULL, API "/consultations/999999999"), 404, "not_found");
    free(r1.token);
    free(r2.token);
    free(r3.token);
}

/* ================================================================ expert review */

TEST(test_expert_review)
{
    char h[40], w[40];
    time_t now = time(NULL);
    api_fmt_time(now - 3600, h, sizeof h);
    api_fmt_time(now + 7 * DAY, w, sizeof w);
    long long contest = api_jint(
        want(201, api_req("POST", W.admin.token,
                          J(json_pack("{s:s, s:i, s:i, s:s, s:s, s:s, s:f}", "title", "Core contest", "budget_cents",
                                      100000, "votes_per_user_per_day", 3, "submit_until", w, "vote_from", h,
                                      "vote_until", w, "expert_weight", 0.5)),
                          API "/contests")),
        "id");
    long long p[2];
    for (int i = 0; i < 2; i++) {
        p[i] = api_jint(want(201, api_req("POST", W.leader.token,
                                          J(json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)W.org, "title",
                                                      i ? "Garden" : "Library", "summary", "s", "budget_cents", 5000)),
                                          API "/contests/%lld/projects", contest)),
                        "id");
        want(200, api_req("POST", W.admin.token, NULL, API "/contest-projects/%lld/approve", p[i]));
    }
    char rv[64];
    snprintf(rv, sizeof rv, "{\"user_id\":%lld}", W.other.id);
    assert_api_error(api_req("POST", W.cadmin.token, rv, API "/contests/%lld/reviewers", contest), 403, "forbidden");
    want(201, api_req("POST", W.admin.token, rv, API "/contests/%lld/reviewers", contest));
    want(200, api_req("POST", W.admin.token, rv, API "/contests/%lld/reviewers", contest));
    api_field_error_at(api_req("POST", W.admin.token, "{\"user_id\":999999999}", API "/contests/%lld/reviewers", contest),
                       422, "user_id", __FILE__, __LINE__);
    assert_api_error(api_req("POST", W.resident.token, "{\"score\":80}", API "/contest-projects/%lld/reviews", p[0]), 403,
                     "not_a_reviewer");
    api_field_error_at(api_req("POST", W.other.token, "{\"score\":101}", API "/contest-projects/%lld/reviews", p[0]), 422,
                       "score", __FILE__, __LINE__);
    want(201, api_req("POST", W.other.token, "{\"score\":40,\"comment\":\"thin plan\"}",
                      API "/contest-projects/%lld/reviews", p[0]));
    want(200, api_req("POST", W.other.token, "{\"score\":60}", API "/contest-projects/%lld/reviews", p[0]));   /* edit */
    want(201, api_req("POST", W.other.token, "{\"score\":90}", API "/contest-projects/%lld/reviews", p[1]));
    char vote[64];
    snprintf(vote, sizeof vote, "{\"project_id\":%lld}", p[0]);
    want(201, api_req("POST", W.resident.token, vote, API "/contests/%lld/votes", contest));
    want(201, api_req("POST", W.other.token, vote, API "/contests/%lld/votes", contest));
    /* p0: 0.5*60 + 0.5*100 = 80; p1: 0.5*90 + 0 = 45 */
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/contests/%lld/results", contest));
    json_t *items = api_jarr(r, "items");
    assert_int_equal(api_mint(json_array_get(items, 0), "id"), p[0]);
    assert_true(json_real_value(json_object_get(json_array_get(items, 0), "composite")) == 80.0);
    assert_true(json_real_value(json_object_get(json_array_get(items, 0), "expert_score")) == 60.0);
    assert_true(json_real_value(json_object_get(json_array_get(items, 1), "composite")) == 45.0);
    assert_true(json_real_value(api_json_get(r, "expert_weight")) == 0.5);
    /* voting ended: reviews are closed */
    sql("UPDATE contests SET vote_until = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = %lld", contest);
    api_sleep_ms(1100);   /* a change behind the app's back: a contest as kept may be 1 s old (openapi.yaml) */
    assert_api_error(api_req("POST", W.other.token, "{\"score\":10}", API "/contest-projects/%lld/reviews", p[1]), 409,
                     "review_closed");
}

/* ================================================================ dashboards */

static json_t *fig(const api_response *r, const char *path)
{
    json_t *x = api_json_get(r, path);
    if (!x) fail_msg("no %s in %s", path, r->body);
    return x;
}
#define FIG_I(r, p) ((long long)json_integer_value(fig((r), (p))))
#define FIG_R(r, p) json_number_value(fig((r), (p)))
#define FIG_B(r, p) json_is_true(fig((r), (p)))

TEST(test_dashboard_figures)
{
    char district[64];
    snprintf(district, sizeof district, "Dash %s", api_run_tag());
    char name[96];
    snprintf(name, sizeof name, "dash %s", api_run_tag());
    long long c = api_jint(want(201, api_req("POST", W.admin.token,
                                             J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Dash St",
                                                         "district", district, "kind", "rural")),
                                             API "/communities")),
                           "id");
    api_user ldr, sw2, v[3], cad;
    api_login_user(&ldr, "d_leader");
    api_login_user(&sw2, "d_sw");
    api_login_user(&cad, "d_cadmin");
    for (int i = 0; i < 3; i++) {
        char w[16];
        snprintf(w, sizeof w, "d_vol%d", i);
        api_login_user(&v[i], w);
    }
    assert_int_equal(api_grant(repo_root, state_dir, cad.openid, "community_admin", c), 0);
    /* 3 filed orgs (stages: startup, growing, mature), 1 pending; social workers: sw2 in two orgs, W.sw in one -> 2 */
    long long oa = org_new("dash A", c, &ldr, &sw2), ob = org_new("dash B", c, &ldr, &sw2), oc = org_new("dash C", c, &ldr, &W.sw);
    want(201, api_req("POST", ldr.token,
                      J(json_pack("{s:s, s:I, s:s}", "name", "dash pending", "community_id", (json_int_t)c, "kind",
                                  "association")),
                      API "/orgs"));
    want(200, api_req("PATCH", W.admin.token, "{\"stage\":\"growing\"}", API "/orgs/%lld", ob));
    want(200, api_req("PATCH", W.admin.token, "{\"stage\":\"mature\"}", API "/orgs/%lld", oc));
    /* activities: A holds two with check-ins, B one without, C none -> 1 active org of 3 */
    long long a1 = activity_new(oa, &ldr), a2 = activity_new(oa, &ldr), b1 = activity_new(ob, &ldr);
    activity_past(a1, 3);
    activity_past(a2, 2);
    activity_past(b1, 2);
    checkin_sql(a1, v[0].id);
    checkin_sql(a1, v[1].id);
    checkin_sql(a2, v[0].id);
    checkin_sql(a2, v[2].id);   /* 3 distinct volunteers, 4 check-ins */
    sql("INSERT INTO service_records (user_id, activity_id, kind, minutes, created_by, created_at) VALUES "
        "(%lld, %lld, 'correction', 90, %lld, UTC_TIMESTAMP()), (%lld, %lld, 'correction', 30, %lld, UTC_TIMESTAMP())",
        v[0].id, a1, ldr.id, v[1].id, a1, ldr.id);
    /* ratings 5 and 4 -> 4.5 */
    want(201, api_req("POST", v[0].token, "{\"score\":5}", API "/activities/%lld/ratings", a1));
    want(201, api_req("POST", v[1].token, "{\"score\":4}", API "/activities/%lld/ratings", a1));
    /* projects: one purchase approved, one micro-venture proposed */
    long long p1 = api_jint(want(201, api_req("POST", ldr.token, project_body(oa, c, 1000, "purchase", 0),
                                              API "/service-projects")), "id");
    want(201, api_req("POST", ldr.token, project_body(ob, c, 1000, "micro_venture", 0), API "/service-projects"));
    want(200, api_req("POST", cad.token, NULL, API "/service-projects/%lld/approve", p1));
    sql("UPDATE service_projects SET starts_on = CONCAT(YEAR(UTC_TIMESTAMP() + INTERVAL 8 HOUR), '-03-01') "
        "WHERE community_id = %lld", c);
    /* needs: 2 open, 1 resolved */
    need_new(&W.resident, c, "n1");
    need_new(&W.resident, c, "n2");
    long long n3 = need_new(&W.resident, c, "n3");
    want(200, api_req("POST", cad.token, "{\"status\":\"resolved\"}", API "/needs/%lld/triage", n3));

    time_t now = time(NULL) + 8 * 3600;
    struct tm tm;
    gmtime_r(&now, &tm);
    int year = tm.tm_year + 1900;
    api_response *r = want(200, api_req("GET", cad.token, NULL, API "/stats/communities/%lld?year=%d", c, year));
    assert_int_equal(FIG_I(r, "orgs_filed.value"), 3);
    assert_int_equal(FIG_I(r, "orgs_filed.by_stage.startup"), 1);
    assert_int_equal(FIG_I(r, "orgs_filed.by_stage.growing"), 1);
    assert_int_equal(FIG_I(r, "orgs_filed.by_stage.mature"), 1);
    assert_int_equal(FIG_I(r, "orgs_filed.target"), 5);
    assert_false(FIG_B(r, "orgs_filed.met"));
    assert_int_equal(FIG_I(r, "orgs_target"), 5);
    assert_int_equal(FIG_I(r, "social_workers.value"), 2);
    assert_int_equal(FIG_I(r, "social_workers.target"), 1);
    assert_true(FIG_B(r, "social_workers.met"));
    assert_int_equal(FIG_I(r, "activity_rate.active_orgs"), 1);
    assert_int_equal(FIG_I(r, "activity_rate.filed_orgs"), 3);
    assert_true(FIG_R(r, "activity_rate.value") == 0.3333);
    assert_true(FIG_R(r, "activity_rate.target") == 0.6);
    assert_false(FIG_B(r, "activity_rate.met"));
    assert_int_equal(FIG_I(r, "activities_held.value"), 2);
    assert_int_equal(FIG_I(r, "volunteers_active.value"), 3);
    assert_int_equal(FIG_I(r, "service_hours.minutes"), 120);
    assert_true(FIG_R(r, "service_hours.value") == 2.0);
    assert_int_equal(FIG_I(r, "projects.by_kind.purchase.approved"), 1);
    assert_int_equal(FIG_I(r, "projects.by_kind.micro_venture.proposed"), 1);
    assert_int_equal(FIG_I(r, "projects.professional.value"), 1);
    assert_int_equal(FIG_I(r, "projects.professional.target"), 2);
    assert_false(FIG_B(r, "projects.professional.met"));
    assert_int_equal(FIG_I(r, "projects.micro_venture.value"), 0);
    assert_false(FIG_B(r, "projects.micro_venture.met"));
    assert_int_equal(FIG_I(r, "needs.raised"), 3);
    assert_int_equal(FIG_I(r, "needs.open"), 2);
    assert_int_equal(FIG_I(r, "needs.resolved"), 1);
    assert_true(FIG_R(r, "satisfaction.value") == 4.5);
    assert_int_equal(FIG_I(r, "satisfaction.ratings"), 2);
    /* another year has none of the activity figures */
    r = want(200, api_req("GET", cad.token, NULL, API "/stats/communities/%lld?year=%d", c, year - 1));
    assert_int_equal(FIG_I(r, "activities_held.value"), 0);
    assert_int_equal(FIG_I(r, "orgs_filed.value"), 3);
    /* the district sum: this community alone */
    r = want(200, api_req("GET", W.admin.token, NULL, API "/stats?district=%s&year=%d", "Dash%20", year));
    assert_int_equal(json_array_size(api_jarr(r, "communities")), 0);
    char q[160];
    snprintf(q, sizeof q, API "/stats?year=%d&district=Dash%%20%s", year, api_run_tag());
    r = want(200, api_req("GET", W.admin.token, NULL, "%s", q));
    assert_int_equal(json_array_size(api_jarr(r, "communities")), 1);
    assert_int_equal(FIG_I(r, "total.volunteers_active.value"), 3);
    assert_int_equal(FIG_I(r, "total.communities"), 1);
    assert_int_equal(FIG_I(r, "total.orgs_filed.target"), 5);
    /* a community admin sees their own only */
    r = want(200, api_req("GET", W.cadmin.token, NULL, "%s", q));
    assert_int_equal(json_array_size(api_jarr(r, "communities")), 0);
    assert_api_error(api_req("GET", W.cadmin.token, NULL, API "/stats/communities/%lld", c), 403, "forbidden");
    assert_api_error(api_req("GET", W.resident.token, NULL, API "/stats/communities/%lld", c), 403, "forbidden");
    assert_api_error(api_req("GET", W.admin.token, NULL, API "/stats/communities/999999999"), 404, "not_found");
    api_field_error_at(api_req("GET", W.admin.token, NULL, API "/stats?year=1900"), 400, "year", __FILE__, __LINE__);
    api_field_error_at(api_req("GET", W.admin.token, NULL, API "/stats?format=xml"), 422, "format", __FILE__, __LINE__);
    /* CSV */
    snprintf(q, sizeof q, API "/stats?year=%d&district=Dash%%20%s&format=csv", year, api_run_tag());
    r = want(200, api_req("GET", W.admin.token, NULL, "%s", q));
    assert_non_null(r->content_type);
    assert_non_null(strstr(r->content_type, "text/csv"));
    assert_non_null(strstr(r->body, "community_id,name,"));
    char line[64];
    snprintf(line, sizeof line, "\n%lld,", c);
    assert_non_null(strstr(r->body, line));
    assert_non_null(strstr(r->body, "\ntotal,"));
    free(ldr.token);
    free(sw2.token);
    free(cad.token);
    for (int i = 0; i < 3; i++) free(v[i].token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_need_raise_and_bad_input), cmocka_unit_test(test_need_support_once_under_concurrency),
        cmocka_unit_test(test_need_list_by_support),     cmocka_unit_test(test_need_triage),
        cmocka_unit_test(test_project_lifecycle),        cmocka_unit_test(test_project_bad_input),
        cmocka_unit_test(test_resources),                cmocka_unit_test(test_ratings),
        cmocka_unit_test(test_consultation),             cmocka_unit_test(test_expert_review),
        cmocka_unit_test(test_dashboard_figures),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
