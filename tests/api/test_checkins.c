/* API tests of volunteers, check-in codes, check-in/out and the service-time ledger on a live stack
 * (SANSHE_TEST_URL; roles by `sanshe ctl grant` on SANSHE_TEST_STATE). Expired and forged codes are
 * signed with checkin_key from $SANSHE_TEST_STATE/secrets.conf (skipped without it). Every reply is
 * scanned for the plaintext names, phones and ID numbers this run sent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <limits.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "apiclient.h"

#define API "/api/v1"
#define RECORDS API "/activities/%lld/service-records"
#define HOUR 3600
#define PAR 20             /* parallel scans per volunteer */
#define POOL 96            /* users of one run */
#define LAT 31.230416      /* every activity's place; radius 200 m */
#define LNG 121.473701
#define END_AFTER 70       /* W.end ends this long after setup: a check-in at setup earns a minute */
#define TEST(name) static void name(void **state __attribute__((unused)))
/* out (an array) = the calling function's fmt... */
#define FMT(out, fmt) do { va_list a_; va_start(a_, fmt); vsnprintf(out, sizeof out, fmt, a_); va_end(a_); } while (0)

/* ================================================================ run context and helpers */

/* A signed-in user; name, phone and idno hold the plaintext personal data once it is made up. */
typedef struct { char openid[80], name[40], phone[16], idno[20]; char *token; long long id; } user;
/* An activity as created: its times and its service_minutes (cap; 0: none). */
typedef struct { long long id; time_t starts, ends; long cap; } act;

static const char *run_tag;               /* api_run_tag() */
static char repo_root[PATH_MAX];          /* holds ./sanshe */
static const char *state_dir;
static unsigned char checkin_key[32];
static int have_key;
static long window_s = 30;                /* learnt from the first code in test_checkin_code */
static unsigned long long rng;
static user pool[POOL];                   /* every user of this run, npool of them */
static int npool;
static char secrets[512][40];             /* every name, phone and ID number sent, before it is sent */
static size_t nsecrets, nscanned;

static void secret_add(const char *s)
{
    assert_true(nsecrets < sizeof secrets / sizeof secrets[0]);
    snprintf(secrets[nsecrets++], sizeof secrets[0], "%s", s);
}

/* Every reply passes here: no plaintext secret (case-insensitively: an ID number's x) in its body. */
static api_response *track(api_response *r)
{
    for (size_t i = 0; r->body && i < nsecrets; i++)
        if (strcasestr(r->body, secrets[i])) fail_msg("reply %ld leaks \"%s\": %.300s", r->status, secrets[i], r->body);
    nscanned++;
    return r;
}

/* method fmt... as u (NULL: anonymous) with an optional JSON body, which it takes over. */
__attribute__((format(printf, 4, 5))) static api_response *req(const char *method, const user *u, json_t *body,
                                                               const char *fmt, ...)
{
    char path[1024], *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
    FMT(path, fmt);
    json_decref(body);
    api_response *r = track(api_request(method, path, u ? u->token : NULL, text, NULL));
    free(text);
    return r;
}
#define raw(method, u, path, text) track(api_request((method), (path), (u)->token, (text), NULL))   /* malformed */

#define jint(r, path) api_jint((r), (path))
#define jstr(r, path) api_jstr((r), (path))
#define parse_time(s) api_parse_time(s)   /* RFC 3339 -> unix time, -1 if it is not that */
#define jtime(r, path) parse_time(jstr((r), (path)))
#define JI(x, key) json_integer_value(json_object_get((x), (key)))
#define JS(x, key) json_string_value(json_object_get((x), (key)))
#define ok(status, r) api_want_at((status), (r), __FILE__, __LINE__)   /* r, asserted to have status */

/* One call, checked, then freed. */
#define expect_status(s, r) api_free(ok((s), (r)))
#define expect_error(s, code, r) do { api_response *r_ = (r); assert_api_error(r_, (s), code); api_free(r_); } while (0)
#define expect_field(s, f, r) \
    do { api_response *r_ = (r); api_field_error_at(r_, (s), (f), __FILE__, __LINE__); api_free(r_); } while (0)

static user *user_new(const char *what)
{
    assert_true(npool < POOL);
    user *u = &pool[npool];
    char numbered[64];
    snprintf(numbered, sizeof numbered, "%s%d", what, npool++);
    u->token = api_login_tagged(numbered, u->openid, sizeof u->openid, &u->id);
    if (!u->token) fail();
    return u;
}

/* The contract: the overlap of [in, out] with [s, e] in whole minutes, capped when cap > 0. */
static long minutes_for(time_t in, time_t out, time_t s, time_t e, long cap)
{
    time_t from = in > s ? in : s, to = out < e ? out : e;
    long m = to > from ? (long)((to - from) / 60) : 0;
    return cap > 0 && m > cap ? cap : m;
}

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;   /* xorshift64 */
    return (unsigned)(rng % n);
}

/* GB 11643: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, the sum mod 11 indexes "10X98765432". */
static void id_finish(char id[20])
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (id[i] - '0') * w[i];
    id[17] = "10X98765432"[sum % 11];
    id[18] = '\0';
}

/* A fresh valid ID number: random region, birth date (1950-2004) and sequence; want_x: ends in X. */
static void id_new(char id[20], int want_x)
{
    do {
        snprintf(id, 20, "%06u%04u%02u%02u%03u", 110000 + rnd(540000), 1950 + rnd(55), 1 + rnd(12), 1 + rnd(28),
                 rnd(1000));
        id_finish(id);
    } while (want_x && id[17] != 'X');
}

/* A phone number (1[3-9] and 9 digits) into u, a secret from now on. */
static void phone_new(user *u)
{
    snprintf(u->phone, sizeof u->phone, "1%u%09u", 3 + rnd(7), rnd(1000000000));
    secret_add(u->phone);
}

/* A fresh person's name, ID number and phone into u. */
static void person_new(user *u)
{
    static const char *const family[] = {"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang"};
    char given[8] = "";
    for (int i = 0; i < 7; i++) given[i] = (char)((i ? 'a' : 'A') + rnd(26));
    snprintf(u->name, sizeof u->name, "%s %s", family[rnd(8)], given);
    id_new(u->idno, 0);
    secret_add(u->name);
    secret_add(u->idno);
    phone_new(u);
}

static json_t *volunteer_body(const user *u)
{
    return json_pack("{s:s, s:s, s:s, s:[s, s]}", "real_name", u->name, "phone", u->phone, "id_number", u->idno,
                     "skills", "first aid", "心理疏导");
}

/* v (a reply's volunteer object) shows u's data masked as the server masks it. */
static void assert_masked(json_t *v, const user *u)
{
    char name[40] = "", phone[16], idno[24];
    memset(name, '*', strlen(u->name));
    name[0] = u->name[0];
    snprintf(phone, sizeof phone, "%.3s****%.4s", u->phone, u->phone + 7);
    snprintf(idno, sizeof idno, "%.3s***********%.3s%c", u->idno, u->idno + 14, u->idno[17] == 'x' ? 'X' : u->idno[17]);
    assert_true(json_is_object(v));
    assert_string_equal(JS(v, "status"), "registered");
    assert_string_equal(JS(v, "real_name_masked"), name);
    assert_string_equal(JS(v, "phone_masked"), phone);
    assert_string_equal(JS(v, "id_number_masked"), idno);
    assert_true(json_is_integer(json_object_get(v, "total_minutes")));
}

/* GET /me: u is a registered volunteer (role and masked data), or not. */
static void assert_me(const user *u, int registered)
{
    api_response *r = ok(200, req("GET", u, NULL, API "/me"));
    json_t *roles = api_json_get(r, "roles"), *x;
    size_t i;
    int role = 0;
    json_array_foreach(roles, i, x) role |= json_is_string(x) && strcmp(json_string_value(x), "volunteer") == 0;
    assert_int_equal(role, registered);
    if (registered) assert_masked(api_json_get(r, "volunteer"), u);
    else assert_true(json_is_null(api_json_get(r, "volunteer")));
    api_free(r);
}

/* A new user, registered as a volunteer. */
static user *volunteer_new(const char *what)
{
    user *u = user_new(what);
    person_new(u);
    api_response *r = ok(200, req("PUT", u, volunteer_body(u), API "/me/volunteer"));
    assert_masked(r->json, u);
    api_free(r);
    return u;
}

/* "<id>.<window>.<base64url(HMAC-SHA256(key, "<purpose>:<id>:<window>")[0..16])>", purpose "checkin" */
#define token_sign(key, id, window, out, len) token_sign_for("checkin", (key), (id), (window), (out), (len))
static void token_sign_for(const char *purpose, const unsigned char *key, long long id, long long window, char *out,
                           size_t len)
{
    char msg[80];
    unsigned char mac[EVP_MAX_MD_SIZE], sig[32];
    unsigned maclen = 0;
    int n = snprintf(msg, sizeof msg, "%s:%lld:%lld", purpose, id, window);
    assert_non_null(HMAC(EVP_sha256(), key, 32, (const unsigned char *)msg, (size_t)n, mac, &maclen));
    EVP_EncodeBlock(sig, mac, 16);                     /* 22 characters and "==" */
    for (unsigned char *p = sig; *p; p++) *p = *p == '+' ? '-' : *p == '/' ? '_' : *p == '=' ? '\0' : *p;
    snprintf(out, len, "%lld.%lld.%s", id, window, (char *)sig);
}

/* checkin_key = <64 hex> from the stack's secrets.conf, if readable. */
static void load_key(void)
{
    char path[PATH_MAX + 32], line[256], hex[65] = "";
    size_t n = 0;
    snprintf(path, sizeof path, "%s/secrets.conf", state_dir);
    FILE *f = fopen(path, "r");
    while (f && fgets(line, sizeof line, f)) sscanf(line, "checkin_key = %64[0-9a-fA-F]", hex);
    if (f) fclose(f);
    have_key = strlen(hex) == 64 && OPENSSL_hexstr2buf_ex(checkin_key, 32, &n, hex, '\0') == 1 && n == 32;
}

/* POST /checkins ("checkins") or /checkouts ("checkouts") as u. */
static api_response *scan_as(const user *u, const char *what, const char *code, double lat, double lng)
{
    return req("POST", u, json_pack("{s:s, s:f, s:f}", "token", code, "lat", lat, "lng", lng), API "/%s", what);
}

/* The current code of activity a for purpose ("checkins": a check-in code, "checkouts": a check-out
 * code) as its staff member `staff` sees it (valid until the 4th call after). */
static const char *code_for(const user *staff, long long a, const char *purpose)
{
    static char ring[4][80];
    static int next;
    char *out = ring[next++ % 4];
    api_response *r = ok(200, req("GET", staff, NULL, API "/activities/%lld/checkin-code?purpose=%s", a,
                                  strcmp(purpose, "checkouts") == 0 ? "checkout" : "checkin"));
    snprintf(out, sizeof ring[0], "%s", jstr(r, "token"));
    api_free(r);
    return out;
}
#define code_by(staff, a) code_for((staff), (a), "checkins")
#define code_out(staff, a) code_for((staff), (a), "checkouts")

/* ================================================================ the world of this run */

static struct {
    user *admin, *leader, *sw, *member, *oleader, *resident;
    user *v_end;                               /* checked in to W.end at setup, at v_end_in */
    time_t v_end_in;
    long long community, org_a, org_b;
    char org_a_name[96];
    act now, walkin, future, soon, draft, small, cancel, capped, end, par, other;
} W;

static long long id_of_created(api_response *r)
{
    long long id = jint(ok(201, r), "id");
    api_free(r);
    return id;
}

/* A code fetched by the leader, scanned at the activity's place. */
static api_response *scan(const user *u, const char *what, long long a)
{
    return scan_as(u, what, code_for(W.leader, a, what), LAT, LNG);
}

static long long org_new(const user *filer, const char *name)
{
    long long id = id_of_created(req("POST", filer, json_pack("{s:s, s:I, s:s}", "name", name, "community_id",
                                                              (json_int_t)W.community, "kind", "association"),
                                     API "/orgs"));
    expect_status(200, req("POST", W.admin, NULL, API "/orgs/%lld/approve", id));
    return id;
}

/* An activity of org by its staff member `by`, from now+from to now+to. */
static act activity_new(const user *by, long long org, const char *what, long from, long to, long capacity,
                        int walk_in, long cap, int publish)
{
    act a = {0, time(NULL) + from, time(NULL) + to, cap};
    char title[96], s[40], e[40];
    snprintf(title, sizeof title, "%s %s", what, run_tag);
    api_fmt_time(a.starts, s, sizeof s);
    api_fmt_time(a.ends, e, sizeof e);
    json_t *b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:i, s:{s:s, s:f, s:f, s:i}}", "title", title, "description",
                          "Helping neighbours.", "category", "relief", "starts_at", s, "ends_at", e, "capacity",
                          (json_int_t)capacity, "walk_in", walk_in, "min_attendance_pct", 0, "location", "name", "Community hall", "lat", LAT,
                          "lng", LNG, "radius_m", 200);
    if (cap) json_object_set_new(b, "service_minutes", json_integer(cap));
    a.id = id_of_created(req("POST", by, b, API "/orgs/%lld/activities", org));
    if (publish) expect_status(200, req("POST", by, NULL, API "/activities/%lld/publish", a.id));
    return a;
}

static void signup(const user *u, long long a, const char *status)
{
    api_response *r = ok(201, req("POST", u, NULL, API "/activities/%lld/signups", a));
    assert_string_equal(jstr(r, "status"), status);
    api_free(r);
}

/* Checks u in to a with a fresh code, asserts the status (201 or 200), returns checked_in_at. */
static time_t checkin_ok(const user *u, const act *a, long status)
{
    time_t before = time(NULL);
    api_response *r = ok(status, scan(u, "checkins", a->id));
    assert_int_equal(jint(r, "activity_id"), a->id);
    time_t at = jtime(r, "checked_in_at");
    if (status == 201) assert_true(at >= before - 2 && at <= time(NULL) + 2);
    api_free(r);
    return at;
}

/* Checks u out of a; asserts the reply and the minutes the contract's formula gives; returns them. */
static long checkout_ok(const user *u, const act *a, time_t checked_in)
{
    api_response *r = ok(200, scan_as(u, "checkouts", code_out(W.sw, a->id), LAT + 0.0005, LNG));
    assert_int_equal(jint(r, "activity_id"), a->id);
    assert_int_equal(jtime(r, "checked_in_at"), checked_in);
    long minutes = (long)jint(r, "minutes");
    assert_int_equal(minutes, minutes_for(checked_in, jtime(r, "checked_out_at"), a->starts, a->ends, a->cap));
    api_free(r);
    return minutes;
}

/* Every item of the paged list at fmt... (limit a page) as a new array; *total: the reply's total_minutes. */
__attribute__((format(printf, 4, 5))) static json_t *all_items(const user *u, int limit, long *total,
                                                               const char *fmt, ...)
{
    json_t *all = json_array();
    char cursor[64] = "", path[256];
    FMT(path, fmt);
    for (int page = 0; page < 100; page++) {
        api_response *r = ok(200, req("GET", u, NULL, "%s?limit=%d%s%s", path, limit, cursor[0] ? "&cursor=" : "",
                                      cursor));
        json_t *items = api_json_get(r, "items"), *next = api_json_get(r, "next_cursor");
        assert_true(json_is_array(items) && json_array_size(items) <= (size_t)limit);
        assert_true(json_is_string(next) || json_is_null(next));
        json_array_extend(all, items);
        if (total) *total = (long)jint(r, "total_minutes");
        int more = json_is_string(next);
        if (more) snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
        api_free(r);
        if (!more) return all;
    }
    fail_msg("paging did not end");
    return all;
}

/* The activity's ledger (as its leader) holds `rows` rows for u, `checkouts` of them check-outs, of `sum`
 * minutes in all. */
static void assert_ledger(long long a, const user *u, int rows, int checkouts, long sum)
{
    json_t *items = all_items(W.leader, 100, NULL, RECORDS, a), *it;
    size_t i;
    int n = 0, c = 0;
    json_array_foreach(items, i, it) if (JI(it, "user_id") == u->id) {
        sum -= (long)JI(it, "minutes");
        n++, c += strcmp(JS(it, "kind"), "checkout") == 0;
    }
    json_decref(items);
    if (n != rows || c != checkouts || sum) fail_msg("ledger: %d rows (%d check-outs), %ld minutes off", n, c, sum);
}

/* u's total: /me/service-records' total_minutes, asserted equal to its rows' sum and to /me's. */
static long my_total(const user *u)
{
    long total = -1, sum = 0;
    json_t *items = all_items(u, 3, &total, API "/me/service-records"), *it;
    size_t i;
    json_array_foreach(items, i, it) sum += (long)JI(it, "minutes");
    json_decref(items);
    assert_int_equal(total, sum);
    api_response *r = ok(200, req("GET", u, NULL, API "/me"));
    assert_int_equal(jint(r, "volunteer.total_minutes"), total);
    api_free(r);
    return total;
}

/* n copies of one POST to fmt... at once, alternately by by[0] and by[1]; the replies are tracked. */
__attribute__((format(printf, 4, 5))) static api_response **all_at_once(const user *const *by, json_t *body, int n,
                                                                        const char *fmt, ...)
{
    api_call calls[PAR];
    char *text = json_dumps(body, JSON_COMPACT), path[256];
    FMT(path, fmt);
    json_decref(body);
    assert_true(n <= PAR);
    for (int i = 0; i < n; i++) calls[i] = (api_call){"POST", path, by[i % 2]->token, text, strlen(text), NULL};
    api_response **rs = api_parallel(calls, (size_t)n, n);
    for (int i = 0; i < n; i++) track(rs[i]);
    free(text);
    return rs;
}

static int group_setup(void **state __attribute__((unused)))
{
    run_tag = api_run_tag();
    rng = ((unsigned long long)time(NULL) << 20 ^ (unsigned long long)getpid() << 40) | 1;   /* unique per run */
    state_dir = getenv("SANSHE_TEST_STATE");   /* the repository: SANSHE_ROOT (tests/run-all sets it), or found */
    if (!state_dir || !*state_dir || strchr(state_dir, '\'') || !api_find_root(repo_root, sizeof repo_root))
        return print_error("set SANSHE_TEST_STATE to the stack's state folder and SANSHE_ROOT to the repository\n"), -1;
    load_key();
    api_response *h = api_request("GET", "/healthz", NULL, NULL, NULL);
    int up = h->status == 200;
    api_free(h);
    if (!up) return print_error("GET %s/healthz failed: is the stack up? (SANSHE_TEST_URL)\n", api_base_url()), -1;
    W.admin = user_new("ck_admin"), W.leader = user_new("ck_leader"), W.sw = user_new("ck_sw");
    W.member = user_new("ck_member"), W.oleader = user_new("ck_oleader"), W.resident = user_new("ck_resident");
    char name[96];
    if (api_grant(repo_root, state_dir, W.admin->openid, "admin", 0) != 0) fail();
    snprintf(name, sizeof name, "Checkin community %s", run_tag);
    W.community = id_of_created(req("POST", W.admin, json_pack("{s:s, s:s, s:s, s:s}", "name", name, "street",
                                                               "Huaihai Rd", "district", "Xuhui", "kind", "urban"),
                                    API "/communities"));
    snprintf(W.org_a_name, sizeof W.org_a_name, "Checkin org A %s", run_tag);
    W.org_a = org_new(W.leader, W.org_a_name);
    snprintf(name, sizeof name, "Checkin org B %s", run_tag);
    W.org_b = org_new(W.oleader, name);
    expect_status(201, req("POST", W.leader, json_pack("{s:I, s:s}", "user_id", (json_int_t)W.sw->id, "role",
                                                       "social_worker"), API "/orgs/%lld/members", W.org_a));
    expect_status(201, req("POST", W.leader, json_pack("{s:I, s:s}", "user_id", (json_int_t)W.member->id, "role",
                                                       "member"), API "/orgs/%lld/members", W.org_a));
    const user *L = W.leader;
    W.now = activity_new(L, W.org_a, "Now", -2 * HOUR, HOUR, 100, 0, 0, 1);
    W.walkin = activity_new(L, W.org_a, "Walk-in", -HOUR, HOUR, 100, 1, 0, 1);
    W.future = activity_new(L, W.org_a, "Future", 2 * HOUR, 4 * HOUR, 100, 0, 0, 1);
    W.soon = activity_new(L, W.org_a, "Soon", 20 * 60, 2 * HOUR, 100, 0, 0, 1);
    W.draft = activity_new(L, W.org_a, "Draft", 24 * HOUR, 25 * HOUR, 100, 0, 0, 0);
    W.small = activity_new(L, W.org_a, "Small", -HOUR, HOUR, 1, 0, 0, 1);
    W.cancel = activity_new(L, W.org_a, "Cancel", -HOUR, HOUR, 100, 0, 0, 1);
    W.capped = activity_new(L, W.org_a, "Capped", -2 * HOUR, HOUR, 100, 0, 1, 1);
    W.end = activity_new(L, W.org_a, "Ending", -HOUR, END_AFTER, 100, 0, 0, 1);
    W.par = activity_new(L, W.org_a, "Parallel", -2 * HOUR, HOUR, 100, 0, 0, 1);
    W.other = activity_new(W.oleader, W.org_b, "Other", -HOUR, HOUR, 100, 0, 0, 1);
    W.v_end = volunteer_new("ck_vend");
    signup(W.v_end, W.end.id, "confirmed");
    W.v_end_in = checkin_ok(W.v_end, &W.end, 201);
    return 0;
}

static int group_teardown(void **state __attribute__((unused)))
{
    print_message("%zu replies scanned for %zu plaintext secrets: none leaked\n", nscanned, nsecrets);
    for (int i = 0; i < npool; i++) free(pool[i].token);
    return 0;
}

/* ================================================================ volunteer registration */

TEST(test_volunteer_register) {
    user *u = user_new("ck_reg");
    assert_me(u, 0);
    person_new(u);
    api_response *r = ok(200, req("PUT", u, volunteer_body(u), API "/me/volunteer"));
    assert_masked(r->json, u);
    json_t *skills = api_json_get(r, "skills");
    assert_true(json_array_size(skills) == 2 && strcmp(json_string_value(json_array_get(skills, 1)), "心理疏导") == 0);
    assert_int_equal(jint(r, "total_minutes"), 0);
    api_free(r);
    assert_me(u, 1);
    phone_new(u);                                 /* the same person again: an update */
    json_t *b = volunteer_body(u);
    json_object_del(b, "skills");
    r = ok(200, req("PUT", u, b, API "/me/volunteer"));
    assert_masked(r->json, u);
    assert_int_equal(json_array_size(api_json_get(r, "skills")), 0);
    api_free(r);
    assert_me(u, 1);
}

TEST(test_volunteer_validation) {
    user *u = user_new("ck_inval");
    person_new(u);
    char bad_sum[20], future[20], feb30[20], s21[22] = "";
    snprintf(bad_sum, sizeof bad_sum, "%.17s%c", u->idno, u->idno[17] == '0' ? '1' : '0');
    snprintf(future, sizeof future, "11010120990101%03u", rnd(1000));   /* born in 2099 */
    snprintf(feb30, sizeof feb30, "11010119900230%03u", rnd(1000));
    id_finish(future);
    id_finish(feb30);
    const char *bad[] = {bad_sum, future, feb30, "12812345678", "1381234567", "1381234567a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) secret_add(bad[i]);
    memset(s21, 's', 21);
    json_t *many = json_array();
    for (int i = 0; i < 21; i++) json_array_append_new(many, json_sprintf("skill %d", i));
    const struct { long status; const char *key; json_t *value; /* NULL: left out */ } cases[] = {
        {422, "real_name", json_string("A")},           {422, "real_name", json_string("Li 3")},
        {422, "real_name", json_string("\xe3\x80\x80")},   /* only white space: empty once trimmed */         {422, "phone", json_string(bad[3])},
        {422, "phone", json_string(bad[4])},            {422, "phone", json_string(bad[5])},
        {422, "id_number", json_string(bad_sum)},       {422, "id_number", json_string(future)},
        {422, "id_number", json_string(feb30)},         {422, "id_number", json_string("12345")},
        {422, "id_number", NULL},                       {422, "skills", many},
        {422, "skills", json_pack("[s]", "")},          {422, "skills", json_pack("[s]", s21)},
        {400, "phone", json_integer(13800000000LL)},    {400, "real_name", json_pack("[s]", "Li Lei")},
        {400, "skills", json_string("first aid")},      {400, "skills", json_pack("[i]", 1)},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        json_t *b = volunteer_body(u);
        if (cases[i].value) json_object_set_new(b, cases[i].key, cases[i].value);
        else json_object_del(b, cases[i].key);
        expect_field(cases[i].status, cases[i].key, req("PUT", u, b, API "/me/volunteer"));
    }
    expect_error(400, "bad_request", raw("PUT", u, API "/me/volunteer", "{\"real_name\":"));
    expect_error(401, "unauthorized", req("PUT", NULL, volunteer_body(u), API "/me/volunteer"));
    assert_me(u, 0);                                                    /* nothing was stored */
}

TEST(test_volunteer_id_taken) {
    user *a = user_new("ck_taken_a"), *b = user_new("ck_taken_b");
    person_new(a);
    person_new(b);
    id_new(a->idno, 1);                 /* ends in X: registered as x, stored in canonical form */
    secret_add(a->idno);
    a->idno[17] = 'x';
    expect_status(200, req("PUT", a, volunteer_body(a), API "/me/volunteer"));
    user thief = *b;                    /* b with a's number, in upper and lower case */
    for (int i = 0; i < 4; i++) {       /* before and after b registers its own */
        snprintf(thief.idno, sizeof thief.idno, "%.17s%c", a->idno, i % 2 ? 'x' : 'X');
        /* once b is registered its own identity is locked: another number is identity_locked */
        expect_error(409, i < 2 ? "id_number_taken" : "identity_locked",
                     req("PUT", b, volunteer_body(&thief), API "/me/volunteer"));
        if (i == 1) assert_me(b, 0);
        if (i == 1) expect_status(200, req("PUT", b, volunteer_body(b), API "/me/volunteer"));
    }
    assert_me(b, 1);
    expect_status(200, req("PUT", a, volunteer_body(a), API "/me/volunteer"));   /* a again: same number */
    assert_me(a, 1);
}

/* ================================================================ check-in codes */

TEST(test_checkin_code) {
    const user *staff[] = {W.leader, W.sw};
    for (int i = 0; i < 2; i++) {
        time_t before = time(NULL);
        api_response *r = ok(200, req("GET", staff[i], NULL, API "/activities/%lld/checkin-code", W.now.id));
        assert_int_equal(jint(r, "activity_id"), W.now.id);
        const char *tok = jstr(r, "token");
        long long id = 0, w = 0;
        char sig[64] = "", path[128], mine[96];
        assert_true(sscanf(tok, "%lld.%lld.%63s", &id, &w, sig) == 3 && id == W.now.id && strlen(sig) == 22);
        assert_int_equal(strspn(sig, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 22);
        time_t exp = jtime(r, "expires_at");       /* (window + 2) * window_s */
        assert_true(exp % (w + 2) == 0);
        window_s = (long)(exp / (w + 2));
        assert_true(window_s >= 10 && window_s <= 30 && (w == before / window_s || w == time(NULL) / window_s));
        assert_true(exp > before && exp - before <= 2 * window_s + 2);   /* at most 60 s of life */
        if (have_key) token_sign(checkin_key, id, w, mine, sizeof mine);
        if (have_key) assert_string_equal(mine, tok);
        snprintf(path, sizeof path, API "/activities/%lld/checkin-code.svg?purpose=checkin", W.now.id);
        assert_string_equal(jstr(r, "svg_url"), path);
        assert_string_equal(jstr(r, "purpose"), "checkin");
        api_free(r);
        r = ok(200, track(api_request("GET", path, staff[i]->token, NULL, NULL)));
        assert_true(r->content_type && strncasecmp(r->content_type, "image/svg+xml", 13) == 0);
        assert_true(strncmp(r->body, "<?xml", 5) == 0 && strstr(r->body, "<svg"));
        api_free(r);
    }
    const user *v = volunteer_new("ck_codeacc");   /* staff only; a draft has no code yet */
    const user *refused[] = {W.member, W.oleader, W.resident, v};
    static const char *const kinds[] = {"checkin-code", "checkin-code.svg"};
    for (int k = 0; k < 2; k++) {
        const char *kd = kinds[k];
        for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++)
            expect_error(403, "forbidden", req("GET", refused[i], NULL, API "/activities/%lld/%s", W.now.id, kd));
        expect_error(403, "forbidden", req("GET", W.leader, NULL, API "/activities/%lld/%s", W.other.id, kd));
        expect_error(401, "unauthorized", req("GET", NULL, NULL, API "/activities/%lld/%s", W.now.id, kd));
        expect_error(404, "not_found", req("GET", W.leader, NULL, API "/activities/%d/%s", 999999999, kd));
        expect_error(404, "not_found", req("GET", W.resident, NULL, API "/activities/%lld/%s", W.draft.id, kd));
        expect_error(403, "forbidden", req("GET", W.member, NULL, API "/activities/%lld/%s", W.draft.id, kd));
        expect_error(409, "invalid_state", req("GET", W.leader, NULL, API "/activities/%lld/%s", W.draft.id, kd));
        expect_error(409, "invalid_state", req("GET", W.sw, NULL, API "/activities/%lld/%s", W.draft.id, kd));
    }
    expect_status(200, req("GET", W.oleader, NULL, API "/activities/%lld/checkin-code", W.other.id));
}

/* Codes anyone can make (garbage, a real signature moved to another id or window), then, with the key,
 * codes signed by a wrong key, from the future, for no activity or for a draft. */
TEST(test_checkin_code_forged) {
    const user *v = volunteer_new("ck_forged");
    signup(v, W.now.id, "confirmed");
    char bad[128], sig[64];
    long long id, w;
    assert_int_equal(sscanf(code_by(W.leader, W.now.id), "%lld.%lld.%63s", &id, &w, sig), 3);
    const char *garbage[] = {"x", "1.2.3", "..", "abc.def.ghi", "0.0.AAAAAAAAAAAAAAAAAAAAAA"};
    for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++)
        expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", garbage[i], LAT, LNG));
    for (int i = 0; i < 5; i++) {
        if (i == 0) snprintf(bad, sizeof bad, "%lld.%lld.%s", W.walkin.id, w, sig);   /* another activity */
        if (i == 1) snprintf(bad, sizeof bad, "%lld.%lld.%s", id, w + 1, sig);        /* another window */
        if (i == 2) snprintf(bad, sizeof bad, "%lld.%lld.%.20s%s", id, w, sig, sig[20] == 'A' ? "B" : "A");
        if (i == 3) snprintf(bad, sizeof bad, "%lld.%lld.%.18s", id, w, sig);         /* a cut signature */
        if (i == 4) snprintf(bad, sizeof bad, "0%lld.%lld.%s", id, w, sig);           /* a leading zero */
        expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", bad, LAT, LNG));
    }
    expect_error(409, "not_checked_in", scan(v, "checkouts", W.now.id));   /* none got through */
    if (!have_key) skip();
    unsigned char wrong[32];
    memcpy(wrong, checkin_key, sizeof wrong);
    wrong[0] ^= 1;
    while (window_s - time(NULL) % window_s < 5) sleep(1);   /* no window edge in the next 5 s */
    w = time(NULL) / window_s;
    token_sign(wrong, W.now.id, w, bad, sizeof bad);
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", bad, LAT, LNG));
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkouts", bad, LAT, LNG));
    token_sign(wrong, W.now.id, w - 5, bad, sizeof bad);        /* forged and old: still forged */
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", bad, LAT, LNG));
    token_sign(checkin_key, W.now.id, w + 5, bad, sizeof bad);  /* from the future: not the server's */
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", bad, LAT, LNG));
    token_sign(checkin_key, 999999999, w, bad, sizeof bad);     /* no such activity */
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", bad, LAT, LNG));
    token_sign(checkin_key, W.draft.id, w, bad, sizeof bad);    /* a draft has no check-in */
    expect_error(409, "checkin_closed", scan_as(v, "checkins", bad, LAT, LNG));
    expect_error(409, "not_checked_in", scan(v, "checkouts", W.now.id));
}

TEST(test_checkin_code_expired) {
    if (!have_key) skip();
    const user *v = volunteer_new("ck_expired");
    signup(v, W.now.id, "confirmed");
    char tok[96];
    while (window_s - time(NULL) % window_s < 5) sleep(1);   /* no window edge in the next 5 s */
    long long w = time(NULL) / window_s;
    token_sign(checkin_key, W.now.id, w - 2, tok, sizeof tok);
    expect_error(410, "checkin_code_expired", scan_as(v, "checkins", tok, LAT, LNG));
    token_sign(checkin_key, W.now.id, w - 100, tok, sizeof tok);
    expect_error(410, "checkin_code_expired", scan_as(v, "checkins", tok, LAT, LNG));
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkouts", tok, LAT, LNG));   /* a check-in code */
    token_sign_for("checkout", checkin_key, W.now.id, w - 100, tok, sizeof tok);
    expect_error(410, "checkin_code_expired", scan_as(v, "checkouts", tok, LAT, LNG));
    token_sign(checkin_key, W.now.id, w - 100, tok, sizeof tok);
    token_sign(checkin_key, W.now.id, w - 1, tok, sizeof tok);   /* the previous window still counts */
    expect_status(201, scan_as(v, "checkins", tok, LAT, LNG));
}

/* Codes are bound to their purpose: a check-in code is refused at /checkouts and a check-out code at
 * /checkins (400 checkin_code_invalid); an unknown purpose is 422. */
TEST(test_code_purpose) {
    const user *v = volunteer_new("ck_purpose");
    signup(v, W.now.id, "confirmed");
    api_response *r = ok(200, req("GET", W.leader, NULL, API "/activities/%lld/checkin-code?purpose=checkout", W.now.id));
    assert_string_equal(jstr(r, "purpose"), "checkout");
    char out[96];
    snprintf(out, sizeof out, "%s", jstr(r, "token"));
    api_free(r);
    const char *in = code_by(W.leader, W.now.id);
    assert_string_not_equal(in, out);
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkins", out, LAT, LNG));
    expect_status(201, scan_as(v, "checkins", in, LAT, LNG));
    expect_error(400, "checkin_code_invalid", scan_as(v, "checkouts", in, LAT, LNG));
    expect_field(422, "purpose", req("GET", W.leader, NULL, API "/activities/%lld/checkin-code?purpose=both", W.now.id));
    expect_status(200, scan_as(v, "checkouts", out, LAT, LNG));
}

/* ================================================================ check-in and check-out */

/* Callers that are not volunteers, bad bodies, places outside the radius (200 m; 0.001 degree of latitude
 * is about 111 m). */
TEST(test_checkin_refusals) {
    const user *v = volunteer_new("ck_body");
    signup(W.resident, W.now.id, "confirmed");
    signup(v, W.now.id, "confirmed");
    expect_error(403, "volunteer_required", scan(W.resident, "checkins", W.now.id));
    expect_error(403, "volunteer_required", scan(W.resident, "checkouts", W.now.id));
    expect_error(403, "volunteer_required", scan(W.leader, "checkins", W.now.id));
    expect_error(403, "volunteer_required", scan(W.resident, "checkins", W.walkin.id));   /* walk-in too */
    const char *code = code_by(W.leader, W.now.id);
    expect_error(401, "unauthorized", scan_as(NULL, "checkins", code, LAT, LNG));
    expect_error(401, "unauthorized", scan_as(NULL, "checkouts", code, LAT, LNG));
    expect_field(422, "token", req("POST", v, json_pack("{s:f, s:f}", "lat", LAT, "lng", LNG), API "/checkins"));
    expect_field(422, "lng", req("POST", v, json_pack("{s:s, s:f}", "token", code, "lat", LAT), API "/checkouts"));
    expect_field(422, "lat", scan_as(v, "checkins", code, 91.0, LNG));
    expect_field(422, "lng", scan_as(v, "checkouts", code, LAT, -180.5));
    expect_field(400, "lat", req("POST", v, json_pack("{s:s, s:s, s:f}", "token", code, "lat", "31.2", "lng", LNG),
                                 API "/checkins"));
    expect_field(400, "token", req("POST", v, json_pack("{s:i, s:f, s:f}", "token", 5, "lat", LAT, "lng", LNG),
                                   API "/checkouts"));
    expect_error(400, "bad_request", raw("POST", v, API "/checkins", "{\"token\":"));
    expect_error(422, "outside_geofence", scan_as(v, "checkins", code, LAT + 0.0020, LNG));
    expect_error(422, "outside_geofence", scan_as(v, "checkins", code, LAT, LNG - 0.0030));
    expect_error(422, "outside_geofence", scan_as(v, "checkins", code, 39.9042, 116.4074));   /* Beijing */
    expect_status(201, scan_as(v, "checkins", code, LAT - 0.0013, LNG));                     /* ~145 m */
    code = code_out(W.leader, W.now.id);
    expect_error(422, "outside_geofence", scan_as(v, "checkouts", code, LAT + 0.0020, LNG));
    expect_status(200, scan_as(v, "checkouts", code, LAT, LNG + 0.0015));                    /* ~142 m */
}

/* Only confirmed sign-ups may check in, except at walk-in activities. */
TEST(test_checkin_signup_rules) {
    const user *none = volunteer_new("ck_nosign"), *conf = volunteer_new("ck_conf");
    const user *wait = volunteer_new("ck_wait"), *gone = volunteer_new("ck_gone");
    signup(conf, W.small.id, "confirmed");
    signup(wait, W.small.id, "waitlisted");
    signup(gone, W.now.id, "confirmed");
    expect_status(204, req("DELETE", gone, NULL, API "/activities/%lld/signups/me", W.now.id));
    expect_error(403, "not_signed_up", scan(none, "checkins", W.small.id));
    expect_error(403, "not_signed_up", scan(wait, "checkins", W.small.id));
    expect_error(409, "not_checked_in", scan(wait, "checkouts", W.small.id));
    expect_error(403, "not_signed_up", scan(gone, "checkins", W.now.id));
    checkin_ok(conf, &W.small, 201);
    time_t in = checkin_ok(none, &W.walkin, 201);   /* walk-in: no sign-up needed */
    assert_ledger(W.walkin.id, none, 1, 1, checkout_ok(none, &W.walkin, in));
}

/* A repeat scan may be answered on the activity as shown (up to a second old); a first check-in
 * is decided on the activity as it is now. The venue moves in SQL behind the app's back (as on
 * another host whose word has not arrived): the app's copy still shows the old place. */
TEST(test_checkin_decided_on_fresh_activity) {
    act a = activity_new(W.leader, W.org_a, "Moved", -HOUR, HOUR, 100, 0, 0, 1);
    const user *first = volunteer_new("ck_fresh1"), *second = volunteer_new("ck_fresh2");
    signup(first, a.id, "confirmed");
    signup(second, a.id, "confirmed");
    const char *code = code_by(W.leader, a.id);
    expect_status(201, scan_as(first, "checkins", code, LAT, LNG));   /* the app keeps the activity as shown */
    api_sql_exec(state_dir, "UPDATE sanshe.activities SET lat = lat + 0.02 WHERE id = %lld", a.id);   /* ~2 km */
    expect_error(422, "outside_geofence", scan_as(second, "checkins", code, LAT, LNG));
    assert_int_equal(api_sql_count(state_dir, "SELECT COUNT(*) FROM sanshe.checkins WHERE activity_id = %lld", a.id), 1);
    expect_status(201, scan_as(second, "checkins", code, LAT + 0.02, LNG));
}

/* Check-in is open from 30 min before the start to the end, and not at all once cancelled. */
TEST(test_checkin_closed) {
    const user *v = volunteer_new("ck_window"), *w = volunteer_new("ck_cancel");
    signup(v, W.future.id, "confirmed");
    signup(v, W.soon.id, "confirmed");
    expect_error(409, "checkin_closed", scan(v, "checkins", W.future.id));   /* staff may show it early */
    expect_error(409, "checkin_closed", scan(v, "checkouts", W.future.id));
    time_t in = checkin_ok(v, &W.soon, 201);                                 /* 20 min early: no minutes */
    assert_int_equal(checkout_ok(v, &W.soon, in), 0);
    signup(v, W.cancel.id, "confirmed");
    signup(w, W.cancel.id, "confirmed");
    checkin_ok(w, &W.cancel, 201);
    const char *code = code_by(W.leader, W.cancel.id), *out = code_out(W.leader, W.cancel.id);
    expect_status(200, req("POST", W.leader, NULL, API "/activities/%lld/cancel", W.cancel.id));
    expect_error(409, "checkin_closed", scan_as(v, "checkins", code, LAT, LNG));
    expect_error(409, "checkin_closed", scan_as(w, "checkouts", out, LAT, LNG));
    expect_error(409, "invalid_state", req("GET", W.leader, NULL, API "/activities/%lld/checkin-code", W.cancel.id));
}

TEST(test_checkin_checkout_flow) {
    const user *v = volunteer_new("ck_flow");
    signup(v, W.now.id, "confirmed");
    expect_error(409, "not_checked_in", scan(v, "checkouts", W.now.id));
    time_t in = checkin_ok(v, &W.now, 201);
    assert_int_equal(checkin_ok(v, &W.now, 200), in);
    json_t *items = all_items(W.sw, 100, NULL, API "/activities/%lld/signups", W.now.id), *it;   /* the roster */
    size_t i;
    int seen = 0;
    json_array_foreach(items, i, it) if (JI(it, "user_id") == v->id) {
        seen++;
        assert_int_equal(parse_time(JS(it, "checked_in_at")), in);
        assert_true(json_is_null(json_object_get(it, "checked_out_at")));
    }
    json_decref(items);
    assert_int_equal(seen, 1);
    long m = checkout_ok(v, &W.now, in);
    api_response *r1 = ok(200, scan(v, "checkouts", W.now.id));   /* repeats give the first result */
    sleep(1);
    api_response *r2 = ok(200, scan(v, "checkouts", W.now.id));
    assert_true(jint(r1, "minutes") == m && jint(r2, "minutes") == m);
    assert_int_equal(jtime(r1, "checked_out_at"), jtime(r2, "checked_out_at"));
    api_free(r1);
    api_free(r2);
    assert_int_equal(checkin_ok(v, &W.now, 200), in);   /* checking in again changes nothing */
    assert_ledger(W.now.id, v, 1, 1, m);
    assert_int_equal(my_total(v), m);
}

/* service_minutes caps the credit, but a live check-out seconds after the check-in earns 0 minutes, so
 * the cap itself is not observable here: this checks the field and min(formula, cap). */
TEST(test_service_minutes) {
    api_response *r = ok(200, req("GET", NULL, NULL, API "/activities/%lld", W.capped.id));
    assert_int_equal(jint(r, "service_minutes"), 1);
    assert_true(jtime(r, "starts_at") == W.capped.starts && jtime(r, "ends_at") == W.capped.ends);
    api_free(r);
    r = ok(200, req("GET", NULL, NULL, API "/activities/%lld", W.walkin.id));
    assert_true(json_is_null(api_json_get(r, "service_minutes")) && json_is_true(api_json_get(r, "walk_in")));
    api_free(r);
    const user *v = volunteer_new("ck_capped");
    signup(v, W.capped.id, "confirmed");
    assert_true(checkout_ok(v, &W.capped, checkin_ok(v, &W.capped, 201)) <= 1);
}

/* ================================================================ the ledger */

/* The activity's ledger for its staff: every row with user_id and created_by, oldest first, paged. */
TEST(test_ledger_audit) {
    const user *v = volunteer_new("ck_audit");
    signup(v, W.walkin.id, "confirmed");
    long m = checkout_ok(v, &W.walkin, checkin_ok(v, &W.walkin, 201));
    json_t *paged = all_items(W.sw, 2, NULL, RECORDS, W.walkin.id), *it;
    json_t *whole = all_items(W.leader, 100, NULL, RECORDS, W.walkin.id);
    assert_true(json_equal(paged, whole));
    const struct { const char *kind; long long by; long minutes; } want[] = {{"checkout", v->id, m}};
    size_t i;
    long long last = 0;
    int rows = 0;
    json_array_foreach(whole, i, it) {
        assert_true(JI(it, "id") > last && json_is_integer(json_object_get(it, "created_by")));
        last = JI(it, "id");
        if (JI(it, "user_id") != v->id) continue;
        assert_true(rows < 1);
        assert_string_equal(JS(it, "kind"), want[rows].kind);
        assert_int_equal(JI(it, "created_by"), want[rows].by);
        assert_int_equal(JI(it, "minutes"), want[rows++].minutes);
    }
    assert_int_equal(rows, 1);
    json_decref(paged);
    json_decref(whole);
    assert_int_equal(my_total(v), m);
}

TEST(test_my_service_records) {
    const user *v = volunteer_new("ck_mine");
    const act *acts[] = {&W.now, &W.walkin, &W.par};
    long expect = 0, total = -1;
    for (int i = 0; i < 3; i++) {
        signup(v, acts[i]->id, "confirmed");
        expect += checkout_ok(v, acts[i], checkin_ok(v, acts[i], 201));
    }
    json_t *items = all_items(v, 2, &total, API "/me/service-records"), *it;
    assert_int_equal(json_array_size(items), 3);
    size_t i;
    long long prev = LLONG_MAX;
    json_array_foreach(items, i, it) {   /* newest first, with what the contract lists */
        assert_true(JI(it, "id") < prev && json_is_integer(json_object_get(it, "activity_id")));
        prev = JI(it, "id");
        assert_string_equal(JS(it, "org_name"), W.org_a_name);
        assert_true(json_is_string(json_object_get(it, "title")) && strlen(JS(it, "date")) == 10);
    }
    json_decref(items);
    assert_int_equal(total, expect);
    assert_int_equal(my_total(v), expect);
}

/* ================================================================ concurrency */

TEST(test_parallel_checkins) {
    for (int round = 0; round < 3; round++) {
        const user *v = volunteer_new("ck_par"), *by[] = {v, v};
        signup(v, W.par.id, "confirmed");
        api_response **rs = all_at_once(by, json_pack("{s:s, s:f, s:f}", "token", code_by(W.leader, W.par.id), "lat",
                                                      LAT, "lng", LNG), PAR, API "/checkins");
        int created = 0;
        time_t in = jtime(rs[0], "checked_in_at"), out;
        for (int i = 0; i < PAR; i++) {
            created += ok(rs[i]->status == 201 ? 201 : 200, rs[i])->status == 201;
            assert_int_equal(jtime(rs[i], "checked_in_at"), in);
        }
        api_free_all(rs, PAR);
        assert_int_equal(created, 1);
        rs = all_at_once(by, json_pack("{s:s, s:f, s:f}", "token", code_out(W.sw, W.par.id), "lat", LAT, "lng", LNG),
                         PAR, API "/checkouts");
        long minutes = (long)jint(ok(200, rs[0]), "minutes");
        out = jtime(rs[0], "checked_out_at");
        for (int i = 0; i < PAR; i++) {
            assert_int_equal(jint(ok(200, rs[i]), "minutes"), minutes);
            assert_true(jtime(rs[i], "checked_out_at") == out && jtime(rs[i], "checked_in_at") == in);
        }
        api_free_all(rs, PAR);
        assert_int_equal(minutes, minutes_for(in, out, W.par.starts, W.par.ends, 0));
        assert_ledger(W.par.id, v, 1, 1, minutes);
        assert_int_equal(my_total(v), minutes);
    }
}

/* W.v_end checked in at setup and checks out after the end: the credit stops at ends_at (a real minute
 * or more); check-in is closed, check-out is not. */
TEST(test_checkout_after_end) {
    const user *late = volunteer_new("ck_late");
    signup(late, W.end.id, "confirmed");
    while (time(NULL) < W.end.ends + 2) sleep(1);
    expect_error(409, "checkin_closed", scan(late, "checkins", W.end.id));   /* the code shows until end + 2 h */
    expect_error(409, "checkin_closed", scan(W.v_end, "checkins", W.end.id));
    expect_error(409, "not_checked_in", scan(late, "checkouts", W.end.id));
    long m = checkout_ok(W.v_end, &W.end, W.v_end_in);
    assert_true(W.v_end_in <= W.end.ends - 60 && m >= 1);
    assert_ledger(W.end.id, W.v_end, 1, 1, m);
    assert_int_equal(my_total(W.v_end), m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_volunteer_register),      cmocka_unit_test(test_volunteer_validation),
        cmocka_unit_test(test_volunteer_id_taken),      cmocka_unit_test(test_checkin_code),
        cmocka_unit_test(test_checkin_code_forged),     cmocka_unit_test(test_checkin_code_expired),
        cmocka_unit_test(test_checkin_refusals),        cmocka_unit_test(test_checkin_signup_rules),
        cmocka_unit_test(test_checkin_decided_on_fresh_activity),
        cmocka_unit_test(test_checkin_closed),          cmocka_unit_test(test_checkin_checkout_flow),
        cmocka_unit_test(test_service_minutes),         cmocka_unit_test(test_code_purpose),
        cmocka_unit_test(test_ledger_audit),            cmocka_unit_test(test_my_service_records),
        cmocka_unit_test(test_parallel_checkins),       cmocka_unit_test(test_checkout_after_end),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
