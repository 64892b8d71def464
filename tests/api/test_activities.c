/* API tests for communities, organizations, activities and sign-ups against a live stack
 * (SANSHE_TEST_URL): every route's happy path and error codes, an authorization matrix (routes x
 * callers, the expected table below), capacity under concurrent sign-ups, and waitlist promotion.
 * Roles come from `sanshe ctl grant` on the stack whose state folder is SANSHE_TEST_STATE; the
 * repository (for ./sanshe) is SANSHE_ROOT, else the current folder, else a parent of this binary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apiclient.h"

#define API "/api/v1"
#define POOL 60            /* distinct users for the concurrency tests */
#define HOUR 3600
#define DAY 86400
#define NOID "999999999999"
#define TEST(name) static void name(void **state_ __attribute__((unused)))

/* ================================================================ run context and helpers */

static const char *run_tag;   /* api_run_tag(): in every openid, org name and title of this run */
static char repo_root[PATH_MAX];
static const char *state_dir;

typedef api_user user;

/* `sanshe ctl grant <openid> <role> [community]` on the stack under test. */
static void grant(const user *u, const char *role, long long community)
{
    assert_int_equal(api_grant(repo_root, state_dir, u->openid, role, community), 0);
}

/* The shared helpers of apiclient.h under this file's short names. */
#define login(u, what) api_login_user((u), (what))
#define fmt_time(t, out, len) api_fmt_time((t), (out), (len))   /* RFC 3339, China time (what clients send) */
#define fmt_utc(t, out, len) api_fmt_utc((t), (out), (len))     /* RFC 3339, UTC with Z (for query strings) */
#define parse_time(s) api_parse_time(s)
#define keep(r) api_keep(r)
#define req(...) api_req(__VA_ARGS__)   /* method token body path-format...: the reply lives API_KEEP calls */
#define J(j) api_json_text(j)
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define jint(r, path) api_jint((r), (path))
#define jstr(r, path) api_jstr((r), (path))
#define jarr(r, path) api_jarr((r), (path))
#define jnull(r, path) api_jnull((r), (path))
#define mint(obj, key) api_mint((obj), (key))
#define mstr(obj, key) api_mstr((obj), (key))
#define assert_field_error(r, status, field) api_field_error_at((r), (status), (field), __FILE__, __LINE__)

/* r has each "key", "value" pair of the list (keys dotted, values strings); the list ends in NULL. */
static void strs_at(const char *file, int line, const api_response *r, ...)
{
    va_list ap;
    va_start(ap, r);
    for (const char *k; (k = va_arg(ap, const char *)) != NULL;) {
        const char *v = va_arg(ap, const char *), *got = api_json_str(r, k);
        if (got && strcmp(got, v) == 0) continue;
        print_error("expected \"%s\": \"%s\" in reply %ld: %.400s\n", k, v, r->status, r->body);
        va_end(ap);
        _fail(file, line);
    }
    va_end(ap);
}
#define assert_strs(r, ...) strs_at(__FILE__, __LINE__, (r), __VA_ARGS__, NULL)

/* ================================================================ the world of this run */

static struct {
    user admin, cadmin, ocadmin;             /* admin; community admins of community / other_community */
    user leader, sw, member, target;         /* org A: leader, social worker, two members */
    user oleader, resident, volunteer;       /* org B's leader; a resident; a registered volunteer */
    user pool[POOL];
    long long community, other_community, list_community;
    long long org_a, org_b, list_org;        /* A and B in community, list_org alone in list_community */
    long long ended_act, deadline_act;       /* close at `soon`, a few seconds after setup */
    time_t soon;
} W;

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

/* Files an organization; approve: the admin approves it (the filer becomes its leader). */
static long long org_new(const user *filer, long long community, const char *what, int approve)
{
    char name[96];
    static int made;   /* names are unique within a community (409 name_taken): number them */
    snprintf(name, sizeof name, "%s %s #%d", what, run_tag, ++made);
    long long id = jint(want(201, req("POST", filer->token,
                                       J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id",
                                                 (json_int_t)community, "kind", "association")),
                                       API "/orgs")),
                        "id");
    if (approve) want(200, req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", id));
    return id;
}

static void member_put(long long org, const user *who, const char *role)
{
    want(201, req("POST", W.leader.token, J(json_pack("{s:I, s:s}", "user_id", (json_int_t)who->id, "role", role)),
                   API "/orgs/%lld/members", org));
}

/* A valid GB 11643 ID number, random enough to be new to the stack. */
static void register_volunteer(const user *u)
{
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid() << 8;
    char id[32];
    snprintf(id, sizeof id, "110101%04u%02u%02u%03u", 1960 + (unsigned)rand_r(&seed) % 40,
             1 + (unsigned)rand_r(&seed) % 12, 1 + (unsigned)rand_r(&seed) % 28, (unsigned)rand_r(&seed) % 1000);
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (id[i] - '0') * w[i];
    id[17] = "10X98765432"[sum % 11];
    id[18] = '\0';
    api_response *r = want(200, req("PUT", u->token,
                                     J(json_pack("{s:s, s:s, s:s, s:[s]}", "real_name", "张志愿", "phone",
                                               "13800138000", "id_number", id, "skills", "first aid")),
                                     API "/me/volunteer"));
    assert_string_equal(jstr(r, "status"), "registered");
}

static json_t *activity_body(const char *what, time_t starts, time_t ends, long capacity)
{
    char title[96], s[40], e[40];
    snprintf(title, sizeof title, "%s %s", what, run_tag);
    fmt_time(starts, s, sizeof s);
    fmt_time(ends, e, sizeof e);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:f, s:f, s:i}}", "title", title, "description",
                     "Helping neighbours.", "category", "relief", "starts_at", s, "ends_at", e, "capacity",
                     (json_int_t)capacity, "location", "name", "Community hall", "lat", 31.230416, "lng",
                     121.473701, "radius_m", 200);
}

/* Creates (as by, in org) and optionally publishes an activity; returns its id. */
static long long activity_create(const user *by, long long org, json_t *body, int publish)
{
    long long id = jint(want(201, req("POST", by->token, J(body), API "/orgs/%lld/activities", org)), "id");
    if (publish) want(200, req("POST", by->token, NULL, API "/activities/%lld/publish", id));
    return id;
}

/* An activity of org A tomorrow, by its leader. */
static long long activity_new(long capacity, int publish)
{
    time_t now = time(NULL);
    return activity_create(&W.leader, W.org_a, activity_body("Act", now + DAY, now + DAY + 2 * HOUR, capacity),
                           publish);
}

static api_response *join(const user *u, long long act)
{
    return req("POST", u ? u->token : NULL, NULL, API "/activities/%lld/signups", act);
}

static api_response *leave(const user *u, long long act)
{
    return req("DELETE", u ? u->token : NULL, NULL, API "/activities/%lld/signups/me", act);
}

typedef struct {
    long capacity, confirmed, waitlisted, seats_left;
} counts;

static counts counts_of(long long act)
{
    api_response *r = want(200, req("GET", W.leader.token, NULL, API "/activities/%lld", act));
    return (counts){(long)jint(r, "capacity"), (long)jint(r, "confirmed"), (long)jint(r, "waitlisted"),
                    (long)jint(r, "seats_left")};
}

/* The activity's confirmed and waitlisted counts, and seats_left to match. */
static void counts_at(long long act, long confirmed, long waitlisted, const char *file, int line)
{
    counts c = counts_of(act);
    long left = c.capacity > confirmed ? c.capacity - confirmed : 0;
    if (c.confirmed == confirmed && c.waitlisted == waitlisted && c.seats_left == left) return;
    print_error("activity %lld: confirmed %ld, waitlisted %ld, seats_left %ld; expected %ld, %ld, %ld\n", act,
                c.confirmed, c.waitlisted, c.seats_left, confirmed, waitlisted, left);
    _fail(file, line);
}
#define assert_counts(act, confirmed, waitlisted) counts_at((act), (confirmed), (waitlisted), __FILE__, __LINE__)

typedef struct {
    long long user_id;
    int confirmed;           /* else waitlisted */
    long position;           /* waitlisted only */
} roster_entry;

/* The whole roster (as the leader), page by page; returns the count. */
static int roster_of(long long act, roster_entry *out, int max)
{
    int n = 0;
    char cursor[64] = "";
    for (int page = 0; page < 50; page++) {
        api_response *r = want(200, req("GET", W.leader.token, NULL, API "/activities/%lld/signups?limit=100%s%s",
                                        act, cursor[0] ? "&cursor=" : "", cursor));
        json_t *it;
        size_t i;
        json_array_foreach(jarr(r, "items"), i, it) {
            assert_true(n < max);
            const char *st = mstr(it, "status");
            json_t *pos = json_object_get(it, "waitlist_position");
            assert_true(st && (strcmp(st, "confirmed") == 0 || strcmp(st, "waitlisted") == 0));
            out[n].user_id = mint(it, "user_id");
            out[n].confirmed = strcmp(st, "confirmed") == 0;
            assert_true(out[n].confirmed ? pos == NULL : json_is_integer(pos));
            out[n++].position = (long)json_integer_value(pos);
        }
        json_t *next = api_json_get(r, "next_cursor");
        if (!json_is_string(next)) return n;
        snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
    }
    fail_msg("roster paging did not end");
    return n;
}

/* positions[0..n) is exactly {1..n}, each once. */
static void assert_positions(const long *positions, int n)
{
    char seen[POOL + 2] = {0};
    assert_true(n <= POOL);
    for (int i = 0; i < n; i++) {
        if (positions[i] < 1 || positions[i] > n || seen[positions[i]])
            fail_msg("waitlist position %ld is out of 1..%d or repeated", positions[i], n);
        seen[positions[i]] = 1;
    }
}

static void wait_until(time_t t)
{
    while (time(NULL) < t) sleep(1);
}

static int group_setup(void **state)
{
    (void)state;
    run_tag = api_run_tag();
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    struct {
        user *u;
        const char *what;
    } people[] = {{&W.admin, "admin"},   {&W.cadmin, "cadmin"},     {&W.ocadmin, "ocadmin"},
                  {&W.leader, "leader"}, {&W.sw, "socialworker"},   {&W.member, "member"},
                  {&W.target, "target"}, {&W.oleader, "oleader"},   {&W.resident, "resident"},
                  {&W.volunteer, "volunteer"}};
    for (size_t i = 0; i < sizeof people / sizeof people[0]; i++) login(people[i].u, people[i].what);
    for (int i = 0; i < POOL; i++) {
        char what[16];
        snprintf(what, sizeof what, "p%02d", i);
        login(&W.pool[i], what);
    }
    register_volunteer(&W.volunteer);
    grant(&W.admin, "admin", 0);
    W.community = community_new("Main");
    W.other_community = community_new("Other");
    W.list_community = community_new("List");
    grant(&W.cadmin, "community_admin", W.community);
    grant(&W.ocadmin, "community_admin", W.other_community);

    W.org_a = org_new(&W.leader, W.community, "Org A", 1);
    member_put(W.org_a, &W.sw, "social_worker");
    member_put(W.org_a, &W.member, "member");
    member_put(W.org_a, &W.target, "member");
    W.org_b = org_new(&W.oleader, W.community, "Org B", 1);   /* same community, another leader */
    W.list_org = org_new(&W.leader, W.list_community, "List org", 1);

    time_t now = time(NULL);
    W.soon = now + 4;
    W.ended_act = activity_create(&W.leader, W.list_org, activity_body("Ending", now - HOUR, W.soon, 10), 1);
    json_t *b = activity_body("Deadline", now + DAY, now + DAY + HOUR, 10);
    char d[40];
    fmt_time(W.soon, d, sizeof d);
    json_object_set_new(b, "signup_deadline", json_string(d));
    W.deadline_act = activity_create(&W.leader, W.org_a, b, 1);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    user *all[] = {&W.admin, &W.cadmin, &W.ocadmin, &W.leader, &W.sw, &W.member, &W.target, &W.oleader,
                   &W.resident, &W.volunteer};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->token);
    for (int i = 0; i < POOL; i++) free(W.pool[i].token);
    api_keep_free();
    return 0;
}

/* ================================================================ communities */

TEST(test_community_create)
{
    char name[96], body[256];
    snprintf(name, sizeof name, "Create %s", run_tag);
    const char *fmt = "{\"name\":\"%s\",\"street\":\"Tianlin St\",\"district\":\"Xuhui\",\"kind\":\"rural\"}";
    snprintf(body, sizeof body, fmt, name);
    api_response *r = want(201, req("POST", W.admin.token, body, API "/communities"));
    assert_true(jint(r, "id") > 0);
    assert_strs(r, "name", name, "street", "Tianlin St", "district", "Xuhui", "kind", "rural");
    assert_true(llabs((long long)(parse_time(jstr(r, "created_at")) - time(NULL))) < 120);

    assert_api_error(req("POST", W.admin.token, body, API "/communities"), 409, "already_exists");
    assert_api_error(req("POST", W.resident.token, body, API "/communities"), 403, "forbidden");
    assert_api_error(req("POST", W.cadmin.token, body, API "/communities"), 403, "forbidden");
    assert_api_error(req("POST", NULL, body, API "/communities"), 401, "unauthorized");
    assert_api_error(req("POST", W.admin.token, "{\"name\":", API "/communities"), 400, "bad_request");
    static const struct {
        const char *body;
        long status;
        const char *field;
    } bad[] = {
        {"{\"name\":\"\",\"street\":\"s\",\"district\":\"d\",\"kind\":\"urban\"}", 422, "name"},
        {"{\"street\":\"s\",\"district\":\"d\",\"kind\":\"urban\"}", 422, "name"},
        {"{\"name\":\"n\",\"street\":\"\",\"district\":\"d\",\"kind\":\"urban\"}", 422, "street"},
        {"{\"name\":\"n\",\"street\":\"s\",\"district\":\"d\",\"kind\":\"town\"}", 422, "kind"},
        {"{\"name\":\"n\",\"street\":\"s\",\"kind\":\"urban\"}", 422, "district"},
        {"{\"name\":7,\"street\":\"s\",\"district\":\"d\",\"kind\":\"urban\"}", 400, "name"},
        {"{\"name\":\"n\",\"street\":\"s\",\"district\":\"d\",\"kind\":[\"urban\"]}", 400, "kind"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_field_error(req("POST", W.admin.token, bad[i].body, API "/communities"), bad[i].status, bad[i].field);
    char longname[128];
    memset(longname, 'n', 101);
    longname[101] = '\0';
    snprintf(body, sizeof body, fmt, longname);
    assert_field_error(req("POST", W.admin.token, body, API "/communities"), 422, "name");
}

/* Walks GET <path>?limit=<limit>&<query> page by page: ids strictly ascending, orgs all
 * filed; returns how many of want[0..nwant) it saw. */
static int walk_ids(const char *path, int limit, const char *query, const long long *wanted, int nwant)
{
    int found = 0;
    long long last = 0;
    char cursor[64] = "";
    for (int page = 0; page < 10000; page++) {
        api_response *r = want(200, req("GET", NULL, NULL, "%s?limit=%d&%s%s%s", path, limit, query,
                                        cursor[0] ? "&cursor=" : "", cursor));
        json_t *items = jarr(r, "items"), *it;
        size_t i;
        assert_true(json_array_size(items) <= (size_t)limit);
        json_array_foreach(items, i, it) {
            long long id = mint(it, "id");
            assert_true(id > last);   /* ascending, nothing twice across pages */
            last = id;
            if (strcmp(path, API "/orgs") == 0) assert_string_equal(mstr(it, "status"), "filed");
            for (int k = 0; k < nwant; k++) found += id == wanted[k];
        }
        json_t *next = api_json_get(r, "next_cursor");
        if (!json_is_string(next)) {
            assert_true(json_is_null(next));
            return found;
        }
        snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
    }
    fail_msg("paging did not end");
    return found;
}

TEST(test_community_list)
{
    long long ours[] = {W.community, W.other_community, W.list_community};
    assert_int_equal(walk_ids(API "/communities", 2, "", ours, 3), 3);
    api_response *r = want(200, req("GET", NULL, NULL, API "/communities"));   /* default limit 20 */
    size_t n = json_array_size(jarr(r, "items"));
    assert_true(n <= 20);
    if (json_is_string(api_json_get(r, "next_cursor"))) assert_int_equal(n, 20);
    static const char *const bad[] = {"limit=0", "limit=101", "limit=x", "cursor=abc", "cursor=-1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_api_error(req("GET", NULL, NULL, API "/communities?%s", bad[i]), 400, "bad_request");
}

/* ================================================================ organizations */

TEST(test_org_create)
{
    char name[96], body[256];
    snprintf(name, sizeof name, "Create org %s", run_tag);
    api_response *r = want(201, req("POST", W.resident.token,
                                     J(json_pack("{s:s, s:I, s:s, s:s}", "name", name, "community_id",
                                               (json_int_t)W.community, "kind", "foundation", "summary", "帮助邻居")),
                                     API "/orgs"));
    assert_true(jint(r, "id") > 0);
    assert_strs(r, "status", "pending", "stage", "startup", "name", name, "kind", "foundation", "summary", "帮助邻居");
    assert_int_equal(jint(r, "community_id"), W.community);

    static const struct {
        const char *body;   /* %lld: the community */
        long status;
        const char *field;
    } bad[] = {
        {"{\"name\":\"x\",\"community_id\":%lld,\"kind\":\"association\"}", 422, "name"},
        {"{\"community_id\":%lld,\"kind\":\"association\"}", 422, "name"},
        {"{\"name\":\"ok name\",\"community_id\":%lld,\"kind\":\"club\"}", 422, "kind"},
        {"{\"name\":\"ok name\",\"community_id\":99999999%lld,\"kind\":\"association\"}", 422, "community_id"},
        {"{\"name\":\"ok name\",\"community_id\":0,\"kind\":\"association\",\"x\":%lld}", 422, "community_id"},
        {"{\"name\":\"ok name\",\"community_id\":\"%lld\",\"kind\":\"association\"}", 400, "community_id"},
        {"{\"name\":[\"n\"],\"community_id\":%lld,\"kind\":\"association\"}", 400, "name"},
        {"{\"name\":\"ok name\",\"community_id\":%lld,\"kind\":\"association\",\"summary\":5}", 400, "summary"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, bad[i].body, W.community);
        assert_field_error(req("POST", W.resident.token, body, API "/orgs"), bad[i].status, bad[i].field);
    }
    snprintf(body, sizeof body, bad[0].body, W.community);
    assert_api_error(req("POST", NULL, body, API "/orgs"), 401, "unauthorized");
    char summary[2002];
    memset(summary, 's', 2001);
    summary[2001] = '\0';
    assert_field_error(req("POST", W.resident.token,
                            J(json_pack("{s:s, s:I, s:s, s:s}", "name", "long summary", "community_id",
                                      (json_int_t)W.community, "kind", "association", "summary", summary)),
                            API "/orgs"),
                       422, "summary");
}

TEST(test_org_list)
{
    long long pending = org_new(&W.resident, W.community, "Pending list", 0);
    long long rejected = org_new(&W.resident, W.community, "Rejected list", 0);
    want(200, req("POST", W.admin.token, "{\"reason\":\"no\"}", API "/orgs/%lld/reject", rejected));
    char q[64];
    long long filed[] = {W.org_a, W.org_b}, others[] = {pending, rejected, W.list_org};
    snprintf(q, sizeof q, "community_id=%lld", W.community);
    assert_int_equal(walk_ids(API "/orgs", 1, q, filed, 2), 2);
    assert_int_equal(walk_ids(API "/orgs", 1, q, others, 3), 0);   /* pending, rejected, other community */
    snprintf(q, sizeof q, "community_id=%lld", W.other_community);
    assert_int_equal(walk_ids(API "/orgs", 100, q, filed, 2), 0);
    assert_int_equal(walk_ids(API "/orgs", 100, "", filed, 2), 2);
    static const char *const bad[] = {"limit=0", "limit=101", "cursor=x", "community_id=x", "community_id=-3"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_api_error(req("GET", NULL, NULL, API "/orgs?%s", bad[i]), 400, "bad_request");
}

TEST(test_org_get)
{
    const user *who[] = {&W.leader, &W.sw, &W.member, &W.resident, &W.admin, NULL};
    const char *roles[] = {"leader", "social_worker", "member", NULL, NULL, NULL};   /* my_role */
    for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
        api_response *r = want(200, req("GET", who[i] ? who[i]->token : NULL, NULL, API "/orgs/%lld", W.org_a));
        assert_int_equal(jint(r, "id"), W.org_a);
        assert_int_equal(jint(r, "community_id"), W.community);
        assert_strs(r, "status", "filed", "kind", "association", "stage", "startup");
        assert_non_null(strstr(jstr(r, "name"), run_tag));
        if (roles[i]) assert_string_equal(jstr(r, "my_role"), roles[i]);
        else jnull(r, "my_role");
    }
    long long pending = org_new(&W.resident, W.community, "Pending get", 0);
    const user *see[] = {&W.resident, &W.admin, &W.cadmin}, *blind[] = {&W.volunteer, &W.ocadmin, &W.leader};
    for (int i = 0; i < 3; i++) {
        assert_string_equal(jstr(want(200, req("GET", see[i]->token, NULL, API "/orgs/%lld", pending)), "status"),
                            "pending");
        assert_api_error(req("GET", blind[i]->token, NULL, API "/orgs/%lld", pending), 404, "not_found");
    }
    assert_api_error(req("GET", NULL, NULL, API "/orgs/%lld", pending), 404, "not_found");
    assert_api_error(req("GET", W.admin.token, NULL, API "/orgs/" NOID), 404, "not_found");
}

TEST(test_org_approve)
{
    long long org = org_new(&W.resident, W.community, "Approve me", 0);
    assert_api_error(req("POST", NULL, NULL, API "/orgs/%lld/approve", org), 401, "unauthorized");
    assert_api_error(req("POST", W.volunteer.token, NULL, API "/orgs/%lld/approve", org), 404, "not_found");
    assert_api_error(req("POST", W.ocadmin.token, NULL, API "/orgs/%lld/approve", org), 404, "not_found");
    assert_api_error(req("POST", W.resident.token, NULL, API "/orgs/%lld/approve", org), 403, "forbidden");
    for (int round = 0; round < 2; round++) {   /* the second time changes nothing */
        api_response *r = want(200, req("POST", W.cadmin.token, NULL, API "/orgs/%lld/approve", org));
        assert_int_equal(jint(r, "id"), org);
        assert_string_equal(jstr(r, "status"), "filed");
    }
    /* the filer leads it now */
    assert_strs(want(200, req("GET", W.resident.token, NULL, API "/orgs/%lld", org)), "status", "filed", "my_role",
                "leader");
    assert_api_error(req("POST", W.volunteer.token, NULL, API "/orgs/%lld/approve", org), 403, "forbidden");
    want(200, req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", org));

    long long rej = org_new(&W.resident, W.community, "Rejected approve", 0);
    want(200, req("POST", W.admin.token, "{\"reason\":\"incomplete\"}", API "/orgs/%lld/reject", rej));
    assert_api_error(req("POST", W.cadmin.token, NULL, API "/orgs/%lld/approve", rej), 409, "invalid_state");
    assert_api_error(req("POST", W.admin.token, NULL, API "/orgs/" NOID "/approve"), 404, "not_found");
}

TEST(test_org_reject)
{
    long long org = org_new(&W.resident, W.community, "Reject me", 0);
    const char *ok = "{\"reason\":\"材料不全\"}";
    assert_api_error(req("POST", NULL, ok, API "/orgs/%lld/reject", org), 401, "unauthorized");
    assert_api_error(req("POST", W.volunteer.token, ok, API "/orgs/%lld/reject", org), 404, "not_found");
    assert_api_error(req("POST", W.resident.token, ok, API "/orgs/%lld/reject", org), 403, "forbidden");
    assert_field_error(req("POST", W.cadmin.token, "{}", API "/orgs/%lld/reject", org), 422, "reason");
    assert_field_error(req("POST", W.cadmin.token, "{\"reason\":\"\"}", API "/orgs/%lld/reject", org), 422, "reason");
    assert_field_error(req("POST", W.cadmin.token, "{\"reason\":42}", API "/orgs/%lld/reject", org), 400, "reason");
    char reason[520];
    memset(reason, 'r', 501);
    reason[501] = '\0';
    assert_field_error(
        req("POST", W.cadmin.token, J(json_pack("{s:s}", "reason", reason)), API "/orgs/%lld/reject", org), 422,
        "reason");
    api_response *r = want(200, req("POST", W.cadmin.token, ok, API "/orgs/%lld/reject", org));
    assert_int_equal(jint(r, "id"), org);
    assert_string_equal(jstr(r, "status"), "rejected");
    assert_strs(want(200, req("GET", W.resident.token, NULL, API "/orgs/%lld", org)), "status", "rejected",
                "reject_reason", "材料不全");
    assert_api_error(req("GET", W.volunteer.token, NULL, API "/orgs/%lld", org), 404, "not_found");
    assert_api_error(req("POST", W.admin.token, ok, API "/orgs/%lld/reject", W.org_b), 409, "invalid_state");
}

TEST(test_org_patch)
{
    long long org = org_new(&W.resident, W.community, "Patch me", 1);
    api_response *r = want(200, req("PATCH", W.cadmin.token, "{\"stage\":\"growing\"}", API "/orgs/%lld", org));
    assert_strs(r, "stage", "growing", "kind", "association");
    want(200, req("PATCH", W.admin.token, "{\"kind\":\"private_non_enterprise\",\"stage\":\"mature\"}",
                  API "/orgs/%lld", org));
    assert_strs(want(200, req("GET", NULL, NULL, API "/orgs/%lld", org)), "stage", "mature", "kind",
                "private_non_enterprise");
    assert_field_error(req("PATCH", W.cadmin.token, "{\"stage\":\"huge\"}", API "/orgs/%lld", org), 422, "stage");
    assert_field_error(req("PATCH", W.cadmin.token, "{\"kind\":1}", API "/orgs/%lld", org), 400, "kind");
    const char *body = "{\"stage\":\"startup\"}";
    assert_api_error(req("PATCH", W.resident.token, body, API "/orgs/%lld", org), 403, "forbidden");   /* leader */
    assert_api_error(req("PATCH", W.ocadmin.token, body, API "/orgs/%lld", org), 403, "forbidden");
    assert_api_error(req("PATCH", NULL, body, API "/orgs/%lld", org), 401, "unauthorized");
    assert_api_error(req("PATCH", W.admin.token, body, API "/orgs/" NOID), 404, "not_found");
}

TEST(test_org_members)
{
    long long org = org_new(&W.resident, W.community, "Members", 1);   /* the resident leads it */
    const char *tok = W.resident.token;
    char body[128];
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"social_worker\"}", W.volunteer.id);
    api_response *r = want(201, req("POST", tok, body, API "/orgs/%lld/members", org));
    assert_int_equal(jint(r, "org_id"), org);
    assert_int_equal(jint(r, "user_id"), W.volunteer.id);
    assert_string_equal(jstr(r, "role"), "social_worker");
    assert_string_equal(jstr(want(200, req("GET", W.volunteer.token, NULL, API "/orgs/%lld", org)), "my_role"),
                        "social_worker");
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"member\"}", W.pool[0].id);
    assert_api_error(req("POST", W.volunteer.token, body, API "/orgs/%lld/members", org), 403, "forbidden");
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"member\"}", W.volunteer.id);
    assert_string_equal(jstr(want(200, req("POST", tok, body, API "/orgs/%lld/members", org)), "role"), "member");
    assert_string_equal(jstr(want(200, req("GET", W.volunteer.token, NULL, API "/orgs/%lld", org)), "my_role"),
                        "member");

    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"member\"}", W.resident.id);
    assert_api_error(req("POST", tok, body, API "/orgs/%lld/members", org), 409, "invalid_state");   /* the leader */
    assert_field_error(req("POST", tok, "{\"user_id\":" NOID ",\"role\":\"member\"}", API "/orgs/%lld/members", org),
                       422, "user_id");
    assert_field_error(req("POST", tok, "{\"user_id\":\"7\",\"role\":\"member\"}", API "/orgs/%lld/members", org),
                       400, "user_id");
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"leader\"}", W.pool[0].id);
    assert_field_error(req("POST", tok, body, API "/orgs/%lld/members", org), 422, "role");
    assert_api_error(req("POST", W.admin.token, body, API "/orgs/%lld/members", org), 403, "forbidden");
    assert_api_error(req("POST", NULL, body, API "/orgs/%lld/members", org), 401, "unauthorized");
}

/* ================================================================ activities */

TEST(test_activity_create)
{
    time_t now = time(NULL), s = now + 2 * DAY, e = s + 3 * HOUR, d = s - HOUR;
    json_t *b = activity_body("Full", s, e, 30);
    char dl[40];
    fmt_time(d, dl, sizeof dl);
    json_object_set_new(b, "signup_deadline", json_string(dl));
    json_object_set_new(b, "service_minutes", json_integer(150));
    json_object_set_new(b, "walk_in", json_true());
    json_object_set_new(b, "category", json_string("culture"));
    /* by the social worker */
    api_response *r = want(201, req("POST", W.sw.token, J(b), API "/orgs/%lld/activities", W.org_a));
    assert_true(jint(r, "id") > 0);
    assert_strs(r, "status", "draft", "category", "culture", "description", "Helping neighbours.", "location.name",
                "Community hall");
    assert_int_equal(jint(r, "org_id"), W.org_a);
    assert_int_equal(jint(r, "community_id"), W.community);
    assert_non_null(strstr(jstr(r, "org_name"), "Org A"));
    assert_non_null(strstr(jstr(r, "title"), run_tag));
    assert_int_equal(parse_time(jstr(r, "starts_at")), s);
    assert_int_equal(parse_time(jstr(r, "ends_at")), e);
    assert_int_equal(parse_time(jstr(r, "signup_deadline")), d);
    static const char *const ints[] = {"capacity", "confirmed", "waitlisted", "seats_left", "service_minutes",
                                       "location.radius_m"};
    static const long long values[] = {30, 0, 0, 30, 150, 200};
    for (int i = 0; i < 6; i++) assert_int_equal(jint(r, ints[i]), values[i]);
    assert_true(json_is_true(api_json_get(r, "walk_in")));
    assert_true(fabs(json_number_value(api_json_get(r, "location.lat")) - 31.230416) < 1e-6);
    assert_true(fabs(json_number_value(api_json_get(r, "location.lng")) - 121.473701) < 1e-6);

    r = want(201,
             req("POST", W.leader.token, J(activity_body("Plain", s, e, 5)), API "/orgs/%lld/activities", W.org_a));
    jnull(r, "signup_deadline");
    jnull(r, "service_minutes");
    assert_true(json_is_false(api_json_get(r, "walk_in")));

    const char *path = API "/orgs/%lld/activities";
    assert_api_error(req("POST", NULL, J(activity_body("x", s, e, 5)), path, W.org_a), 401, "unauthorized");
    assert_api_error(req("POST", W.member.token, J(activity_body("x", s, e, 5)), path, W.org_a), 403, "forbidden");
    assert_api_error(req("POST", W.admin.token, J(activity_body("x", s, e, 5)), path, W.org_a), 403, "forbidden");
    assert_api_error(req("POST", W.leader.token, J(activity_body("x", s, e, 5)), API "/orgs/" NOID "/activities"), 404,
                     "not_found");
    assert_api_error(req("POST", W.leader.token, "[]", API "/orgs/%lld/activities", W.org_a), 400, "bad_request");
    assert_api_error(req("POST", W.leader.token, "{\"title\":", API "/orgs/%lld/activities", W.org_a), 400,
                     "bad_request");
}

/* The filer of an organization still pending may not add activities yet, and is told why. */
TEST(test_activity_create_org_not_filed)
{
    long long org = org_new(&W.volunteer, W.community, "Not filed", 0);
    time_t now = time(NULL);
    assert_api_error(req("POST", W.volunteer.token, J(activity_body("Early", now + DAY, now + DAY + HOUR, 5)),
                          API "/orgs/%lld/activities", org),
                     409, "org_not_filed");
}

/* Each case changes a valid body: "key=value" pairs joined by '|', where a key may name a
 * member of location ("location.lat") and a value is JSON text, or "@N" (the time now+N s), "#N"
 * (N ASCII letters), "%N" (N Chinese characters), "-" (remove the member). The valid body starts
 * at now+86400 (1 day) and ends at now+93600 with capacity 10; -82800 is 23 h ago, -90000 25 h,
 * 2764800 is 31 days after the start. */
static const struct create_case {
    const char *change;
    long status;          /* 201, or 400/422 with error.fields[field] */
    const char *field;
} create_cases[] = {
    {"title=\"x\"", 422, "title"},                          {"title=#101", 422, "title"},
    {"title=%100", 201, NULL},                              {"title=-", 422, "title"},
    {"title=5", 400, "title"},                              {"description=#5001", 422, "description"},
    {"description=#5000", 201, NULL},                       {"category=\"sport\"", 422, "category"},
    {"category=\"safety\"", 201, NULL},                     {"starts_at=@-90000|ends_at=@3600", 422, "starts_at"},
    {"starts_at=@-82800|ends_at=@3600", 201, NULL},         {"starts_at=@86400|ends_at=@86400", 422, "ends_at"},
    {"starts_at=@86400|ends_at=@80000", 422, "ends_at"},    {"starts_at=@-7200|ends_at=@-3600", 422, "ends_at"},
    {"starts_at=@86400|ends_at=@2764801", 422, "ends_at"},  {"starts_at=@86400|ends_at=@2764800", 201, NULL},
    {"starts_at=\"2030-01-01 09:00:00\"", 422, "starts_at"}, {"starts_at=\"2030-01-01T09:00:00\"", 422, "starts_at"},
    {"ends_at=\"tomorrow\"", 422, "ends_at"},               {"starts_at=1900000000", 400, "starts_at"},
    {"ends_at=-", 422, "ends_at"},                          {"signup_deadline=@-60", 422, "signup_deadline"},
    {"signup_deadline=@93601", 422, "signup_deadline"},     {"signup_deadline=@93600", 201, NULL},
    {"signup_deadline=@3600", 201, NULL},                   {"signup_deadline=true", 400, "signup_deadline"},
    {"capacity=0", 422, "capacity"},                        {"capacity=100001", 422, "capacity"},
    {"capacity=100000", 201, NULL},                         {"capacity=1", 201, NULL},
    {"capacity=\"5\"", 400, "capacity"},                    {"capacity=2.5", 400, "capacity"},
    {"capacity=-", 422, "capacity"},                        {"service_minutes=0", 422, "service_minutes"},
    {"service_minutes=44641", 422, "service_minutes"},      {"service_minutes=44640", 201, NULL},
    {"walk_in=\"yes\"", 400, "walk_in"},                    {"walk_in=true", 201, NULL},
    {"location=-", 422, "location"},                        {"location=\"hall\"", 400, "location"},
    {"location.name=\"\"", 422, "location.name"},           {"location.name=#101", 422, "location.name"},
    {"location.lat=90.5", 422, "location.lat"},             {"location.lat=-90|location.lng=180", 201, NULL},
    {"location.lng=-180.5", 422, "location.lng"},           {"location.lat=\"31.2\"", 400, "location.lat"},
    {"location.lat=-", 422, "location.lat"},                {"location.radius_m=9", 422, "location.radius_m"},
    {"location.radius_m=5001", 422, "location.radius_m"},   {"location.radius_m=10", 201, NULL},
    {"location.radius_m=50.5", 400, "location.radius_m"},
};

/* Applies one "key=value" of a case to body. */
static void set_member(json_t *body, const char *kv, size_t len, time_t now)
{
    char key[64], val[64], head[32];
    const char *eq = memchr(kv, '=', len);
    assert_non_null(eq);
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    snprintf(val, sizeof val, "%.*s", (int)(kv + len - eq - 1), eq + 1);
    json_t *obj = body, *v;
    char *dot = strchr(key, '.'), *k = key;
    if (dot) {
        snprintf(head, sizeof head, "%.*s", (int)(dot - key), key);
        assert_non_null(obj = json_object_get(body, head));
        k = dot + 1;
    }
    if (strcmp(val, "-") == 0) {
        json_object_del(obj, k);
        return;
    }
    if (val[0] == '@') {
        char t[40];
        fmt_time(now + atol(val + 1), t, sizeof t);
        v = json_string(t);
    } else if (val[0] == '#' || val[0] == '%') {
        const char *unit = val[0] == '#' ? "a" : "社";
        size_t n = (size_t)atoi(val + 1), ul = strlen(unit);
        char *str = malloc(n * ul + 1);
        assert_non_null(str);
        for (size_t i = 0; i < n; i++) memcpy(str + i * ul, unit, ul);
        str[n * ul] = '\0';
        v = json_string(str);
        free(str);
    } else {
        v = json_loads(val, JSON_DECODE_ANY, NULL);
    }
    assert_non_null(v);
    json_object_set_new(obj, k, v);
}

TEST(test_activity_validation)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof create_cases / sizeof create_cases[0]; i++) {
        const struct create_case *c = &create_cases[i];
        time_t now = time(NULL);
        json_t *b = activity_body("Valid", now + DAY, now + DAY + 2 * HOUR, 10);
        for (const char *p = c->change; *p;) {
            size_t len = strcspn(p, "|");
            set_member(b, p, len, now);
            p += len + (p[len] == '|');
        }
        api_response *r = req("POST", W.leader.token, J(b), API "/orgs/%lld/activities", W.org_a);
        char why[200] = "";
        int ok = r->status == c->status;
        if (ok && c->field)
            ok = api_error_shape_ok(r, c->status == 400 ? "bad_request" : "validation_failed", why, sizeof why) &&
                 json_is_string(json_object_get(api_json_get(r, "error.fields"), c->field));
        else if (ok)
            ok = json_is_integer(api_json_get(r, "id")) && api_json_str(r, "status") &&
                 strcmp(api_json_str(r, "status"), "draft") == 0;
        if (!ok)
            print_error("case %zu (%.60s): expected %ld %s, got %ld %s: %.300s\n", i, c->change, c->status,
                        c->field ? c->field : "", r->status, why, r->body);
        failures += !ok;
    }
    assert_int_equal(failures, 0);
}

TEST(test_activity_publish_cancel)
{
    long long act = activity_new(5, 0);
    assert_api_error(req("POST", NULL, NULL, API "/activities/%lld/publish", act), 401, "unauthorized");
    for (int round = 0; round < 2; round++) {   /* the second time changes nothing */
        api_response *r =
            want(200, req("POST", round ? W.leader.token : W.sw.token, NULL, API "/activities/%lld/publish", act));
        assert_int_equal(jint(r, "id"), act);
        assert_string_equal(jstr(r, "status"), "published");
    }
    assert_api_error(req("POST", W.resident.token, NULL, API "/activities/%lld/publish", act), 403, "forbidden");
    assert_api_error(req("POST", W.cadmin.token, NULL, API "/activities/%lld/cancel", act), 403, "forbidden");
    for (int round = 0; round < 2; round++)
        assert_string_equal(
            jstr(want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", act)), "status"),
            "cancelled");
    assert_api_error(req("POST", W.leader.token, NULL, API "/activities/%lld/publish", act), 409, "invalid_state");
    assert_string_equal(jstr(want(200, req("GET", NULL, NULL, API "/activities/%lld", act)), "status"), "cancelled");

    long long draft = activity_new(5, 0);   /* a draft can be cancelled, and then never published */
    want(200, req("POST", W.sw.token, NULL, API "/activities/%lld/cancel", draft));
    assert_api_error(req("POST", W.sw.token, NULL, API "/activities/%lld/publish", draft), 409, "invalid_state");
    assert_api_error(req("POST", W.leader.token, NULL, API "/activities/" NOID "/publish"), 404, "not_found");
    assert_api_error(req("POST", W.leader.token, NULL, API "/activities/" NOID "/cancel"), 404, "not_found");
}

TEST(test_activity_get)
{
    long long act = activity_new(2, 1);
    for (int i = 0; i < 3; i++) want(201, join(&W.pool[i], act));
    const user *who[] = {NULL, &W.resident, &W.member, &W.sw, &W.leader, &W.admin};
    const char *roles[] = {NULL, NULL, "member", "social_worker", "leader", NULL};   /* my_org_role */
    for (int i = 0; i < 6; i++) {
        api_response *r = want(200, req("GET", who[i] ? who[i]->token : NULL, NULL, API "/activities/%lld", act));
        assert_int_equal(jint(r, "id"), act);
        assert_int_equal(jint(r, "org_id"), W.org_a);
        assert_string_equal(jstr(r, "status"), "published");
        assert_non_null(strstr(jstr(r, "title"), run_tag));
        assert_int_equal(jint(r, "capacity"), 2);
        assert_int_equal(jint(r, "confirmed"), 2);
        assert_int_equal(jint(r, "waitlisted"), 1);
        assert_int_equal(jint(r, "seats_left"), 0);
        if (roles[i]) assert_string_equal(jstr(r, "my_org_role"), roles[i]);
        else jnull(r, "my_org_role");
    }
    long long draft = activity_new(2, 0);
    const user *blind[] = {NULL, &W.resident, &W.volunteer, &W.oleader, &W.ocadmin};
    for (int i = 0; i < 5; i++)
        assert_api_error(req("GET", blind[i] ? blind[i]->token : NULL, NULL, API "/activities/%lld", draft), 404,
                         "not_found");
    const user *insiders[] = {&W.member, &W.cadmin, &W.admin};
    for (int i = 0; i < 3; i++)
        assert_string_equal(
            jstr(want(200, req("GET", insiders[i]->token, NULL, API "/activities/%lld", draft)), "status"), "draft");
    assert_api_error(req("GET", NULL, NULL, API "/activities/" NOID), 404, "not_found");
}

/* The ids of GET /activities?<query> in reply order; returns the count (next_cursor into next,
 * "" for null). */
static int list_ids(const char *query, long long *ids, int max, char *next, size_t next_len)
{
    api_response *r = want(200, req("GET", NULL, NULL, API "/activities?%s", query));
    json_t *it;
    size_t i;
    int n = 0;
    json_array_foreach(jarr(r, "items"), i, it) {
        assert_true(n < max);
        assert_string_equal(mstr(it, "status"), "published");
        ids[n++] = mint(it, "id");
    }
    json_t *nc = api_json_get(r, "next_cursor");
    assert_true(json_is_string(nc) || json_is_null(nc));
    if (next) snprintf(next, next_len, "%s", json_is_string(nc) ? json_string_value(nc) : "");
    return n;
}

/* The list for query is exactly the ids after the leading 0. */
#define assert_ids(query, ...)                                                                \
    do {                                                                                      \
        long long want_[] = {__VA_ARGS__}, got_[16];                                          \
        int n_ = list_ids((query), got_, 16, NULL, 0), nw_ = (int)(sizeof want_ / sizeof want_[0]) - 1; \
        if (n_ != nw_) print_error("?%s: %d items, expected %d\n", (query), n_, nw_);         \
        assert_int_equal(n_, nw_);                                                            \
        for (int k_ = 0; k_ < nw_; k_++) assert_int_equal(got_[k_], want_[k_ + 1]);           \
    } while (0)

TEST(test_activity_list)
{
    time_t now = time(NULL);
    json_t *b1 = activity_body("List culture", now + 2 * DAY, now + 2 * DAY + HOUR, 5);
    json_object_set_new(b1, "category", json_string("culture"));
    long long l2 =
        activity_create(&W.leader, W.list_org, activity_body("List relief", now + 3 * DAY, now + 3 * DAY + HOUR, 5), 1);
    long long l1 = activity_create(&W.leader, W.list_org, b1, 1);
    activity_create(&W.leader, W.list_org, activity_body("List draft", now + DAY, now + DAY + HOUR, 5), 0);
    long long gone =
        activity_create(&W.leader, W.list_org, activity_body("List gone", now + DAY, now + DAY + HOUR, 5), 1);
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", gone));
    wait_until(W.soon + 1);   /* W.ended_act is over */

    char q[256], t[40];
    long long c = W.list_community;
    snprintf(q, sizeof q, "community_id=%lld", c);
    assert_ids(q, 0, l1, l2);   /* by start time; no draft, cancelled or ended one */
    fmt_utc(now - 2 * DAY, t, sizeof t);
    snprintf(q, sizeof q, "community_id=%lld&from=%s", c, t);
    assert_ids(q, 0, W.ended_act, l1, l2);   /* `from` brings back ended ones */
    snprintf(q, sizeof q, "community_id=%lld&category=relief", c);
    assert_ids(q, 0, l2);
    snprintf(q, sizeof q, "community_id=%lld&category=safety", c);
    assert_ids(q, 0);
    fmt_utc(now + 3 * DAY, t, sizeof t);
    snprintf(q, sizeof q, "community_id=%lld&to=%s", c, t);
    assert_ids(q, 0, l1);   /* `to` leaves out what starts at it */
    fmt_time(now + 3 * DAY, t, sizeof t);
    t[19] = '\0';   /* without "+08:00": sent escaped below */
    snprintf(q, sizeof q, "community_id=%lld&from=%s%%2B08:00", c, t);
    assert_ids(q, 0, l2);
    snprintf(q, sizeof q, "community_id=%lld", W.other_community);
    assert_ids(q, 0);

    long long ids[4];
    char next[64], expect_cursor[64], q2[400];
    snprintf(q, sizeof q, "community_id=%lld&limit=1", c);
    assert_int_equal(list_ids(q, ids, 4, next, sizeof next), 1);
    assert_int_equal(ids[0], l1);
    snprintf(expect_cursor, sizeof expect_cursor, "%lld.%lld", (long long)(now + 2 * DAY), l1);
    assert_string_equal(next, expect_cursor);   /* "<starts_at unix>.<id>" */
    snprintf(q2, sizeof q2, "%s&cursor=%s", q, next);
    assert_int_equal(list_ids(q2, ids, 4, next, sizeof next), 1);
    assert_int_equal(ids[0], l2);
    snprintf(q2, sizeof q2, "%s&cursor=%s", q, next);
    assert_int_equal(list_ids(q2, ids, 4, next, sizeof next), 0);
    assert_string_equal(next, "");
}

TEST(test_activity_list_bad_filters)
{
    static const struct {
        const char *query, *field;
    } bad[] = {
        {"category=sport", "category"},         {"from=yesterday", "from"},
        {"from=2030-01-01", "from"},            {"to=2030-13-01T00:00:00Z", "to"},
        {"to=2030-01-01T00:00:00", "to"},       {"cursor=abc", "cursor"},
        {"cursor=1.x", "cursor"},               {"cursor=-5.3", "cursor"},
        {"limit=0", "limit"},                   {"limit=101", "limit"},
        {"community_id=x", "community_id"},
        {"from=%ZZ", "from"},                   /* a broken escape is not an absent filter */
        {"category=%ZZ", "category"},
    };
    int failures = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        api_response *r = req("GET", NULL, NULL, API "/activities?%s", bad[i].query);
        char why[200] = "";
        int ok = r->status == 400 && api_error_shape_ok(r, "bad_request", why, sizeof why) &&
                 json_is_string(json_object_get(api_json_get(r, "error.fields"), bad[i].field));
        if (!ok)
            print_error("?%s: expected 400 bad_request with fields.%s, got %ld %s: %.200s\n", bad[i].query,
                        bad[i].field, r->status, why, r->body);
        failures += !ok;
    }
    assert_int_equal(failures, 0);
}

/* ================================================================ sign-ups */

TEST(test_signup_join)
{
    long long act = activity_new(1, 1);
    assert_api_error(join(NULL, act), 401, "unauthorized");
    for (int round = 0; round < 2; round++) {   /* a repeat: 200 with the same answer */
        api_response *r = want(round ? 200 : 201, join(&W.pool[0], act));
        assert_string_equal(jstr(r, "status"), "confirmed");
        assert_int_equal(jint(r, "activity_id"), act);
        assert_null(api_json_get(r, "waitlist_position"));
        r = want(round ? 200 : 201, join(&W.pool[1], act));
        assert_string_equal(jstr(r, "status"), "waitlisted");
        assert_int_equal(jint(r, "waitlist_position"), 1);
    }
    assert_counts(act, 1, 1);
    assert_api_error(req("POST", W.pool[0].token, NULL, API "/activities/" NOID "/signups"), 404, "not_found");
}

TEST(test_signup_closed)
{
    long long act = activity_new(5, 1);
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", act));
    assert_api_error(join(&W.pool[0], act), 409, "signup_closed");
    long long draft = activity_new(5, 0);
    assert_api_error(join(&W.pool[0], draft), 404, "not_found");
    assert_api_error(join(&W.member, draft), 409, "signup_closed");   /* members see drafts */
    wait_until(W.soon + 1);
    assert_api_error(join(&W.pool[0], W.deadline_act), 409, "signup_closed");
    assert_api_error(join(&W.pool[0], W.ended_act), 409, "signup_closed");
    assert_counts(W.deadline_act, 0, 0);
}

TEST(test_signup_leave)
{
    long long act = activity_new(3, 1);
    assert_api_error(leave(NULL, act), 401, "unauthorized");
    want(204, leave(&W.pool[0], act));   /* nothing to cancel */
    want(201, join(&W.pool[0], act));
    assert_counts(act, 1, 0);
    assert_int_equal(want(204, leave(&W.pool[0], act))->body_len, 0);
    want(204, leave(&W.pool[0], act));
    assert_counts(act, 0, 0);
    want(201, join(&W.pool[0], act));   /* back again: a new sign-up */
    assert_counts(act, 1, 0);
    assert_api_error(leave(&W.pool[0], activity_new(3, 0)), 404, "not_found");
    assert_api_error(req("DELETE", W.pool[0].token, NULL, API "/activities/" NOID "/signups/me"), 404, "not_found");
}

TEST(test_roster)
{
    long long act = activity_new(1, 1);
    want(201, join(&W.pool[0], act));
    want(201, join(&W.pool[1], act));
    for (int who = 0; who < 2; who++) {
        api_response *r =
            want(200, req("GET", who ? W.sw.token : W.leader.token, NULL, API "/activities/%lld/signups", act));
        json_t *items = jarr(r, "items"), *a = json_array_get(items, 0), *b = json_array_get(items, 1);
        assert_int_equal(json_array_size(items), 2);
        jnull(r, "next_cursor");
        assert_int_equal(mint(a, "user_id"), W.pool[0].id);
        assert_string_equal(mstr(a, "status"), "confirmed");
        assert_null(json_object_get(a, "waitlist_position"));
        assert_true(json_is_string(json_object_get(a, "nickname")));
        assert_true(llabs((long long)(parse_time(mstr(a, "signed_up_at")) - time(NULL))) < 120);
        assert_true(json_is_null(json_object_get(a, "checked_in_at")));
        assert_int_equal(mint(b, "user_id"), W.pool[1].id);
        assert_string_equal(mstr(b, "status"), "waitlisted");
        assert_int_equal(mint(b, "waitlist_position"), 1);
    }
    char cursor[64];
    snprintf(cursor, sizeof cursor, "%s",
             jstr(want(200, req("GET", W.leader.token, NULL, API "/activities/%lld/signups?limit=1", act)),
                  "next_cursor"));
    api_response *r =
        want(200, req("GET", W.leader.token, NULL, API "/activities/%lld/signups?limit=1&cursor=%s", act, cursor));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    assert_int_equal(mint(json_array_get(jarr(r, "items"), 0), "user_id"), W.pool[1].id);
    assert_api_error(req("GET", W.leader.token, NULL, API "/activities/%lld/signups?limit=0", act), 400, "bad_request");
    const user *refused[] = {&W.member, &W.pool[0], &W.admin, &W.cadmin};
    for (int i = 0; i < 4; i++)
        assert_api_error(req("GET", refused[i]->token, NULL, API "/activities/%lld/signups", act), 403, "forbidden");
    assert_api_error(req("GET", NULL, NULL, API "/activities/%lld/signups", act), 401, "unauthorized");
    assert_api_error(req("GET", W.resident.token, NULL, API "/activities/%lld/signups", activity_new(1, 0)), 404,
                     "not_found");
}

TEST(test_my_signups)
{
    user u;
    login(&u, "mine");
    long long a1 = activity_new(1, 1), a2 = activity_new(1, 1);
    want(201, join(&W.pool[0], a2));
    want(201, join(&u, a1));
    want(201, join(&u, a2));
    api_response *r = want(200, req("GET", u.token, NULL, API "/me/signups"));
    json_t *items = jarr(r, "items"), *first = json_array_get(items, 0), *second = json_array_get(items, 1);
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(mint(first, "activity_id"), a2);   /* newest activity first */
    assert_string_equal(mstr(first, "status"), "waitlisted");
    assert_int_equal(mint(first, "waitlist_position"), 1);
    assert_int_equal(mint(second, "activity_id"), a1);
    assert_string_equal(mstr(second, "status"), "confirmed");
    assert_non_null(strstr(mstr(second, "title"), run_tag));
    assert_true(parse_time(mstr(second, "starts_at")) > time(NULL));
    assert_true(parse_time(mstr(second, "ends_at")) > parse_time(mstr(second, "starts_at")));

    r = want(200, req("GET", u.token, NULL, API "/me/signups?limit=1"));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    r = want(200, req("GET", u.token, NULL, API "/me/signups?limit=1&cursor=%s", jstr(r, "next_cursor")));
    assert_int_equal(mint(json_array_get(jarr(r, "items"), 0), "activity_id"), a1);
    want(204, leave(&u, a1));
    r = want(200, req("GET", u.token, NULL, API "/me/signups"));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);   /* only live sign-ups */
    assert_api_error(req("GET", NULL, NULL, API "/me/signups"), 401, "unauthorized");
    free(u.token);
}

/* ================================================================ authorization matrix */

enum caller { C_ANON, C_RESIDENT, C_VOLUNTEER, C_OTHER_LEADER, C_MEMBER, C_SW, C_LEADER, C_CADMIN, C_OCADMIN,
              C_ADMIN, NCALLERS };
static const char *const caller_names[NCALLERS] = {
    "anonymous", "resident", "volunteer", "other org's leader", "member", "social worker", "leader",
    "community admin", "other community's admin", "admin"};

/* Subjects: org A (filed); an org filed by org A's leader, still pending; an activity of org A,
 * published or draft. FRESH ones are made anew for every cell, where a cell changes the subject
 * in a way the next cell would notice. */
enum subject { S_ORG, S_PENDING, S_PUB, S_DRAFT, NSUBJECTS, FRESH = 8 };
static const char *const subject_names[NSUBJECTS] = {"filed org", "pending org", "published", "draft"};
enum body { B_NONE, B_STAGE, B_REASON, B_MEMBER, B_ACTIVITY };

static const struct matrix_row {
    const char *method, *path;   /* path under /api/v1; %lld: the subject's id */
    enum body body;
    int subject;                 /* enum subject, | FRESH */
    const char *conflict;        /* the code a 409 cell must carry */
    int expect[NCALLERS];
} matrix[] = {
    /*                                                                        anon res  vol  oLdr mem  sw   ldr  cadm ocad admin */
    {"GET", "/orgs/%lld", B_NONE, S_ORG, NULL,                                {200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/orgs/%lld", B_NONE, S_PENDING, NULL,                            {404, 404, 404, 404, 404, 404, 200, 200, 404, 200}},
    {"PATCH", "/orgs/%lld", B_STAGE, S_ORG, NULL,                             {401, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
    {"PATCH", "/orgs/%lld", B_STAGE, S_PENDING, NULL,                         {401, 404, 404, 404, 404, 404, 403, 200, 404, 200}},
    {"POST", "/orgs/%lld/approve", B_NONE, S_ORG, NULL,                       {401, 403, 403, 403, 403, 403, 403, 200, 403, 200}},
    {"POST", "/orgs/%lld/approve", B_NONE, S_PENDING | FRESH, NULL,           {401, 404, 404, 404, 404, 404, 403, 200, 404, 200}},
    {"POST", "/orgs/%lld/reject", B_REASON, S_ORG, "invalid_state",           {401, 403, 403, 403, 403, 403, 403, 409, 403, 409}},
    {"POST", "/orgs/%lld/reject", B_REASON, S_PENDING | FRESH, NULL,          {401, 404, 404, 404, 404, 404, 403, 200, 404, 200}},
    {"POST", "/orgs/%lld/members", B_MEMBER, S_ORG, NULL,                     {401, 403, 403, 403, 403, 403, 200, 403, 403, 403}},
    {"POST", "/orgs/%lld/members", B_MEMBER, S_PENDING, NULL,                 {401, 404, 404, 404, 404, 404, 409, 403, 404, 403}},
    {"POST", "/orgs/%lld/activities", B_ACTIVITY, S_ORG, NULL,                {401, 403, 403, 403, 403, 201, 201, 403, 403, 403}},
    {"POST", "/orgs/%lld/activities", B_ACTIVITY, S_PENDING, "org_not_filed", {401, 404, 404, 404, 404, 404, 409, 403, 404, 403}},
    {"GET", "/activities/%lld", B_NONE, S_PUB, NULL,                          {200, 200, 200, 200, 200, 200, 200, 200, 200, 200}},
    {"GET", "/activities/%lld", B_NONE, S_DRAFT, NULL,                        {404, 404, 404, 404, 200, 200, 200, 200, 404, 200}},
    {"POST", "/activities/%lld/publish", B_NONE, S_PUB, NULL,                 {401, 403, 403, 403, 403, 200, 200, 403, 403, 403}},
    {"POST", "/activities/%lld/publish", B_NONE, S_DRAFT | FRESH, NULL,       {401, 404, 404, 404, 403, 200, 200, 403, 404, 403}},
    {"POST", "/activities/%lld/cancel", B_NONE, S_PUB | FRESH, NULL,          {401, 403, 403, 403, 403, 200, 200, 403, 403, 403}},
    {"POST", "/activities/%lld/cancel", B_NONE, S_DRAFT | FRESH, NULL,        {401, 404, 404, 404, 403, 200, 200, 403, 404, 403}},
    {"POST", "/activities/%lld/signups", B_NONE, S_PUB, NULL,                 {401, 201, 201, 201, 201, 201, 201, 201, 201, 201}},
    {"POST", "/activities/%lld/signups", B_NONE, S_DRAFT, "signup_closed",    {401, 404, 404, 404, 409, 409, 409, 409, 404, 409}},
    {"DELETE", "/activities/%lld/signups/me", B_NONE, S_PUB, NULL,            {401, 204, 204, 204, 204, 204, 204, 204, 204, 204}},
    {"DELETE", "/activities/%lld/signups/me", B_NONE, S_DRAFT, NULL,          {401, 404, 404, 404, 204, 204, 204, 204, 404, 204}},
    {"GET", "/activities/%lld/signups", B_NONE, S_PUB, NULL,                  {401, 403, 403, 403, 403, 200, 200, 403, 403, 403}},
    {"GET", "/activities/%lld/signups", B_NONE, S_DRAFT, NULL,                {401, 404, 404, 404, 403, 200, 200, 403, 404, 403}},
};

static long long make_subject(int s)
{
    switch (s & ~FRESH) {
    case S_ORG: return W.org_a;
    case S_PENDING: return org_new(&W.leader, W.community, "MX pending", 0);
    case S_PUB: return activity_new(1000, 1);
    default: return activity_new(1000, 0);
    }
}

static char *matrix_body(enum body b)
{
    time_t now = time(NULL);
    json_t *j = b == B_STAGE    ? json_pack("{s:s}", "stage", "growing")
                : b == B_REASON ? json_pack("{s:s}", "reason", "incomplete papers")
                : b == B_MEMBER ? json_pack("{s:I, s:s}", "user_id", (json_int_t)W.target.id, "role", "member")
                : b == B_ACTIVITY ? activity_body("MX new", now + DAY, now + DAY + HOUR, 5) : NULL;
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}

/* A refusal carries the error shape and nothing of the object. */
static int refusal_clean(const api_response *r, const char *code, char *why, size_t len)
{
    if (!api_error_shape_ok(r, code, why, len)) return 0;
    const char *leak = json_object_size(r->json) != 1     ? "members besides \"error\""
                       : strstr(r->body, run_tag)         ? "the object's name or title"
                       : strstr(r->body, "\"title\"")     ? "\"title\""
                       : strstr(r->body, "\"name\"")      ? "\"name\"" : NULL;
    if (leak) snprintf(why, len, "refusal leaks %s", leak);
    return leak == NULL;
}

TEST(test_authorization_matrix)
{
    const user *callers[NCALLERS] = {NULL, &W.resident, &W.volunteer, &W.oleader, &W.member, &W.sw, &W.leader,
                                     &W.cadmin, &W.ocadmin, &W.admin};
    long long shared[NSUBJECTS];
    for (int s = 0; s < NSUBJECTS; s++) shared[s] = make_subject(s);
    int mismatches = 0, cells = 0;
    for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        const struct matrix_row *m = &matrix[i];
        char *body = matrix_body(m->body);
        for (int c = 0; c < NCALLERS; c++, cells++) {
            char path[256];
            int off = snprintf(path, sizeof path, "%s", API);
            snprintf(path + off, sizeof path - (size_t)off, m->path,
                     (m->subject & FRESH) ? make_subject(m->subject) : shared[m->subject]);
            api_response *r = keep(api_request(m->method, path, callers[c] ? callers[c]->token : NULL, body, NULL));
            long expected = m->expect[c];
            char why[200] = "";
            int ok = r->status == expected;
            if (ok && expected >= 400)
                ok = refusal_clean(r,
                                   expected == 401   ? "unauthorized"
                                   : expected == 403 ? "forbidden"
                                   : expected == 404 ? "not_found" : m->conflict,
                                   why, sizeof why);
            else if (ok && expected != 204 && !(ok = json_is_object(r->json)))
                snprintf(why, sizeof why, "no JSON object");
            if (!ok)
                print_error("%s %s [%s%s] as %s: expected %ld, got %ld %s: %.200s\n", m->method, m->path,
                            subject_names[m->subject & ~FRESH], (m->subject & FRESH) ? ", fresh" : "",
                            caller_names[c], expected, r->status, why, r->body);
            mismatches += !ok;
        }
        free(body);
    }
    print_message("authorization matrix: %d cells, %d mismatches\n", cells, mismatches);
    assert_int_equal(mismatches, 0);
}

/* ================================================================ concurrency and the waitlist */

/* users[i] sign up (join[i]) or leave, all at once; the replies in users' order. */
static api_response **all_at_once(long long act, const user *const *users, const int *joins, int n)
{
    char join_path[96], leave_path[96];
    snprintf(join_path, sizeof join_path, API "/activities/%lld/signups", act);
    snprintf(leave_path, sizeof leave_path, API "/activities/%lld/signups/me", act);
    api_call calls[POOL];
    assert_true(n <= POOL);
    for (int i = 0; i < n; i++)
        calls[i] = (api_call){joins[i] ? "POST" : "DELETE", joins[i] ? join_path : leave_path, users[i]->token,
                              NULL, 0, NULL};
    return api_parallel(calls, (size_t)n, n);
}

/* The index in W.pool[0..n) of a user id; fails if it is none of them. */
static int pool_index(long long user_id, int n)
{
    for (int i = 0; i < n; i++)
        if (W.pool[i].id == user_id) return i;
    fail_msg("user %lld on the roster is none of ours", user_id);
    return -1;
}

/* 60 users at once for 5 seats, five times: exactly 5 confirmed, 55 waitlisted at 1..55. */
TEST(test_parallel_signups_capacity)
{
    const user *users[POOL];
    int joins[POOL];
    for (int i = 0; i < POOL; i++) users[i] = &W.pool[i], joins[i] = 1;
    long long all_items = 0, all_batches = 0;
    for (int rep = 0; rep < 5; rep++) {
        long long act = activity_new(5, 1);
        long long items = api_metric(state_dir, "sanshe_batch_items_total{kind=\"signups\"}"),
                  batches = api_metric(state_dir, "sanshe_batches_total{kind=\"signups\"}");
        api_response **rs = all_at_once(act, users, joins, POOL);
        if (items >= 0) {   /* (not on a cluster: see api_metric) every new sign-up by group commit */
            items = api_metric(state_dir, "sanshe_batch_items_total{kind=\"signups\"}") - items;
            batches = api_metric(state_dir, "sanshe_batches_total{kind=\"signups\"}") - batches;
            print_message("round %d: %lld sign-ups in %lld group commits\n", rep, items, batches);
            assert_true(items >= POOL);
            all_items += items;
            all_batches += batches;
        }
        int confirmed = 0, nwait = 0, reply_confirmed[POOL];
        long positions[POOL], reply_pos[POOL];
        for (int i = 0; i < POOL; i++) {
            assert_api_status(rs[i], 201);
            assert_int_equal(jint(rs[i], "activity_id"), act);
            const char *st = jstr(rs[i], "status");
            reply_confirmed[i] = strcmp(st, "confirmed") == 0;
            reply_pos[i] = 0;
            if (reply_confirmed[i]) assert_null(api_json_get(rs[i], "waitlist_position"));
            else positions[nwait++] = reply_pos[i] = (long)jint(rs[i], "waitlist_position");
            confirmed += reply_confirmed[i];
        }
        api_free_all(rs, POOL);
        if (confirmed != 5) print_error("round %d: %d confirmed replies for 5 seats\n", rep, confirmed);
        assert_int_equal(confirmed, 5);
        assert_positions(positions, nwait);

        assert_counts(act, 5, POOL - 5);
        roster_entry ro[POOL + 1];
        int n = roster_of(act, ro, POOL + 1), rc = 0, rw = 0, seen[POOL] = {0};
        assert_int_equal(n, POOL);
        for (int k = 0; k < n; k++) {
            int u = pool_index(ro[k].user_id, POOL);
            assert_int_equal(seen[u]++, 0);
            assert_int_equal(ro[k].confirmed, reply_confirmed[u]);   /* the roster agrees with the replies */
            assert_int_equal(ro[k].position, reply_pos[u]);
            if (ro[k].confirmed) rc++;
            else positions[rw++] = ro[k].position;
        }
        assert_int_equal(rc, 5);
        assert_positions(positions, rw);
    }
    assert_true(all_batches < all_items || all_items == 0);   /* sign-ups shared commits (0: a cluster) */
}

/* 12 users, 3 seats, 10 rounds of everyone signing up or leaving at once, at random. */
TEST(test_signup_storm)
{
    enum { N = 12, CAP = 3, ROUNDS = 10 };
    unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
    print_message("signup storm seed %u\n", seed);
    long long act = activity_new(CAP, 1);
    const user *users[N];
    int live[N] = {0}, joins[N];
    for (int i = 0; i < N; i++) users[i] = &W.pool[i];
    for (int round = 0; round < ROUNDS; round++) {
        int nlive = 0;
        for (int i = 0; i < N; i++) joins[i] = rand_r(&seed) % 2;
        api_response **rs = all_at_once(act, users, joins, N);
        for (int i = 0; i < N; i++) {
            assert_api_status(rs[i], joins[i] ? (live[i] ? 200 : 201) : 204);
            if (joins[i]) {
                const char *st = jstr(rs[i], "status");
                assert_true(strcmp(st, "confirmed") == 0 || strcmp(st, "waitlisted") == 0);
            }
            nlive += live[i] = joins[i];
        }
        api_free_all(rs, N);
        long want_confirmed = nlive < CAP ? nlive : CAP;   /* never more than CAP */
        if (counts_of(act).confirmed > CAP) print_error("round %d (seed %u): overbooked\n", round, seed);
        assert_counts(act, want_confirmed, nlive - want_confirmed);
        roster_entry ro[N + 1];
        long positions[N];
        int n = roster_of(act, ro, N + 1), rc = 0, rw = 0;
        assert_int_equal(n, nlive);
        for (int k = 0; k < n; k++) {
            assert_true(live[pool_index(ro[k].user_id, N)]);   /* with n == nlive: exactly the live ones */
            if (ro[k].confirmed) rc++;
            else positions[rw++] = ro[k].position;
        }
        assert_int_equal(rc, want_confirmed);
        assert_positions(positions, rw);
    }
}

/* One user, twenty identical sign-ups at once: one 201, nineteen 200, one seat taken. */
TEST(test_same_user_parallel)
{
    enum { N = 20 };
    long long act = activity_new(5, 1);
    const user *users[N];
    int joins[N], created = 0, repeated = 0;
    for (int i = 0; i < N; i++) users[i] = &W.pool[0], joins[i] = 1;
    api_response **rs = all_at_once(act, users, joins, N);
    for (int i = 0; i < N; i++) {
        created += rs[i]->status == 201;
        repeated += rs[i]->status == 200;
        if (rs[i]->status != 201) assert_api_status(rs[i], 200);
        assert_string_equal(jstr(rs[i], "status"), "confirmed");
    }
    api_free_all(rs, N);
    assert_int_equal(created, 1);
    assert_int_equal(repeated, N - 1);
    assert_counts(act, 1, 0);
    roster_entry ro[4];
    assert_int_equal(roster_of(act, ro, 4), 1);
    assert_int_equal(ro[0].user_id, W.pool[0].id);
}

/* Status and position of u's sign-up, by repeating it (a repeat changes nothing). */
static void assert_place(long long act, const user *u, const char *status, long position)
{
    api_response *r = want(200, join(u, act));
    assert_string_equal(jstr(r, "status"), status);
    if (position) assert_int_equal(jint(r, "waitlist_position"), position);
    else assert_null(api_json_get(r, "waitlist_position"));
}

TEST(test_waitlist_promotion_order)
{
    long long act = activity_new(1, 1);
    const user *a = &W.pool[0], *b = &W.pool[1], *c = &W.pool[2];
    want(201, join(a, act));
    /* a new sign-up's own reply gives its place: behind everyone waiting */
    assert_int_equal(jint(want(201, join(b, act)), "waitlist_position"), 1);
    assert_int_equal(jint(want(201, join(c, act)), "waitlist_position"), 2);
    assert_place(act, a, "confirmed", 0);
    assert_place(act, b, "waitlisted", 1);
    assert_place(act, c, "waitlisted", 2);
    want(204, leave(a, act));
    assert_place(act, b, "confirmed", 0);   /* the first in the queue moves up */
    assert_place(act, c, "waitlisted", 1);
    assert_counts(act, 1, 1);
    roster_entry ro[4];
    assert_int_equal(roster_of(act, ro, 4), 2);
    for (int k = 0; k < 2; k++) {
        if (ro[k].user_id == b->id) assert_true(ro[k].confirmed);
        else assert_true(ro[k].user_id == c->id && !ro[k].confirmed && ro[k].position == 1);
    }
    json_t *it;
    size_t i;
    int seen = 0;
    json_array_foreach(jarr(want(200, req("GET", b->token, NULL, API "/me/signups?limit=100")), "items"), i, it) {
        if (mint(it, "activity_id") != act) continue;
        assert_string_equal(mstr(it, "status"), "confirmed");
        seen++;
    }
    assert_int_equal(seen, 1);
    /* a waitlisted person leaving promotes nobody; the confirmed one leaving promotes the next */
    assert_int_equal(jint(want(201, join(a, act)), "waitlist_position"), 2);   /* a cancelled one, again */
    assert_place(act, a, "waitlisted", 2);
    want(204, leave(c, act));
    assert_place(act, a, "waitlisted", 1);
    want(204, leave(b, act));
    assert_place(act, a, "confirmed", 0);
    assert_counts(act, 1, 0);
}

/* Places in the queue stay exact through every kind of change while repeats are answered from
 * the process's copy of the queue (util/rankcache.h, loaded after a read that had to count):
 * someone in the middle leaving, the head moving up, a newcomer, a cancelled one coming back. */
TEST(test_waitlist_place_after_changes)
{
    enum { N = 7 };
    long long act = activity_new(1, 1);
    const user *u[N];
    for (int i = 0; i < N; i++) u[i] = &W.pool[i];
    want(201, join(u[0], act));
    for (int i = 1; i < N - 1; i++) assert_int_equal(jint(want(201, join(u[i], act)), "waitlist_position"), i);
    /* expected[i]: u[i]'s place (0: confirmed, -1: not signed up) */
    long expected[N] = {0, 1, 2, 3, 4, 5, -1};
    for (int step = 0; step < 5; step++) {
        for (int round = 0; round < 3; round++) {   /* the first read counts and keeps a copy; the others use it */
            usleep(120 * 1000);
            for (int i = 0; i < N; i++)
                if (expected[i] >= 0) assert_place(act, u[i], expected[i] ? "waitlisted" : "confirmed", expected[i]);
        }
        switch (step) {
        case 0:   /* one in the middle leaves */
            want(204, leave(u[3], act));
            expected[3] = -1, expected[4] = 3, expected[5] = 4;
            break;
        case 1:   /* a newcomer joins at the end */
            assert_int_equal(jint(want(201, join(u[6], act)), "waitlist_position"), 5);
            expected[6] = 5;
            break;
        case 2:   /* the confirmed one leaves: the head moves up */
            want(204, leave(u[0], act));
            expected[0] = -1, expected[1] = 0, expected[2] = 1, expected[4] = 2, expected[5] = 3, expected[6] = 4;
            break;
        case 3:   /* the one who left comes back, at the end */
            assert_int_equal(jint(want(201, join(u[3], act)), "waitlist_position"), 5);
            expected[3] = 5;
            break;
        }
    }
    assert_counts(act, 1, 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_community_create), cmocka_unit_test(test_community_list),
        cmocka_unit_test(test_org_create), cmocka_unit_test(test_org_list), cmocka_unit_test(test_org_get),
        cmocka_unit_test(test_org_approve), cmocka_unit_test(test_org_reject), cmocka_unit_test(test_org_patch),
        cmocka_unit_test(test_org_members), cmocka_unit_test(test_activity_create),
        cmocka_unit_test(test_activity_create_org_not_filed), cmocka_unit_test(test_activity_validation),
        cmocka_unit_test(test_activity_publish_cancel), cmocka_unit_test(test_activity_get),
        cmocka_unit_test(test_activity_list), cmocka_unit_test(test_activity_list_bad_filters),
        cmocka_unit_test(test_signup_join), cmocka_unit_test(test_signup_closed), cmocka_unit_test(test_signup_leave),
        cmocka_unit_test(test_roster), cmocka_unit_test(test_my_signups), cmocka_unit_test(test_authorization_matrix),
        cmocka_unit_test(test_parallel_signups_capacity), cmocka_unit_test(test_signup_storm),
        cmocka_unit_test(test_same_user_parallel), cmocka_unit_test(test_waitlist_promotion_order),
        cmocka_unit_test(test_waitlist_place_after_changes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
