/* API tests for micro-venture philanthropy contests (微公益创投) against a live stack
 * (SANSHE_TEST_URL): contests, projects and their approval, votes with the daily limit, the
 * Idempotency-Key, the per-user rate limit, results with ranking and funding, and the tallies
 * against `sanshe ctl recount`, also under concurrent votes. Roles and recounts use the stack
 * whose state folder is SANSHE_TEST_STATE; the repository (for ./sanshe) is SANSHE_ROOT, else
 * the current folder, else a parent of this binary. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <jansson.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "apiclient.h"

#define API "/api/v1"
#define POOL 100           /* distinct voters, signed in once */
#define BURST_VOTES 5      /* votes each pool user sends in the burst test */
#define MAX_CALLS 512
#define HOUR 3600
#define DAY 86400
#define NOID "999999999999"
#define TEST(name) static void name(void **state_ __attribute__((unused)))

/* ================================================================ run context and helpers */

static const char *run_tag;   /* api_run_tag(): in every openid, org name and title of this run */
static char repo_root[PATH_MAX];
static const char *state_dir;

typedef api_user user;

static struct {
    user admin, resident, leader, sw, oleader, cleader, pfiler;
    user pool[POOL];
    long long community, other_community;
    long long org_a, org_b;   /* in community: led by leader (sw its social worker), by oleader */
    long long org_c, org_p;   /* in other_community, led by cleader; in community, pending, filed by pfiler */
} W;

/* `sanshe ctl recount <contest>` ends with "contest N: P projects, V votes, drift: D": checks
 * P (unless -1), V, and that D is 0. */
static void recount_at(long long contest, int projects, long long votes, const char *file, int line)
{
    api_recount rc = api_ctl_recount(repo_root, state_dir, contest);
    free(rc.output);
    if (rc.status == 0 && rc.found && (projects < 0 || rc.projects == projects) && rc.votes == votes && rc.drift == 0)
        return;
    print_error("ctl recount %lld (exit %d): %d projects, %lld votes, drift %lld; expected %d, %lld, 0\n", contest,
                rc.status, rc.projects, rc.votes, rc.drift, projects, votes);
    _fail(file, line);
}
#define assert_recount(contest, projects, votes) recount_at((contest), (projects), (votes), __FILE__, __LINE__)

/* The shared helpers of apiclient.h under this file's short names. */
#define login(u, what) api_login_user((u), (what))
#define fmt_time(t, out, len) api_fmt_time((t), (out), (len))   /* RFC 3339, China time, as clients send it */
#define parse_time(s) api_parse_time(s)
#define keep(r) api_keep(r)
#define req(...) api_req(__VA_ARGS__)   /* method token body path-format...: the reply lives API_KEEP calls */
#define J(body) api_json_text(body)
#define reqj(method, token, body, ...) req((method), (token), J(body), __VA_ARGS__)
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define jint(r, path) api_jint((r), (path))
#define jstr(r, path) api_jstr((r), (path))
#define jarr(r, path) api_jarr((r), (path))
#define mint(obj, key) api_mint((obj), (key))
#define mstr(obj, key) api_mstr((obj), (key))
#define assert_field_error(r, status, field) api_field_error_at((r), (status), (field), __FILE__, __LINE__)

/* Waits for the next wall-clock second: rate-limit windows are whole seconds. */
static void next_second(void)
{
    time_t t = time(NULL);
    while (time(NULL) == t) usleep(5000);
}

/* ================================================================ contests, projects, votes */

/* A valid contest body; times are offsets from now in seconds; community 0: open to all. */
static json_t *contest_body(const char *what, long long community, long limit, long long budget, long submit_off,
                            long from_off, long until_off)
{
    char title[96], s[40], f[40], u[40];
    time_t now = time(NULL);
    snprintf(title, sizeof title, "%s %s", what, run_tag);
    fmt_time(now + submit_off, s, sizeof s);
    fmt_time(now + from_off, f, sizeof f);
    fmt_time(now + until_off, u, sizeof u);
    json_t *b = json_pack("{s:s, s:I, s:I, s:s, s:s, s:s}", "title", title, "budget_cents", (json_int_t)budget,
                          "votes_per_user_per_day", (json_int_t)limit, "submit_until", s, "vote_from", f,
                          "vote_until", u);
    if (community) json_object_set_new(b, "community_id", json_integer(community));
    return b;
}

static long long contest_create(json_t *body)
{
    return jint(want(201, reqj("POST", W.admin.token, body, API "/contests")), "id");
}

/* Open to all, submissions open for an hour, voting open now and for a day. */
static long long contest_new(const char *what, long limit, long long budget)
{
    return contest_create(contest_body(what, 0, limit, budget, HOUR, -60, DAY));
}

static json_t *project_body(long long org, const char *what, long long budget)
{
    char title[96];
    snprintf(title, sizeof title, "%s %s", what, run_tag);
    return json_pack("{s:I, s:s, s:s, s:I}", "org_id", (json_int_t)org, "title", title, "summary",
                     "Meals for elderly neighbours.", "budget_cents", (json_int_t)budget);
}

static api_response *submit(const user *by, long long contest, json_t *body)
{
    return reqj("POST", by ? by->token : NULL, body, API "/contests/%lld/projects", contest);
}

/* Submits a project of org as by, and has the admin approve it when approve is set. */
static long long project_new(const user *by, long long contest, long long org, const char *what, long long budget,
                             int approve)
{
    long long id = jint(want(201, submit(by, contest, project_body(org, what, budget))), "id");
    if (approve)
        assert_string_equal(
            jstr(want(200, req("POST", W.admin.token, NULL, API "/contest-projects/%lld/approve", id)), "status"),
            "approved");
    return id;
}

/* The project's vote_count in the public list, -1 when it is not listed. */
static long long votes_of(long long contest, long long project)
{
    json_t *it;
    size_t i;
    json_array_foreach(jarr(want(200, req("GET", NULL, NULL, API "/contests/%lld/projects", contest)), "items"), i,
                       it) if (mint(it, "id") == project) return mint(it, "vote_count");
    return -1;
}

/* A vote with an optional Idempotency-Key ("" sends the header empty). */
static api_response *vote(const user *u, long long contest, long long project, const char *key)
{
    char path[128], body[64], hdr[160];
    snprintf(path, sizeof path, API "/contests/%lld/votes", contest);
    snprintf(body, sizeof body, "{\"project_id\":%lld}", project);
    if (key && *key) snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    else snprintf(hdr, sizeof hdr, "Idempotency-Key;");
    return keep(api_request("POST", path, u ? u->token : NULL, body, key ? hdr : NULL, NULL));
}

static long long vote_ok_at(const user *u, long long contest, long long project, const char *key, const char *file,
                            int line)
{
    api_response *r = api_want_at(201, vote(u, contest, project, key), file, line);
    if (jint(r, "project_id") != project) _fail(file, line);
    return jint(r, "votes_left_today");
}
#define vote_ok(u, contest, project, key) vote_ok_at((u), (contest), (project), (key), __FILE__, __LINE__)

/* A vote sent with libcurl directly, to see the Idempotent-Replayed header (apiclient does not
 * keep it): checks 201, votes_left_today and the header (1: "true", 2: another value, 0: absent). */
static void raw_vote_at(const user *u, long long contest, long long project, const char *key, int want_replayed,
                        long long want_left, const char *file, int line)
{
    int replayed = 0;
    char url[512], body[64], auth[1200], hdr[160], *text = NULL;
    size_t text_len = 0;
    snprintf(url, sizeof url, "%s" API "/contests/%lld/votes", api_base_url(), contest);
    snprintf(body, sizeof body, "{\"project_id\":%lld}", project);
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", u->token);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s", key);
    struct curl_slist *h =
        curl_slist_append(curl_slist_append(curl_slist_append(NULL, auth), "Content-Type: application/json"), hdr);
    FILE *out = open_memstream(&text, &text_len);
    CURL *c = curl_easy_init();
    assert_true(c && out);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, api_replayed_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &replayed);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    fclose(out);
    json_t *j = json_loads(text, 0, NULL);
    long long left = json_is_integer(json_object_get(j, "votes_left_today")) ? mint(j, "votes_left_today") : -1;
    json_decref(j);
    if (status != 201 || replayed != want_replayed || left != want_left)
        print_error("vote with key %s: status %ld, Idempotent-Replayed %d, body %s; expected 201, %d, %lld left\n",
                    key, status, replayed, text, want_replayed, want_left);
    free(text);
    if (status != 201 || replayed != want_replayed || left != want_left) _fail(file, line);
}
#define assert_raw_vote(u, c, p, key, replayed, left) \
    raw_vote_at((u), (c), (p), (key), (replayed), (left), __FILE__, __LINE__)

/* Vote calls for api_parallel: storage that outlives the call list. */
static api_call calls[MAX_CALLS];
static char call_path[MAX_CALLS][64], call_body[MAX_CALLS][48], call_key[MAX_CALLS][128];
static const char *call_hdrs[MAX_CALLS][2];

static void vote_call(size_t i, const user *u, long long contest, long long project, const char *key)
{
    assert_true(i < MAX_CALLS);
    snprintf(call_path[i], sizeof call_path[i], API "/contests/%lld/votes", contest);
    snprintf(call_body[i], sizeof call_body[i], "{\"project_id\":%lld}", project);
    snprintf(call_key[i], sizeof call_key[i], "Idempotency-Key: %s", key ? key : "");
    call_hdrs[i][0] = key ? call_key[i] : NULL;
    call_hdrs[i][1] = NULL;
    calls[i] = (api_call){"POST", call_path[i], u->token, call_body[i], strlen(call_body[i]), call_hdrs[i]};
}

#define metric(name) api_metric(state_dir, (name))

#define is_error(r, status, code) api_is_error((r), (status), (code))

/* After a burst of n votes that all reached the store (batched, batches: the counters before
 * it): every vote went through group commit, and votes shared commits. On a cluster the
 * counters are per app host (see metric): not checked. */
static void assert_group_commits(long long batched, long long batches, size_t n, const char *what)
{
    if (batched < 0) return;
    batched = metric("sanshe_batch_items_total{kind=\"votes\"}") - batched;
    batches = metric("sanshe_batches_total{kind=\"votes\"}") - batches;
    print_message("%s: %lld votes in %lld group commits\n", what, batched, batches);
    assert_true(batched >= (long long)n);
    assert_true(batches < batched);
}

/* ================================================================ contests */

/* Each case changes up to two members of a valid body. A value is JSON text, "@N" (the time
 * now+N s), "#N" (N ASCII letters) or "-" (remove it). The base: submissions until now+1h,
 * voting from now-60s to now+1 day, budget 1000000, 3 votes a day, open to all. */
static const struct create_case {
    const char *k1, *v1, *k2, *v2;
    long status;          /* 201, or 400/422 with error.fields[field] */
    const char *field;
} create_cases[] = {
    {"title", "\"x\"", NULL, NULL, 422, "title"},
    {"title", "#101", NULL, NULL, 422, "title"},
    {"title", "#100", NULL, NULL, 201, NULL},
    {"title", "-", NULL, NULL, 422, "title"},
    {"title", "5", NULL, NULL, 400, "title"},
    {"budget_cents", "0", NULL, NULL, 422, "budget_cents"},
    {"budget_cents", "100000000001", NULL, NULL, 422, "budget_cents"},
    {"budget_cents", "100000000000", NULL, NULL, 201, NULL},
    {"budget_cents", "\"100\"", NULL, NULL, 400, "budget_cents"},
    {"budget_cents", "-", NULL, NULL, 422, "budget_cents"},
    {"votes_per_user_per_day", "0", NULL, NULL, 422, "votes_per_user_per_day"},
    {"votes_per_user_per_day", "101", NULL, NULL, 422, "votes_per_user_per_day"},
    {"votes_per_user_per_day", "100", NULL, NULL, 201, NULL},
    {"community_id", NOID, NULL, NULL, 422, "community_id"},
    {"vote_from", "\"tomorrow\"", NULL, NULL, 422, "vote_from"},
    {"vote_until", "-", NULL, NULL, 422, "vote_until"},
    {"vote_from", "@86400", NULL, NULL, 422, "vote_until"},             /* vote_until == vote_from */
    {"vote_from", "@90000", NULL, NULL, 422, "vote_until"},             /* vote_until before vote_from */
    {"vote_from", "@-7200", "vote_until", "@-3600", 422, "vote_until"}, /* already over */
    {"submit_until", "@86401", NULL, NULL, 422, "submit_until"},        /* after vote_until */
    {"submit_until", "@86400", NULL, NULL, 201, NULL},                  /* == vote_until */
    {"submit_until", "@-3600", NULL, NULL, 201, NULL},                  /* submissions already over */
};

static void set_member(json_t *b, const char *k, const char *v)
{
    if (!k) return;
    if (strcmp(v, "-") == 0) {
        json_object_del(b, k);
    } else if (v[0] == '@') {
        char t[40];
        fmt_time(time(NULL) + atol(v + 1), t, sizeof t);
        json_object_set_new(b, k, json_string(t));
    } else if (v[0] == '#') {
        char s[256];
        int n = atoi(v + 1);
        memset(s, 'a', (size_t)n);
        s[n] = '\0';
        json_object_set_new(b, k, json_string(s));
    } else {
        json_t *x = json_loads(v, JSON_DECODE_ANY, NULL);
        assert_non_null(x);
        json_object_set_new(b, k, x);
    }
}

TEST(test_contest_create)
{
    time_t now = time(NULL);
    api_response *r = want(201, reqj("POST", W.admin.token, contest_body("Create", W.community, 3, 500000, HOUR, -60,
                                                                         DAY),
                                     API "/contests"));
    assert_true(jint(r, "id") > 0);
    assert_true(strncmp(jstr(r, "title"), "Create ", 7) == 0);
    assert_int_equal(jint(r, "community_id"), W.community);
    assert_int_equal(jint(r, "budget_cents"), 500000);
    assert_int_equal(jint(r, "votes_per_user_per_day"), 3);
    assert_true(labs((long)(parse_time(jstr(r, "vote_until")) - (now + DAY))) <= 2);
    assert_true(labs((long)(parse_time(jstr(r, "vote_from")) - (now - 60))) <= 2);
    assert_true(labs((long)(parse_time(jstr(r, "submit_until")) - (now + HOUR))) <= 2);
    assert_true(labs((long)(parse_time(jstr(r, "created_at")) - now)) <= 300);
    assert_string_equal(jstr(r, "phase"), "voting");
    assert_true(json_is_true(api_json_get(r, "submission_open")));

    /* open to all; voting not started; submissions over */
    r = want(201, reqj("POST", W.admin.token, contest_body("Upcoming", 0, 1, 100, -60, HOUR, DAY), API "/contests"));
    assert_true(json_is_null(api_json_get(r, "community_id")));
    assert_string_equal(jstr(r, "phase"), "upcoming");
    assert_true(json_is_false(api_json_get(r, "submission_open")));

    /* who may create */
    assert_api_error(reqj("POST", NULL, contest_body("Anon", 0, 3, 100, HOUR, -60, DAY), API "/contests"), 401,
                     "unauthorized");
    const user *denied[] = {&W.resident, &W.leader, &W.sw, &W.oleader};
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        assert_api_error(reqj("POST", denied[i]->token, contest_body("Denied", 0, 3, 100, HOUR, -60, DAY),
                              API "/contests"),
                         403, "forbidden");
    assert_api_error(req("POST", W.admin.token, "{\"title\":", API "/contests"), 400, "bad_request");

    for (size_t i = 0; i < sizeof create_cases / sizeof create_cases[0]; i++) {
        const struct create_case *c = &create_cases[i];
        json_t *body = contest_body("Case", 0, 3, 1000000, HOUR, -60, DAY);
        set_member(body, c->k1, c->v1);
        if (c->k2) set_member(body, c->k2, c->v2);
        r = reqj("POST", W.admin.token, body, API "/contests");
        if (r->status != c->status) print_error("case %zu (%s=%s): status %ld\n", i, c->k1, c->v1, r->status);
        if (c->status == 201) want(201, r);
        else assert_field_error(r, c->status, c->field);
    }
}

TEST(test_contest_get_list)
{
    long long ids[3];
    for (int i = 0; i < 3; i++) ids[i] = contest_new("Listed", 5, 1000 + i);
    api_response *r = want(200, req("GET", NULL, NULL, API "/contests/%lld", ids[1]));
    assert_int_equal(jint(r, "id"), ids[1]);
    assert_int_equal(jint(r, "budget_cents"), 1001);
    assert_int_equal(jint(r, "votes_per_user_per_day"), 5);
    assert_true(json_is_null(api_json_get(r, "community_id")));
    assert_string_equal(jstr(r, "phase"), "voting");
    assert_api_error(req("GET", NULL, NULL, API "/contests/" NOID), 404, "not_found");

    /* newest first, two per page */
    r = want(200, req("GET", W.resident.token, NULL, API "/contests?limit=2"));
    json_t *items = jarr(r, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(mint(json_array_get(items, 0), "id"), ids[2]);
    assert_int_equal(mint(json_array_get(items, 1), "id"), ids[1]);
    char cursor[64];
    snprintf(cursor, sizeof cursor, "%s", jstr(r, "next_cursor"));
    r = want(200, req("GET", NULL, NULL, API "/contests?limit=2&cursor=%s", cursor));
    items = jarr(r, "items");
    assert_true(json_array_size(items) >= 1);
    assert_int_equal(mint(json_array_get(items, 0), "id"), ids[0]);
    for (size_t i = 1; i < json_array_size(items); i++)
        assert_true(mint(json_array_get(items, i), "id") < mint(json_array_get(items, i - 1), "id"));
}

/* ================================================================ projects */

TEST(test_project_submit)
{
    long long open = contest_new("Submit", 3, 1000000);
    long long local = contest_create(contest_body("Local", W.community, 3, 1000000, HOUR, -60, DAY));
    long long closed = contest_create(contest_body("Closed", 0, 3, 1000000, -60, -HOUR, DAY));
    api_response *r = want(201, submit(&W.leader, open, project_body(W.org_a, "Proj", 25000)));
    assert_true(jint(r, "id") > 0);
    assert_string_equal(jstr(r, "status"), "submitted");
    assert_int_equal(jint(r, "vote_count"), 0);
    assert_int_equal(jint(r, "contest_id"), open);
    assert_int_equal(jint(r, "org_id"), W.org_a);
    assert_int_equal(jint(r, "budget_cents"), 25000);
    assert_true(strncmp(jstr(r, "title"), "Proj ", 5) == 0);

    /* only the organization's own leader */
    assert_api_error(submit(NULL, open, project_body(W.org_a, "Anon", 100)), 401, "unauthorized");
    const user *denied[] = {&W.resident, &W.sw, &W.oleader, &W.admin};
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        assert_api_error(submit(denied[i], open, project_body(W.org_a, "Denied", 100)), 403, "forbidden");
    want(201, submit(&W.oleader, open, project_body(W.org_b, "Other", 100)));

    /* organizations: unknown, pending (invisible to others), of another community */
    assert_field_error(submit(&W.leader, open, project_body(999999999999LL, "Ghost", 100)), 422, "org_id");
    assert_field_error(submit(&W.resident, open, project_body(W.org_p, "Hidden", 100)), 422, "org_id");
    assert_field_error(submit(&W.cleader, local, project_body(W.org_c, "Far", 100)), 422, "org_id");
    want(201, submit(&W.cleader, open, project_body(W.org_c, "Far", 100)));
    want(201, submit(&W.leader, local, project_body(W.org_a, "Near", 100)));

    /* state */
    assert_api_error(submit(&W.leader, closed, project_body(W.org_a, "Late", 100)), 409, "submission_closed");
    assert_api_error(submit(&W.leader, 999999999999LL, project_body(W.org_a, "Nowhere", 100)), 404, "not_found");

    /* the body */
    char big[2002];
    memset(big, 's', 2001);
    big[2001] = '\0';
    const struct {
        const char *key;
        json_t *value;   /* NULL: remove the member */
        long status;
    } cases[] = {{"title", json_string("x"), 422},       {"summary", json_string(big), 422},
                 {"budget_cents", json_integer(0), 422}, {"budget_cents", json_integer(100000000001LL), 422},
                 {"org_id", json_string("1"), 400},      {"org_id", NULL, 422},
                 {"title", json_integer(7), 400}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *b = project_body(W.org_a, "Case", 100);
        if (cases[i].value) json_object_set_new(b, cases[i].key, cases[i].value);
        else json_object_del(b, cases[i].key);
        assert_field_error(submit(&W.leader, open, b), cases[i].status, cases[i].key);
    }
    big[2000] = '\0';
    json_t *b = project_body(W.org_a, "Long", 100);
    json_object_set_new(b, "summary", json_string(big));
    want(201, submit(&W.leader, open, b));
}

/* The filer of an organization still pending is its leader-to-be and is told why not yet. */
TEST(test_project_submit_org_not_filed)
{
    long long c = contest_new("Not filed", 3, 1000000);
    assert_api_error(submit(&W.pfiler, c, project_body(W.org_p, "Early", 100)), 409, "org_not_filed");
}

/* approve or reject (with a reason) project p as u. */
static api_response *decide(const user *u, const char *verb, long long p)
{
    return req("POST", u ? u->token : NULL, strcmp(verb, "reject") == 0 ? "{\"reason\":\"Out of scope\"}" : NULL,
               API "/contest-projects/%lld/%s", p, verb);
}

TEST(test_project_decide)
{
    long long c = contest_new("Decide", 3, 1000000);
    long long p1 = project_new(&W.leader, c, W.org_a, "Approve me", 100, 0);
    long long p2 = project_new(&W.leader, c, W.org_a, "Reject me", 100, 0);

    assert_api_error(decide(NULL, "approve", p1), 401, "unauthorized");
    assert_api_error(decide(NULL, "reject", p1), 401, "unauthorized");
    const user *denied[] = {&W.resident, &W.leader, &W.oleader, &W.sw};
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        assert_api_error(decide(denied[i], "approve", p1), 403, "forbidden");
        assert_api_error(decide(denied[i], "reject", p2), 403, "forbidden");
    }

    api_response *r = want(200, decide(&W.admin, "approve", p1));
    assert_string_equal(jstr(r, "status"), "approved");
    assert_int_equal(jint(r, "id"), p1);
    want(200, decide(&W.admin, "approve", p1));   /* again: no change */
    assert_api_error(decide(&W.admin, "reject", p1), 409, "invalid_state");

    assert_field_error(req("POST", W.admin.token, "{}", API "/contest-projects/%lld/reject", p2), 422, "reason");
    assert_string_equal(jstr(want(200, decide(&W.admin, "reject", p2)), "status"), "rejected");
    assert_api_error(decide(&W.admin, "approve", p2), 409, "invalid_state");
    assert_api_error(decide(&W.admin, "approve", 999999999999LL), 404, "not_found");
    assert_api_error(decide(&W.admin, "reject", 999999999999LL), 404, "not_found");

    /* the decisions stick: the admin's list shows both, with the reason */
    json_t *it;
    size_t i;
    int seen = 0;
    json_array_foreach(jarr(want(200, req("GET", W.admin.token, NULL, API "/contests/%lld/projects", c)), "items"), i,
                       it)
    {
        if (mint(it, "id") == p1) seen += strcmp(mstr(it, "status"), "approved") == 0;
        if (mint(it, "id") == p2)
            seen += strcmp(mstr(it, "status"), "rejected") == 0 && mstr(it, "reject_reason") &&
                    strcmp(mstr(it, "reject_reason"), "Out of scope") == 0;
    }
    assert_int_equal(seen, 2);
}

TEST(test_project_list)
{
    long long c = contest_new("Listing", 3, 1000000);
    long long sub = project_new(&W.leader, c, W.org_a, "Submitted", 100, 0);
    long long app = project_new(&W.oleader, c, W.org_b, "Approved", 200, 1);
    long long rej = project_new(&W.leader, c, W.org_a, "Rejected", 300, 0);
    want(200, decide(&W.admin, "reject", rej));

    const char *tokens[] = {NULL, W.resident.token, W.leader.token};
    for (size_t k = 0; k < 3; k++) {
        json_t *items = jarr(want(200, req("GET", tokens[k], NULL, API "/contests/%lld/projects", c)), "items");
        assert_int_equal(json_array_size(items), 1);
        json_t *it = json_array_get(items, 0);
        assert_int_equal(mint(it, "id"), app);
        assert_string_equal(mstr(it, "status"), "approved");
        assert_true(json_is_integer(json_object_get(it, "vote_count")));
        assert_int_equal(mint(it, "vote_count"), 0);
        assert_int_equal(mint(it, "budget_cents"), 200);
    }
    json_t *items = jarr(want(200, req("GET", W.admin.token, NULL, API "/contests/%lld/projects", c)), "items");
    assert_int_equal(json_array_size(items), 3);
    long long want_ids[] = {sub, app, rej};
    const char *want_st[] = {"submitted", "approved", "rejected"};
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(mint(json_array_get(items, k), "id"), want_ids[k]);
        assert_string_equal(mstr(json_array_get(items, k), "status"), want_st[k]);
    }
    assert_api_error(req("GET", NULL, NULL, API "/contests/" NOID "/projects"), 404, "not_found");
}

/* ================================================================ votes */

TEST(test_vote_basic)
{
    long long c = contest_new("Vote", 2, 1000000);
    long long pa = project_new(&W.leader, c, W.org_a, "Votable", 100, 1);
    long long ps = project_new(&W.oleader, c, W.org_b, "Waiting", 100, 0);
    long long pr = project_new(&W.leader, c, W.org_a, "Refused", 100, 0);
    want(200, decide(&W.admin, "reject", pr));
    long long c2 = contest_new("Vote other", 2, 1000000);
    long long pb = project_new(&W.leader, c2, W.org_a, "Elsewhere", 100, 1);
    long long cu = contest_create(contest_body("Vote later", 0, 2, 1000000, HOUR, HOUR, DAY));
    long long pu = project_new(&W.leader, cu, W.org_a, "Later", 100, 1);
    const user *u1 = &W.pool[30], *u2 = &W.pool[31], *u3 = &W.pool[32], *u4 = &W.pool[33];
    next_second();

    assert_api_error(vote(NULL, c, pa, NULL), 401, "unauthorized");
    assert_int_equal(vote_ok(u1, c, pa, NULL), 1);
    assert_int_equal(vote_ok(u1, c, pa, NULL), 0);
    assert_api_error(vote(u1, c, pa, NULL), 429, "vote_limit_reached");
    /* with the limit used up, a project that cannot get votes is still 404, not 429 */
    assert_api_error(vote(u1, c, ps, NULL), 404, "not_found");
    assert_api_error(vote(u1, c, pb, NULL), 404, "not_found");
    assert_api_error(vote(u1, c, 999999999999LL, NULL), 404, "not_found");
    assert_int_equal(vote_ok(u1, c2, pb, NULL), 1);   /* the limit is per contest */
    assert_int_equal(votes_of(c, pa), 2);

    /* only approved projects of this contest */
    assert_api_error(vote(u2, c, ps, NULL), 404, "not_found");
    assert_api_error(vote(u2, c, pr, NULL), 404, "not_found");
    assert_api_error(vote(u2, c, pb, NULL), 404, "not_found");
    assert_api_error(vote(u2, c, 999999999999LL, NULL), 404, "not_found");
    assert_api_error(vote(u2, 999999999999LL, pa, NULL), 404, "not_found");
    assert_field_error(req("POST", u2->token, "{}", API "/contests/%lld/votes", c), 422, "project_id");
    assert_field_error(req("POST", u2->token, "{\"project_id\":\"1\"}", API "/contests/%lld/votes", c), 400,
                       "project_id");
    assert_api_error(req("POST", u2->token, "{\"project_id\":", API "/contests/%lld/votes", c), 400, "bad_request");

    /* the window: voting has not started */
    assert_api_error(vote(u2, cu, pu, NULL), 409, "voting_closed");
    assert_int_equal(votes_of(cu, pu), 0);

    char key[80];
    snprintf(key, sizeof key, "Aa0-_.:%.40s", run_tag);
    assert_int_equal(vote_ok(u3, c, pa, key), 1);
    assert_int_equal(vote_ok(u3, c, pa, "k"), 0);

    /* a retry answers the first reply again, marked, and counts nothing */
    assert_raw_vote(u4, c, pa, key, 0, 1);   /* the same key from another user: a new vote */
    assert_int_equal(votes_of(c, pa), 5);
    assert_raw_vote(u4, c, pa, key, 1, 1);
    assert_raw_vote(u4, c, pa, key, 1, 1);
    assert_raw_vote(u3, c, pa, key, 1, 1);   /* even with no votes left */
    assert_int_equal(votes_of(c, pa), 5);
    assert_recount(c, 1, 5);
}

/* Idempotency-Key: 1 to 64 of [A-Za-z0-9-_.:], else 400 and nothing counted. */
TEST(test_vote_bad_key)
{
    long long c = contest_new("Keys", 3, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Keyed", 100, 1);
    char k64[65], k65[66];
    memset(k64, 'k', 64);
    k64[64] = '\0';
    memset(k65, 'k', 65);
    k65[65] = '\0';
    const char *bad[] = {k65, "has space", "a/b", "\xc3\xa9", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        api_response *r = vote(&W.pool[34], c, p, bad[i]);
        if (r->status != 400) print_error("Idempotency-Key \"%s\"\n", bad[i]);
        assert_api_error(r, 400, "bad_request");
    }
    assert_int_equal(votes_of(c, p), 0);
    assert_int_equal(vote_ok(&W.pool[34], c, p, k64), 2);
    assert_int_equal(votes_of(c, p), 1);
}

/* 100 users x 5 parallel votes, limit 3, 80% of them for one project. */
static void vote_burst(const char *what)
{
    long long c = contest_new(what, 3, 1000000);
    long long hot = project_new(&W.leader, c, W.org_a, "Hot", 1000, 1);
    long long cold = project_new(&W.oleader, c, W.org_b, "Cold", 1000, 1);
    const size_t n = (size_t)POOL * BURST_VOTES;
    for (size_t i = 0; i < n; i++) vote_call(i, &W.pool[i / BURST_VOTES], c, i % 5 == 2 ? cold : hot, NULL);
    next_second();
    long long batched = metric("sanshe_batch_items_total{kind=\"votes\"}"), batches = metric("sanshe_batches_total{kind=\"votes\"}");
    api_response **rs = api_parallel(calls, n, 64);
    /* every vote went through group commit, and votes shared commits */
    assert_group_commits(batched, batches, n, what);
    int ok = 0, limited = 0, other = 0, per_user[POOL] = {0}, lefts[POOL] = {0};
    long long hot_ok = 0;
    for (size_t i = 0; i < n; i++) {
        api_response *r = rs[i];
        size_t u = i / BURST_VOTES;
        if (r->status == 201) {
            long long left = (long long)json_integer_value(api_json_get(r, "votes_left_today"));
            long long pid = (long long)json_integer_value(api_json_get(r, "project_id"));
            ok++;
            per_user[u]++;
            if (left >= 0 && left < 3) lefts[u] |= 1 << left;
            if (pid != (i % 5 == 2 ? cold : hot)) other++;
            hot_ok += pid == hot;
        } else if (is_error(r, 429, "vote_limit_reached")) {
            limited++;
        } else if (other++ < 5) {
            print_error("call %zu: status %ld: %.300s\n", i, r->status, r->body);
        }
    }
    api_free_all(rs, n);
    print_message("%s: %d accepted, %d over the limit, %d other; %lld for the hot project\n", what, ok, limited, other,
                  hot_ok);
    assert_int_equal(other, 0);
    assert_int_equal(ok, 300);
    assert_int_equal(limited, 200);
    for (int u = 0; u < POOL; u++)
        if (per_user[u] != 3 || lefts[u] != 7)
            fail_msg("user %d: %d accepted, votes_left_today seen (mask) %d; expected 3 and 2,1,0", u, per_user[u],
                     lefts[u]);
    long long vh = votes_of(c, hot), vc = votes_of(c, cold);
    assert_int_equal(vh, hot_ok);
    assert_int_equal(vc, 300 - hot_ok);
    assert_recount(c, 2, 300);
    assert_int_equal(votes_of(c, hot) + votes_of(c, cold), 300);
}

TEST(test_vote_burst_first) { vote_burst("Burst one"); }

TEST(test_vote_burst_second) { vote_burst("Burst two"); }

/* Group commit with bad members: in one burst, votes for an unknown project, for another
 * contest's project and by voters whose day is used up share commits with good votes; each is
 * answered on its own and only the good ones are stored. */
TEST(test_vote_batch_mixed)
{
    enum { GOOD = 40, UNKNOWN = 20, FOREIGN = 20, SPENT = 20 };
    long long c = contest_new("Mixed batch", 1, 1000000), other = contest_new("Mixed other", 1, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Good", 100, 1);
    long long q = project_new(&W.leader, other, W.org_a, "Elsewhere", 100, 1);
    for (int u = 0; u < SPENT; u++) assert_int_equal(vote_ok(&W.pool[60 + u], c, p, NULL), 0);   /* day used up */
    size_t n = 0;
    for (int u = 0; u < GOOD; u++) vote_call(n++, &W.pool[u], c, p, NULL);
    for (int u = 0; u < UNKNOWN; u++) vote_call(n++, &W.pool[40 + u % 20], c, 999999999, NULL);
    for (int u = 0; u < FOREIGN; u++) vote_call(n++, &W.pool[40 + u % 20], c, q, NULL);
    for (int u = 0; u < SPENT; u++) vote_call(n++, &W.pool[60 + u], c, p, NULL);
    /* interleaved, so bad and good votes arrive together */
    for (size_t i = 0; i < n; i += 2) {
        size_t j = n - 1 - i;
        if (j <= i) break;
        api_call t = calls[i];
        calls[i] = calls[j];
        calls[j] = t;
    }
    next_second();
    long long batched = metric("sanshe_batch_items_total{kind=\"votes\"}"), batches = metric("sanshe_batches_total{kind=\"votes\"}");
    api_response **rs = api_parallel(calls, n, 64);
    assert_group_commits(batched, batches, n, "mixed");
    int ok = 0, missing = 0, limited = 0, other_status = 0;
    for (size_t i = 0; i < n; i++) {
        api_response *r = rs[i];
        long long pid = atoll(strstr(calls[i].body, ":") + 1);
        if (r->status == 201 && pid == p && jint(r, "votes_left_today") == 0) ok++;
        else if (is_error(r, 404, "not_found") && pid != p) missing++;
        else if (is_error(r, 429, "vote_limit_reached") && pid == p) limited++;
        else if (other_status++ < 5) print_error("call %zu (project %lld): %ld %.200s\n", i, pid, r->status, r->body);
    }
    api_free_all(rs, n);
    print_message("mixed: %d stored, %d not found, %d over the limit, %d other\n", ok, missing, limited,
                  other_status);
    assert_int_equal(other_status, 0);
    assert_int_equal(ok, GOOD);
    assert_int_equal(missing, UNKNOWN + FOREIGN);
    assert_int_equal(limited, SPENT);
    assert_int_equal(votes_of(c, p), GOOD + SPENT);
    assert_int_equal(votes_of(other, q), 0);
    assert_recount(c, -1, GOOD + SPENT);
}

/* A batch that fails at the database (a trigger refuses one project's votes: a stand-in for any
 * fault of one member) leaves nothing stored, and its votes are then stored one by one: the
 * poisoned ones fail alone, every other vote of the burst is stored once. */
static int poison_teardown(void **state)
{
    (void)state;
    api_sql_exec(state_dir, "DROP TRIGGER IF EXISTS test_vote_poison");
    return 0;
}

TEST(test_vote_batch_failure_isolated)
{
    enum { GOOD = 40, BAD = 10 };
    long long c = contest_new("Poisoned batch", 1, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Healthy", 100, 1);
    long long poisoned_project = project_new(&W.leader, c, W.org_a, "Poisoned", 100, 1);
    api_sql_exec(state_dir,
                 "DELIMITER //\nCREATE TRIGGER test_vote_poison BEFORE INSERT ON contest_votes FOR EACH ROW "
                 "IF NEW.project_id = %lld THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned'; END IF//\n"
                 "DELIMITER ;",
                 poisoned_project);
    size_t n = 0;
    for (int u = 0; u < GOOD + BAD; u++) vote_call(n++, &W.pool[u], c, u % 5 == 4 ? poisoned_project : p, NULL);
    next_second();
    long long failed = metric("sanshe_batches_failed_total{kind=\"votes\"}");
    api_response **rs = api_parallel(calls, n, 64);
    int ok = 0, refused = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        int bad = i % 5 == 4;
        if (!bad && rs[i]->status == 201) ok++;
        else if (bad && rs[i]->status == 500) refused++;
        else if (other++ < 5) print_error("call %zu: %ld %.200s\n", i, rs[i]->status, rs[i]->body);
    }
    api_free_all(rs, n);
    if (failed >= 0) failed = metric("sanshe_batches_failed_total{kind=\"votes\"}") - failed;
    print_message("poisoned: %d stored, %d refused alone, %d other; %lld batches failed\n", ok, refused, other,
                  failed);
    assert_int_equal(other, 0);
    assert_int_equal(ok, GOOD);
    assert_int_equal(refused, BAD);
    if (failed >= 0) assert_true(failed >= 1);
    api_sql_exec(state_dir, "DROP TRIGGER test_vote_poison");
    assert_int_equal(votes_of(c, p), GOOD);
    assert_int_equal(votes_of(c, poisoned_project), 0);
    assert_recount(c, 2, GOOD);
}

/* Redis connections cut under a vote burst (CLIENT KILL from outside, every 10 ms; one stack
 * only: a cluster's Redis is Sentinel's, over TCP). A cut between calls is found and mended
 * before the next call; one that lands during a call fails it: a batch's rate-limit count then
 * sends its votes alone, each counting its own, and a vote's own failed call answers 503. Every
 * reply is 201, 429 or 503 in the error shape; every 201 is stored exactly once, and nothing
 * else is. */
static atomic_int killer_stop;

static void *killer_main(void *arg)
{
    long *kills = arg;
    char cmd[PATH_MAX + 96];
    snprintf(cmd, sizeof cmd, "redis-cli -s '%s/run/redis.sock' CLIENT KILL TYPE normal 2>/dev/null", state_dir);
    while (!atomic_load(&killer_stop)) {
        FILE *f = popen(cmd, "r");
        if (f) {
            long n = 0;
            if (fscanf(f, "%ld", &n) == 1) *kills += n;
            pclose(f);
        }
        api_sleep_ms(10);
    }
    return NULL;
}

TEST(test_vote_burst_redis_cut)
{
    if (api_is_cluster(state_dir)) skip();
    enum { VOTERS = 100, EACH = 3 };
    long long c = contest_new("Redis cut", EACH, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Cut", 100, 1);
    size_t n = 0;
    for (int k = 0; k < EACH; k++)
        for (int u = 0; u < VOTERS; u++) vote_call(n++, &W.pool[u], c, p, NULL);
    next_second();
    long kills = 0;
    pthread_t th;
    atomic_store(&killer_stop, 0);
    assert_int_equal(pthread_create(&th, NULL, killer_main, &kills), 0);
    api_sleep_ms(30);
    api_response **rs = api_parallel(calls, n, 64);
    atomic_store(&killer_stop, 1);
    pthread_join(th, NULL);
    int ok = 0, unavailable = 0, limited = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        api_response *r = rs[i];
        if (r->status == 201) ok++;
        else if (is_error(r, 503, "unavailable")) unavailable++;
        else if (is_error(r, 429, "rate_limited") || is_error(r, 429, "vote_limit_reached")) limited++;
        else if (other++ < 5) print_error("call %zu: %ld %.200s\n", i, r->status, r->body);
    }
    api_free_all(rs, n);
    print_message("redis cut %ld connections: %d stored, %d unavailable, %d limited, %d other\n", kills, ok,
                  unavailable, limited, other);
    assert_int_equal(other, 0);
    assert_true(kills > 0);
    assert_true(ok > 0);
    assert_int_equal(votes_of(c, p), ok);
    assert_recount(c, 1, ok);
}

/* users[first..first+10) each send one vote 8 times at once with one key; returns the
 * votes_left_today they all saw (the same for everyone, checked). */
static long long idempotent_burst(long long c, long long p, int first, const char *tag)
{
    enum { USERS = 10, TRIES = 8 };
    char key[USERS][64];
    for (int u = 0; u < USERS; u++) {
        snprintf(key[u], sizeof key[u], "%s-%s-%d", tag, run_tag, u);
        for (int k = 0; k < TRIES; k++) vote_call((size_t)(u * TRIES + k), &W.pool[first + u], c, p, key[u]);
    }
    next_second();
    api_response **rs = api_parallel(calls, USERS * TRIES, 64);
    long long seen = -2;
    int bad = 0;
    for (int u = 0; u < USERS; u++) {
        long long first_left = -1;
        for (int k = 0; k < TRIES; k++) {
            api_response *r = rs[u * TRIES + k];
            long long left = (long long)json_integer_value(api_json_get(r, "votes_left_today"));
            if (k == 0) first_left = left;
            if ((r->status != 201 || left != first_left || !json_is_integer(api_json_get(r, "votes_left_today"))) &&
                bad++ < 5)
                print_error("user %d try %d: status %ld (first left %lld): %.300s\n", u, k, r->status, first_left,
                            r->body);
        }
        if (seen == -2) seen = first_left;
        else if (seen != first_left) bad++;
    }
    api_free_all(rs, USERS * TRIES);
    assert_int_equal(bad, 0);
    return seen;
}

/* Parallel retries with one Idempotency-Key per user count once; another key counts again. */
TEST(test_vote_idempotent_parallel)
{
    long long c = contest_new("Idempotent", 2, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Retried", 100, 1);
    assert_int_equal(idempotent_burst(c, p, 0, "same"), 1);
    assert_int_equal(votes_of(c, p), 10);
    next_second();
    char key[64];
    for (int u = 0; u < 10; u++) {
        snprintf(key, sizeof key, "again-%s-%d", run_tag, u);
        assert_int_equal(vote_ok(&W.pool[u], c, p, key), 0);
    }
    assert_int_equal(votes_of(c, p), 20);
    assert_recount(c, -1, 20);
}

/* The same with the user's last vote of the day: the retries must replay it, not be refused. */
TEST(test_vote_idempotent_last_vote)
{
    long long c = contest_new("Idempotent last", 1, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Last", 100, 1);
    assert_int_equal(idempotent_burst(c, p, 10, "last"), 0);
    assert_int_equal(votes_of(c, p), 10);
    next_second();
    assert_api_error(vote(&W.pool[10], c, p, "another-key"), 429, "vote_limit_reached");
    assert_int_equal(votes_of(c, p), 10);
}

/* The contest's results: exactly ids[0..3) in this order with these votes and funded flags. */
static void results_at(long long c, long long budget, long long left, const long long *ids, const long long *votes,
                       const int *funded, const char *file, int line)
{
    api_response *r = api_want_at(200, req("GET", NULL, NULL, API "/contests/%lld/results", c), file, line);
    json_t *items = jarr(r, "items");
    if (jint(r, "contest_id") != c || jint(r, "budget_cents") != budget || jint(r, "budget_left_cents") != left ||
        !json_is_false(api_json_get(r, "final")) || json_array_size(items) != 3)
        goto bad;
    for (size_t i = 0; i < 3; i++) {
        json_t *it = json_array_get(items, i), *f = json_object_get(it, "funded");
        if (mint(it, "id") != ids[i] || mint(it, "vote_count") != votes[i] || mint(it, "rank") != (long long)i + 1 ||
            !json_is_boolean(f) || json_is_true(f) != funded[i])
            goto bad;
    }
    return;
bad:
    print_error("contest %lld: expected ids %lld %lld %lld, votes %lld %lld %lld, funded %d %d %d, left %lld; got %s\n",
                c, ids[0], ids[1], ids[2], votes[0], votes[1], votes[2], funded[0], funded[1], funded[2], left,
                r->body);
    _fail(file, line);
}
#define assert_results(c, budget, left, ids, votes, funded) \
    results_at((c), (budget), (left), (ids), (votes), (funded), __FILE__, __LINE__)

/* Ranked by votes, ties to the lower id; funded in rank order until one does not fit. */
TEST(test_results)
{
    long long c = contest_new("Results", 3, 100000);
    long long a = project_new(&W.leader, c, W.org_a, "A", 50000, 1);    /* 2 votes: rank 2 (tie, lower id) */
    long long b = project_new(&W.oleader, c, W.org_b, "B", 60000, 1);   /* 3 votes: rank 1 */
    long long cc = project_new(&W.cleader, c, W.org_c, "C", 30000, 1);  /* 2 votes: rank 3, would fit */
    project_new(&W.leader, c, W.org_a, "Unapproved", 10, 0);
    /* no votes yet: by id; a fits, b does not, so c is not funded either */
    assert_results(c, 100000, 50000, ((long long[]){a, b, cc}), ((long long[]){0, 0, 0}), ((int[]){1, 0, 0}));
    next_second();
    const user *v[] = {&W.pool[40], &W.pool[41], &W.pool[42]};
    for (int i = 0; i < 3; i++) vote_ok(v[i], c, b, NULL);
    for (int i = 0; i < 2; i++) {
        vote_ok(v[i], c, cc, NULL);
        vote_ok(v[i], c, a, NULL);
    }
    assert_results(c, 100000, 40000, ((long long[]){b, a, cc}), ((long long[]){3, 2, 2}), ((int[]){1, 0, 0}));
    assert_recount(c, 3, 7);

    /* a budget big enough for the first two funds them both, then stops at the third */
    long long c2 = contest_new("Results two", 3, 115000);
    long long x = project_new(&W.leader, c2, W.org_a, "X", 60000, 1);
    long long y = project_new(&W.oleader, c2, W.org_b, "Y", 50000, 1);
    long long z = project_new(&W.cleader, c2, W.org_c, "Z", 10000, 1);
    vote_ok(v[0], c2, y, NULL);
    assert_results(c2, 115000, 5000, ((long long[]){y, x, z}), ((long long[]){1, 0, 0}), ((int[]){1, 1, 0}));
    assert_api_error(req("GET", NULL, NULL, API "/contests/" NOID "/results"), 404, "not_found");
}

/* One user, 30 votes at once, 100 allowed a day: the per-user rate limit refuses all but its
 * allowance. What passes must not depend on the machine's speed (30 requests may spread over
 * several one-second windows on a slow machine), so the app runs with 5 votes per window of an
 * hour for this test and the votes go out with at least a minute of their window left: exactly
 * 5 are stored, 25 get 429 rate_limited with Retry-After up to the window's end. */
TEST(test_vote_rate_limit)
{
    enum { N = 30, LIMIT = 5, WINDOW = 3600 };
    long long c = contest_new("Rate", 100, 1000000);
    long long p = project_new(&W.leader, c, W.org_a, "Spammed", 100, 1);
    for (size_t i = 0; i < N; i++) vote_call(i, &W.pool[50], c, p, NULL);
    char env[96];
    snprintf(env, sizeof env, "SANSHE_VOTE_RATE=%d SANSHE_VOTE_WINDOW=%d", LIMIT, WINDOW);
    assert_int_equal(api_sanshe_up(repo_root, state_dir, env), 0);
    long left = WINDOW - (long)(time(NULL) % WINDOW);
    if (left < 60) sleep((unsigned)left + 1);   /* a minute of the window left */
    api_response **rs = api_parallel(calls, N, 64);
    int restored = api_sanshe_up(repo_root, state_dir, "");   /* the default limits again */
    int ok = 0, limited = 0, other = 0, retry_ok = 0;
    for (size_t i = 0; i < N; i++) {
        if (rs[i]->status == 201) ok++;
        else if (is_error(rs[i], 429, "rate_limited")) {
            limited++;
            long ra = rs[i]->retry_after ? atol(rs[i]->retry_after) : 0;
            retry_ok += ra > 1 && ra <= WINDOW;
        } else if (other++ < 5)
            print_error("call %zu: status %ld: %.300s\n", i, rs[i]->status, rs[i]->body);
    }
    api_free_all(rs, N);
    print_message("rate limit: %d accepted, %d rate_limited, %d other\n", ok, limited, other);
    assert_int_equal(restored, 0);
    assert_int_equal(other, 0);
    assert_int_equal(ok, LIMIT);
    assert_int_equal(limited, N - LIMIT);
    assert_int_equal(retry_ok, limited);
    assert_int_equal(votes_of(c, p), ok);
    assert_recount(c, -1, ok);
}

/* ================================================================ setup */

static long long community_new(const char *what)
{
    return jint(want(201, reqj("POST", W.admin.token,
                               json_pack("{s:s++, s:s, s:s, s:s}", "name", what, " ", run_tag, "street", "Huaihai Rd",
                                         "district", "Xuhui", "kind", "urban"),
                               API "/communities")),
                "id");
}

/* Files an organization; approve: the admin approves it (the filer becomes its leader). */
static long long org_new(const user *filer, long long community, const char *what, int approve)
{
    long long id = jint(want(201, reqj("POST", filer->token,
                                       json_pack("{s:s++, s:I, s:s}", "name", what, " ", run_tag, "community_id",
                                                 (json_int_t)community, "kind", "association"),
                                       API "/orgs")),
                        "id");
    if (approve) want(200, req("POST", W.admin.token, NULL, API "/orgs/%lld/approve", id));
    return id;
}

static user *const named[] = {&W.admin, &W.resident, &W.leader, &W.sw, &W.oleader, &W.cleader, &W.pfiler};

static int group_setup(void **state)
{
    (void)state;
    run_tag = api_run_tag();
    state_dir = getenv("SANSHE_TEST_STATE");
    if (!state_dir || !*state_dir || strchr(state_dir, '\'') || !api_find_root(repo_root, sizeof repo_root)) {
        print_error("set SANSHE_TEST_STATE to the stack's state folder and, unless run from the repository, "
                    "SANSHE_ROOT to the folder holding ./sanshe\n");
        return -1;
    }
    if (req("GET", NULL, NULL, "/healthz")->status != 200) {
        print_error("GET %s/healthz failed: is the stack up? (SANSHE_TEST_URL)\n", api_base_url());
        return -1;
    }
    static const char *const names[] = {"vadmin", "vresident", "vleader", "vsw", "voleader", "vcleader", "vpfiler"};
    char what[16];
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) login(named[i], names[i]);
    for (int i = 0; i < POOL; i++) {   /* 107 sign-ins: inside nginx's burst of 200 */
        snprintf(what, sizeof what, "vp%02d", i);
        login(&W.pool[i], what);
    }
    if (api_grant(repo_root, state_dir, W.admin.openid, "admin", 0) != 0) {
        print_error("sanshe ctl grant failed\n");
        return -1;
    }
    W.community = community_new("Vote main");
    W.other_community = community_new("Vote other");
    W.org_a = org_new(&W.leader, W.community, "Org A", 1);
    want(201, reqj("POST", W.leader.token, json_pack("{s:I, s:s}", "user_id", (json_int_t)W.sw.id, "role",
                                                     "social_worker"),
                   API "/orgs/%lld/members", W.org_a));
    W.org_b = org_new(&W.oleader, W.community, "Org B", 1);
    W.org_c = org_new(&W.cleader, W.other_community, "Org C", 1);
    W.org_p = org_new(&W.pfiler, W.community, "Org P", 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    api_keep_free();
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) free(named[i]->token);
    for (int i = 0; i < POOL; i++) free(W.pool[i].token);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contest_create),          cmocka_unit_test(test_contest_get_list),
        cmocka_unit_test(test_project_submit),          cmocka_unit_test(test_project_submit_org_not_filed),
        cmocka_unit_test(test_project_decide),          cmocka_unit_test(test_project_list),
        cmocka_unit_test(test_vote_basic),              cmocka_unit_test(test_vote_bad_key),
        cmocka_unit_test(test_vote_burst_first),        cmocka_unit_test(test_vote_burst_second), cmocka_unit_test(test_vote_batch_mixed),
        cmocka_unit_test_teardown(test_vote_batch_failure_isolated, poison_teardown),
        cmocka_unit_test(test_vote_burst_redis_cut),
        cmocka_unit_test(test_vote_idempotent_parallel), cmocka_unit_test(test_vote_idempotent_last_vote),
        cmocka_unit_test(test_results),                 cmocka_unit_test(test_vote_rate_limit),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
