/* API tests of the mechanisms every write request goes through (src/http/server.c run_write):
 * one transaction per request, the generic Idempotency-Key of every POST (replay, scope per
 * caller and route, another body -> 409, parallel twins -> one effect), and the audit log
 * (rows left by staff and admin actions, GET /api/v1/audit scoping, append-only table).
 * Against a live stack (SANSHE_TEST_URL); roles via `sanshe ctl grant` (SANSHE_TEST_STATE). */
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
static struct {
    api_user admin, cadmin, other_cadmin, filer, other;
    long long community, other_community;
} W;

static long long community_new(const char *what)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, api_run_tag());
    return api_jint(want(201, api_req("POST", W.admin.token,
                                      J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Wuhou St",
                                                  "district", "Wuhou", "kind", "urban")),
                                      API "/communities")),
                    "id");
}

static int group_setup(void **state)
{
    (void)state;
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir)) return -1;
    api_login_user(&W.admin, "w_admin");
    api_login_user(&W.cadmin, "w_cadmin");
    api_login_user(&W.other_cadmin, "w_ocadmin");
    api_login_user(&W.filer, "w_filer");
    api_login_user(&W.other, "w_other");
    if (api_grant(repo_root, state_dir, W.admin.openid, "admin", 0)) return -1;
    api_login_user(&W.admin, "w_admin");   /* a fresh session carries the new role */
    W.community = community_new("writes");
    W.other_community = community_new("writes other");
    if (api_grant(repo_root, state_dir, W.cadmin.openid, "community_admin", W.community) ||
        api_grant(repo_root, state_dir, W.other_cadmin.openid, "community_admin", W.other_community))
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    api_keep_free();
    return 0;
}

/* The body of an org filing named what in the test community. */
static const char *org_body(const char *what)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, api_run_tag());
    return J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id", (json_int_t)W.community, "kind",
                       "association"));
}

static api_response *post_keyed(const char *token, const char *path, const char *body, const char *key)
{
    char h[128];
    snprintf(h, sizeof h, "Idempotency-Key: %s", key);
    return api_keep(api_request("POST", path, token, body, h, NULL));
}

TEST(test_idempotent_replay)
{
    char key[64];
    snprintf(key, sizeof key, "org-%s", api_run_tag());
    const char *body = org_body("idem replay");
    api_response *a = want(201, post_keyed(W.filer.token, API "/orgs", body, key));
    assert_null(a->idempotent_replayed);
    long long id = api_jint(a, "id");
    api_response *b = want(201, post_keyed(W.filer.token, API "/orgs", body, key));
    assert_non_null(b->idempotent_replayed);
    assert_string_equal(b->idempotent_replayed, "true");
    assert_string_equal(a->body, b->body);
    /* exactly one organization was made */
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM organizations WHERE filed_by = %lld AND name LIKE 'idem replay%%'",
                               W.filer.id),
                     1);
    assert_true(id > 0);
}

TEST(test_idempotent_other_body_conflicts)
{
    char key[64];
    snprintf(key, sizeof key, "org2-%s", api_run_tag());
    want(201, post_keyed(W.filer.token, API "/orgs", org_body("idem first"), key));
    api_response *r = post_keyed(W.filer.token, API "/orgs", org_body("idem second"), key);
    assert_api_error(r, 409, "idempotency_key_reused");
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM organizations WHERE filed_by = %lld AND name LIKE 'idem second%%'",
                               W.filer.id),
                     0);
}

TEST(test_idempotency_scope)
{
    char key[64];
    snprintf(key, sizeof key, "scope-%s", api_run_tag());
    /* another caller with the same key and body makes their own */
    const char *body1 = org_body("idem scope one");
    api_response *a = want(201, post_keyed(W.filer.token, API "/orgs", body1, key));
    api_response *b = want(201, post_keyed(W.other.token, API "/orgs", org_body("idem scope two"), key));
    assert_null(b->idempotent_replayed);
    assert_true(api_jint(a, "id") != api_jint(b, "id"));
    /* the same key on another route is another request */
    char name[96];
    snprintf(name, sizeof name, "idem community %s", api_run_tag());
    api_response *c = want(201, post_keyed(W.admin.token, API "/communities",
                                           J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "S",
                                                       "district", "D", "kind", "rural")),
                                           key));
    assert_null(c->idempotent_replayed);
}

TEST(test_idempotency_key_malformed)
{
    api_response *r = post_keyed(W.filer.token, API "/orgs", org_body("idem bad key"), "bad key with spaces");
    assert_api_error(r, 400, "bad_request");
    assert_non_null(api_json_get(r, "error.fields"));
    char longkey[80];
    memset(longkey, 'k', 65);
    longkey[65] = '\0';
    assert_api_error(post_keyed(W.filer.token, API "/orgs", org_body("idem long key"), longkey), 400, "bad_request");
}

/* A refused request stores no key: the same key may then carry a good request. */
TEST(test_failed_request_keeps_key_free)
{
    char key[64];
    snprintf(key, sizeof key, "fail-%s", api_run_tag());
    api_response *bad = post_keyed(W.filer.token, API "/orgs", "{\"name\": \"x\"}", key);
    assert_int_equal(bad->status, 422);
    want(201, post_keyed(W.filer.token, API "/orgs", org_body("idem after failure"), key));
}

/* 20 parallel twins with one key: one organization, every reply the same. */
TEST(test_parallel_twins_one_effect)
{
    enum { N = 20 };
    char key[64], h[128];
    snprintf(key, sizeof key, "twins-%s", api_run_tag());
    snprintf(h, sizeof h, "Idempotency-Key: %s", key);
    const char *body = org_body("idem twins");
    char *copy = strdup(body);
    const char *headers[] = {h, NULL};
    api_call calls[N];
    for (int i = 0; i < N; i++)
        calls[i] = (api_call){.method = "POST", .path = API "/orgs", .token = W.filer.token, .body = copy,
                              .body_len = strlen(copy), .headers = headers};
    api_response **rs = api_parallel(calls, N, N);
    long long id = 0;
    for (int i = 0; i < N; i++) {
        if (rs[i]->status != 201) fail_msg("twin %d: %ld %s", i, rs[i]->status, rs[i]->body);
        long long got = (long long)json_integer_value(json_object_get(rs[i]->json, "id"));
        if (id == 0) id = got;
        assert_int_equal(got, id);
    }
    api_free_all(rs, N);
    free(copy);
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM organizations WHERE filed_by = %lld AND name LIKE 'idem twins%%'",
                               W.filer.id),
                     1);
}

/* Approvals and rejections leave audit rows with actor, role, action, object and request id. */
TEST(test_audit_rows_for_approvals)
{
    long long org = api_jint(want(201, api_req("POST", W.filer.token, org_body("audit approve"), API "/orgs")), "id");
    api_response *ok = want(200, api_req("POST", W.cadmin.token, NULL, API "/orgs/%lld/approve", org));
    api_response *r = want(200, api_req("GET", W.admin.token, NULL, API "/audit?object_type=org&object_id=%lld", org));
    json_t *items = api_jarr(r, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *e = json_array_get(items, 0);
    assert_string_equal(api_mstr(e, "action"), "org.approve");
    assert_string_equal(api_mstr(e, "actor_role"), "community_admin");
    assert_int_equal(api_mint(e, "actor_id"), W.cadmin.id);
    assert_int_equal(api_mint(e, "object_id"), org);
    assert_int_equal(api_mint(e, "community_id"), W.community);
    assert_string_equal(api_mstr(e, "request_id"), ok->request_id);
    assert_non_null(api_mstr(e, "at"));

    long long org2 = api_jint(want(201, api_req("POST", W.filer.token, org_body("audit reject"), API "/orgs")), "id");
    want(200, api_req("POST", W.admin.token, "{\"reason\": \"材料不全\"}", API "/orgs/%lld/reject", org2));
    r = want(200, api_req("GET", W.admin.token, NULL, API "/audit?object_type=org&object_id=%lld", org2));
    e = json_array_get(api_jarr(r, "items"), 0);
    assert_string_equal(api_mstr(e, "action"), "org.reject");
    assert_string_equal(api_mstr(e, "actor_role"), "admin");
    /* a refused action (already rejected) leaves no row */
    want(409, api_req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", org2));
    r = want(200, api_req("GET", W.admin.token, NULL, API "/audit?object_type=org&object_id=%lld", org2));
    assert_int_equal(json_array_size(api_jarr(r, "items")), 1);
}

/* Community admins read their communities' rows only; residents may not read the log. */
TEST(test_audit_scoping)
{
    long long org = api_jint(want(201, api_req("POST", W.filer.token, org_body("audit scope"), API "/orgs")), "id");
    want(200, api_req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", org));
    api_response *mine = want(200, api_req("GET", W.cadmin.token, NULL, API "/audit?object_type=org&object_id=%lld", org));
    assert_int_equal(json_array_size(api_jarr(mine, "items")), 1);
    api_response *theirs =
        want(200, api_req("GET", W.other_cadmin.token, NULL, API "/audit?object_type=org&object_id=%lld", org));
    assert_int_equal(json_array_size(api_jarr(theirs, "items")), 0);
    assert_api_error(api_req("GET", W.filer.token, NULL, API "/audit"), 403, "forbidden");
    assert_api_error(api_req("GET", NULL, NULL, API "/audit"), 401, "unauthorized");
    assert_api_error(api_req("GET", W.admin.token, NULL, API "/audit?object_id=abc"), 400, "bad_request");
    /* paging: limit 1 gives a cursor that continues with older rows */
    api_response *p1 = want(200, api_req("GET", W.admin.token, NULL, API "/audit?limit=1"));
    const char *cur = api_jstr(p1, "next_cursor");
    long long first = api_mint(json_array_get(api_jarr(p1, "items"), 0), "id");
    api_response *p2 = want(200, api_req("GET", W.admin.token, NULL, API "/audit?limit=1&cursor=%s", cur));
    assert_true(api_mint(json_array_get(api_jarr(p2, "items"), 0), "id") < first);
}

/* The table refuses UPDATE and DELETE even for MariaDB's root. */
TEST(test_audit_append_only)
{
    int st = 0;
    char *out = api_sql(state_dir, &st, "UPDATE audit_log SET summary = 'forged' ORDER BY id DESC LIMIT 1");
    assert_non_null(out);
    assert_int_not_equal(st, 0);
    assert_non_null(strstr(out, "append-only"));
    free(out);
    out = api_sql(state_dir, &st, "DELETE FROM audit_log ORDER BY id DESC LIMIT 1");
    assert_non_null(out);
    assert_int_not_equal(st, 0);
    free(out);
}

/* The cached user snapshot cannot go stale: a reader that loaded the user before a change was
 * committed (its generation read before) cannot cache what it loaded once the change dropped
 * the snapshot (issue: a role granted while another request read the user stayed invisible
 * for the snapshot's 5 minutes). Straight against the stack's Redis, with the app's own calls. */
TEST(test_user_snapshot_generation)
{
    char conf[PATH_MAX + 32], err[256], sid[64];
    /* Redis as the app reaches it: its socket, or on a cluster the master through Sentinel */
    snprintf(conf, sizeof conf, "%s/app-1/sanshe.conf", state_dir);
    if (access(conf, R_OK) != 0) snprintf(conf, sizeof conf, "%s/sanshe.conf", state_dir);
    ss_config cfg;
    if (ss_config_load(&cfg, conf, err, sizeof err) != 0) fail_msg("%s: %s", conf, err);
    ss_cache *c = ss_cache_create(&(ss_cache_opts){cfg.redis_socket, 2000, cfg.redis_sentinels, cfg.redis_master_name,
                                                   cfg.redis_password, cfg.redis_host, cfg.redis_port, NULL});
    ss_arena *a = ss_arena_create(4096);
    long long uid = 900000000000LL + (long long)getpid();
    char *blob = NULL;
    long long gen = -1;
    assert_int_equal(ss_session_create(c, uid, "sk", 60, sid), SS_OK);
    /* a reader: no snapshot yet; it notes the generation, then loads the user (old roles) */
    assert_int_equal(ss_session_get_user(c, a, sid, uid, &blob, &gen), SS_OK);
    assert_null(blob);
    long long seen = gen;
    /* meanwhile a role change is committed and drops the snapshot */
    assert_int_equal(ss_user_cache_drop(c, uid), SS_OK);
    /* the reader's late put of what it loaded is refused */
    assert_int_equal(ss_user_cache_put(c, uid, "v1 stale", seen, 300), SS_OK);
    assert_int_equal(ss_session_get_user(c, a, sid, uid, &blob, &gen), SS_OK);
    assert_null(blob);
    assert_int_equal(gen, seen + 1);
    /* a reader that started after the change caches normally */
    assert_int_equal(ss_user_cache_put(c, uid, "v1 fresh", gen, 300), SS_OK);
    assert_int_equal(ss_session_get_user(c, a, sid, uid, &blob, &gen), SS_OK);
    assert_non_null(blob);
    assert_string_equal(blob, "v1 fresh");
    assert_int_equal(ss_user_cache_drop(c, uid), SS_OK);
    assert_int_equal(ss_session_delete(c, sid), SS_OK);
    ss_arena_free(a);
    ss_cache_free(c);
    ss_config_dispose(&cfg);
}

/* A role granted to a signed-in user is seen by their very next request. */
TEST(test_role_change_seen_at_once)
{
    api_user u;
    api_login_user(&u, "w_promoted");
    assert_api_error(api_req("GET", u.token, NULL, API "/audit"), 403, "forbidden");   /* caches the snapshot */
    assert_int_equal(api_grant(repo_root, state_dir, u.openid, "community_admin", W.community), 0);
    want(200, api_req("GET", u.token, NULL, API "/audit"));
    free(u.token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idempotent_replay),        cmocka_unit_test(test_idempotent_other_body_conflicts),
        cmocka_unit_test(test_idempotency_scope),        cmocka_unit_test(test_idempotency_key_malformed),
        cmocka_unit_test(test_failed_request_keeps_key_free), cmocka_unit_test(test_parallel_twins_one_effect),
        cmocka_unit_test(test_audit_rows_for_approvals), cmocka_unit_test(test_audit_scoping),
        cmocka_unit_test(test_audit_append_only),        cmocka_unit_test(test_user_snapshot_generation),
        cmocka_unit_test(test_role_change_seen_at_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
