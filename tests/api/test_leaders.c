/* API tests for what leaders and approvers need every day, against a live stack
 * (SANSHE_TEST_URL): approval queues (filings, contest projects), members, invitations and the
 * transfer of leadership, the caller's profile (GET/PATCH /me) and `sanshe ctl revoke`, an
 * organization's own activity list and PATCH of activities, console sign-in by QR code (20
 * parallel polls of one confirmed ticket: one token), and the notifications handlers store
 * (inbox, read, subscriptions; promotion, change, cancellation, decisions). Every error code of
 * these routes is asserted, and after every refusal that nothing changed.
 * Roles come from `sanshe ctl grant` on the stack whose state folder is SANSHE_TEST_STATE. */
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
#define POLLS 20
#define TEST(name) static void name(void **state_ __attribute__((unused)))

typedef api_user user;

static const char *run_tag;
static char repo_root[PATH_MAX];
static const char *state_dir;

#define login(u, what) api_login_user((u), (what))
#define req(...) api_req(__VA_ARGS__)
#define J(j) api_json_text(j)
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define jint(r, path) api_jint((r), (path))
#define jstr(r, path) api_jstr((r), (path))
#define jarr(r, path) api_jarr((r), (path))
#define mint(obj, key) api_mint((obj), (key))
#define mstr(obj, key) api_mstr((obj), (key))
#define assert_field_error(r, status, field) api_field_error_at((r), (status), (field), __FILE__, __LINE__)

static struct {
    user admin, cadmin, ocadmin, leader, sw, member, oleader, resident, joiner, other;
    long long community, other_community, org_a, org_b, contest;
} W;

static void grant(const user *u, const char *role, long long community)
{
    assert_int_equal(api_grant(repo_root, state_dir, u->openid, role, community), 0);
}

static long long community_new(const char *what)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, run_tag);
    return jint(want(201, req("POST", W.admin.token,
                               J(json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street", "Wulumuqi Rd", "district",
                                         "Xuhui", "kind", "urban")),
                               API "/communities")),
                "id");
}

static long long org_new(const user *filer, long long community, const char *what, int approve)
{
    char name[96];
    snprintf(name, sizeof name, "%s %s", what, run_tag);
    long long id = jint(want(201, req("POST", filer->token,
                                       J(json_pack("{s:s, s:I, s:s}", "name", name, "community_id",
                                                 (json_int_t)community, "kind", "association")),
                                       API "/orgs")),
                        "id");
    if (approve) want(200, req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", id));
    return id;
}

static void member_put(const user *leader, long long org, const user *who, const char *role)
{
    want(201, req("POST", leader->token, J(json_pack("{s:I, s:s}", "user_id", (json_int_t)who->id, "role", role)),
                   API "/orgs/%lld/members", org));
}

static json_t *activity_body(const char *what, time_t starts, time_t ends, long capacity)
{
    char title[96], s[40], e[40];
    snprintf(title, sizeof title, "%s %s", what, run_tag);
    api_fmt_time(starts, s, sizeof s);
    api_fmt_time(ends, e, sizeof e);
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:{s:s, s:f, s:f, s:i}}", "title", title, "description",
                     "Helping neighbours.", "category", "relief", "starts_at", s, "ends_at", e, "capacity",
                     (json_int_t)capacity, "location", "name", "Community hall", "lat", 31.230416, "lng",
                     121.473701, "radius_m", 200);
}

static long long activity_new(long long org, time_t starts, time_t ends, long capacity, int publish)
{
    long long id = jint(want(201, req("POST", W.leader.token, J(activity_body("Act", starts, ends, capacity)),
                                       API "/orgs/%lld/activities", org)),
                        "id");
    if (publish) want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/publish", id));
    return id;
}

/* 1 if the list reply's items hold an object whose key is the integer id. */
static int list_has(const api_response *r, const char *key, long long id)
{
    json_t *items = api_json_get(r, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it) if (mint(it, key) == id) return 1;
    return 0;
}

/* The member entry of user in the org's member list (as its leader sees it), or NULL. */
static json_t *member_of(const user *leader, long long org, long long user_id)
{
    api_response *r = want(200, req("GET", leader->token, NULL, API "/orgs/%lld/members", org));
    json_t *items = jarr(r, "items"), *it;
    size_t i;
    json_array_foreach(items, i, it) if (mint(it, "user_id") == user_id) return it;
    return NULL;
}

/* How many notifications of kind about activity (0: any) the user has. */
static int notices(const user *u, const char *kind, long long activity)
{
    api_response *r = want(200, req("GET", u->token, NULL, API "/me/notifications?limit=100"));
    json_t *items = jarr(r, "items"), *it;
    size_t i;
    int n = 0;
    json_array_foreach(items, i, it) {
        if (strcmp(mstr(it, "kind"), kind) != 0) continue;
        if (activity && mint(it, "activity_id") != activity) continue;
        n++;
    }
    return n;
}

static int group_setup(void **state)
{
    (void)state;
    run_tag = api_run_tag();
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    login(&W.admin, "ldadmin");
    login(&W.cadmin, "ldcadmin");
    login(&W.ocadmin, "ldocadmin");
    login(&W.leader, "ldleader");
    login(&W.sw, "ldsw");
    login(&W.member, "ldmember");
    login(&W.oleader, "ldoleader");
    login(&W.resident, "ldresident");
    login(&W.joiner, "ldjoiner");
    login(&W.other, "ldother");
    grant(&W.admin, "admin", 0);
    W.community = community_new("Leaders");
    W.other_community = community_new("Leaders other");
    grant(&W.cadmin, "community_admin", W.community);
    grant(&W.ocadmin, "community_admin", W.other_community);
    W.org_a = org_new(&W.leader, W.community, "Org A", 1);
    W.org_b = org_new(&W.oleader, W.community, "Org B", 1);
    member_put(&W.leader, W.org_a, &W.sw, "social_worker");
    member_put(&W.leader, W.org_a, &W.member, "member");
    char s[40], v[40];
    time_t now = time(NULL);
    api_fmt_time(now + 7 * DAY, s, sizeof s);
    api_fmt_time(now - HOUR, v, sizeof v);
    W.contest = jint(want(201, req("POST", W.admin.token,
                                    J(json_pack("{s:s, s:i, s:i, s:s, s:s, s:s}", "title", "Leaders contest",
                                              "budget_cents", 100000, "votes_per_user_per_day", 3, "submit_until", s,
                                              "vote_from", v, "vote_until", s)),
                                    API "/contests")),
                     "id");
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    user *all[] = {&W.admin, &W.cadmin, &W.ocadmin, &W.leader, &W.sw, &W.member, &W.oleader, &W.resident,
                   &W.joiner, &W.other};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) free(all[i]->token);
    api_keep_free();
    return 0;
}

/* ================================================================ 1. queues */

TEST(test_org_queue)
{
    long long p1 = org_new(&W.resident, W.community, "Pending one", 0);
    long long p2 = org_new(&W.resident, W.other_community, "Pending two", 0);
    api_response *r;
    /* the admin: every community, or one */
    r = want(200, req("GET", W.admin.token, NULL, API "/orgs?status=pending&limit=100&community_id=%lld", W.community));
    assert_true(list_has(r, "id", p1));
    assert_false(list_has(r, "id", p2));
    json_t *it;
    size_t i;
    json_array_foreach(jarr(r, "items"), i, it) assert_string_equal(mstr(it, "status"), "pending");
    /* a community's admin: their community only; naming another is 403 */
    r = want(200, req("GET", W.cadmin.token, NULL, API "/orgs?status=pending&limit=100"));
    assert_true(list_has(r, "id", p1));
    assert_false(list_has(r, "id", p2));
    r = want(200, req("GET", W.cadmin.token, NULL, API "/orgs?status=pending&community_id=%lld", W.community));
    assert_true(list_has(r, "id", p1));
    assert_api_error(req("GET", W.cadmin.token, NULL, API "/orgs?status=pending&community_id=%lld", W.other_community),
                     403, "forbidden");
    assert_api_error(req("GET", W.cadmin.token, NULL, API "/orgs?status=rejected&community_id=%lld",
                         W.other_community),
                     403, "forbidden");
    /* anyone else: a status they may not see is 403, never ignored */
    assert_api_error(req("GET", W.resident.token, NULL, API "/orgs?status=pending"), 403, "forbidden");
    assert_api_error(req("GET", W.leader.token, NULL, API "/orgs?status=rejected"), 403, "forbidden");
    assert_api_error(req("GET", NULL, NULL, API "/orgs?status=pending"), 403, "forbidden");
    assert_field_error(req("GET", NULL, NULL, API "/orgs?status=approved"), 400, "status");
    /* filed: anyone, and the default */
    r = want(200, req("GET", NULL, NULL, API "/orgs?status=filed&limit=100&community_id=%lld", W.community));
    assert_true(list_has(r, "id", W.org_a));
    assert_false(list_has(r, "id", p1));
    r = want(200, req("GET", NULL, NULL, API "/orgs?limit=100&community_id=%lld", W.community));
    assert_true(list_has(r, "id", W.org_a));
    /* a reject needs a reason, answers it, and the org moves to the rejected queue */
    assert_field_error(req("POST", W.cadmin.token, "{}", API "/orgs/%lld/reject", p1), 422, "reason");
    assert_field_error(req("POST", W.cadmin.token, "{\"reason\":\"\"}", API "/orgs/%lld/reject", p1), 422, "reason");
    r = want(200, req("GET", W.admin.token, NULL, API "/orgs/%lld", p1));
    assert_string_equal(jstr(r, "status"), "pending");
    r = want(200, req("POST", W.cadmin.token, "{\"reason\":\"papers incomplete\"}", API "/orgs/%lld/reject", p1));
    assert_string_equal(jstr(r, "status"), "rejected");
    assert_string_equal(jstr(r, "reason"), "papers incomplete");
    r = want(200, req("GET", W.cadmin.token, NULL, API "/orgs?status=rejected&limit=100"));
    assert_true(list_has(r, "id", p1));
    r = want(200, req("GET", W.cadmin.token, NULL, API "/orgs?status=pending&limit=100"));
    assert_false(list_has(r, "id", p1));
    /* the other community's admin cannot decide this community's filing */
    assert_api_error(req("POST", W.ocadmin.token, "{\"reason\":\"no\"}", API "/orgs/%lld/reject", p1), 404,
                     "not_found");
    /* the filer was told */
    assert_int_equal(notices(&W.resident, "org_decided", 0) >= 1, 1);
}

TEST(test_project_queue)
{
    long long pa = jint(want(201, req("POST", W.leader.token,
                                       J(json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)W.org_a, "title",
                                                 "Garden A", "summary", "A garden.", "budget_cents", 5000)),
                                       API "/contests/%lld/projects", W.contest)),
                        "id");
    long long pb = jint(want(201, req("POST", W.oleader.token,
                                       J(json_pack("{s:I, s:s, s:s, s:i}", "org_id", (json_int_t)W.org_b, "title",
                                                 "Garden B", "summary", "A garden.", "budget_cents", 5000)),
                                       API "/contests/%lld/projects", W.contest)),
                        "id");
    api_response *r = want(200, req("GET", W.admin.token, NULL, API "/contests/%lld/projects?status=submitted",
                                     W.contest));
    assert_true(list_has(r, "id", pa));
    assert_true(list_has(r, "id", pb));
    /* a leader sees their own organizations' projects in any status, nobody else's */
    r = want(200, req("GET", W.leader.token, NULL, API "/contests/%lld/projects?status=submitted", W.contest));
    assert_true(list_has(r, "id", pa));
    assert_false(list_has(r, "id", pb));
    assert_api_error(req("GET", W.resident.token, NULL, API "/contests/%lld/projects?status=submitted", W.contest),
                     403, "forbidden");
    assert_api_error(req("GET", NULL, NULL, API "/contests/%lld/projects?status=rejected", W.contest), 403,
                     "forbidden");
    assert_field_error(req("GET", NULL, NULL, API "/contests/%lld/projects?status=won", W.contest), 400, "status");
    /* a reject needs a reason; the leader reads it in the rejected queue */
    assert_field_error(req("POST", W.admin.token, "{}", API "/contest-projects/%lld/reject", pa), 422, "reason");
    r = want(200, req("POST", W.admin.token, "{\"reason\":\"over budget\"}", API "/contest-projects/%lld/reject", pa));
    assert_string_equal(jstr(r, "status"), "rejected");
    r = want(200, req("GET", W.leader.token, NULL, API "/contests/%lld/projects?status=rejected", W.contest));
    json_t *it;
    size_t i;
    int seen = 0;
    json_array_foreach(jarr(r, "items"), i, it) if (mint(it, "id") == pa) {
        assert_string_equal(mstr(it, "reject_reason"), "over budget");
        seen = 1;
    }
    assert_true(seen);
    want(200, req("POST", W.admin.token, NULL, API "/contest-projects/%lld/approve", pb));
    r = want(200, req("GET", NULL, NULL, API "/contests/%lld/projects?status=approved", W.contest));
    assert_true(list_has(r, "id", pb));
    assert_false(list_has(r, "id", pa));
    /* both submitters were told */
    assert_true(notices(&W.leader, "project_decided", 0) >= 1);
    assert_true(notices(&W.oleader, "project_decided", 0) >= 1);
}

/* ================================================================ 2. members, invites, transfer */

TEST(test_members_list_remove)
{
    long long org = org_new(&W.leader, W.community, "Members", 1);
    member_put(&W.leader, org, &W.sw, "social_worker");
    member_put(&W.leader, org, &W.other, "member");
    api_response *r = want(200, req("GET", W.sw.token, NULL, API "/orgs/%lld/members", org));
    json_t *items = jarr(r, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_int_equal(mint(json_array_get(items, 0), "user_id"), W.leader.id);   /* the leader first */
    assert_string_equal(mstr(json_array_get(items, 0), "role"), "leader");
    assert_non_null(mstr(json_array_get(items, 0), "joined_at"));
    assert_non_null(mstr(json_array_get(items, 0), "nickname"));
    assert_api_error(req("GET", W.other.token, NULL, API "/orgs/%lld/members", org), 403, "forbidden");   /* member */
    assert_api_error(req("GET", W.resident.token, NULL, API "/orgs/%lld/members", org), 403, "forbidden");
    assert_api_error(req("GET", NULL, NULL, API "/orgs/%lld/members", org), 401, "unauthorized");
    /* the leader removes anyone but themself */
    assert_api_error(req("DELETE", W.leader.token, NULL, API "/orgs/%lld/members/%lld", org, W.leader.id), 409,
                     "cannot_remove_self");
    assert_api_error(req("DELETE", W.sw.token, NULL, API "/orgs/%lld/members/%lld", org, W.other.id), 403,
                     "forbidden");
    assert_non_null(member_of(&W.leader, org, W.other.id));
    want(204, req("DELETE", W.leader.token, NULL, API "/orgs/%lld/members/%lld", org, W.other.id));
    assert_null(member_of(&W.leader, org, W.other.id));
    want(204, req("DELETE", W.leader.token, NULL, API "/orgs/%lld/members/%lld", org, W.other.id));   /* again */
    assert_non_null(member_of(&W.leader, org, W.leader.id));
    /* a foreign org: seen (filed) but not led */
    assert_api_error(req("DELETE", W.leader.token, NULL, API "/orgs/%lld/members/%lld", W.org_b, W.oleader.id), 403,
                     "forbidden");
    assert_api_error(req("GET", W.leader.token, NULL, API "/orgs/999999999999/members"), 404, "not_found");
}

TEST(test_invites)
{
    long long org = org_new(&W.leader, W.community, "Invites", 1);
    assert_field_error(req("POST", W.leader.token, "{\"role\":\"leader\"}", API "/orgs/%lld/invites", org), 422, "role");
    assert_api_error(req("POST", W.resident.token, "{\"role\":\"member\"}", API "/orgs/%lld/invites", org), 403,
                     "forbidden");
    api_response *r = want(201, req("POST", W.leader.token, "{\"role\":\"social_worker\"}", API "/orgs/%lld/invites",
                                     org));
    char code[32], svg[128];
    snprintf(code, sizeof code, "%s", jstr(r, "code"));
    snprintf(svg, sizeof svg, "%s", jstr(r, "svg_url"));
    assert_int_equal(strlen(code), 16);
    assert_true(api_parse_time(jstr(r, "expires_at")) > time(NULL) + 6 * DAY);
    api_response *s = want(200, req("GET", NULL, NULL, "%s", svg));
    assert_non_null(s->content_type);
    assert_non_null(strstr(s->content_type, "image/svg+xml"));
    assert_non_null(strstr(s->body, "<svg"));
    /* accepted once; the joiner becomes a social worker */
    assert_api_error(req("POST", NULL, NULL, API "/invites/%s/accept", code), 401, "unauthorized");
    r = want(200, req("POST", W.joiner.token, NULL, API "/invites/%s/accept", code));
    assert_int_equal(jint(r, "org_id"), org);
    assert_string_equal(jstr(r, "role"), "social_worker");
    json_t *m = member_of(&W.leader, org, W.joiner.id);
    assert_non_null(m);
    assert_string_equal(mstr(m, "role"), "social_worker");
    /* used: 410 for anyone, the joiner included */
    assert_api_error(req("POST", W.other.token, NULL, API "/invites/%s/accept", code), 410, "invite_expired");
    assert_api_error(req("POST", W.joiner.token, NULL, API "/invites/%s/accept", code), 410, "invite_expired");
    assert_null(member_of(&W.leader, org, W.other.id));
    /* an existing member: 409, and the invitation stays usable */
    r = want(201, req("POST", W.leader.token, "{\"role\":\"member\"}", API "/orgs/%lld/invites", org));
    snprintf(code, sizeof code, "%s", jstr(r, "code"));
    assert_api_error(req("POST", W.joiner.token, NULL, API "/invites/%s/accept", code), 409, "already_member");
    assert_api_error(req("POST", W.leader.token, NULL, API "/invites/%s/accept", code), 409, "already_member");
    assert_string_equal(mstr(member_of(&W.leader, org, W.joiner.id), "role"), "social_worker");   /* unchanged */
    r = want(200, req("POST", W.other.token, NULL, API "/invites/%s/accept", code));
    assert_string_equal(jstr(r, "role"), "member");
    /* unknown codes */
    assert_api_error(req("POST", W.other.token, NULL, API "/invites/1234567890123456/accept"), 404, "not_found");
    assert_api_error(req("POST", W.other.token, NULL, API "/invites/abc/accept"), 404, "not_found");
    /* parallel accepts of one code by different people: one wins */
    r = want(201, req("POST", W.leader.token, "{\"role\":\"member\"}", API "/orgs/%lld/invites", org));
    snprintf(code, sizeof code, "%s", jstr(r, "code"));
    char path[96];
    snprintf(path, sizeof path, API "/invites/%s/accept", code);
    api_call calls[2] = {{.method = "POST", .path = path, .token = W.resident.token},
                         {.method = "POST", .path = path, .token = W.member.token}};
    api_response **rs = api_parallel(calls, 2, 2);
    int ok = (rs[0]->status == 200) + (rs[1]->status == 200), gone = (rs[0]->status == 410) + (rs[1]->status == 410);
    assert_int_equal(ok, 1);
    assert_int_equal(gone, 1);
    api_free_all(rs, 2);
}

TEST(test_transfer)
{
    long long org = org_new(&W.leader, W.community, "Transfer", 1);
    member_put(&W.leader, org, &W.member, "member");
    /* not a member, oneself, nobody: 422, nothing changed */
    assert_field_error(req("POST", W.leader.token, J(json_pack("{s:I}", "user_id", (json_int_t)W.resident.id)),
                           API "/orgs/%lld/transfer", org),
                       422, "user_id");
    assert_field_error(req("POST", W.leader.token, J(json_pack("{s:I}", "user_id", (json_int_t)W.leader.id)),
                           API "/orgs/%lld/transfer", org),
                       422, "user_id");
    assert_field_error(req("POST", W.leader.token, "{}", API "/orgs/%lld/transfer", org), 422, "user_id");
    assert_api_error(req("POST", W.member.token, J(json_pack("{s:I}", "user_id", (json_int_t)W.member.id)),
                         API "/orgs/%lld/transfer", org),
                     403, "forbidden");
    assert_string_equal(mstr(member_of(&W.leader, org, W.leader.id), "role"), "leader");
    /* to a member: they lead, the old leader is a social worker */
    api_response *r = want(200, req("POST", W.leader.token, J(json_pack("{s:I}", "user_id", (json_int_t)W.member.id)),
                                     API "/orgs/%lld/transfer", org));
    assert_int_equal(jint(r, "leader_id"), W.member.id);
    assert_string_equal(jstr(r, "previous_leader.role"), "social_worker");
    assert_string_equal(jstr(want(200, req("GET", W.member.token, NULL, API "/orgs/%lld", org)), "my_role"), "leader");
    assert_string_equal(jstr(want(200, req("GET", W.leader.token, NULL, API "/orgs/%lld", org)), "my_role"),
                        "social_worker");
    /* the old leader can no longer transfer or remove; the new one can */
    assert_api_error(req("POST", W.leader.token, J(json_pack("{s:I}", "user_id", (json_int_t)W.leader.id)),
                         API "/orgs/%lld/transfer", org),
                     403, "forbidden");
    want(204, req("DELETE", W.member.token, NULL, API "/orgs/%lld/members/%lld", org, W.leader.id));
    assert_null(member_of(&W.member, org, W.leader.id));
}

/* ================================================================ /me, PATCH /me, revoke */

TEST(test_me_profile)
{
    user u;
    login(&u, "ldprofile");
    api_response *r = want(200, req("GET", u.token, NULL, API "/me"));
    assert_true(json_is_null(api_json_get(r, "home_community_id")));
    assert_true(json_is_null(api_json_get(r, "avatar_url")));
    assert_int_equal(json_array_size(jarr(r, "orgs")), 0);
    assert_int_equal(json_array_size(jarr(r, "administers")), 0);
    /* the leader's orgs with roles; the community admin's communities */
    r = want(200, req("GET", W.sw.token, NULL, API "/me"));
    json_t *it;
    size_t i;
    int found = 0;
    json_array_foreach(jarr(r, "orgs"), i, it) if (mint(it, "id") == W.org_a) {
        assert_string_equal(mstr(it, "role"), "social_worker");
        assert_non_null(mstr(it, "name"));
        found = 1;
    }
    assert_true(found);
    r = want(200, req("GET", W.cadmin.token, NULL, API "/me"));
    assert_int_equal(json_array_size(jarr(r, "administers")), 1);
    assert_int_equal(json_integer_value(json_array_get(jarr(r, "administers"), 0)), W.community);
    /* PATCH: trimmed nickname, avatar, home community */
    r = want(200, req("PATCH", u.token,
                       J(json_pack("{s:s, s:s, s:I}", "nickname", "  小张  ", "avatar_url", "https://img.example/a.png",
                                 "home_community_id", (json_int_t)W.community)),
                       API "/me"));
    assert_string_equal(jstr(r, "nickname"), "小张");
    assert_string_equal(jstr(r, "avatar_url"), "https://img.example/a.png");
    assert_int_equal(jint(r, "home_community_id"), W.community);
    r = want(200, req("GET", u.token, NULL, API "/me"));
    assert_string_equal(jstr(r, "nickname"), "小张");   /* the cached caller was refreshed */
    /* refusals change nothing, not even the valid fields beside them */
    assert_field_error(req("PATCH", u.token, "{\"nickname\":\"   \"}", API "/me"), 422, "nickname");
    assert_field_error(req("PATCH", u.token, "{\"nickname\":\"新名字\",\"roles\":[\"admin\"]}", API "/me"), 422, "roles");
    assert_field_error(req("PATCH", u.token, "{\"nickname\":\"新名字\",\"id\":1}", API "/me"), 422, "id");
    assert_field_error(req("PATCH", u.token, "{\"volunteer\":null}", API "/me"), 422, "volunteer");
    assert_field_error(req("PATCH", u.token, "{\"avatar_url\":\"http://plain.example/a.png\"}", API "/me"), 422,
                       "avatar_url");
    assert_field_error(req("PATCH", u.token, "{\"home_community_id\":999999999999}", API "/me"), 422,
                       "home_community_id");
    assert_field_error(req("PATCH", u.token, "{\"nickname\":42}", API "/me"), 400, "nickname");
    r = want(200, req("GET", u.token, NULL, API "/me"));
    assert_string_equal(jstr(r, "nickname"), "小张");
    assert_string_equal(json_string_value(json_array_get(jarr(r, "roles"), 0)), "resident");
    assert_int_equal(json_array_size(jarr(r, "roles")), 1);
    /* null clears */
    r = want(200, req("PATCH", u.token, "{\"avatar_url\":null,\"home_community_id\":null}", API "/me"));
    assert_true(json_is_null(api_json_get(r, "avatar_url")));
    assert_true(json_is_null(api_json_get(r, "home_community_id")));
    assert_api_error(req("PATCH", NULL, "{\"nickname\":\"x\"}", API "/me"), 401, "unauthorized");
    free(u.token);
}

TEST(test_ctl_revoke)
{
    user u;
    login(&u, "ldrevoke");
    grant(&u, "community_admin", W.community);
    api_response *r = want(200, req("GET", u.token, NULL, API "/me"));
    assert_int_equal(json_array_size(jarr(r, "administers")), 1);
    want(200, req("GET", u.token, NULL, API "/orgs?status=pending"));
    assert_int_equal(api_ctl(repo_root, state_dir, "revoke '%s' community_admin %lld", u.openid, W.community), 0);
    r = want(200, req("GET", u.token, NULL, API "/me"));   /* the same session sees it at once */
    assert_int_equal(json_array_size(jarr(r, "administers")), 0);
    assert_api_error(req("GET", u.token, NULL, API "/orgs?status=pending"), 403, "forbidden");
    /* again: not held, still success; unknown user or bad role: failure */
    assert_int_equal(api_ctl(repo_root, state_dir, "revoke '%s' community_admin %lld", u.openid, W.community), 0);
    assert_int_not_equal(api_ctl(repo_root, state_dir, "revoke nobody_%s admin", run_tag), 0);
    assert_int_not_equal(api_ctl(repo_root, state_dir, "revoke '%s' leader", u.openid), 0);
    grant(&u, "admin", 0);
    want(200, req("GET", u.token, NULL, API "/orgs?status=rejected"));
    assert_int_equal(api_ctl(repo_root, state_dir, "revoke '%s' admin", u.openid), 0);
    assert_api_error(req("GET", u.token, NULL, API "/orgs?status=rejected"), 403, "forbidden");
    free(u.token);
}

/* ================================================================ 3. activities of an org, PATCH */

TEST(test_org_activities)
{
    long long org = org_new(&W.leader, W.community, "Acts", 1);
    member_put(&W.leader, org, &W.sw, "social_worker");
    time_t now = time(NULL);
    long long draft = activity_new(org, now + DAY, now + DAY + HOUR, 10, 0);
    long long pub = activity_new(org, now + DAY, now + DAY + HOUR, 10, 1);
    long long cancelled = activity_new(org, now + DAY, now + DAY + HOUR, 10, 1);
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", cancelled));
    long long ending = activity_new(org, now - HOUR, now + 2, 10, 1);   /* ends in 2 s */
    /* anyone: published and ended */
    api_response *r = want(200, req("GET", NULL, NULL, API "/orgs/%lld/activities", org));
    assert_true(list_has(r, "id", pub));
    assert_true(list_has(r, "id", ending));
    assert_false(list_has(r, "id", draft));
    assert_false(list_has(r, "id", cancelled));
    assert_true(mint(json_array_get(jarr(r, "items"), 0), "id") > mint(json_array_get(jarr(r, "items"), 1), "id"));
    assert_api_error(req("GET", NULL, NULL, API "/orgs/%lld/activities?status=draft", org), 403, "forbidden");
    assert_api_error(req("GET", W.resident.token, NULL, API "/orgs/%lld/activities?status=cancelled", org), 403,
                     "forbidden");
    assert_field_error(req("GET", NULL, NULL, API "/orgs/%lld/activities?status=open", org), 400, "status");
    /* staff: everything, or one state */
    r = want(200, req("GET", W.sw.token, NULL, API "/orgs/%lld/activities", org));
    assert_int_equal(json_array_size(jarr(r, "items")), 4);
    r = want(200, req("GET", W.sw.token, NULL, API "/orgs/%lld/activities?status=draft", org));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    assert_true(list_has(r, "id", draft));
    r = want(200, req("GET", W.leader.token, NULL, API "/orgs/%lld/activities?status=cancelled", org));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    assert_true(list_has(r, "id", cancelled));
    /* after its end, an activity is "ended", not "published" */
    sleep(3);
    r = want(200, req("GET", NULL, NULL, API "/orgs/%lld/activities?status=ended", org));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    assert_true(list_has(r, "id", ending));
    assert_string_equal(mstr(json_array_get(jarr(r, "items"), 0), "status"), "ended");
    r = want(200, req("GET", NULL, NULL, API "/orgs/%lld/activities?status=published", org));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    assert_true(list_has(r, "id", pub));
    /* a pending org's list is hidden from strangers */
    long long pending = org_new(&W.leader, W.community, "Acts pending", 0);
    assert_api_error(req("GET", NULL, NULL, API "/orgs/%lld/activities", pending), 404, "not_found");
    /* pages: limit and cursor */
    r = want(200, req("GET", W.leader.token, NULL, API "/orgs/%lld/activities?limit=2", org));
    assert_int_equal(json_array_size(jarr(r, "items")), 2);
    const char *next = jstr(r, "next_cursor");
    r = want(200, req("GET", W.leader.token, NULL, API "/orgs/%lld/activities?limit=2&cursor=%s", org, next));
    assert_int_equal(json_array_size(jarr(r, "items")), 2);
    assert_true(list_has(r, "id", draft));
    /* PATCH of an ended one: 409 */
    assert_api_error(req("PATCH", W.leader.token, "{\"title\":\"Late edit\"}", API "/activities/%lld", ending), 409,
                     "invalid_state");
}

TEST(test_activity_patch)
{
    time_t now = time(NULL);
    long long act = activity_new(W.org_a, now + DAY, now + DAY + 2 * HOUR, 1, 1);
    user a, b;
    login(&a, "ldpatcha");
    login(&b, "ldpatchb");
    assert_string_equal(jstr(want(201, req("POST", a.token, NULL, API "/activities/%lld/signups", act)), "status"),
                        "confirmed");
    assert_string_equal(jstr(want(201, req("POST", b.token, NULL, API "/activities/%lld/signups", act)), "status"),
                        "waitlisted");
    /* refusals: each a documented 4xx, the activity unchanged */
    assert_api_error(req("PATCH", W.member.token, "{\"title\":\"Member edit\"}", API "/activities/%lld", act), 403,
                     "forbidden");
    assert_api_error(req("PATCH", NULL, "{\"title\":\"Anon edit\"}", API "/activities/%lld", act), 401,
                     "unauthorized");
    assert_api_error(req("PATCH", W.oleader.token, "{\"title\":\"Foreign edit\"}", API "/activities/%lld", act), 403,
                     "forbidden");
    assert_field_error(req("PATCH", W.leader.token, "{\"title\":\"Sneaky\",\"status\":\"draft\"}",
                           API "/activities/%lld", act),
                       422, "status");
    assert_field_error(req("PATCH", W.leader.token, "{\"confirmed\":0}", API "/activities/%lld", act), 422,
                       "confirmed");
    assert_field_error(req("PATCH", W.leader.token, "{\"org_id\":1}", API "/activities/%lld", act), 422, "org_id");
    char e[40];
    api_fmt_time(now + HOUR, e, sizeof e);   /* before the start */
    assert_field_error(req("PATCH", W.leader.token, J(json_pack("{s:s}", "ends_at", e)), API "/activities/%lld", act),
                       422, "ends_at");
    assert_field_error(req("PATCH", W.leader.token, "{\"capacity\":0}", API "/activities/%lld", act), 422, "capacity");
    assert_field_error(req("PATCH", W.leader.token, "{\"title\":7}", API "/activities/%lld", act), 400, "title");
    assert_field_error(req("PATCH", W.leader.token, "{\"min_attendance_pct\":101}", API "/activities/%lld", act), 422,
                       "min_attendance_pct");
    api_response *r = want(200, req("GET", NULL, NULL, API "/activities/%lld", act));
    assert_int_equal(jint(r, "capacity"), 1);
    assert_string_equal(jstr(r, "status"), "published");
    assert_int_equal(notices(&a, "activity_changed", act), 0);
    /* more seats: the waitlisted person moves up and is told; everyone signed up is told of the change */
    r = want(200, req("PATCH", W.sw.token, "{\"capacity\":2,\"title\":\"Bigger hall\",\"location\":{\"name\":\"Gym\","
                                           "\"lat\":31.2,\"lng\":121.4,\"radius_m\":300}}",
                       API "/activities/%lld", act));
    assert_int_equal(jint(r, "capacity"), 2);
    assert_int_equal(jint(r, "confirmed"), 2);
    assert_int_equal(jint(r, "waitlisted"), 0);
    assert_string_equal(jstr(r, "title"), "Bigger hall");
    assert_string_equal(jstr(r, "location.name"), "Gym");
    assert_int_equal(notices(&b, "waitlist_promoted", act), 1);
    assert_int_equal(notices(&a, "activity_changed", act), 1);
    assert_int_equal(notices(&b, "activity_changed", act), 1);
    /* capacity below the confirmed seats: 409, unchanged */
    assert_api_error(req("PATCH", W.leader.token, "{\"capacity\":1}", API "/activities/%lld", act), 409,
                     "capacity_below_confirmed");
    assert_int_equal(jint(want(200, req("GET", NULL, NULL, API "/activities/%lld", act)), "capacity"), 2);
    /* a second edit is a second event: told again */
    want(200, req("PATCH", W.leader.token, "{\"description\":\"Bring gloves.\"}", API "/activities/%lld", act));
    assert_int_equal(notices(&a, "activity_changed", act), 2);
    /* cancelled: everyone told once, and no more edits */
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", act));
    want(200, req("POST", W.leader.token, NULL, API "/activities/%lld/cancel", act));   /* again: idempotent */
    assert_int_equal(notices(&a, "activity_cancelled", act), 1);
    assert_int_equal(notices(&b, "activity_cancelled", act), 1);
    assert_api_error(req("PATCH", W.leader.token, "{\"title\":\"Too late\"}", API "/activities/%lld", act), 409,
                     "invalid_state");
    /* a draft may be edited; nobody is signed up */
    long long draft = activity_new(W.org_a, now + DAY, now + DAY + HOUR, 5, 0);
    r = want(200, req("PATCH", W.leader.token, "{\"capacity\":9,\"signup_deadline\":null,\"service_minutes\":30}",
                       API "/activities/%lld", draft));
    assert_int_equal(jint(r, "capacity"), 9);
    assert_int_equal(jint(r, "service_minutes"), 30);
    assert_string_equal(jstr(r, "status"), "draft");
    free(a.token);
    free(b.token);
    /* the minimum attendance is editable like every create field */
    assert_int_equal(jint(want(200, req("PATCH", W.leader.token, "{\"min_attendance_pct\":80}",
                                        API "/activities/%lld", draft)),
                          "min_attendance_pct"),
                     80);
}

TEST(test_waitlist_promotion_notice)
{
    time_t now = time(NULL);
    long long act = activity_new(W.org_a, now + DAY, now + DAY + HOUR, 1, 1);
    user a, b;
    login(&a, "ldpromoa");
    login(&b, "ldpromob");
    want(201, req("POST", a.token, NULL, API "/activities/%lld/signups", act));
    want(201, req("POST", b.token, NULL, API "/activities/%lld/signups", act));
    assert_int_equal(notices(&b, "waitlist_promoted", act), 0);
    want(204, req("DELETE", a.token, NULL, API "/activities/%lld/signups/me", act));
    assert_int_equal(notices(&b, "waitlist_promoted", act), 1);
    assert_int_equal(notices(&a, "waitlist_promoted", act), 0);
    /* b leaves and returns waitlisted behind a, who rejoined: a new waitlist entry, a new event */
    want(201, req("POST", a.token, NULL, API "/activities/%lld/signups", act));   /* waitlisted */
    want(204, req("DELETE", b.token, NULL, API "/activities/%lld/signups/me", act));
    assert_int_equal(notices(&a, "waitlist_promoted", act), 1);
    free(a.token);
    free(b.token);
}

/* ================================================================ 4. console sign-in by QR code */

static char *ticket_new(void)
{
    api_response *r = want(201, req("POST", NULL, NULL, API "/auth/qr-tickets"));
    time_t exp = api_parse_time(jstr(r, "expires_at")), now = time(NULL);
    assert_true(exp > now && exp <= now + 121);
    assert_non_null(strstr(jstr(r, "svg_url"), jstr(r, "ticket")));
    return strdup(jstr(r, "ticket"));
}

TEST(test_qr_ticket_flow)
{
    char *t = ticket_new();
    assert_int_equal(strlen(t), 16);
    api_response *r = want(200, req("GET", NULL, NULL, API "/auth/qr-tickets/%s", t));
    assert_string_equal(jstr(r, "status"), "waiting");
    assert_null(api_json_get(r, "token"));
    r = want(200, req("GET", NULL, NULL, API "/auth/qr-tickets/%s/qr.svg", t));
    assert_non_null(strstr(r->body, "<svg"));
    assert_api_error(req("POST", NULL, NULL, API "/auth/qr-tickets/%s/confirm", t), 401, "unauthorized");
    want(204, req("POST", W.sw.token, NULL, API "/auth/qr-tickets/%s/confirm", t));
    assert_api_error(req("POST", W.sw.token, NULL, API "/auth/qr-tickets/%s/confirm", t), 409, "ticket_used");
    assert_api_error(req("POST", W.other.token, NULL, API "/auth/qr-tickets/%s/confirm", t), 409, "ticket_used");
    r = want(200, req("GET", NULL, NULL, API "/auth/qr-tickets/%s", t));
    assert_string_equal(jstr(r, "status"), "confirmed");
    assert_int_equal(jint(r, "user.id"), W.sw.id);   /* the one who confirmed, not a later try */
    char *token = strdup(jstr(r, "token"));
    r = want(200, req("GET", token, NULL, API "/me"));
    assert_int_equal(jint(r, "id"), W.sw.id);
    /* once only; then the ticket is gone */
    assert_api_error(req("GET", NULL, NULL, API "/auth/qr-tickets/%s", t), 410, "ticket_expired");
    assert_api_error(req("POST", W.sw.token, NULL, API "/auth/qr-tickets/%s/confirm", t), 409, "ticket_used");
    /* the console's session is a session like any: logout ends it */
    want(204, req("POST", token, NULL, API "/auth/logout"));
    assert_api_error(req("GET", token, NULL, API "/me"), 401, "unauthorized");
    /* unknown or expired tickets (Redis dropped them): 410 for poll and confirm */
    assert_api_error(req("GET", NULL, NULL, API "/auth/qr-tickets/1234567890123456"), 410, "ticket_expired");
    assert_api_error(req("POST", W.sw.token, NULL, API "/auth/qr-tickets/1234567890123456/confirm"), 410,
                     "ticket_expired");
    assert_api_error(req("GET", NULL, NULL, API "/auth/qr-tickets/not-a-ticket"), 404, "not_found");
    free(token);
    free(t);
}

TEST(test_qr_ticket_parallel_polls)
{
    char *t = ticket_new();
    char path[96];
    snprintf(path, sizeof path, API "/auth/qr-tickets/%s", t);
    want(204, req("POST", W.leader.token, NULL, "%s/confirm", path));
    api_call calls[POLLS];
    for (int i = 0; i < POLLS; i++) calls[i] = (api_call){.method = "GET", .path = path};
    api_response **rs = api_parallel(calls, POLLS, POLLS);
    int tokens = 0, gone = 0;
    for (int i = 0; i < POLLS; i++) {
        if (rs[i]->status == 200) {
            assert_string_equal(api_json_str(rs[i], "status"), "confirmed");
            assert_non_null(api_json_str(rs[i], "token"));
            tokens++;
        } else if (api_is_error(rs[i], 410, "ticket_expired")) {
            assert_null(strstr(rs[i]->body, "token\""));
            gone++;
        } else {
            fail_msg("poll %d: %ld %.200s", i, rs[i]->status, rs[i]->body);
        }
    }
    api_free_all(rs, POLLS);
    assert_int_equal(tokens, 1);
    assert_int_equal(gone, POLLS - 1);
    free(t);
}

/* ================================================================ 5. inbox and subscriptions */

TEST(test_inbox_and_subscriptions)
{
    user u;
    login(&u, "ldinbox");
    long long org = org_new(&u, W.community, "Inbox org", 0);
    want(200, req("POST", W.cadmin.token, NULL, API "/orgs/%lld/approve", org));
    api_response *r = want(200, req("GET", u.token, NULL, API "/me/notifications?unread=1"));
    json_t *items = jarr(r, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *n = json_array_get(items, 0);
    assert_string_equal(mstr(n, "kind"), "org_decided");
    assert_int_equal(mint(n, "object_id"), org);
    assert_true(json_is_null(json_object_get(n, "read_at")));
    long long id = mint(n, "id");
    /* another person's notification: 404; one's own: 204, twice */
    assert_api_error(req("POST", W.other.token, NULL, API "/me/notifications/%lld/read", id), 404, "not_found");
    want(204, req("POST", u.token, NULL, API "/me/notifications/%lld/read", id));
    want(204, req("POST", u.token, NULL, API "/me/notifications/%lld/read", id));
    r = want(200, req("GET", u.token, NULL, API "/me/notifications?unread=1"));
    assert_int_equal(json_array_size(jarr(r, "items")), 0);
    r = want(200, req("GET", u.token, NULL, API "/me/notifications"));
    assert_int_equal(json_array_size(jarr(r, "items")), 1);
    assert_false(json_is_null(json_object_get(json_array_get(jarr(r, "items"), 0), "read_at")));
    assert_field_error(req("GET", u.token, NULL, API "/me/notifications?unread=yes"), 400, "unread");
    assert_api_error(req("GET", NULL, NULL, API "/me/notifications"), 401, "unauthorized");
    /* subscriptions: a template the server sends, an activity the caller can see */
    r = want(201, req("POST", u.token, "{\"template_id\":\"tpl_activity_update\"}", API "/me/subscriptions"));
    assert_true(jint(r, "id") > 0);
    assert_true(json_is_null(api_json_get(r, "activity_id")));
    time_t now = time(NULL);
    long long act = activity_new(W.org_a, now + DAY, now + DAY + HOUR, 5, 1);
    long long draft = activity_new(W.org_a, now + DAY, now + DAY + HOUR, 5, 0);
    r = want(201, req("POST", u.token, J(json_pack("{s:s, s:I}", "template_id", "tpl_activity_reminder",
                                                   "activity_id", (json_int_t)act)),
                       API "/me/subscriptions"));
    assert_int_equal(jint(r, "activity_id"), act);
    assert_field_error(req("POST", u.token, "{\"template_id\":\"tpl_spam\"}", API "/me/subscriptions"), 422,
                       "template_id");
    assert_field_error(req("POST", u.token, "{}", API "/me/subscriptions"), 422, "template_id");
    assert_field_error(req("POST", u.token, J(json_pack("{s:s, s:I}", "template_id", "tpl_activity_reminder",
                                                        "activity_id", (json_int_t)draft)),
                           API "/me/subscriptions"),
                       422, "activity_id");
    assert_api_error(req("POST", NULL, "{\"template_id\":\"tpl_activity_update\"}", API "/me/subscriptions"), 401,
                     "unauthorized");
    free(u.token);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_org_queue),
        cmocka_unit_test(test_project_queue),
        cmocka_unit_test(test_members_list_remove),
        cmocka_unit_test(test_invites),
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_me_profile),
        cmocka_unit_test(test_ctl_revoke),
        cmocka_unit_test(test_org_activities),
        cmocka_unit_test(test_activity_patch),
        cmocka_unit_test(test_waitlist_promotion_notice),
        cmocka_unit_test(test_qr_ticket_flow),
        cmocka_unit_test(test_qr_ticket_parallel_polls),
        cmocka_unit_test(test_inbox_and_subscriptions),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
