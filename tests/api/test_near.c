/* API tests of what the app keeps near (in its process) to answer without a round trip:
 *  - sessions and user snapshots (cache/tracking.c): a logout, a deleted session, a changed
 *    role or membership is seen at once, not after a TTL; a value read before a change is
 *    never cached after it (the tracker's tickets, driven straight against the stack's Redis);
 *  - public views of activities (util/nearcache.c): at most 1 s old when changed behind the
 *    app's back, at once when changed through it.
 * Against a live stack (SANSHE_TEST_URL); roles via `sanshe ctl grant`, SQL and Redis through
 * the stack's own sockets (SANSHE_TEST_STATE). */
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
#include "cache/cache.h"
#include "util/arena.h"
#include "util/config.h"
#include "util/status.h"

#define API "/api/v1"
#define TEST(name) static void name(void **state_ __attribute__((unused)))
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define J(j) api_json_text(j)

static char repo_root[PATH_MAX];
static const char *state_dir;
static ss_config cfg;
static struct {
    api_user admin, leader;
    long long community, org;
} W;

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


/* The stack's Redis as the app reaches it, without a tracker: "another process". */
static ss_cache *plain_cache(void)
{
    return ss_cache_create(&(ss_cache_opts){cfg.redis_socket, 2000, cfg.redis_sentinels, cfg.redis_master_name,
                                            cfg.redis_password, cfg.redis_host, cfg.redis_port, NULL});
}

static long long activity_new(const char *title, int publish)
{
    char starts[40], ends[40];
    api_fmt_utc(time(NULL) + 86400, starts, sizeof starts);
    api_fmt_utc(time(NULL) + 90000, ends, sizeof ends);
    long long id = api_jint(
        want(201, api_req("POST", W.leader.token,
                          J(json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s, s:f, s:f, s:i}}", "title", title,
                                      "description", "Helping neighbours.", "category", "culture", "starts_at",
                                      starts, "ends_at", ends, "capacity", 20, "location", "name", "Hall", "lat",
                                      30.6598, "lng", 104.0633, "radius_m", 300)),
                          API "/orgs/%lld/activities", W.org)),
        "id");
    if (publish) want(200, api_req("POST", W.leader.token, NULL, API "/activities/%lld/publish", id));
    return id;
}

static int group_setup(void **state)
{
    (void)state;
    char conf[PATH_MAX + 32], err[256], name[96];
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir)) return -1;
    snprintf(conf, sizeof conf, "%s/app-1/sanshe.conf", state_dir);
    if (access(conf, R_OK) != 0) snprintf(conf, sizeof conf, "%s/sanshe.conf", state_dir);
    if (ss_config_load(&cfg, conf, err, sizeof err) != 0) {
        fprintf(stderr, "%s: %s\n", conf, err);
        return -1;
    }
    api_login_user(&W.admin, "n_admin");
    api_login_user(&W.leader, "n_leader");
    if (api_grant(repo_root, state_dir, W.admin.openid, "admin", 0)) return -1;
    snprintf(name, sizeof name, "near %s", api_run_tag());
    W.community = api_jint(want(201, api_req("POST", W.admin.token,
                                             J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Wuhou St",
                                                         "district", "Wuhou", "kind", "urban")),
                                             API "/communities")),
                           "id");
    W.org = api_jint(want(201, api_req("POST", W.leader.token,
                                       J(json_pack("{s:s, s:I, s:s, s:s}", "name", name, "community_id",
                                                   (json_int_t)W.community, "kind", "association", "summary", "s")),
                                       API "/orgs")),
                     "id");
    want(200, api_req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", W.org));
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    api_keep_free();
    ss_config_dispose(&cfg);
    return 0;
}

/* A logout through the app is refused at once, however warm the session was. */
TEST(test_logout_refused_at_once)
{
    for (int i = 0; i < 10; i++) {
        api_user u;
        api_login_user(&u, "n_logout");
        for (int k = 0; k < 3; k++) want(200, api_req("GET", u.token, NULL, API "/me"));
        want(204, api_req("POST", u.token, NULL, API "/auth/logout"));
        assert_api_error(api_req("GET", u.token, NULL, API "/me"), 401, "unauthorized");
        free(u.token);
    }
}

/* A session deleted in Redis by someone else (another app host, an operator) is refused as
 * soon as Redis tells the app: within moments, not after a TTL. */
TEST(test_session_deleted_elsewhere)
{
    api_user u;
    api_login_user(&u, "n_elsewhere");
    for (int k = 0; k < 3; k++) want(200, api_req("GET", u.token, NULL, API "/me"));
    /* the sid is the JWT's "sid" claim: read it from the payload */
    const char *p1 = strchr(u.token, '.'), *p2 = p1 ? strchr(p1 + 1, '.') : NULL;
    assert_non_null(p2);
    char payload[1024] = "", sid[64] = "";
    int len = (int)(p2 - p1 - 1);
    assert_true(len > 0 && len < (int)sizeof payload - 4);
    snprintf(payload, sizeof payload, "%.*s", len, p1 + 1);
    size_t n = strlen(payload);
    for (size_t i = 0; i < n; i++) payload[i] = payload[i] == '-' ? '+' : payload[i] == '_' ? '/' : payload[i];
    while (n % 4) payload[n++] = '=';
    char cmd[1200], out[1024] = "";
    snprintf(cmd, sizeof cmd, "printf '%%s' '%s' | base64 -d 2>/dev/null", payload);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t got = fread(out, 1, sizeof out - 1, f);
    pclose(f);
    out[got] = '\0';
    const char *s = strstr(out, "\"sid\":\"");
    assert_non_null(s);
    assert_int_equal(sscanf(s + 7, "%32[0-9a-f]", sid), 1);

    ss_cache *c = plain_cache();
    assert_int_equal(ss_session_delete(c, sid), SS_OK);
    long long t0 = now_ms(), refused_ms = -1;
    int served_after = 0;
    while (now_ms() - t0 < 3000) {
        api_response *r = api_request("GET", API "/me", u.token, NULL, NULL);
        long status = r->status;
        api_free(r);
        if (status == 401) {
            refused_ms = now_ms() - t0;
            break;
        }
        served_after++;
    }
    print_message("deleted elsewhere: refused after %lld ms, %d replies served before\n", refused_ms, served_after);
    assert_true(refused_ms >= 0);
    ss_cache_free(c);
    free(u.token);
}

/* Joining and leaving an organization changes what the member sees at once (the memberships
 * ride in the user's snapshot). */
TEST(test_membership_seen_at_once)
{
    api_user u;
    api_login_user(&u, "n_member");
    long long draft = activity_new("Draft for members", 0);
    for (int k = 0; k < 3; k++) assert_api_error(api_req("GET", u.token, NULL, API "/activities/%lld", draft), 404,
                                                 "not_found");
    want(201, api_req("POST", W.leader.token, J(json_pack("{s:I, s:s}", "user_id", (json_int_t)u.id, "role", "member")),
                      API "/orgs/%lld/members", W.org));
    api_response *r = want(200, api_req("GET", u.token, NULL, API "/activities/%lld", draft));
    assert_string_equal(api_jstr(r, "my_org_role"), "member");
    want(200, api_req("POST", W.leader.token,
                      J(json_pack("{s:I, s:s}", "user_id", (json_int_t)u.id, "role", "social_worker")),
                      API "/orgs/%lld/members", W.org));
    r = want(200, api_req("GET", u.token, NULL, API "/activities/%lld", draft));
    assert_string_equal(api_jstr(r, "my_org_role"), "social_worker");
    want(204, api_req("DELETE", W.leader.token, NULL, API "/orgs/%lld/members/%lld", W.org, u.id));
    assert_api_error(api_req("GET", u.token, NULL, API "/activities/%lld", draft), 404, "not_found");
    free(u.token);
}

/* A change made behind the app's back (SQL, as another app host's write would look to this
 * one) shows within the documented second; one made through the app shows at once. */
TEST(test_public_view_age)
{
    long long id = activity_new("Before", 1);
    for (int k = 0; k < 3; k++) want(200, api_req("GET", NULL, NULL, API "/activities/%lld", id));
    int status = 0;
    free(api_sql(state_dir, &status, "UPDATE activities SET title = 'After' WHERE id = %lld", id));
    assert_int_equal(status, 0);
    long long t0 = now_ms(), seen_ms = -1;
    while (now_ms() - t0 < 5000) {
        api_response *r = want(200, api_req("GET", NULL, NULL, API "/activities/%lld", id));
        if (strcmp(api_jstr(r, "title"), "After") == 0) {
            seen_ms = now_ms() - t0;
            break;
        }
        api_sleep_ms(50);
    }
    print_message("a change behind the app's back seen after %lld ms (documented bound: 1000 ms)\n", seen_ms);
    assert_true(seen_ms >= 0 && seen_ms <= 2500);   /* 1 s, with room for a loaded machine */
    /* through the app: at once, in the activity and in the list */
    want(200, api_req("PATCH", W.leader.token, "{\"title\":\"Through the app\"}", API "/activities/%lld", id));
    api_response *r = want(200, api_req("GET", NULL, NULL, API "/activities/%lld", id));
    assert_string_equal(api_jstr(r, "title"), "Through the app");
    r = want(200, api_req("GET", NULL, NULL, API "/activities?community_id=%lld&limit=100", W.community));
    json_t *it;
    size_t i;
    int found = 0;
    json_array_foreach(api_json_get(r, "items"), i, it)
        if (json_integer_value(json_object_get(it, "id")) == id)
            found += strcmp(json_string_value(json_object_get(it, "title")), "Through the app") == 0;
    assert_int_equal(found, 1);
}

/* The tracker's promise, straight against Redis: a value read before a change is never stored
 * after the change's message; one read after it is. */
TEST(test_tracker_ticket)
{
    ss_cache_opts o = {cfg.redis_socket, 2000, cfg.redis_sentinels, cfg.redis_master_name,
                       cfg.redis_password, cfg.redis_host, cfg.redis_port, NULL};
    ss_tracker *t = ss_tracker_start(&o, NULL);
    long long t0 = now_ms();
    while (!ss_tracker_live(t) && now_ms() - t0 < 5000) api_sleep_ms(10);
    assert_true(ss_tracker_live(t));
    ss_cache *c = plain_cache();
    ss_arena *a = ss_arena_create(4096);
    long long uid = 910000000000LL + (long long)getpid();
    char key[48];
    snprintf(key, sizeof key, "u:%lld", uid);

    ss_tracker_ticket before = ss_tracker_ticket_for(t, key);
    assert_true(before.live);
    /* a change to the user's snapshot in Redis, made elsewhere */
    assert_int_equal(ss_user_cache_drop(c, uid), SS_OK);
    t0 = now_ms();
    while (ss_tracker_ticket_for(t, key).epoch == before.epoch && now_ms() - t0 < 3000) api_sleep_ms(1);
    assert_int_not_equal(ss_tracker_ticket_for(t, key).epoch, before.epoch);   /* Redis told it */
    t0 = now_ms();
    while (!ss_tracker_settled(t) && now_ms() - t0 < 3000) api_sleep_ms(1);
    assert_true(ss_tracker_settled(t));
    ss_tracker_put(t, key, "read before the change", before, time(NULL));
    assert_null(ss_tracker_get(t, a, key, time(NULL)));
    ss_tracker_ticket after = ss_tracker_ticket_for(t, key);
    ss_tracker_put(t, key, "read after the change", after, time(NULL));
    const char *v = ss_tracker_get(t, a, key, time(NULL));
    assert_non_null(v);
    assert_string_equal(v, "read after the change");
    /* and this process's own forget is at once */
    ss_tracker_forget(t, key);
    assert_null(ss_tracker_get(t, a, key, time(NULL)));
    unsigned long hits, misses;
    ss_tracker_counts(t, &hits, &misses);
    assert_true(hits >= 1 && misses >= 2);
    ss_arena_free(a);
    ss_cache_free(c);
    ss_tracker_stop(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logout_refused_at_once), cmocka_unit_test(test_session_deleted_elsewhere),
        cmocka_unit_test(test_membership_seen_at_once), cmocka_unit_test(test_public_view_age),
        cmocka_unit_test(test_tracker_ticket),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
