/* API tests for content safety against a live stack (SANSHE_TEST_URL) and its fake WeChat
 * (msgSecCheck: 违禁测试 -> risky, 待审测试 -> review, else pass): risky text is refused with 422
 * content_risky and nothing is stored; text sent to review is stored but hidden from the public
 * and other users until staff pass it through the queue (GET /api/v1/content-reviews, POST
 * .../pass|reject, audited); WeChat down or slow puts the text in review, never a 5xx; the
 * access token is shared by every worker (N parallel checks after the token went stale: one
 * stable_token call). Roles come from `sanshe ctl grant` on the stack in SANSHE_TEST_STATE. */
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
#define HOUR 3600
#define DAY 86400
#define PARALLEL 8
#define TEST(name) static void name(void **state_ __attribute__((unused)))
#define req(...) api_req(__VA_ARGS__)
#define J(j) api_json_text(j)
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define jint(r, path) api_jint((r), (path))
#define jstr(r, path) api_jstr((r), (path))
#define jarr(r, path) api_jarr((r), (path))

typedef api_user user;

static const char *run_tag;
static char repo_root[PATH_MAX];
static const char *state_dir;

static struct {
    user admin, cadmin, ocadmin, leader, resident;
    long long community, other_community, org;
} W;

/* ---------------------------------------------------------------- the fake WeChat */

/* POST /__fake/config body on the fake WeChat; its reply (a new reference). */
static json_t *fake_config(const char *body)
{
    json_t *j = api_fake(state_dir, "POST", "/__fake/config", body);
    assert_non_null(j);
    return j;
}

static long long token_calls(void)
{
    json_t *j = fake_config("{}");
    long long n = (long long)json_integer_value(json_object_get(j, "token_calls"));
    json_decref(j);
    return n;
}

static void set_fake(const char *body) { json_decref(fake_config(body)); }

/* ---------------------------------------------------------------- helpers */

static json_t *activity_body(const char *title, const char *description)
{
    char full[160], s[40], e[40];
    time_t now = time(NULL);
    snprintf(full, sizeof full, "%s %s", title, run_tag);
    api_fmt_time(now + DAY, s, sizeof s);
    api_fmt_time(now + DAY + 2 * HOUR, e, sizeof e);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s, s:f, s:f, s:i}}", "title", full, "description",
                     description, "category", "relief", "starts_at", s, "ends_at", e, "capacity", 10, "location",
                     "name", "Community hall", "lat", 31.230416, "lng", 121.473701, "radius_m", 200);
}

/* Creates an activity in W.org as its leader and publishes it; the create reply's content_status
 * into status (when not NULL). */
static long long activity_new(const char *title, const char *description, const char **status)
{
    api_response *r = want(201, req("POST", W.leader.token, J(activity_body(title, description)),
                                    API "/orgs/%lld/activities", W.org));
    long long id = jint(r, "id");
    if (status) *status = jstr(r, "content_status");
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/publish", id));
    return id;
}

/* 1 when the list at path (JSON {items}) holds an item whose member key is id. */
static int listed(const char *token, const char *key, long long id, const char *path)
{
    api_response *r = want(200, req("GET", token, NULL, "%s", path));
    json_t *it;
    size_t i;
    json_array_foreach(jarr(r, "items"), i, it) if (api_mint(it, key) == id) return 1;
    return 0;
}

/* The pending queue item of activity id seen by token (0: none). */
static long long queue_item(const char *token, long long activity, const char **reason)
{
    api_response *r = want(200, req("GET", token, NULL, API "/content-reviews?status=pending&limit=100"));
    json_t *it;
    size_t i;
    json_array_foreach(jarr(r, "items"), i, it) {
        if (strcmp(api_mstr(it, "object_type"), "activity") == 0 && api_mint(it, "object_id") == activity) {
            if (reason) *reason = api_mstr(it, "reason");
            return api_mint(it, "id");
        }
    }
    return 0;
}

/* Activities stored with title "<title> <run tag>". */
static long long activities_titled(const char *title)
{
    return api_sql_count(state_dir, "SELECT COUNT(*) FROM activities WHERE title = '%s %s'", title, run_tag);
}

static int public_sees(long long id)
{
    char path[160];
    snprintf(path, sizeof path, API "/activities?community_id=%lld&limit=100", W.community);
    return listed(NULL, "id", id, path);
}

/* ---------------------------------------------------------------- tests */

TEST(test_risky_refused_nothing_stored)
{
    api_response *r = req("POST", W.leader.token, J(activity_body("违禁测试 title", "Helping neighbours.")),
                          API "/orgs/%lld/activities", W.org);
    assert_api_error(r, 422, "content_risky");
    assert_int_equal(activities_titled("违禁测试 title"), 0);
    r = req("POST", W.leader.token, J(activity_body("Risky description", "这里有违禁测试内容")),
            API "/orgs/%lld/activities", W.org);
    assert_api_error(r, 422, "content_risky");
    assert_int_equal(activities_titled("Risky description"), 0);

    /* an edit with risky text changes nothing */
    const char *status;
    long long id = activity_new("Clean", "Helping neighbours.", &status);
    assert_string_equal(status, "visible");
    assert_true(public_sees(id));
    assert_api_error(req("PATCH", W.leader.token, "{\"description\":\"违禁测试\"}", API "/activities/%lld", id), 422,
                     "content_risky");
    r = want(200, req("GET", NULL, NULL, API "/activities/%lld", id));
    assert_string_equal(jstr(r, "description"), "Helping neighbours.");
}

TEST(test_review_hidden_until_passed)
{
    const char *status, *reason = NULL;
    long long id = activity_new("待审测试 title", "Helping neighbours.", &status);
    assert_string_equal(status, "review");
    assert_int_equal(activities_titled("待审测试 title"), 1);   /* stored */

    /* hidden from the public and from other users */
    assert_api_error(req("GET", NULL, NULL, API "/activities/%lld", id), 404, "not_found");
    assert_api_error(req("GET", W.resident.token, NULL, API "/activities/%lld", id), 404, "not_found");
    assert_api_error(req("GET", W.ocadmin.token, NULL, API "/activities/%lld", id), 404, "not_found");
    assert_false(public_sees(id));
    char path[160];
    snprintf(path, sizeof path, API "/orgs/%lld/activities?limit=100", W.org);
    assert_false(listed(NULL, "id", id, path));
    assert_false(listed(W.resident.token, "id", id, path));
    /* visible to staff: the org's leader, the community's admin, an admin */
    assert_string_equal(jstr(want(200, req("GET", W.leader.token, NULL, API "/activities/%lld", id)), "content_status"),
                        "review");
    want(200, req("GET", W.cadmin.token, NULL, API "/activities/%lld", id));
    want(200, req("GET", W.admin.token, NULL, API "/activities/%lld", id));
    assert_true(listed(W.leader.token, "id", id, path));

    /* the queue: admins and the community's admins; not another community's admin, not residents */
    long long item = queue_item(W.admin.token, id, &reason);
    assert_true(item > 0);
    assert_string_equal(reason, "review");
    assert_int_equal(queue_item(W.cadmin.token, id, NULL), item);
    assert_int_equal(queue_item(W.ocadmin.token, id, NULL), 0);
    assert_api_error(req("GET", W.resident.token, NULL, API "/content-reviews"), 403, "forbidden");
    assert_api_error(req("GET", NULL, NULL, API "/content-reviews"), 401, "unauthorized");
    assert_api_error(req("POST", W.ocadmin.token, NULL, API "/content-reviews/%lld/pass", item), 403, "forbidden");
    assert_api_error(req("POST", W.resident.token, NULL, API "/content-reviews/%lld/pass", item), 403, "forbidden");
    assert_api_error(req("GET", W.admin.token, NULL, API "/content-reviews?status=nope"), 400, "bad_request");

    /* passed: visible to everyone, out of the pending queue, audited */
    api_response *r = want(200, req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", item));
    assert_string_equal(jstr(r, "status"), "passed");
    r = want(200, req("GET", NULL, NULL, API "/activities/%lld", id));
    assert_string_equal(jstr(r, "content_status"), "visible");
    assert_true(public_sees(id));
    assert_int_equal(queue_item(W.admin.token, id, NULL), 0);
    assert_api_error(req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", item), 409, "invalid_state");
    r = want(200, req("GET", W.admin.token, NULL, API "/audit?object_type=activity&object_id=%lld&limit=100", id));
    json_t *it;
    size_t i;
    int audited = 0;
    json_array_foreach(jarr(r, "items"), i, it) audited += strcmp(api_mstr(it, "action"), "content.pass") == 0 &&
                                                          api_mint(it, "actor_id") == W.cadmin.id;
    assert_int_equal(audited, 1);
}

TEST(test_review_rejected_stays_hidden)
{
    long long id = activity_new("Reject me", "说明里有待审测试", NULL);
    long long item = queue_item(W.admin.token, id, NULL);
    assert_true(item > 0);
    api_response *r = want(200, req("POST", W.admin.token, NULL, API "/content-reviews/%lld/reject", item));
    assert_string_equal(jstr(r, "status"), "rejected");
    assert_api_error(req("GET", NULL, NULL, API "/activities/%lld", id), 404, "not_found");
    assert_false(public_sees(id));
    char path[160];
    snprintf(path, sizeof path, API "/content-reviews?status=rejected&limit=100");
    assert_true(listed(W.admin.token, "object_id", id, path));
}

TEST(test_edit_sent_to_review_hides)
{
    long long id = activity_new("Edited later", "Helping neighbours.", NULL);
    assert_true(public_sees(id));
    api_response *r = want(200, req("PATCH", W.leader.token, "{\"description\":\"改为待审测试\"}",
                                    API "/activities/%lld", id));
    assert_string_equal(jstr(r, "content_status"), "review");
    assert_api_error(req("GET", NULL, NULL, API "/activities/%lld", id), 404, "not_found");
    assert_false(public_sees(id));
    assert_true(queue_item(W.cadmin.token, id, NULL) > 0);
}

TEST(test_wechat_down_waits_in_review)
{
    set_fake("{\"sec_down\": true}");
    api_response *r = req("POST", W.leader.token, J(activity_body("Down", "Helping neighbours.")),
                          API "/orgs/%lld/activities", W.org);
    set_fake("{\"sec_down\": false}");
    want(201, r);
    long long id = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/publish", id));
    assert_api_error(req("GET", NULL, NULL, API "/activities/%lld", id), 404, "not_found");
    const char *reason = NULL;
    assert_true(queue_item(W.admin.token, id, &reason) > 0);
    assert_string_equal(reason, "unchecked");

    /* slower than the app's WeChat timeout: the same */
    set_fake("{\"sec_delay_ms\": 4000}");
    r = req("POST", W.leader.token, J(activity_body("Slow", "Helping neighbours.")), API "/orgs/%lld/activities",
            W.org);
    set_fake("{\"sec_delay_ms\": 0}");
    want(201, r);
    assert_string_equal(jstr(r, "content_status"), "review");
}

TEST(test_token_shared_by_workers)
{
    long long ids[PARALLEL];
    for (int i = 0; i < PARALLEL; i++) ids[i] = activity_new("Shared token", "Helping neighbours.", NULL);
    /* the kept token goes stale at WeChat: every worker's next check is refused once */
    set_fake("{\"rotate_token\": true}");
    long long before = token_calls();
    api_call calls[PARALLEL];
    char paths[PARALLEL][96], bodies[PARALLEL][96];
    for (int i = 0; i < PARALLEL; i++) {
        snprintf(paths[i], sizeof paths[i], "%s" API "/activities/%lld", "", ids[i]);
        snprintf(bodies[i], sizeof bodies[i], "{\"description\":\"Edit %d\"}", i);
        calls[i] = (api_call){.method = "PATCH", .path = paths[i], .token = W.leader.token, .body = bodies[i],
                              .body_len = strlen(bodies[i])};
    }
    api_response **rs = api_parallel(calls, PARALLEL, PARALLEL);
    for (int i = 0; i < PARALLEL; i++) {
        assert_api_status(rs[i], 200);
        assert_string_equal(json_string_value(json_object_get(rs[i]->json, "content_status")), "visible");
    }
    api_free_all(rs, PARALLEL);
    assert_int_equal(token_calls() - before, 1);
    /* and the fresh token is kept: more checks fetch none */
    before = token_calls();
    want(200, req("PATCH", W.leader.token, "{\"description\":\"Again\"}", API "/activities/%lld", ids[0]));
    assert_int_equal(token_calls(), before);
}

/* The pending queue item of object (type, id) seen by token (0: none), paging through the queue. */
static long long queue_item_of(const char *token, const char *type, long long id)
{
    for (long long after = 0;;) {
        char page[40] = "";
        if (after) snprintf(page, sizeof page, "&cursor=%lld", after);
        api_response *r = want(200, req("GET", token, NULL, API "/content-reviews?status=pending&limit=100%s", page));
        json_t *it, *list = jarr(r, "items");
        size_t i;
        json_array_foreach(list, i, it) if (strcmp(api_mstr(it, "object_type"), type) == 0 &&
                                            api_mint(it, "object_id") == id) return api_mint(it, "id");
        if (json_array_size(list) < 100) return 0;
        after = api_mint(json_array_get(list, 99), "id");
    }
}

static api_response *org_file(const char *name, const char *summary)
{
    char full[160];
    snprintf(full, sizeof full, "%s %s", name, run_tag);
    return req("POST", W.resident.token,
               J(json_pack("{s:s, s:I, s:s, s:s}", "name", full, "community_id", (json_int_t)W.community, "kind",
                           "association", "summary", summary)),
               API "/orgs");
}

TEST(test_org_risky_and_review)
{
    assert_api_error(org_file("违禁测试 org", "neighbours"), 422, "content_risky");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM organizations WHERE name = '违禁测试 org %s'",
                                   run_tag), 0);

    api_response *r = want(201, org_file("Held org", "待审测试 summary"));
    long long org = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    want(200, req("POST", W.cadmin.token, NULL, API "/orgs/%lld/approve", org));   /* filed, but still held */
    assert_api_error(req("GET", NULL, NULL, API "/orgs/%lld", org), 404, "not_found");
    assert_api_error(req("GET", W.leader.token, NULL, API "/orgs/%lld", org), 404, "not_found");
    char path[160];
    snprintf(path, sizeof path, API "/orgs?community_id=%lld&limit=100", W.community);
    assert_false(listed(NULL, "id", org, path));
    want(200, req("GET", W.cadmin.token, NULL, API "/orgs/%lld", org));
    long long item = queue_item_of(W.cadmin.token, "org", org);
    assert_true(item > 0);
    want(200, req("POST", W.admin.token, NULL, API "/content-reviews/%lld/pass", item));
    assert_string_equal(jstr(want(200, req("GET", NULL, NULL, API "/orgs/%lld", org)), "content_status"), "visible");
    assert_true(listed(NULL, "id", org, path));
}

static api_response *need_raise(const char *title, const char *description)
{
    char full[160];
    snprintf(full, sizeof full, "%s %s", title, run_tag);
    return req("POST", W.resident.token,
               J(json_pack("{s:I, s:s, s:s, s:s}", "community_id", (json_int_t)W.community, "category", "elderly",
                           "title", full, "description", description)),
               API "/needs");
}

TEST(test_need_risky_and_review)
{
    assert_api_error(need_raise("Risky need", "违禁测试 meals"), 422, "content_risky");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM needs WHERE title = 'Risky need %s'", run_tag), 0);

    api_response *r = want(201, need_raise("待审测试 need", "meals"));
    long long need = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    char path[160];
    snprintf(path, sizeof path, API "/needs?community_id=%lld&sort=new&limit=100", W.community);
    assert_false(listed(NULL, "id", need, path));
    assert_api_error(req("GET", NULL, NULL, API "/needs/%lld", need), 404, "not_found");
    assert_api_error(req("GET", W.ocadmin.token, NULL, API "/needs/%lld", need), 404, "not_found");
    want(200, req("GET", W.resident.token, NULL, API "/needs/%lld", need));   /* its raiser */
    want(200, req("GET", W.cadmin.token, NULL, API "/needs/%lld", need));     /* the community's admin */
    long long item = queue_item_of(W.cadmin.token, "need", need);
    assert_true(item > 0);
    want(200, req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", item));
    want(200, req("GET", NULL, NULL, API "/needs/%lld", need));
    assert_true(listed(NULL, "id", need, path));
}

/* 1 when GET /consultations/{id} as token shows comment */
static int comment_shown(const char *token, long long consultation, long long comment)
{
    api_response *r = want(200, req("GET", token, NULL, API "/consultations/%lld", consultation));
    json_t *it;
    size_t i;
    json_array_foreach(jarr(r, "comments"), i, it) if (api_mint(it, "id") == comment) return 1;
    return 0;
}

TEST(test_comment_risky_and_review)
{
    char closes[40];
    api_fmt_time(time(NULL) + 7 * DAY, closes, sizeof closes);
    long long cons = jint(want(201, req("POST", W.cadmin.token,
                                        J(json_pack("{s:I, s:s, s:s, s:[s, s], s:s}", "community_id",
                                                    (json_int_t)W.community, "title", "Bikes", "body",
                                                    "Where should bikes park?", "options", "North", "South",
                                                    "closes_at", closes)),
                                        API "/consultations")),
                          "id");
    int status = -1;
    free(api_sql(state_dir, &status, "UPDATE users SET home_community_id = %lld WHERE id = %lld", W.community,
                 W.resident.id));
    assert_int_equal(status, 0);

    char risky[96];
    snprintf(risky, sizeof risky, "违禁测试 %s", run_tag);
    assert_api_error(req("POST", W.resident.token, J(json_pack("{s:s}", "body", risky)),
                         API "/consultations/%lld/comments", cons),
                     422, "content_risky");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM consultation_comments WHERE body = '%s'", risky), 0);

    api_response *r = want(201, req("POST", W.resident.token, "{\"body\":\"待审测试 north\"}",
                                    API "/consultations/%lld/comments", cons));
    long long comment = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    assert_false(comment_shown(NULL, cons, comment));
    assert_false(comment_shown(W.ocadmin.token, cons, comment));   /* another community's admin */
    assert_true(comment_shown(W.resident.token, cons, comment));   /* its author */
    assert_true(comment_shown(W.cadmin.token, cons, comment));     /* the community's admin */
    long long item = queue_item_of(W.cadmin.token, "consultation_comment", comment);
    assert_true(item > 0);
    want(200, req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", item));
    assert_true(comment_shown(NULL, cons, comment));
}

/* ---------------------------------------------------------------- setup */

static long long community_new(const char *what)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, run_tag);
    return jint(want(201, req("POST", W.admin.token,
                               J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Huaihai Rd", "district",
                                         "Xuhui", "kind", "urban")),
                               API "/communities")),
                "id");
}

static int group_setup(void **state)
{
    (void)state;
    run_tag = api_run_tag();
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    if (!api_fake_url(state_dir)) return -1;
    api_login_user(&W.admin, "cadmin_root");
    api_login_user(&W.cadmin, "c_cadmin");
    api_login_user(&W.ocadmin, "c_ocadmin");
    api_login_user(&W.leader, "c_leader");
    api_login_user(&W.resident, "c_resident");
    if (api_grant(repo_root, state_dir, W.admin.openid, "admin", 0)) return -1;
    W.community = community_new("Content");
    W.other_community = community_new("Content other");
    if (api_grant(repo_root, state_dir, W.cadmin.openid, "community_admin", W.community) ||
        api_grant(repo_root, state_dir, W.ocadmin.openid, "community_admin", W.other_community))
        return -1;
    char name[96];
    snprintf(name, sizeof name, "Content org %s", run_tag);
    W.org = jint(want(201, req("POST", W.leader.token,
                                J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id", (json_int_t)W.community,
                                          "kind", "association")),
                                API "/orgs")),
                 "id");
    want(200, req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", W.org));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    set_fake("{\"sec_down\": false, \"sec_delay_ms\": 0}");
    user *all[] = {&W.admin, &W.cadmin, &W.ocadmin, &W.leader, &W.resident};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->token);
    api_keep_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_risky_refused_nothing_stored), cmocka_unit_test(test_review_hidden_until_passed),
        cmocka_unit_test(test_review_rejected_stays_hidden), cmocka_unit_test(test_edit_sent_to_review_hides),
        cmocka_unit_test(test_wechat_down_waits_in_review),  cmocka_unit_test(test_token_shared_by_workers),
        cmocka_unit_test(test_org_risky_and_review),         cmocka_unit_test(test_need_risky_and_review),
        cmocka_unit_test(test_comment_risky_and_review),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
