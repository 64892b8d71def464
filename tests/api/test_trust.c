/* API tests of service time people can trust (MCA order 67) on a live stack (SANSHE_TEST_URL; roles
 * by `sanshe ctl grant` and rows read through MariaDB's socket on SANSHE_TEST_STATE):
 * corrections as proposals a second person decides (every refusal, the approver queue, the cap
 * under 20 parallel proposals and parallel approvals), volunteers' own requests, minimum
 * attendance at 59 % and 60 %, purpose-bound codes, rosters with walk-ins, the identity lock and
 * the admin's fix, suspension, erasure (no personal data left in any table), offline attendance
 * batches (good, duplicate, stale, future, forged, revoked, malformed, too large), certificates
 * (the PDF read back with pdftotext, its QR code with zbarimg) and their public verification,
 * and the audit rows these actions leave. */
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
#define MIN 60
#define PAR 20
#define LAT 31.230416
#define LNG 121.473701
#define END_AFTER 30      /* the "ended" activities end this long after setup */
#define TEST(name) static void name(void **state __attribute__((unused)))
#define FMT(out, fmt) do { va_list a_; va_start(a_, fmt); vsnprintf(out, sizeof out, fmt, a_); va_end(a_); } while (0)

typedef struct { char openid[80], name[48], phone[16], idno[20]; char *token; long long id; } user;

static const char *run_tag, *state_dir;
static char repo_root[PATH_MAX];
static unsigned long long rng;
static user pool[96];
static int npool;

#define ok(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define jint(r, path) api_jint((r), (path))
#define jstr(r, path) api_jstr((r), (path))
#define JI(x, key) json_integer_value(json_object_get((x), (key)))
#define JS(x, key) json_string_value(json_object_get((x), (key)))
#define expect_status(s, r) api_free(ok((s), (r)))
#define expect_error(s, code, r) do { api_response *r_ = (r); assert_api_error(r_, (s), code); api_free(r_); } while (0)
#define expect_field(s, f, r) \
    do { api_response *r_ = (r); api_field_error_at(r_, (s), (f), __FILE__, __LINE__); api_free(r_); } while (0)

/* method fmt... as u (NULL: anonymous) with an optional JSON body, which it takes over. */
__attribute__((format(printf, 4, 5))) static api_response *req(const char *method, const user *u, json_t *body,
                                                               const char *fmt, ...)
{
    char path[1024], *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    FMT(path, fmt);
    json_decref(body);
    api_response *r = api_request(method, path, u ? u->token : NULL, text, NULL);
    free(text);
    return r;
}

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static user *user_new(const char *what)
{
    assert_true(npool < 96);
    user *u = &pool[npool];
    char numbered[64];
    snprintf(numbered, sizeof numbered, "%s%d", what, npool++);
    u->token = api_login_tagged(numbered, u->openid, sizeof u->openid, &u->id);
    if (!u->token) fail();
    return u;
}

static void id_new(char id[20])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    snprintf(id, 20, "%06u%04u%02u%02u%03u", 110000 + rnd(540000), 1950 + rnd(55), 1 + rnd(12), 1 + rnd(28),
             rnd(1000));
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (id[i] - '0') * w[i];
    id[17] = "10X98765432"[sum % 11];
    id[18] = '\0';
}

/* A fresh person (a Chinese name: three characters from the given lists) into u. */
static void person_new(user *u)
{
    static const char *const family[] = {"张", "王", "李", "赵", "陈", "刘", "杨", "黄"};
    static const char *const given[] = {"志", "愿", "明", "华", "建", "国", "秀", "英", "军", "平",
                                        "强", "丽", "伟", "芳", "敏", "静", "磊", "洋", "勇", "艳"};
    snprintf(u->name, sizeof u->name, "%s%s%s%s", family[rnd(8)], given[rnd(20)], given[rnd(20)], given[rnd(20)]);
    id_new(u->idno);
    snprintf(u->phone, sizeof u->phone, "1%u%09u", 3 + rnd(7), rnd(1000000000));
}

static json_t *volunteer_body(const user *u)
{
    return json_pack("{s:s, s:s, s:s, s:[]}", "real_name", u->name, "phone", u->phone, "id_number", u->idno, "skills");
}

static user *volunteer_new(const char *what)
{
    user *u = user_new(what);
    person_new(u);
    expect_status(200, req("PUT", u, volunteer_body(u), API "/me/volunteer"));
    return u;
}

static long long created_id(api_response *r)
{
    long long id = jint(ok(201, r), "id");
    api_free(r);
    return id;
}

/* ================================================================ the world */

typedef struct { long long id; time_t starts, ends; } act;

static struct {
    user *admin, *cadmin, *leader, *sw, *member, *oleader, *resident;
    long long community, org_a, org_b;
    act e;        /* ends END_AFTER after setup, 60 min long: corrections */
    act e30;      /* the same with service_minutes 30 */
    act par;      /* 100 min long, ends with e: the cap under parallel proposals */
    act ma;       /* 100 min long, ends with e, walk-in, default minimum (60 %): the 59 % / 60 % uploads */
    act off;      /* started 3 h ago, ends in 2 h: offline batches */
    act other;    /* org B's, ends with e */
    act live;     /* started an hour ago, ends in an hour: check-ins now */
    user *v_e, *v_cancelled, *v_par, *v_e30, *v_req, *v59, *v60;
} W;

static act activity_new(const user *by, long long org, const char *what, time_t starts, time_t ends, json_t *extra)
{
    act a = {0, starts, ends};
    char title[96], s[40], e[40];
    snprintf(title, sizeof title, "%s %s", what, run_tag);
    api_fmt_time(starts, s, sizeof s);
    api_fmt_time(ends, e, sizeof e);
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:{s:s, s:f, s:f, s:i}}", "title", title, "description",
                          "Helping neighbours.", "category", "relief", "starts_at", s, "ends_at", e, "capacity", 100,
                          "location", "name", "Community hall", "lat", LAT, "lng", LNG, "radius_m", 200);
    if (extra) json_object_update(b, extra);
    json_decref(extra);
    a.id = created_id(req("POST", by, b, API "/orgs/%lld/activities", org));
    expect_status(200, req("POST", by, NULL, API "/activities/%lld/publish", a.id));
    return a;
}

static long long org_new(const user *filer, const char *name)
{
    long long id = created_id(req("POST", filer, json_pack("{s:s, s:I, s:s}", "name", name, "community_id",
                                                           (json_int_t)W.community, "kind", "association"),
                                  API "/orgs"));
    expect_status(200, req("POST", W.admin, NULL, API "/orgs/%lld/approve", id));
    return id;
}

static void signup(const user *u, long long a)
{
    api_response *r = ok(201, req("POST", u, NULL, API "/activities/%lld/signups", a));
    assert_string_equal(jstr(r, "status"), "confirmed");
    api_free(r);
}

static void wait_end(void)
{
    while (time(NULL) <= W.e.ends + 1) sleep(1);
}

static int group_setup(void **state __attribute__((unused)))
{
    run_tag = api_run_tag();
    rng = ((unsigned long long)time(NULL) << 20 ^ (unsigned long long)getpid() << 40) | 1;
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    W.admin = user_new("tr_admin"), W.cadmin = user_new("tr_cadmin"), W.leader = user_new("tr_leader");
    W.sw = user_new("tr_sw"), W.member = user_new("tr_member"), W.oleader = user_new("tr_oleader");
    W.resident = user_new("tr_resident");
    if (api_grant(repo_root, state_dir, W.admin->openid, "admin", 0) != 0) fail();
    char name[96];
    snprintf(name, sizeof name, "Trust community %s", run_tag);
    W.community = created_id(req("POST", W.admin, json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street",
                                                            "Huaihai Rd", "district", "Xuhui", "kind", "urban"),
                                 API "/communities"));
    if (api_grant(repo_root, state_dir, W.cadmin->openid, "community_admin", W.community) != 0) fail();
    snprintf(name, sizeof name, "Trust org A %s", run_tag);
    W.org_a = org_new(W.leader, name);
    snprintf(name, sizeof name, "Trust org B %s", run_tag);
    W.org_b = org_new(W.oleader, name);
    expect_status(201, req("POST", W.leader, json_pack("{s:I, s:s}", "user_id", (json_int_t)W.sw->id, "role",
                                                       "social_worker"), API "/orgs/%lld/members", W.org_a));
    expect_status(201, req("POST", W.leader, json_pack("{s:I, s:s}", "user_id", (json_int_t)W.member->id, "role",
                                                       "member"), API "/orgs/%lld/members", W.org_a));
    time_t end = time(NULL) + END_AFTER, now = time(NULL);
    W.e = activity_new(W.leader, W.org_a, "Ended", end - HOUR, end, NULL);
    W.e30 = activity_new(W.leader, W.org_a, "Ended 30", end - HOUR, end, json_pack("{s:i}", "service_minutes", 30));
    W.par = activity_new(W.leader, W.org_a, "Parallel", end - 100 * MIN, end, NULL);
    W.ma = activity_new(W.leader, W.org_a, "Minimum", end - 100 * MIN, end, json_pack("{s:b}", "walk_in", 1));
    W.off = activity_new(W.leader, W.org_a, "Offline", now - 3 * HOUR, now + 2 * HOUR,
                         json_pack("{s:i}", "min_attendance_pct", 0));
    W.other = activity_new(W.oleader, W.org_b, "Other", end - HOUR, end, NULL);
    W.live = activity_new(W.leader, W.org_a, "Live", now - HOUR, now + HOUR, NULL);
    W.v_e = volunteer_new("tr_ve");
    signup(W.v_e, W.e.id);
    W.v_cancelled = volunteer_new("tr_vcancel");   /* the case: signed up, cancelled, then credited */
    signup(W.v_cancelled, W.e.id);
    expect_status(204, req("DELETE", W.v_cancelled, NULL, API "/activities/%lld/signups/me", W.e.id));
    W.v_par = volunteer_new("tr_vpar");
    signup(W.v_par, W.par.id);
    W.v_e30 = volunteer_new("tr_ve30");
    signup(W.v_e30, W.e30.id);
    W.v_req = volunteer_new("tr_vreq");
    signup(W.v_req, W.e.id);
    W.v59 = volunteer_new("tr_v59"), W.v60 = volunteer_new("tr_v60");
    signup(W.v59, W.ma.id);     /* v60 walks in */
    signup(W.sw, W.e.id);       /* staff take part too: nobody credits themself */
    signup(W.cadmin, W.e.id);
    signup(W.leader, W.other.id);
    return 0;
}

static int group_teardown(void **state __attribute__((unused)))
{
    for (int i = 0; i < npool; i++) free(pool[i].token);
    return 0;
}

/* ================================================================ helpers of the ledger */

static api_response *propose(const user *by, long long a, long long user_id, long minutes, const char *reason)
{
    return req("POST", by, json_pack("{s:I, s:I, s:s}", "user_id", (json_int_t)user_id, "minutes",
                                     (json_int_t)minutes, "reason", reason), API "/activities/%lld/service-records", a);
}

static long long proposed(const user *by, long long a, long long user_id, long minutes)
{
    api_response *r = ok(201, propose(by, a, user_id, minutes, "Forgot to scan"));
    assert_string_equal(jstr(r, "status"), "pending");
    assert_string_equal(jstr(r, "kind"), "staff");
    assert_int_equal(jint(r, "proposed_by"), by->id);
    assert_int_equal(jint(r, "user_id"), user_id);
    assert_int_equal(jint(r, "minutes"), minutes);
    long long id = jint(r, "id");
    api_free(r);
    return id;
}

static api_response *decide(const user *by, long long id, const char *what)
{
    return req("POST", by, NULL, API "/service-corrections/%lld/%s", id, what);
}

/* u's total minutes (GET /me/service-records). */
static long total_of(const user *u)
{
    api_response *r = ok(200, req("GET", u, NULL, API "/me/service-records?limit=100"));
    long t = (long)jint(r, "total_minutes");
    api_free(r);
    return t;
}

/* The sum of the activity's ledger rows for user_id (as the leader sees it). */
static long ledger_of(long long a, long long user_id)
{
    api_response *r = ok(200, req("GET", W.leader, NULL, API "/activities/%lld/service-records?limit=100", a));
    json_t *it;
    size_t i;
    long sum = 0;
    json_array_foreach(api_json_get(r, "items"), i, it) if (JI(it, "user_id") == user_id) sum += (long)JI(it, "minutes");
    api_free(r);
    return sum;
}

/* 1 if the queue of `by` at status holds correction id. */
static int in_queue(const user *by, const char *status, long long id)
{
    api_response *r = ok(200, req("GET", by, NULL, API "/service-corrections?status=%s&limit=100", status));
    json_t *it;
    size_t i;
    int found = 0;
    json_array_foreach(api_json_get(r, "items"), i, it) found |= JI(it, "id") == id;
    api_free(r);
    return found;
}

/* The audit rows (as the admin) of object_type/object_id hold action by actor, and none of the texts. */
static void assert_audit(const char *object_type, long long object_id, const char *action, long long actor,
                         const char *const *never)
{
    api_response *r = ok(200, req("GET", W.admin, NULL, API "/audit?object_type=%s&object_id=%lld&limit=100",
                                  object_type, object_id));
    json_t *it;
    size_t i;
    int found = 0;
    json_array_foreach(api_json_get(r, "items"), i, it)
        found |= JS(it, "action") && strcmp(JS(it, "action"), action) == 0 && JI(it, "actor_id") == actor;
    for (int k = 0; never && never[k]; k++)
        if (strstr(r->body, never[k])) fail_msg("audit rows hold \"%s\": %.300s", never[k], r->body);
    if (!found) fail_msg("no audit row %s by %lld on %s %lld: %.400s", action, actor, object_type, object_id, r->body);
    api_free(r);
}

/* ================================================================ corrections: refusals before the end */

TEST(test_correction_before_end) {
    expect_error(409, "activity_not_ended", propose(W.leader, W.e.id, W.v_e->id, 10, "Too early"));
    expect_error(409, "activity_not_ended", req("POST", W.v_req, json_pack("{s:I, s:i, s:s}", "activity_id",
                                                                           (json_int_t)W.e.id, "minutes", 10,
                                                                           "reason", "Too early"),
                                                API "/me/service-records/requests"));
    expect_error(403, "self_credit_forbidden", propose(W.sw, W.e.id, W.sw->id, 10, "Myself"));
}

/* ================================================================ corrections after the end */

/* The case and every refusal of a proposal: no self-credit (also after the end), participants
 * only (a cancelled sign-up is none), the cap counts credited and pending, staff only. */
TEST(test_correction_refusals) {
    wait_end();
    expect_error(403, "self_credit_forbidden", propose(W.sw, W.e.id, W.sw->id, 10, "Myself"));
    expect_error(403, "self_credit_forbidden", propose(W.leader, W.e.id, W.leader->id, 10, "Myself"));
    expect_error(409, "not_a_participant", propose(W.sw, W.e.id, W.v_cancelled->id, 10, "Came anyway"));
    expect_error(409, "not_a_participant", propose(W.leader, W.e.id, W.resident->id, 10, "Never came"));
    expect_error(409, "not_a_participant", propose(W.leader, W.e.id, 999999999, 10, "Nobody"));
    /* the cap: service_minutes 30 on e30 */
    long long first = proposed(W.sw, W.e30.id, W.v_e30->id, 20);
    expect_error(422, "minutes_over_cap", propose(W.leader, W.e30.id, W.v_e30->id, 11, "Over"));
    long long second = proposed(W.leader, W.e30.id, W.v_e30->id, 10);
    expect_error(422, "minutes_over_cap", propose(W.leader, W.e30.id, W.v_e30->id, 1, "Over"));
    expect_status(200, decide(W.leader, first, "approve"));            /* credited 20 + pending 10 */
    expect_error(422, "minutes_over_cap", propose(W.leader, W.e30.id, W.v_e30->id, 1, "Over"));
    expect_status(200, decide(W.cadmin, second, "reject"));             /* credited 20: room for 10 */
    expect_error(422, "minutes_over_cap", propose(W.sw, W.e30.id, W.v_e30->id, 11, "Over"));
    expect_status(201, propose(W.sw, W.e30.id, W.v_e30->id, 10, "Fits"));
    /* the cap of an activity without service_minutes is its length: 60 minutes */
    expect_error(422, "minutes_over_cap", propose(W.sw, W.e.id, W.v_e->id, 61, "Longer than it was"));
    /* bad fields, callers other than staff */
    expect_field(422, "minutes", propose(W.leader, W.e.id, W.v_e->id, 0, "Nothing"));
    expect_field(422, "minutes", propose(W.leader, W.e.id, W.v_e->id, -1, "Below zero"));
    expect_field(422, "reason", propose(W.leader, W.e.id, W.v_e->id, 5, "x"));
    expect_field(400, "user_id", req("POST", W.leader, json_pack("{s:s, s:i, s:s}", "user_id", "1", "minutes", 5,
                                                                 "reason", "Text"),
                                     API "/activities/%lld/service-records", W.e.id));
    expect_error(403, "forbidden", propose(W.member, W.e.id, W.v_e->id, 5, "Member"));
    expect_error(403, "forbidden", propose(W.oleader, W.e.id, W.v_e->id, 5, "Other org"));
    expect_error(403, "forbidden", propose(W.v_e, W.e.id, W.v_e->id, 5, "Volunteer"));
    expect_error(401, "unauthorized", propose(NULL, W.e.id, W.v_e->id, 5, "Anonymous"));
    assert_int_equal(ledger_of(W.e.id, W.v_e->id), 0);
    assert_int_equal(ledger_of(W.e30.id, W.v_e30->id), 20);
}

/* A social worker cannot credit anyone without a second person: the proposal is not in the ledger until
 * the org's leader, the community's admin or an admin (not the proposer, not the person) approves it. */
TEST(test_two_person_rule) {
    wait_end();
    long before = total_of(W.v_e);
    long long id = proposed(W.sw, W.e.id, W.v_e->id, 15);
    assert_int_equal(total_of(W.v_e), before);                                   /* pending: not in the ledger */
    assert_int_equal(ledger_of(W.e.id, W.v_e->id), 0);
    expect_error(403, "forbidden", decide(W.sw, id, "approve"));                 /* staff, not an approver */
    expect_error(403, "forbidden", decide(W.member, id, "approve"));
    expect_error(404, "not_found", decide(W.oleader, id, "approve"));           /* another org's leader */
    expect_error(404, "not_found", decide(W.resident, id, "approve"));
    expect_error(404, "not_found", decide(W.v_e, id, "approve"));               /* the person */
    expect_error(401, "unauthorized", decide(NULL, id, "approve"));
    expect_error(404, "not_found", decide(W.leader, 999999999, "approve"));
    assert_true(in_queue(W.leader, "pending", id) && in_queue(W.cadmin, "pending", id) &&
                in_queue(W.admin, "pending", id));
    assert_false(in_queue(W.oleader, "pending", id) || in_queue(W.sw, "pending", id) ||
                 in_queue(W.member, "pending", id) || in_queue(W.v_e, "pending", id));
    api_response *r = ok(200, decide(W.leader, id, "approve"));
    assert_string_equal(jstr(r, "status"), "approved");
    assert_int_equal(jint(r, "decided_by"), W.leader->id);
    api_free(r);
    assert_int_equal(total_of(W.v_e), before + 15);
    assert_int_equal(ledger_of(W.e.id, W.v_e->id), 15);
    expect_error(409, "invalid_state", decide(W.cadmin, id, "approve"));        /* decided once */
    expect_error(409, "invalid_state", decide(W.cadmin, id, "reject"));
    assert_false(in_queue(W.leader, "pending", id));
    assert_true(in_queue(W.leader, "approved", id) && in_queue(W.admin, "approved", id));
    /* the leader proposes: the leader may not decide it, the community's admin may */
    long long mine = proposed(W.leader, W.e.id, W.v_e->id, 5);
    assert_false(in_queue(W.leader, "pending", mine));
    expect_error(403, "second_person_required", decide(W.leader, mine, "approve"));
    expect_error(403, "second_person_required", decide(W.leader, mine, "reject"));
    expect_status(200, decide(W.cadmin, mine, "approve"));
    /* the person credited may not approve their own, even as the community's admin */
    long long theirs = proposed(W.sw, W.e.id, W.cadmin->id, 10);
    assert_false(in_queue(W.cadmin, "pending", theirs));
    expect_error(403, "self_credit_forbidden", decide(W.cadmin, theirs, "approve"));
    expect_status(200, decide(W.admin, theirs, "approve"));
    /* rejected: never in the ledger */
    long long no = proposed(W.sw, W.e.id, W.v_e->id, 7);
    r = ok(200, req("POST", W.admin, json_pack("{s:s}", "note", "No sign-in sheet"), API "/service-corrections/%lld/reject", no));
    assert_string_equal(jstr(r, "status"), "rejected");
    assert_string_equal(jstr(r, "decision_note"), "No sign-in sheet");
    api_free(r);
    expect_error(409, "invalid_state", decide(W.leader, no, "approve"));
    assert_int_equal(ledger_of(W.e.id, W.v_e->id), 20);
    assert_int_equal(total_of(W.v_e), before + 20);
    expect_field(422, "status", req("GET", W.leader, NULL, API "/service-corrections?status=bogus"));
    /* the audit rows: who proposed and who approved, no personal data */
    const char *const never[] = {W.v_e->name, W.v_e->idno, W.v_e->phone, NULL};
    assert_audit("service_correction", id, "service_correction.propose", W.sw->id, never);
    assert_audit("service_correction", id, "service_correction.approve", W.leader->id, never);
    assert_audit("service_correction", no, "service_correction.reject", W.admin->id, never);
}

/* 20 parallel proposals of 10 minutes against a cap of 100 (nothing credited): exactly 10 pass; then 20
 * parallel approvals (each pending one twice, by an admin and the community's admin): each approved
 * once, and the ledger holds 100. */
TEST(test_cap_under_parallel_proposals) {
    wait_end();
    char *text = NULL;
    json_t *b = json_pack("{s:I, s:i, s:s}", "user_id", (json_int_t)W.v_par->id, "minutes", 10, "reason", "Parallel");
    text = json_dumps(b, JSON_COMPACT);
    json_decref(b);
    char path[128];
    snprintf(path, sizeof path, API "/activities/%lld/service-records", W.par.id);
    api_call calls[PAR];
    for (int i = 0; i < PAR; i++)
        calls[i] = (api_call){"POST", path, (i % 2 ? W.sw : W.leader)->token, text, strlen(text), NULL};
    api_response **rs = api_parallel(calls, PAR, PAR);
    long long ids[PAR];
    int n = 0;
    for (int i = 0; i < PAR; i++) {
        if (rs[i]->status == 201) ids[n++] = jint(rs[i], "id");
        else assert_api_error(rs[i], 422, "minutes_over_cap");
    }
    api_free_all(rs, PAR);
    free(text);
    assert_int_equal(n, 10);
    char paths[PAR][96];
    for (int i = 0; i < PAR; i++) {
        snprintf(paths[i], sizeof paths[i], API "/service-corrections/%lld/approve", ids[i / 2]);
        calls[i] = (api_call){"POST", paths[i], (i % 2 ? W.cadmin : W.admin)->token, NULL, 0, NULL};
    }
    rs = api_parallel(calls, PAR, PAR);
    int approved = 0;
    for (int i = 0; i < PAR; i++) {
        if (rs[i]->status == 200) approved++;
        else assert_api_error(rs[i], 409, "invalid_state");
    }
    api_free_all(rs, PAR);
    assert_int_equal(approved, 10);
    assert_int_equal(ledger_of(W.par.id, W.v_par->id), 100);
    assert_int_equal(total_of(W.v_par), 100);
    expect_error(422, "minutes_over_cap", propose(W.leader, W.par.id, W.v_par->id, 1, "One more"));
}

/* A volunteer asks for a correction of their own record; staff decide. */
TEST(test_volunteer_request) {
    wait_end();
    long before = total_of(W.v_req);
    api_response *r = ok(201, req("POST", W.v_req, json_pack("{s:I, s:i, s:s}", "activity_id", (json_int_t)W.e.id,
                                                            "minutes", 25, "reason", "My phone died at check-out"),
                                  API "/me/service-records/requests"));
    assert_string_equal(jstr(r, "kind"), "request");
    assert_string_equal(jstr(r, "status"), "pending");
    assert_int_equal(jint(r, "user_id"), W.v_req->id);
    long long id = jint(r, "id");
    api_free(r);
    assert_int_equal(total_of(W.v_req), before);
    assert_true(in_queue(W.leader, "pending", id));
    expect_error(404, "not_found", decide(W.v_req, id, "approve"));   /* not the org's: not even visible */
    expect_error(422, "minutes_over_cap", req("POST", W.v_req, json_pack("{s:I, s:i, s:s}", "activity_id",
                                                                         (json_int_t)W.e.id, "minutes", 36, "reason",
                                                                         "Too much"),
                                              API "/me/service-records/requests"));
    expect_error(409, "not_a_participant", req("POST", W.v_req, json_pack("{s:I, s:i, s:s}", "activity_id",
                                                                          (json_int_t)W.e30.id, "minutes", 5,
                                                                          "reason", "Not mine"),
                                               API "/me/service-records/requests"));
    expect_error(409, "activity_not_ended", req("POST", W.v_req, json_pack("{s:I, s:i, s:s}", "activity_id",
                                                                           (json_int_t)W.live.id, "minutes", 5,
                                                                           "reason", "Not yet"),
                                                API "/me/service-records/requests"));
    expect_field(422, "activity_id", req("POST", W.v_req, json_pack("{s:i, s:i, s:s}", "activity_id", 999999999,
                                                                    "minutes", 5, "reason", "Nothing"),
                                         API "/me/service-records/requests"));
    expect_field(422, "minutes", req("POST", W.v_req, json_pack("{s:I, s:i, s:s}", "activity_id", (json_int_t)W.e.id,
                                                                "minutes", 0, "reason", "Zero"),
                                     API "/me/service-records/requests"));
    expect_error(403, "volunteer_required", req("POST", W.resident, json_pack("{s:I, s:i, s:s}", "activity_id",
                                                                              (json_int_t)W.e.id, "minutes", 5,
                                                                              "reason", "Not a volunteer"),
                                                API "/me/service-records/requests"));
    expect_status(200, decide(W.leader, id, "approve"));
    assert_int_equal(total_of(W.v_req), before + 25);
}

/* ================================================================ minimum attendance, rosters */

static void fmt_at(time_t t, char *out, size_t len) { api_fmt_time(t, out, len); }

/* The volunteer's personal code (GET /me/volunteer-code), malloc'd. */
static char *code_of(const user *u)
{
    api_response *r = ok(200, req("GET", u, NULL, API "/me/volunteer-code"));
    char *t = strdup(jstr(r, "token"));
    assert_true(strncmp(t, "v1.", 3) == 0);
    api_free(r);
    return t;
}

static json_t *item(const char *token, const char *action, time_t at)
{
    char s[40];
    fmt_at(at, s, sizeof s);
    return json_pack("{s:s, s:s, s:s}", "token", token, "action", action, "at", s);
}

static api_response *batch(const user *by, long long a, json_t *items)
{
    return req("POST", by, json_pack("{s:o}", "items", items), API "/activities/%lld/attendance-batch", a);
}

/* results[i].status (and .error) */
static void assert_result(const api_response *r, size_t i, const char *status, const char *error)
{
    json_t *x = json_array_get(api_json_get(r, "results"), i);
    if (!x || JI(x, "index") != (json_int_t)i || !JS(x, "status") || strcmp(JS(x, "status"), status) != 0 ||
        (error && (!JS(x, "error") || strcmp(JS(x, "error"), error) != 0)) || (!error && json_object_get(x, "error")))
        fail_msg("item %zu: expected %s %s: %.600s", i, status, error ? error : "", r->body);
}

/* 59 % of a 100-minute activity earns nothing (kept with reason below_min_attendance), 60 % earns its
 * minutes; the activity's default minimum is 60. The roster shows both, one of them a walk-in. */
TEST(test_min_attendance) {
    wait_end();
    api_response *r = ok(200, req("GET", NULL, NULL, API "/activities/%lld", W.ma.id));
    assert_int_equal(jint(r, "min_attendance_pct"), 60);
    api_free(r);
    user *v59 = W.v59, *v60 = W.v60;
    char *c59 = code_of(v59), *c60 = code_of(v60);
    time_t s = W.ma.starts;
    r = ok(200, batch(W.sw, W.ma.id, json_pack("[o, o, o, o]", item(c59, "checkin", s), item(c59, "checkout", s + 59 * MIN),
                                               item(c60, "checkin", s), item(c60, "checkout", s + 60 * MIN))));
    assert_result(r, 0, "checked_in", NULL);
    assert_result(r, 1, "checked_out", NULL);
    assert_result(r, 2, "checked_in", NULL);
    assert_result(r, 3, "checked_out", NULL);
    json_t *res = api_json_get(r, "results");
    assert_int_equal(JI(json_array_get(res, 1), "minutes"), 0);
    assert_string_equal(JS(json_array_get(res, 1), "reason"), "below_min_attendance");
    assert_int_equal(JI(json_array_get(res, 3), "minutes"), 60);
    assert_null(json_object_get(json_array_get(res, 3), "reason"));
    api_free(r);
    r = ok(200, req("GET", v59, NULL, API "/me/service-records"));   /* the record is kept, with 0 and the reason */
    json_t *it = json_array_get(api_json_get(r, "items"), 0);
    assert_int_equal(JI(it, "minutes"), 0);
    assert_string_equal(JS(it, "reason"), "below_min_attendance");
    assert_int_equal(jint(r, "total_minutes"), 0);
    api_free(r);
    assert_int_equal(total_of(v60), 60);
    /* the roster: the sign-up and the walk-in, each with check-in, check-out and minutes */
    r = ok(200, req("GET", W.leader, NULL, API "/activities/%lld/signups?limit=100", W.ma.id));
    size_t i;
    int seen = 0;
    json_array_foreach(api_json_get(r, "items"), i, it) {
        if (JI(it, "user_id") == v59->id) {
            seen |= 1;
            assert_string_equal(JS(it, "status"), "confirmed");
            assert_int_equal(JI(it, "minutes"), 0);
            assert_string_equal(JS(it, "reason"), "below_min_attendance");
            assert_int_equal(api_parse_time(JS(it, "checked_in_at")), s);
            assert_int_equal(api_parse_time(JS(it, "checked_out_at")), s + 59 * MIN);
        }
        if (JI(it, "user_id") == v60->id) {
            seen |= 2;
            assert_string_equal(JS(it, "status"), "walk_in");
            assert_true(json_is_true(json_object_get(it, "walk_in")) && json_is_null(json_object_get(it, "signed_up_at")));
            assert_int_equal(JI(it, "minutes"), 60);
            assert_int_equal(api_parse_time(JS(it, "checked_out_at")), s + 60 * MIN);
        }
    }
    assert_int_equal(seen, 3);
    api_free(r);
    free(c59);
    free(c60);
}

/* The roster shows a check-in as it happens (checked_in_at, no check-out, no minutes yet). */
TEST(test_roster_live) {
    user *v = volunteer_new("tr_live");
    signup(v, W.live.id);
    api_response *r = ok(200, req("GET", W.leader, NULL, API "/activities/%lld/checkin-code?purpose=checkin", W.live.id));
    char code[96];
    snprintf(code, sizeof code, "%s", jstr(r, "token"));
    api_free(r);
    expect_status(201, req("POST", v, json_pack("{s:s, s:f, s:f}", "token", code, "lat", LAT, "lng", LNG), API "/checkins"));
    expect_error(400, "checkin_code_invalid", req("POST", v, json_pack("{s:s, s:f, s:f}", "token", code, "lat", LAT,
                                                                       "lng", LNG), API "/checkouts"));
    r = ok(200, req("GET", W.sw, NULL, API "/activities/%lld/signups?limit=100", W.live.id));
    json_t *it;
    size_t i;
    int seen = 0;
    json_array_foreach(api_json_get(r, "items"), i, it) if (JI(it, "user_id") == v->id) {
        seen = 1;
        assert_true(json_is_string(json_object_get(it, "checked_in_at")));
        assert_true(json_is_null(json_object_get(it, "checked_out_at")) && json_is_null(json_object_get(it, "minutes")));
    }
    assert_true(seen);
    api_free(r);
}

/* ================================================================ offline attendance */

/* Good, duplicate, stale (> 72 h), future, forged, revoked and not-signed-up items in one batch; the
 * check-out listed first is applied after the check-ins; the same upload again changes nothing. */
TEST(test_offline_batch) {
    user *v1 = volunteer_new("tr_off1"), *v2 = volunteer_new("tr_off2"), *v3 = volunteer_new("tr_off3");
    user *v4 = volunteer_new("tr_off4");
    signup(v1, W.off.id);
    signup(v2, W.off.id);
    signup(v4, W.off.id);
    char *c1 = code_of(v1), *c2 = code_of(v2), *c3 = code_of(v3), *c4 = code_of(v4), forged[96];
    snprintf(forged, sizeof forged, "%s", c1);
    forged[strlen(forged) - 2] = forged[strlen(forged) - 2] == 'A' ? 'B' : 'A';
    expect_status(204, req("DELETE", v2, NULL, API "/me/volunteer-code"));   /* v2's code is revoked */
    time_t now = time(NULL), in = now - 40 * MIN, out = now - 10 * MIN;
    json_t *items = json_pack("[o, o, o, o, o, o, o, o, o]",
                              item(c1, "checkout", out),             /* 0: listed before its check-in */
                              item(c1, "checkin", in),               /* 1 */
                              item(c1, "checkin", in),               /* 2: duplicate */
                              item(c4, "checkin", now - 73 * HOUR),  /* 3: stale */
                              item(c4, "checkin", now + HOUR),       /* 4: future */
                              item(forged, "checkin", in),           /* 5: forged */
                              item(c2, "checkin", in),               /* 6: revoked */
                              item(c3, "checkin", in),               /* 7: not signed up */
                              item(c4, "checkout", out));            /* 8: never checked in */
    json_t *again = json_deep_copy(items);
    api_response *r = ok(200, batch(W.leader, W.off.id, items));
    assert_result(r, 0, "checked_out", NULL);
    assert_result(r, 1, "checked_in", NULL);
    assert_result(r, 2, "duplicate", NULL);
    assert_result(r, 3, "refused", "too_old");
    assert_result(r, 4, "refused", "in_future");
    assert_result(r, 5, "refused", "volunteer_code_invalid");
    assert_result(r, 6, "refused", "volunteer_code_invalid");
    assert_result(r, 7, "refused", "not_signed_up");
    assert_result(r, 8, "refused", "not_checked_in");
    json_t *res = api_json_get(r, "results");
    assert_int_equal(JI(json_array_get(res, 0), "minutes"), 30);
    assert_string_equal(JS(json_array_get(res, 1), "volunteer_number"), JS(json_array_get(res, 0), "volunteer_number"));
    assert_int_equal(api_parse_time(JS(json_array_get(res, 2), "checked_in_at")), in);
    api_free(r);
    r = ok(200, batch(W.sw, W.off.id, again));   /* the same upload again: idempotent */
    assert_result(r, 0, "duplicate", NULL);
    assert_result(r, 1, "duplicate", NULL);
    assert_int_equal(JI(json_array_get(api_json_get(r, "results"), 0), "minutes"), 30);
    api_free(r);
    assert_int_equal(ledger_of(W.off.id, v1->id), 30);
    assert_int_equal(total_of(v1), 30);
    assert_int_equal(ledger_of(W.off.id, v4->id), 0);
    const char *const never[] = {v1->name, v1->idno, c1, NULL};
    assert_audit("activity", W.off.id, "attendance.batch", W.leader->id, never);
    /* a new code of v2 works */
    free(c2);
    c2 = code_of(v2);
    r = ok(200, batch(W.sw, W.off.id, json_pack("[o]", item(c2, "checkin", in))));
    assert_result(r, 0, "checked_in", NULL);
    api_free(r);
    free(c1), free(c2), free(c3), free(c4);
}

/* A malformed item refuses the whole batch and nothing of it is stored; more than 500 items is 413
 * (10,000 too); only the org's staff upload. */
TEST(test_offline_batch_refused) {
    user *v = volunteer_new("tr_offbad");
    signup(v, W.off.id);
    char *c = code_of(v), at[40];
    fmt_at(time(NULL) - 20 * MIN, at, sizeof at);
    expect_field(422, "items.1.at", batch(W.leader, W.off.id, json_pack("[o, {s:s, s:s}]", item(c, "checkin", time(NULL) - 20 * MIN),
                                                                       "token", c, "action", "checkin")));
    expect_field(422, "items.1.action", batch(W.leader, W.off.id, json_pack("[o, {s:s, s:s, s:s}]",
                                                                            item(c, "checkin", time(NULL) - 20 * MIN),
                                                                            "token", c, "action", "arrive", "at", at)));
    expect_field(400, "items.0", batch(W.leader, W.off.id, json_pack("[s]", "not an object")));
    expect_field(400, "items", req("POST", W.leader, json_pack("{s:s}", "items", "none"),
                                   API "/activities/%lld/attendance-batch", W.off.id));
    expect_field(422, "items", batch(W.leader, W.off.id, json_array()));
    /* nothing of the refused batches was stored: v's check-in is still to come */
    api_response *r = ok(200, batch(W.leader, W.off.id, json_pack("[o]", item(c, "checkin", time(NULL) - 20 * MIN))));
    assert_result(r, 0, "checked_in", NULL);
    api_free(r);
    json_t *many = json_array();
    for (int i = 0; i < 501; i++) json_array_append_new(many, item(c, "checkin", time(NULL) - 20 * MIN));
    expect_error(413, "batch_too_large", batch(W.leader, W.off.id, many));
    many = json_array();
    for (int i = 0; i < 10000; i++) json_array_append_new(many, item(c, "checkin", time(NULL) - 20 * MIN));
    r = batch(W.leader, W.off.id, many);
    assert_true(api_is_error(r, 413, "batch_too_large") || api_is_error(r, 413, "payload_too_large"));
    api_free(r);
    expect_error(403, "forbidden", batch(W.member, W.off.id, json_pack("[o]", item(c, "checkin", time(NULL)))));
    expect_error(403, "forbidden", batch(v, W.off.id, json_pack("[o]", item(c, "checkin", time(NULL)))));
    expect_error(403, "forbidden", batch(W.oleader, W.off.id, json_pack("[o]", item(c, "checkin", time(NULL)))));
    expect_error(401, "unauthorized", batch(NULL, W.off.id, json_pack("[o]", item(c, "checkin", time(NULL)))));
    expect_error(403, "volunteer_required", req("GET", W.resident, NULL, API "/me/volunteer-code"));
    free(c);
}

/* ================================================================ identity, suspension, erasure */

TEST(test_identity_lock_and_fix) {
    user *v = volunteer_new("tr_ident"), *w = volunteer_new("tr_ident2");
    api_response *r = ok(200, req("GET", v, NULL, API "/me"));
    const char *number = jstr(r, "volunteer.number");
    assert_int_equal(strlen(number), 12);
    assert_true(number[0] == 'V' && strspn(number + 1, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == 11);
    char num[16];
    snprintf(num, sizeof num, "%s", number);
    api_free(r);
    r = ok(200, req("GET", w, NULL, API "/me"));
    assert_string_not_equal(jstr(r, "volunteer.number"), num);
    api_free(r);
    user changed = *v;
    snprintf(changed.name, sizeof changed.name, "%s", "王改名");
    expect_error(409, "identity_locked", req("PUT", v, volunteer_body(&changed), API "/me/volunteer"));
    changed = *v;
    id_new(changed.idno);
    expect_error(409, "identity_locked", req("PUT", v, volunteer_body(&changed), API "/me/volunteer"));
    changed = *v;
    snprintf(changed.phone, sizeof changed.phone, "13911112222");   /* phone and skills may change */
    r = ok(200, req("PUT", v, volunteer_body(&changed), API "/me/volunteer"));
    assert_string_equal(jstr(r, "phone_masked"), "139****2222");
    assert_string_equal(jstr(r, "number"), num);
    api_free(r);
    /* the admin's fix, with a reason */
    json_t *fix = json_pack("{s:s, s:s}", "real_name", "王更正", "reason", "Typo at registration");
    expect_error(403, "forbidden", req("POST", W.leader, json_deep_copy(fix), API "/volunteers/%lld/identity", v->id));
    expect_error(401, "unauthorized", req("POST", NULL, json_deep_copy(fix), API "/volunteers/%lld/identity", v->id));
    expect_field(422, "reason", req("POST", W.admin, json_pack("{s:s}", "real_name", "王更正"),
                                    API "/volunteers/%lld/identity", v->id));
    expect_error(404, "not_found", req("POST", W.admin, json_deep_copy(fix), API "/volunteers/%lld/identity",
                                       W.resident->id));
    expect_error(409, "id_number_taken", req("POST", W.admin, json_pack("{s:s, s:s}", "id_number", w->idno, "reason",
                                                                        "Wrong"),
                                             API "/volunteers/%lld/identity", v->id));
    r = ok(200, req("POST", W.admin, fix, API "/volunteers/%lld/identity", v->id));
    assert_string_equal(jstr(r, "real_name_masked"), "王**");
    api_free(r);
    snprintf(v->name, sizeof v->name, "%s", "王更正");
    expect_status(200, req("PUT", v, volunteer_body(v), API "/me/volunteer"));   /* the fixed identity stands */
    const char *const never[] = {"王更正", v->idno, NULL};
    assert_audit("volunteer", v->id, "volunteer.identity_fix", W.admin->id, never);
}

TEST(test_suspension) {
    user *v = volunteer_new("tr_susp");
    signup(v, W.live.id);
    expect_error(403, "forbidden", req("POST", W.leader, NULL, API "/volunteers/%lld/suspend", v->id));
    expect_error(404, "not_found", req("POST", W.admin, NULL, API "/volunteers/%lld/suspend", W.resident->id));
    char *c = code_of(v);
    api_response *r = ok(200, req("POST", W.admin, NULL, API "/volunteers/%lld/suspend", v->id));
    assert_string_equal(jstr(r, "status"), "suspended");
    api_free(r);
    r = ok(200, req("GET", W.leader, NULL, API "/activities/%lld/checkin-code", W.live.id));
    char code[96];
    snprintf(code, sizeof code, "%s", jstr(r, "token"));
    api_free(r);
    expect_error(403, "volunteer_required", req("POST", v, json_pack("{s:s, s:f, s:f}", "token", code, "lat", LAT,
                                                                     "lng", LNG), API "/checkins"));
    r = ok(200, batch(W.leader, W.live.id, json_pack("[o]", item(c, "checkin", time(NULL) - 60))));
    assert_result(r, 0, "refused", "volunteer_code_invalid");   /* suspension revokes the personal code */
    api_free(r);
    r = ok(200, req("GET", v, NULL, API "/me"));
    assert_string_equal(jstr(r, "volunteer.status"), "suspended");
    api_free(r);
    expect_status(200, req("POST", W.admin, NULL, API "/volunteers/%lld/unsuspend", v->id));
    expect_status(201, req("POST", v, json_pack("{s:s, s:f, s:f}", "token", code, "lat", LAT, "lng", LNG), API "/checkins"));
    assert_audit("volunteer", v->id, "volunteer.suspend", W.admin->id, NULL);
    assert_audit("volunteer", v->id, "volunteer.unsuspend", W.admin->id, NULL);
    free(c);
}

/* Every table's rows as text (mariadb-dump through the stack's socket). Returns malloc'd text. */
static char *dump_all(void)
{
    char cmd[PATH_MAX + 200], buf[65536];
    snprintf(cmd, sizeof cmd, "mariadb-dump --socket='%s/mysql/run/mysqld.sock' -uroot --skip-extended-insert "
             "--no-create-info sanshe 2>/dev/null", state_dir);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t len = 0, cap = 1 << 20, n;
    char *out = malloc(cap);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        while (len + n + 1 > cap) out = realloc(out, cap *= 2);
        memcpy(out + len, buf, n);
        len += n;
    }
    out[len] = '\0';
    assert_int_equal(pclose(f), 0);
    assert_true(len > 1000 && strstr(out, "INSERT INTO `service_records`"));
    return out;
}

/* DELETE /me/volunteer: the name, phone and ID number are gone from every table (the ciphertexts and the
 * hash too), the records stay under the volunteer number, certificates stay valid without a name. */
TEST(test_erasure) {
    user *v = volunteer_new("tr_erase");
    wait_end();
    signup(v, W.off.id);
    char *c = code_of(v);
    api_response *r = ok(200, batch(W.leader, W.off.id, json_pack("[o, o]", item(c, "checkin", time(NULL) - 30 * MIN),
                                                                  item(c, "checkout", time(NULL) - 5 * MIN))));
    assert_result(r, 1, "checked_out", NULL);
    api_free(r);
    long total = total_of(v);
    assert_int_equal(total, 25);
    r = ok(201, req("POST", v, json_object(), API "/me/service-certificates"));
    char number[32], vnum[16];
    snprintf(number, sizeof number, "%s", jstr(r, "number"));
    api_free(r);
    r = ok(200, req("GET", v, NULL, API "/me"));
    snprintf(vnum, sizeof vnum, "%s", jstr(r, "volunteer.number"));
    api_free(r);
    char *before = dump_all();
    assert_non_null(strstr(before, vnum));
    free(before);
    expect_status(204, req("DELETE", v, NULL, API "/me/volunteer"));
    expect_status(204, req("DELETE", v, NULL, API "/me/volunteer"));   /* again: nothing left */
    char *after = dump_all();
    const char *secrets[] = {v->name, v->phone, v->idno};
    for (int i = 0; i < 3; i++)
        if (strstr(after, secrets[i])) fail_msg("\"%s\" is still in the database", secrets[i]);
    free(after);
    int st;
    char *row = api_sql(state_dir, &st, "SELECT CONCAT_WS('|', number, status, COALESCE(real_name_enc, 'NULL'), "
                        "COALESCE(phone_enc, 'NULL'), COALESCE(id_number_enc, 'NULL'), COALESCE(id_number_hash, 'NULL'), "
                        "skills) FROM volunteers WHERE user_id = %lld", v->id);
    char want[128];
    snprintf(want, sizeof want, "%s|erased|NULL|NULL|NULL|NULL|[]\n", vnum);
    assert_int_equal(st, 0);
    assert_string_equal(row, want);
    free(row);
    row = api_sql(state_dir, &st, "SELECT COUNT(*), SUM(minutes) FROM service_records WHERE user_id = %lld", v->id);
    assert_string_equal(row, "1\t25\n");
    free(row);
    r = ok(200, req("GET", v, NULL, API "/me"));   /* no longer a volunteer; the number and total remain */
    assert_string_equal(jstr(r, "volunteer.status"), "erased");
    assert_string_equal(jstr(r, "volunteer.number"), vnum);
    assert_true(json_is_null(api_json_get(r, "volunteer.real_name_masked")));
    assert_int_equal(jint(r, "volunteer.total_minutes"), total);
    api_free(r);
    assert_int_equal(ledger_of(W.off.id, v->id), 25);
    r = ok(200, req("GET", NULL, NULL, API "/certificates/%s", number));
    assert_true(json_is_null(api_json_get(r, "masked_name")));
    assert_string_equal(jstr(r, "volunteer_number"), vnum);
    assert_int_equal(jint(r, "total_minutes"), 25);
    api_free(r);
    r = ok(200, batch(W.leader, W.off.id, json_pack("[o]", item(c, "checkin", time(NULL) - 60))));
    assert_result(r, 0, "refused", "volunteer_code_invalid");
    api_free(r);
    expect_error(403, "volunteer_required", req("GET", v, NULL, API "/me/volunteer-code"));
    expect_error(410, "gone", req("GET", v, NULL, API "/certificates/%s/pdf", number));   /* no paper without a name */
    /* the same person may register again: the same number, the same records */
    expect_status(200, req("PUT", v, volunteer_body(v), API "/me/volunteer"));
    r = ok(200, req("GET", v, NULL, API "/me"));
    assert_string_equal(jstr(r, "volunteer.number"), vnum);
    assert_int_equal(jint(r, "volunteer.total_minutes"), 25);
    api_free(r);
    free(c);
}

/* ================================================================ certificates */

/* Runs cmd, returns its standard output (malloc'd). */
static char *run(const char *cmd)
{
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t len = 0, cap = 4096, n;
    char *out = malloc(cap), buf[4096];
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        while (len + n + 1 > cap) out = realloc(out, cap *= 2);
        memcpy(out + len, buf, n);
        len += n;
    }
    out[len] = '\0';
    pclose(f);
    return out;
}

/* u's certificate: its PDF read back (pdftotext finds the name, the hours and the number; zbarimg reads
 * the verification URL from the QR code), then public verification. */
static void check_certificate(const user *u, long minutes, const char *hours)
{
    api_response *r = ok(201, req("POST", u, json_object(), API "/me/service-certificates"));
    char number[32], pdf_url[128], verify_url[256];
    snprintf(number, sizeof number, "%s", jstr(r, "number"));
    snprintf(pdf_url, sizeof pdf_url, "%s", jstr(r, "pdf_url"));
    snprintf(verify_url, sizeof verify_url, "%s", jstr(r, "verify_url"));
    assert_int_equal(jint(r, "total_minutes"), minutes);
    api_free(r);
    assert_true(strlen(number) == 16 && strspn(number, "0123456789") == 16 && number[0] != '0');
    char path[96];
    snprintf(path, sizeof path, API "/certificates/%s", number);
    assert_true(strlen(verify_url) > strlen(path) && strcmp(verify_url + strlen(verify_url) - strlen(path), path) == 0);
    r = ok(200, api_request("GET", pdf_url, u->token, NULL, NULL));
    assert_true(r->content_type && strncmp(r->content_type, "application/pdf", 15) == 0);
    assert_true(r->body_len > 1000 && memcmp(r->body, "%PDF", 4) == 0);
    char file[PATH_MAX], cmd[PATH_MAX * 3 + 200];
    snprintf(file, sizeof file, "%s/cert-%s.pdf", state_dir, number);
    FILE *f = fopen(file, "wb");
    assert_non_null(f);
    fwrite(r->body, 1, r->body_len, f);
    fclose(f);
    api_free(r);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' - 2>&1", file);
    char *text = run(cmd), squeezed[8192];
    size_t k = 0;   /* pdftotext may break a line between characters: compare without white space */
    for (const char *p = text; *p && k < sizeof squeezed - 1; p++)
        if (*p != ' ' && *p != '\n' && *p != '\t') squeezed[k++] = *p;
    squeezed[k] = '\0';
    char want[64];
    snprintf(want, sizeof want, "%s小时（%ld分钟）", hours, minutes);
    if (!strstr(squeezed, u->name) || !strstr(squeezed, number) || !strstr(squeezed, want) ||
        !strstr(squeezed, "志愿服务记录证明"))
        fail_msg("the PDF's text lacks the name %s, the number %s or \"%s\": %.2000s", u->name, number, want, text);
    free(text);
    snprintf(cmd, sizeof cmd, "pdftoppm -r 150 -png -f 1 -l 1 '%s' '%s.img' && zbarimg -q --raw '%s.img-1.png' 2>/dev/null",
             file, file, file);
    char *qr = run(cmd);
    qr[strcspn(qr, "\n")] = '\0';
    assert_string_equal(qr, verify_url);
    free(qr);
    snprintf(cmd, sizeof cmd, "rm -f '%s' '%s.img-1.png'", file, file);
    if (system(cmd) != 0) print_message("could not remove %s\n", file);
    /* public verification: only what the contract lists */
    r = ok(200, api_request("GET", path, NULL, NULL, NULL));
    assert_int_equal(json_object_size(r->json), 7);
    assert_string_equal(jstr(r, "number"), number);
    char masked[64];
    snprintf(masked, sizeof masked, "%.3s***", u->name);   /* the first character, then one * each (4 in all) */
    assert_string_equal(jstr(r, "masked_name"), masked);
    assert_int_equal(jint(r, "total_minutes"), minutes);
    assert_true(json_is_true(api_json_get(r, "valid")) && jstr(r, "issued_by") && jstr(r, "issued_at"));
    assert_true(jstr(r, "volunteer_number")[0] == 'V');
    if (strstr(r->body, u->idno) || strstr(r->body, u->phone) || strstr(r->body, u->name)) fail_msg("leak: %s", r->body);
    api_free(r);
    expect_error(404, "not_found", req("GET", W.resident, NULL, "%s", pdf_url));   /* the PDF is the volunteer's */
    expect_error(401, "unauthorized", req("GET", NULL, NULL, "%s", pdf_url));
    expect_status(200, req("GET", W.admin, NULL, "%s", pdf_url));
}

TEST(test_certificate) {
    wait_end();
    user *v = volunteer_new("tr_cert");
    signup(v, W.off.id);
    char *c = code_of(v);
    api_response *r = ok(200, batch(W.sw, W.off.id, json_pack("[o, o]", item(c, "checkin", time(NULL) - 100 * MIN),
                                                              item(c, "checkout", time(NULL) - 10 * MIN))));
    assert_result(r, 1, "checked_out", NULL);
    api_free(r);
    free(c);
    assert_int_equal(total_of(v), 90);
    check_certificate(v, 90, "1.5");
    check_certificate(volunteer_new("tr_cert0"), 0, "0.0");   /* no records: a valid 0-hour certificate */
    expect_error(404, "not_found", req("GET", NULL, NULL, API "/certificates/1000000000000000"));
    expect_error(404, "not_found", req("GET", NULL, NULL, API "/certificates/999"));
    expect_error(403, "volunteer_required", req("POST", W.resident, json_object(), API "/me/service-certificates"));
    expect_field(422, "org_id", req("POST", v, json_pack("{s:i}", "org_id", 999999999), API "/me/service-certificates"));
    r = ok(201, req("POST", v, json_pack("{s:I}", "org_id", (json_int_t)W.org_b), API "/me/service-certificates"));
    assert_int_equal(jint(r, "total_minutes"), 0);   /* none of org B's activities */
    api_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_correction_before_end), cmocka_unit_test(test_identity_lock_and_fix),
        cmocka_unit_test(test_suspension),            cmocka_unit_test(test_roster_live),
        cmocka_unit_test(test_offline_batch),         cmocka_unit_test(test_offline_batch_refused),
        cmocka_unit_test(test_correction_refusals),   cmocka_unit_test(test_two_person_rule),
        cmocka_unit_test(test_cap_under_parallel_proposals), cmocka_unit_test(test_volunteer_request),
        cmocka_unit_test(test_min_attendance),        cmocka_unit_test(test_erasure),
        cmocka_unit_test(test_certificate),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
