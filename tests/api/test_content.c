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

#include <unistd.h>

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
#define jnull(r, path) api_jnull((r), (path))

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

/* cmocka assertion: r is 422 content_risky naming field (and, when other is not NULL, not other). */
static void risky_at(const api_response *r, const char *field, const char *other, const char *file, int line)
{
    api_assert_error_at(r, 422, "content_risky", file, line);
    json_t *fields = api_json_get(r, "error.fields");
    if (!json_is_string(json_object_get(fields, field)) || (other && json_object_get(fields, other)))
        fail_msg("%s:%d: expected error.fields[\"%s\"]%s%s in: %.300s", file, line, field, other ? " without " : "",
                 other ? other : "", r->body);
}
#define risky(r, field) risky_at((r), (field), NULL, __FILE__, __LINE__)
#define risky_only(r, field, other) risky_at((r), (field), (other), __FILE__, __LINE__)

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
    risky_only(r, "title", "description");   /* the refused field is named, not the others */
    assert_int_equal(activities_titled("违禁测试 title"), 0);
    r = req("POST", W.leader.token, J(activity_body("Risky description", "这里有违禁测试内容")),
            API "/orgs/%lld/activities", W.org);
    risky_only(r, "description", "title");
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

/* A sign-up is decided on the activity as it is now, not on the copy shown for up to a second.
 * The hold is made in SQL behind the app's back, as on another host whose word has not arrived:
 * the app's near copy still shows the activity, and a repeat may still be answered from it, but
 * a new sign-up reads the activity again and is refused as if it were not there. */
TEST(test_signup_decided_on_fresh_activity)
{
    long long id = activity_new("Signups while held", "Helping neighbours.", NULL);
    user first, second;
    api_login_user(&first, "signup_first");
    api_login_user(&second, "signup_second");
    want(201, req("POST", first.token, "{}", API "/activities/%lld/signups", id));
    want(200, req("GET", first.token, NULL, API "/activities/%lld", id));   /* the near copy, fresh */
    api_sql_exec(state_dir, "UPDATE sanshe.activities SET content_status = 'review' WHERE id = %lld", id);
    assert_api_error(req("POST", second.token, "{}", API "/activities/%lld/signups", id), 404, "not_found");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM sanshe.signups WHERE activity_id = %lld", id), 1);
    usleep(1100 * 1000);   /* past SS_PUBLIC_MAX_AGE_MS: the copy is gone, the repeat sees the hold too */
    assert_api_error(req("POST", first.token, "{}", API "/activities/%lld/signups", id), 404, "not_found");
    api_sql_exec(state_dir, "UPDATE sanshe.activities SET content_status = 'visible' WHERE id = %lld", id);
    free(first.token);
    free(second.token);
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

/* The pending queue item of object (type, id) seen by token (0: none), paging through the queue;
 * its reason into *reason when not NULL. */
static long long queue_item_of(const char *token, const char *type, long long id, const char **reason)
{
    for (long long after = 0;;) {
        char page[40] = "";
        if (after) snprintf(page, sizeof page, "&cursor=%lld", after);
        api_response *r = want(200, req("GET", token, NULL, API "/content-reviews?status=pending&limit=100%s", page));
        json_t *it, *list = jarr(r, "items");
        size_t i;
        json_array_foreach(list, i, it) {
            if (strcmp(api_mstr(it, "object_type"), type) == 0 && api_mint(it, "object_id") == id) {
                if (reason) *reason = api_mstr(it, "reason");
                return api_mint(it, "id");
            }
        }
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
    long long item = queue_item_of(W.cadmin.token, "org", org, NULL);
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
    long long item = queue_item_of(W.cadmin.token, "need", need, NULL);
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
    api_sql_exec(state_dir, "UPDATE users SET home_community_id = %lld WHERE id = %lld", W.community, W.resident.id);

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
    long long item = queue_item_of(W.cadmin.token, "consultation_comment", comment, NULL);
    assert_true(item > 0);
    want(200, req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", item));
    assert_true(comment_shown(NULL, cons, comment));
}

/* ---------------------------------------------------------------- the other texts people type */

/* Passes the pending item of (type, id) as token. */
static void pass_item(const char *token, const char *type, long long id)
{
    long long item = queue_item_of(token, type, id, NULL);
    assert_true(item > 0);
    want(200, req("POST", token, NULL, API "/content-reviews/%lld/pass", item));
}

/* An activity of W.org that ended yesterday, with W.resident checked in (both made in SQL). */
static long long attended_activity(const char *title)
{
    long long id = activity_new(title, "Helping neighbours.", NULL);
    api_sql_exec(state_dir,
                 "UPDATE activities SET starts_at = UTC_TIMESTAMP() - INTERVAL 1 DAY - INTERVAL 2 HOUR, "
                 "ends_at = UTC_TIMESTAMP() - INTERVAL 1 DAY WHERE id = %lld",
                 id);
    api_sql_exec(state_dir,
                 "INSERT INTO checkins (activity_id, user_id, checked_in_at, in_lat, in_lng) "
                 "VALUES (%lld, %lld, UTC_TIMESTAMP() - INTERVAL 1 DAY - INTERVAL 1 HOUR, 31.23, 121.47)",
                 id, W.resident.id);
    return id;
}

TEST(test_rating_comment)
{
    long long act = attended_activity("Rated");
    risky(req("POST", W.resident.token, "{\"score\":4,\"comment\":\"违禁测试 rude\"}", API "/activities/%lld/ratings",
              act),
          "comment");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM activity_ratings WHERE activity_id = %lld", act), 0);

    api_response *r = want(201, req("POST", W.resident.token, "{\"score\":4,\"comment\":\"待审测试 so so\"}",
                                    API "/activities/%lld/ratings", act));
    long long rating = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    /* the score counts at once; the comment waits, hidden, in the queue */
    assert_true(jint(want(200, req("GET", NULL, NULL, API "/orgs/%lld/ratings", W.org)), "by_score.4") >= 1);
    assert_int_equal(api_sql_count(state_dir,
                                   "SELECT COUNT(*) FROM activity_ratings WHERE id = %lld AND content_status = 'review'",
                                   rating),
                     1);
    pass_item(W.cadmin.token, "rating", rating);
    assert_int_equal(api_sql_count(state_dir,
                                   "SELECT COUNT(*) FROM activity_ratings WHERE id = %lld AND content_status = 'visible'",
                                   rating),
                     1);

    /* WeChat down: the rating is stored, its comment waits unchecked */
    long long act2 = attended_activity("Rated while down");
    set_fake("{\"sec_down\": true}");
    r = req("POST", W.resident.token, "{\"score\":5,\"comment\":\"fine\"}", API "/activities/%lld/ratings", act2);
    set_fake("{\"sec_down\": false}");
    want(201, r);
    assert_string_equal(jstr(r, "content_status"), "review");
    const char *reason = NULL;
    assert_true(queue_item_of(W.admin.token, "rating", jint(r, "id"), &reason) > 0);
    assert_string_equal(reason, "unchecked");
}

/* The caller's nickname and nickname_pending (NULL when null) from GET /me. */
static void me_nicknames(const user *u, const char **nickname, const char **pending)
{
    api_response *r = want(200, req("GET", u->token, NULL, API "/me"));
    *nickname = jstr(r, "nickname");
    json_t *p = api_need_at(r, "nickname_pending", json_is_null(api_json_get(r, "nickname_pending")) ? JSON_NULL
                                                                                                   : JSON_STRING,
                            __FILE__, __LINE__);
    *pending = json_string_value(p);
}

static api_response *nickname_set(const user *u, const char *nickname)
{
    return req("PATCH", u->token, J(json_pack("{s:s}", "nickname", nickname)), API "/me");
}

TEST(test_nickname)
{
    user u;
    api_login_user(&u, "c_nick");
    char clean[40], held[40], later[40], third[40], down[40];
    snprintf(clean, sizeof clean, "Clean %s", run_tag);
    snprintf(held, sizeof held, "待审测试 %s", run_tag);
    snprintf(later, sizeof later, "待审测试二 %s", run_tag);
    snprintf(third, sizeof third, "待审测试三 %s", run_tag);
    snprintf(down, sizeof down, "Down %s", run_tag);
    const char *nick, *pending;
    /* its home community's admin sees its queue items */
    want(200, req("PATCH", u.token,
                  J(json_pack("{s:s, s:I}", "nickname", clean, "home_community_id", (json_int_t)W.community)), API "/me"));

    risky(nickname_set(&u, "违禁测试"), "nickname");
    me_nicknames(&u, &nick, &pending);
    assert_string_equal(nick, clean);
    assert_null(pending);

    /* sent to review: the old nickname stays, for others too, the new one waits */
    api_response *r = want(200, nickname_set(&u, held));
    assert_string_equal(jstr(r, "nickname"), clean);
    assert_string_equal(jstr(r, "nickname_pending"), held);
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM users WHERE id = %lld AND nickname = '%s'", u.id,
                                   clean),
                     1);
    long long first = queue_item_of(W.cadmin.token, "nickname", u.id, NULL);
    assert_true(first > 0);
    assert_int_equal(queue_item_of(W.ocadmin.token, "nickname", u.id, NULL), 0);   /* another community's admin */

    /* a newer one supersedes the waiting one */
    want(200, nickname_set(&u, later));
    long long second = queue_item_of(W.cadmin.token, "nickname", u.id, NULL);
    assert_true(second > 0 && second != first);
    assert_api_error(req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", first), 404, "not_found");
    want(200, req("POST", W.cadmin.token, NULL, API "/content-reviews/%lld/pass", second));
    me_nicknames(&u, &nick, &pending);
    assert_string_equal(nick, later);
    assert_null(pending);

    /* rejected: the nickname stays as it was */
    want(200, nickname_set(&u, third));
    long long item = queue_item_of(W.admin.token, "nickname", u.id, NULL);
    want(200, req("POST", W.admin.token, NULL, API "/content-reviews/%lld/reject", item));
    me_nicknames(&u, &nick, &pending);
    assert_string_equal(nick, later);
    assert_null(pending);

    /* a clean one replaces a waiting one at once */
    want(200, nickname_set(&u, held));
    want(200, nickname_set(&u, clean));
    me_nicknames(&u, &nick, &pending);
    assert_string_equal(nick, clean);
    assert_null(pending);
    assert_int_equal(queue_item_of(W.admin.token, "nickname", u.id, NULL), 0);

    /* WeChat down: it waits unchecked, never a 5xx */
    set_fake("{\"sec_down\": true}");
    r = nickname_set(&u, down);
    set_fake("{\"sec_down\": false}");
    want(200, r);
    assert_string_equal(jstr(r, "nickname"), clean);
    assert_string_equal(jstr(r, "nickname_pending"), down);
    const char *reason = NULL;
    assert_true(queue_item_of(W.admin.token, "nickname", u.id, &reason) > 0);
    assert_string_equal(reason, "unchecked");
    free(u.token);
}

static long long contest_new(const char *title, const char **status)
{
    char from[40], until[40];
    time_t now = time(NULL);
    api_fmt_time(now - HOUR, from, sizeof from);
    api_fmt_time(now + 7 * DAY, until, sizeof until);
    api_response *r = want(201, req("POST", W.admin.token,
                                    J(json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "title", title, "budget_cents",
                                                100000, "votes_per_user_per_day", 3, "submit_until", until,
                                                "vote_from", from, "vote_until", until)),
                                    API "/contests"));
    if (status) *status = jstr(r, "content_status");
    return jint(r, "id");
}

static api_response *project_submit(long long contest, const char *title, const char *summary)
{
    return req("POST", W.leader.token,
               J(json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)W.org, "title", title, "summary", summary,
                           "budget_cents", 5000)),
               API "/contests/%lld/projects", contest);
}

TEST(test_contest_texts)
{
    const char *status;
    long long contest = contest_new("Clean contest", &status);
    assert_string_equal(status, "visible");
    risky_only(project_submit(contest, "违禁测试 plan", "Library corner"), "title", "summary");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM contest_projects WHERE contest_id = %lld", contest),
                     0);

    api_response *r = want(201, project_submit(contest, "Garden", "待审测试 summary"));
    long long project = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    want(200, req("POST", W.admin.token, NULL, API "/contest-projects/%lld/approve", project));
    /* approved, but held: not listed, not ranked, not votable */
    char list[96], results[96];
    snprintf(list, sizeof list, API "/contests/%lld/projects", contest);
    snprintf(results, sizeof results, API "/contests/%lld/results", contest);
    assert_false(listed(NULL, "id", project, list));
    assert_false(listed(W.resident.token, "id", project, results));
    char vote[64];
    snprintf(vote, sizeof vote, "{\"project_id\":%lld}", project);
    assert_api_error(req("POST", W.resident.token, vote, API "/contests/%lld/votes", contest), 404, "not_found");
    pass_item(W.admin.token, "contest_project", project);
    assert_true(listed(NULL, "id", project, list));
    assert_true(listed(NULL, "id", project, results));
    want(201, req("POST", W.resident.token, vote, API "/contests/%lld/votes", contest));

    /* the contest's own title */
    risky(req("POST", W.admin.token,
              J(json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "title", "违禁测试 contest", "budget_cents", 1000,
                          "votes_per_user_per_day", 1, "submit_until", "2037-01-01T00:00:00Z", "vote_from",
                          "2037-01-01T00:00:00Z", "vote_until", "2037-02-01T00:00:00Z")),
              API "/contests"),
          "title");
    long long held = contest_new("待审测试 contest", &status);
    assert_string_equal(status, "review");
    assert_api_error(req("GET", NULL, NULL, API "/contests/%lld", held), 404, "not_found");
    assert_api_error(req("GET", W.leader.token, NULL, API "/contests/%lld/projects", held), 404, "not_found");
    assert_api_error(project_submit(held, "Held contest's project", "s"), 404, "not_found");
    assert_false(listed(NULL, "id", held, API "/contests?limit=100"));
    assert_true(listed(W.admin.token, "id", held, API "/contests?limit=100"));
    want(200, req("GET", W.admin.token, NULL, API "/contests/%lld", held));
    pass_item(W.admin.token, "contest", held);
    want(200, req("GET", NULL, NULL, API "/contests/%lld", held));
}

static api_response *sproject_propose(const char *title, const char *summary)
{
    return req("POST", W.leader.token,
               J(json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:s, s:s}", "org_id", (json_int_t)W.org, "community_id",
                           (json_int_t)W.community, "title", title, "summary", summary, "kind", "self_funded",
                           "budget_cents", 10000, "starts_on", "2026-03-01", "ends_on", "2027-12-31")),
               API "/service-projects");
}

TEST(test_service_project_texts)
{
    risky_only(sproject_propose("Meals", "违禁测试 lunches"), "summary", "title");
    api_response *r = want(201, sproject_propose("待审测试 meals", "Hot lunches."));
    long long sp = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    char list[128];
    snprintf(list, sizeof list, API "/service-projects?community_id=%lld&limit=100", W.community);
    assert_api_error(req("GET", NULL, NULL, API "/service-projects/%lld", sp), 404, "not_found");
    assert_api_error(req("GET", W.ocadmin.token, NULL, API "/service-projects/%lld", sp), 404, "not_found");
    want(200, req("GET", W.leader.token, NULL, API "/service-projects/%lld", sp));   /* its proposer */
    want(200, req("GET", W.cadmin.token, NULL, API "/service-projects/%lld", sp));   /* the community's admin */
    assert_false(listed(NULL, "id", sp, list));
    pass_item(W.cadmin.token, "service_project", sp);
    want(200, req("GET", NULL, NULL, API "/service-projects/%lld", sp));
    assert_true(listed(NULL, "id", sp, list));

    /* resources: risky refused, review held out of the lists */
    const char *res_body = "{\"community_id\":%lld,\"kind\":\"venue\",\"provider\":\"%s\",\"description\":\"%s\","
                           "\"quantity\":1}";
    char body[256];
    snprintf(body, sizeof body, res_body, W.community, "违禁测试 shop", "Hall");
    risky_only(req("POST", W.cadmin.token, body, API "/resources"), "provider", "description");
    snprintf(body, sizeof body, res_body, W.community, "Committee", "待审测试 hall");
    r = want(201, req("POST", W.cadmin.token, body, API "/resources"));
    long long res = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    char rlist[128];
    snprintf(rlist, sizeof rlist, API "/resources?community_id=%lld&limit=100", W.community);
    assert_false(listed(NULL, "id", res, rlist));
    pass_item(W.cadmin.token, "resource", res);
    assert_true(listed(NULL, "id", res, rlist));

    /* a matching note and an evaluation report show on the project: sent to review, they hold it */
    snprintf(body, sizeof body, "{\"resource_id\":%lld,\"note\":\"违禁测试 note\"}", res);
    risky(req("POST", W.cadmin.token, body, API "/service-projects/%lld/resources", sp), "note");
    want(200, req("POST", W.cadmin.token, NULL, API "/service-projects/%lld/approve", sp));
    want(200, req("POST", W.leader.token, NULL, API "/service-projects/%lld/start", sp));
    want(200, req("POST", W.leader.token, NULL, API "/service-projects/%lld/complete", sp));
    risky(req("POST", W.cadmin.token, "{\"score\":80,\"report\":\"违禁测试\"}", API "/service-projects/%lld/evaluate", sp),
          "report");
    r = want(200, req("POST", W.cadmin.token, "{\"score\":80,\"report\":\"待审测试 report\"}",
                      API "/service-projects/%lld/evaluate", sp));
    assert_string_equal(jstr(r, "content_status"), "review");
    assert_api_error(req("GET", NULL, NULL, API "/service-projects/%lld", sp), 404, "not_found");
    pass_item(W.cadmin.token, "service_project", sp);
    r = want(200, req("GET", NULL, NULL, API "/service-projects/%lld", sp));
    assert_string_equal(jstr(r, "report"), "待审测试 report");
}

static api_response *consultation_new(const char *body, const char *option)
{
    char closes[40];
    api_fmt_time(time(NULL) + 7 * DAY, closes, sizeof closes);
    return req("POST", W.cadmin.token,
               J(json_pack("{s:I, s:s, s:s, s:[s, s], s:s}", "community_id", (json_int_t)W.community, "title",
                           "Benches", "body", body, "options", "North", option, "closes_at", closes)),
               API "/consultations");
}

TEST(test_consultation_and_need_texts)
{
    risky_only(consultation_new("Where should benches go?", "违禁测试 corner"), "options", "body");
    api_response *r = want(201, consultation_new("待审测试 where?", "South"));
    long long cons = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    user neighbour;   /* a resident of the community who is not its staff */
    api_login_user(&neighbour, "c_neighbour");
    api_sql_exec(state_dir, "UPDATE users SET home_community_id = %lld WHERE id = %lld", W.community, neighbour.id);
    assert_api_error(req("GET", NULL, NULL, API "/consultations/%lld", cons), 404, "not_found");
    assert_api_error(req("GET", W.ocadmin.token, NULL, API "/consultations/%lld", cons), 404, "not_found");
    assert_api_error(req("GET", neighbour.token, NULL, API "/consultations/%lld", cons), 404, "not_found");
    assert_api_error(req("POST", neighbour.token, "{\"body\":\"hi\"}", API "/consultations/%lld/comments", cons), 404,
                     "not_found");
    want(200, req("GET", W.cadmin.token, NULL, API "/consultations/%lld", cons));
    char list[128];
    snprintf(list, sizeof list, API "/consultations?community_id=%lld&limit=100", W.community);
    assert_false(listed(NULL, "id", cons, list));
    pass_item(W.cadmin.token, "consultation", cons);
    want(200, req("GET", NULL, NULL, API "/consultations/%lld", cons));
    assert_true(listed(NULL, "id", cons, list));
    want(201, req("POST", neighbour.token, "{\"body\":\"hi\"}", API "/consultations/%lld/comments", cons));
    free(neighbour.token);
    /* its decision sent to review holds it again */
    risky(req("POST", W.cadmin.token, "{\"decision\":\"违禁测试\"}", API "/consultations/%lld/resolve", cons), "decision");
    r = want(200, req("POST", W.cadmin.token, "{\"decision\":\"待审测试 north\"}", API "/consultations/%lld/resolve",
                      cons));
    assert_string_equal(jstr(r, "content_status"), "review");
    assert_api_error(req("GET", NULL, NULL, API "/consultations/%lld", cons), 404, "not_found");

    /* a need's triage note shows on the need */
    long long need = jint(want(201, need_raise("Triaged need", "meals")), "id");
    risky(req("POST", W.cadmin.token, "{\"status\":\"accepted\",\"note\":\"违禁测试\"}", API "/needs/%lld/triage", need),
          "note");
    assert_string_equal(jstr(want(200, req("GET", NULL, NULL, API "/needs/%lld", need)), "status"), "open");
    r = want(200, req("POST", W.cadmin.token, "{\"status\":\"accepted\",\"note\":\"待审测试 note\"}",
                      API "/needs/%lld/triage", need));
    assert_string_equal(jstr(r, "content_status"), "review");
    assert_api_error(req("GET", NULL, NULL, API "/needs/%lld", need), 404, "not_found");
    pass_item(W.cadmin.token, "need", need);
    want(200, req("GET", NULL, NULL, API "/needs/%lld", need));
}

/* 1 when GET /communities (as token) lists community id. */
static int community_listed(const char *token, long long id)
{
    api_response *r = want(200, req("GET", token, NULL, API "/communities?cursor=%lld&limit=1", id - 1));
    json_t *items = jarr(r, "items");
    return json_array_size(items) == 1 && api_mint(json_array_get(items, 0), "id") == id;
}

TEST(test_community_texts)
{
    char name[96];
    snprintf(name, sizeof name, "违禁测试 %s", run_tag);
    risky_only(req("POST", W.admin.token,
                   J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Huaihai Rd", "district", "Xuhui",
                               "kind", "urban")),
                   API "/communities"),
               "name", "street");
    snprintf(name, sizeof name, "Held %s", run_tag);
    api_response *r = want(201, req("POST", W.admin.token,
                                    J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Huaihai Rd",
                                                "district", "待审测试区", "kind", "urban")),
                                    API "/communities"));
    long long id = jint(r, "id");
    assert_string_equal(jstr(r, "content_status"), "review");
    assert_false(community_listed(NULL, id));
    assert_false(community_listed(W.cadmin.token, id));   /* another community's admin */
    assert_true(community_listed(W.admin.token, id));
    user own = {0};   /* its own community admin sees it, held, to follow it up */
    api_login_user(&own, "c_heldcadmin");
    assert_int_equal(api_grant(repo_root, state_dir, own.openid, "community_admin", id), 0);
    assert_true(community_listed(own.token, id));
    pass_item(W.admin.token, "community", id);
    free(own.token);
    assert_true(community_listed(NULL, id));
}

/* An 18-character resident ID number with a valid check character (GB 11643). */
static void id_number_new(char out[19])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(out, 19, "11010119900307%03d", (int)(time(NULL) % 1000));
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

TEST(test_private_texts_risky_refused)
{
    /* an organization's rejection reason (read by its filer and staff) */
    long long org = jint(want(201, org_file("Rejected org", "neighbours")), "id");
    risky(req("POST", W.cadmin.token, "{\"reason\":\"违禁测试\"}", API "/orgs/%lld/reject", org), "reason");
    assert_string_equal(jstr(want(200, req("GET", W.cadmin.token, NULL, API "/orgs/%lld", org)), "status"), "pending");
    want(200, req("POST", W.cadmin.token, "{\"reason\":\"待审测试 incomplete\"}", API "/orgs/%lld/reject", org));

    /* a service-time correction's reason, proposed by staff or requested by the volunteer */
    long long act = attended_activity("Corrected");
    char body[160];
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"minutes\":10,\"reason\":\"违禁测试 reason\"}", W.resident.id);
    risky(req("POST", W.leader.token, body, API "/activities/%lld/service-records", act), "reason");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM service_corrections WHERE activity_id = %lld", act),
                     0);

    /* a volunteer's skills */
    char idno[19];
    id_number_new(idno);
    risky(req("PUT", W.resident.token,
              J(json_pack("{s:s, s:s, s:s, s:[s, s]}", "real_name", "Wang Fang", "phone", "13812345678", "id_number",
                          idno, "skills", "陪伴探访", "违禁测试")),
              API "/me/volunteer"),
          "skills");
    jnull(want(200, req("GET", W.resident.token, NULL, API "/me")), "volunteer");
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
        cmocka_unit_test(test_comment_risky_and_review),     cmocka_unit_test(test_rating_comment),
        cmocka_unit_test(test_nickname),                     cmocka_unit_test(test_contest_texts),
        cmocka_unit_test(test_service_project_texts),        cmocka_unit_test(test_consultation_and_need_texts),
        cmocka_unit_test(test_community_texts),              cmocka_unit_test(test_private_texts_risky_refused),
        cmocka_unit_test(test_signup_decided_on_fresh_activity),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
