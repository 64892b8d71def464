/* An authorization matrix generated from the route table (OWASP API1 object level, API3
 * property level, API5 function level), against a live stack (SANSHE_TEST_URL).
 *
 * The test links the server library and builds the router with ss_routes_register(), so
 * every route the server has is tried: as every role (anonymous, resident, volunteer, member,
 * social worker and leader of the org, another org's leader, the community's admin, another
 * community's admin, admin) and, where the route acts on an object, in every object state
 * (filed or pending org; published or draft activity). The expected outcome of each cell is
 * derived from the route's declared access and rule by one pure function (derive()), never
 * written by hand. Each route needs a valid body in the table `bodies`: a route missing from
 * it fails the test, so no new route goes untried. Every reply is checked for leaks (SQL,
 * paths, addresses); every refusal for the error shape and for fields of the object.
 *
 * Roles come from `sanshe ctl grant` on the stack whose state folder is SANSHE_TEST_STATE; the
 * repository (for ./sanshe) is SANSHE_ROOT, else the current folder. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apiclient.h"
#include "handlers/handlers.h"
#include "http/router.h"

#define API "/api/v1"
#define HOUR 3600
#define DAY 86400
#define TEST(name) static void name(void **state_ __attribute__((unused)))

/* ================================================================ run context and helpers */

typedef api_user user;

static const char *run_tag;   /* api_run_tag(): in every openid, name and title of this run */
static char repo_root[PATH_MAX];
static const char *state_dir;
static unsigned name_seq;

/* The shared helpers of apiclient.h under this file's short names. */
#define keep(r) api_keep(r)
#define req(...) api_req(__VA_ARGS__)   /* method token body path-format...: the reply lives API_KEEP calls */
#define want(status, r) api_want_at((status), (r), __FILE__, __LINE__)
#define fmt_time(t, out, len) api_fmt_time((t), (out), (len))   /* RFC 3339, China time */

static long long jid(const api_response *r, const char *path)
{
    json_t *x = api_json_get(r, path);
    return json_is_integer(x) ? (long long)json_integer_value(x) : 0;
}

static int jstr_is(const api_response *r, const char *path, const char *value)
{
    const char *s = api_json_str(r, path);
    return s && strcmp(s, value) == 0;
}

/* text (a JSON object) with the members of extra (JSON object text) set over it; malloc'd. */
static char *with(const char *text, const char *extra)
{
    json_t *a = json_loads(text, 0, NULL), *b = json_loads(extra, 0, NULL);
    assert_true(json_is_object(a) && json_is_object(b));
    json_object_update(a, b);
    char *out = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    json_decref(b);
    return out;
}

/* `sanshe ctl grant <openid> <role> [community]` on the stack under test. */
static void grant(const user *u, const char *role, long long community)
{
    assert_int_equal(api_grant(repo_root, state_dir, u->openid, role, community), 0);
}

static void login(user *u, const char *what)   /* openid mx<what>_<run tag> */
{
    char mx[64];
    snprintf(mx, sizeof mx, "mx%s", what);
    api_login_user(u, mx);
}

/* A valid GB 11643 ID number, random enough to be new to the stack. */
static void new_id_number(char out[19])
{
    static unsigned seed;
    if (!seed) seed = (unsigned)time(NULL) ^ (unsigned)getpid() << 8;
    snprintf(out, 19, "110101%04u%02u%02u%03u", 1960 + (unsigned)rand_r(&seed) % 40, 1 + (unsigned)rand_r(&seed) % 12,
             1 + (unsigned)rand_r(&seed) % 28, (unsigned)rand_r(&seed) % 1000);
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) sum += (out[i] - '0') * w[i];
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

/* ================================================================ roles and the world */

enum role { R_ANON, R_RESIDENT, R_VOLUNTEER, R_MEMBER, R_SW, R_LEADER, R_OLEADER, R_CADMIN, R_OCADMIN, R_ADMIN,
            NROLES };
enum org_role { OR_NONE, OR_MEMBER, OR_SW, OR_LEADER };

/* What each role is, as this test sets it up: `home` is its role in the org of every subject
 * (the leader also files every org, pending ones included). */
static const struct role_def {
    const char *name;
    enum org_role home;
    int volunteer, cadmin, admin;   /* registered volunteer; admin of the subjects' community; admin */
    int cadmin_any;                 /* administers some community (an APPROVER route's test) */
} roles[NROLES] = {
    [R_ANON] = {"anonymous", OR_NONE, 0, 0, 0, 0},
    [R_RESIDENT] = {"resident", OR_NONE, 0, 0, 0, 0},
    [R_VOLUNTEER] = {"volunteer", OR_NONE, 1, 0, 0, 0},
    [R_MEMBER] = {"member", OR_MEMBER, 0, 0, 0, 0},
    [R_SW] = {"social worker", OR_SW, 0, 0, 0, 0},
    [R_LEADER] = {"leader", OR_LEADER, 0, 0, 0, 0},
    [R_OLEADER] = {"other org's leader", OR_NONE, 0, 0, 0, 0},
    [R_CADMIN] = {"community admin", OR_NONE, 0, 1, 0, 1},
    [R_OCADMIN] = {"other community's admin", OR_NONE, 0, 0, 0, 1},
    [R_ADMIN] = {"admin", OR_NONE, 0, 0, 1, 0},
};

static user users[NROLES];   /* users[R_ANON] stays empty */
static user target;          /* someone to add, credit, or impersonate; in no role */

static struct {
    long long community, other_community;
    long long org_b;          /* led by R_OLEADER, same community */
    long long act_org;        /* filed, staffed: the org of every activity subject */
    long long contest;        /* submissions and voting both open */
    long long approved;       /* an approved project of `contest` */
    long long need, sproject, resource, consultation;   /* of the community; the service project of act_org */
    char volunteer_idno[19];  /* R_VOLUNTEER's ID number */
    long long ended;          /* an activity of act_org that has ended (after setup); target signed up */
    time_t ended_at;
    long long cert;           /* a certificate of R_VOLUNTEER */
    long long invite;         /* an invitation code (used by the first taker, 410 after) */
    long long notice;         /* a notification of `target` */
    long long review;         /* a content review item (an activity of act_org held for review) */
} W;

/* Object states. A route with a subject is tried in both states of its kind; a route whose
 * body names an org (F_BODY_ORG) in both org states; any other route once (ST_NONE). */
enum state { ST_NONE, ST_FILED, ST_PENDING, ST_PUBLISHED, ST_DRAFT, ST_CORRECTION, NSTATES };
static const char *const state_names[NSTATES] = {"-", "filed org", "pending org", "published activity",
                                                 "draft activity", "pending correction"};

/* ================================================================ the table of valid bodies */

/* A body template: $C the community, $U the target user, $S the org of the cell's state,
 * $P the approved project, $V the volunteer's ID number, $O an openid of the cell's role, $N a
 * fresh unique name, $A/$B a start/end tomorrow, $H an hour ago, $W a week ahead. */
#define ORG_BODY "{\"name\":\"MX $N\",\"community_id\":$C,\"kind\":\"association\",\"summary\":\"neighbours\"}"
#define ACTIVITY_BODY                                                                                          \
    "{\"title\":\"MX $N\",\"description\":\"Helping neighbours.\",\"category\":\"relief\",\"starts_at\":\"$A\"," \
    "\"ends_at\":\"$B\",\"capacity\":1000,\"location\":{\"name\":\"Community hall\",\"lat\":31.230416,"         \
    "\"lng\":121.473701,\"radius_m\":200}}"
#define CONTEST_BODY                                                                                             \
    "{\"title\":\"MX $N\",\"budget_cents\":100000,\"votes_per_user_per_day\":3,\"submit_until\":\"$W\","           \
    "\"vote_from\":\"$H\",\"vote_until\":\"$W\"}"
#define COMMUNITY_BODY "{\"name\":\"MX $N\",\"street\":\"Huaihai Rd\",\"district\":\"Xuhui\",\"kind\":\"urban\"}"
#define VOLUNTEER_BODY "{\"real_name\":\"张志愿\",\"phone\":\"13800138000\",\"id_number\":\"$V\",\"skills\":[\"first aid\"]}"
#define PROJECT_BODY "{\"org_id\":$S,\"title\":\"MX $N\",\"summary\":\"A garden.\",\"budget_cents\":5000}"
#define SPROJECT_BODY                                                                                        \
    "{\"org_id\":$S,\"community_id\":$C,\"title\":\"MX $N\",\"summary\":\"meals\",\"kind\":\"purchase\","     \
    "\"budget_cents\":5000,\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-12-31\",\"need_ids\":[]}"
#define CONSULTATION_BODY                                                                                     \
    "{\"community_id\":$C,\"title\":\"MX $N\",\"body\":\"Where to park?\",\"options\":[\"north\",\"south\"]," \
    "\"closes_at\":\"$W\"}"
#define SCAN_BODY "{\"token\":\"forged.token\",\"lat\":31.230416,\"lng\":121.473701}"

/* a route's {id}: its subject (if any), a contest, a contest project, a need, a service project, a
 * consultation, the community, the social worker (a user), the target volunteer, a certificate,
 * an invitation code, a fresh console sign-in ticket, or a notification of `target` (someone
 * else's for every role) */
enum id_kind { ID_SUBJECT, ID_CONTEST, ID_PROJECT, ID_NEED, ID_SPROJECT, ID_CONSULTATION, ID_COMMUNITY, ID_SW,
               ID_TARGET, ID_CERT, ID_INVITE, ID_TICKET, ID_NOTICE, ID_REVIEW };
enum {
    F_NEW_SESSION = 1,   /* the call ends the session: use a fresh one of the same user */
    F_BODY_ORG = 4,      /* the body's org_id is checked with the leader rule (a hidden org: 422) */
    F_REREGISTER = 8,    /* the call erases the volunteer: register again after it */
    F_CERT_OWNER = 16,   /* only the certificate's volunteer (R_VOLUNTEER) and admins; others 404 */
    F_OWNED = 32,        /* the {id} must be the caller's own: another person's is 404 not_found */
};

/* Role masks for `checks` below. */
#define ONLY(r) (1u << (r))
#define NOBODY (1u << 31)                                            /* nobody in this world */
#define COMMUNITY_STAFF (ONLY(R_SW) | ONLY(R_LEADER) | ONLY(R_OLEADER) | ONLY(R_CADMIN) | ONLY(R_ADMIN))
#define COMMUNITY_ADMINS (ONLY(R_CADMIN) | ONLY(R_ADMIN))

static const struct body_entry {
    const char *method, *pattern;
    const char *body;     /* template, or NULL for none */
    enum id_kind id;      /* for routes without a subject */
    int flags;
} bodies[] = {
    {"GET", "/healthz", NULL, ID_SUBJECT, 0},
    {"GET", "/metrics", NULL, ID_SUBJECT, 0},
    {"POST", API "/auth/wx-login", "{\"code\":\"test:$O\"}", ID_SUBJECT, 0},
    {"POST", API "/auth/logout", NULL, ID_SUBJECT, F_NEW_SESSION},
    {"GET", API "/me", NULL, ID_SUBJECT, 0},
    {"POST", API "/communities", COMMUNITY_BODY, ID_SUBJECT, 0},
    {"GET", API "/communities", NULL, ID_SUBJECT, 0},
    {"POST", API "/orgs", ORG_BODY, ID_SUBJECT, 0},
    {"GET", API "/orgs", NULL, ID_SUBJECT, 0},
    {"GET", API "/orgs/{id}", NULL, ID_SUBJECT, 0},
    {"PATCH", API "/orgs/{id}", "{\"stage\":\"growing\"}", ID_SUBJECT, 0},
    {"POST", API "/orgs/{id}/approve", NULL, ID_SUBJECT, 0},
    {"POST", API "/orgs/{id}/reject", "{\"reason\":\"incomplete papers\"}", ID_SUBJECT, 0},
    {"POST", API "/orgs/{id}/members", "{\"user_id\":$U,\"role\":\"member\"}", ID_SUBJECT, 0},
    {"POST", API "/orgs/{id}/activities", ACTIVITY_BODY, ID_SUBJECT, 0},
    {"GET", API "/activities", NULL, ID_SUBJECT, 0},
    {"GET", API "/activities/{id}", NULL, ID_SUBJECT, 0},
    {"POST", API "/activities/{id}/publish", NULL, ID_SUBJECT, 0},
    {"POST", API "/activities/{id}/cancel", NULL, ID_SUBJECT, 0},
    {"POST", API "/activities/{id}/signups", NULL, ID_SUBJECT, 0},
    {"DELETE", API "/activities/{id}/signups/me", NULL, ID_SUBJECT, 0},
    {"GET", API "/activities/{id}/signups", NULL, ID_SUBJECT, 0},
    {"GET", API "/me/signups", NULL, ID_SUBJECT, 0},
    /* the volunteer's own ID number: it re-registers, everyone else gets 409 id_number_taken */
    {"PUT", API "/me/volunteer", VOLUNTEER_BODY, ID_SUBJECT, 0},
    {"GET", API "/activities/{id}/checkin-code", NULL, ID_SUBJECT, 0},
    {"GET", API "/activities/{id}/checkin-code.svg", NULL, ID_SUBJECT, 0},
    {"POST", API "/checkins", SCAN_BODY, ID_SUBJECT, 0},
    {"POST", API "/checkouts", SCAN_BODY, ID_SUBJECT, 0},
    {"POST", API "/activities/{id}/service-records", "{\"user_id\":$U,\"minutes\":30,\"reason\":\"late scan\"}",
     ID_SUBJECT, 0},
    {"GET", API "/activities/{id}/service-records", NULL, ID_SUBJECT, 0},
    {"GET", API "/me/service-records", NULL, ID_SUBJECT, 0},
    {"POST", API "/contests", CONTEST_BODY, ID_SUBJECT, 0},
    {"GET", API "/contests", NULL, ID_SUBJECT, 0},
    {"GET", API "/contests/{id}", NULL, ID_CONTEST, 0},
    {"POST", API "/contests/{id}/projects", PROJECT_BODY, ID_CONTEST, F_BODY_ORG},
    {"GET", API "/contests/{id}/projects", NULL, ID_CONTEST, 0},
    {"GET", API "/contests/{id}/results", NULL, ID_CONTEST, 0},
    {"POST", API "/contest-projects/{id}/approve", NULL, ID_PROJECT, 0},
    {"POST", API "/contest-projects/{id}/reject", "{\"reason\":\"out of scope\"}", ID_PROJECT, 0},
    {"POST", API "/contests/{id}/votes", "{\"project_id\":$P}", ID_CONTEST, 0},
    {"GET", API "/audit", NULL, ID_SUBJECT, 0},
    {"DELETE", API "/me/volunteer", NULL, ID_SUBJECT, F_REREGISTER},
    {"POST", API "/volunteers/{user_id}/identity", "{\"real_name\":\"王更正\",\"reason\":\"typo at registration\"}",
     ID_TARGET, 0},
    {"POST", API "/volunteers/{user_id}/suspend", NULL, ID_TARGET, 0},
    {"POST", API "/volunteers/{user_id}/unsuspend", NULL, ID_TARGET, 0},
    {"POST", API "/me/service-records/requests", "{\"activity_id\":$E,\"minutes\":5,\"reason\":\"forgot to scan\"}",
     ID_SUBJECT, 0},
    {"GET", API "/service-corrections", NULL, ID_SUBJECT, 0},
    {"POST", API "/service-corrections/{id}/approve", NULL, ID_SUBJECT, 0},
    {"POST", API "/service-corrections/{id}/reject", "{\"note\":\"no evidence\"}", ID_SUBJECT, 0},
    {"GET", API "/me/volunteer-code", NULL, ID_SUBJECT, 0},
    {"GET", API "/me/volunteer-code.svg", NULL, ID_SUBJECT, 0},
    {"DELETE", API "/me/volunteer-code", NULL, ID_SUBJECT, 0},
    {"POST", API "/activities/{id}/attendance-batch",
     "{\"items\":[{\"token\":\"v1.1.0.forgedforgedforgedforged\",\"action\":\"checkin\",\"at\":\"$H\"}]}",
     ID_SUBJECT, 0},
    {"POST", API "/me/service-certificates", "{}", ID_SUBJECT, 0},
    {"GET", API "/certificates/{number}", NULL, ID_CERT, 0},
    {"GET", API "/certificates/{number}/pdf", NULL, ID_CERT, F_CERT_OWNER},
    /* needs, service projects, resources */
    {"POST", API "/needs", "{\"community_id\":$C,\"category\":\"elderly\",\"title\":\"MX $N\",\"description\":\"meals\"}",
     ID_SUBJECT, 0},
    {"GET", API "/needs", NULL, ID_SUBJECT, 0},
    {"GET", API "/needs/{id}", NULL, ID_NEED, 0},
    {"POST", API "/needs/{id}/support", NULL, ID_NEED, 0},
    {"POST", API "/needs/{id}/triage", "{\"status\":\"accepted\",\"note\":\"seen\"}", ID_NEED, 0},
    {"POST", API "/service-projects", SPROJECT_BODY, ID_SUBJECT, F_BODY_ORG},
    {"GET", API "/service-projects", NULL, ID_SUBJECT, 0},
    {"GET", API "/service-projects/{id}", NULL, ID_SPROJECT, 0},
    {"POST", API "/service-projects/{id}/approve", NULL, ID_SPROJECT, 0},
    {"POST", API "/service-projects/{id}/start", NULL, ID_SPROJECT, 0},
    {"POST", API "/service-projects/{id}/complete", NULL, ID_SPROJECT, 0},
    {"POST", API "/service-projects/{id}/evaluate", "{\"score\":80,\"report\":\"fine\"}", ID_SPROJECT, 0},
    {"POST", API "/service-projects/{id}/resources", "{\"resource_id\":$R,\"note\":\"weekends\"}", ID_SPROJECT, 0},
    {"POST", API "/activities/{id}/project", "{\"project_id\":$J}", ID_SUBJECT, 0},
    {"POST", API "/resources",
     "{\"community_id\":$C,\"kind\":\"venue\",\"provider\":\"Committee\",\"description\":\"hall\",\"quantity\":1}",
     ID_SUBJECT, 0},
    {"GET", API "/resources", NULL, ID_SUBJECT, 0},
    /* ratings: the activity of the matrix is tomorrow (409 activity_not_ended for everyone) */
    {"POST", API "/activities/{id}/ratings", "{\"score\":5}", ID_SUBJECT, 0},
    {"GET", API "/orgs/{id}/ratings", NULL, ID_SUBJECT, 0},
    {"GET", API "/social-workers/{user_id}/ratings", NULL, ID_SW, 0},
    /* consultation: convened by the community's admin; nobody here lives in the community */
    {"POST", API "/consultations", CONSULTATION_BODY, ID_SUBJECT, 0},
    {"GET", API "/consultations", NULL, ID_SUBJECT, 0},
    {"GET", API "/consultations/{id}", NULL, ID_CONSULTATION, 0},
    {"POST", API "/consultations/{id}/comments", "{\"body\":\"agree\"}", ID_CONSULTATION, 0},
    {"POST", API "/consultations/{id}/ballots", "{\"option\":0}", ID_CONSULTATION, 0},
    {"POST", API "/consultations/{id}/resolve", "{\"decision\":\"north\"}", ID_CONSULTATION, 0},
    {"POST", API "/consultations/{id}/publicize", NULL, ID_CONSULTATION, 0},
    {"POST", API "/consultations/{id}/feedback", "{\"body\":\"done\"}", ID_CONSULTATION, 0},
    /* expert review: the admin is the contest's reviewer */
    {"POST", API "/contests/{id}/reviewers", "{\"user_id\":$U}", ID_CONTEST, 0},
    {"POST", API "/contest-projects/{id}/reviews", "{\"score\":70}", ID_PROJECT, 0},
    /* dashboards */
    {"GET", API "/stats/communities/{id}", NULL, ID_COMMUNITY, 0},
    {"GET", API "/stats", NULL, ID_SUBJECT, 0},
    /* round 2: accounts, members, invitations, org activities, console sign-in, notifications */
    {"PATCH", API "/me", "{\"nickname\":\"MX $N\"}", ID_SUBJECT, 0},
    {"GET", API "/orgs/{id}/members", NULL, ID_SUBJECT, 0},
    /* the second {param} is `target`, never a member of a fresh org: 204 (nothing to remove) */
    {"DELETE", API "/orgs/{id}/members/{user_id}", NULL, ID_SUBJECT, 0},
    {"POST", API "/orgs/{id}/invites", "{\"role\":\"member\"}", ID_SUBJECT, 0},
    /* `target` is no member: the leader gets 422, and the world keeps its leader */
    {"POST", API "/orgs/{id}/transfer", "{\"user_id\":$U}", ID_SUBJECT, 0},
    {"POST", API "/invites/{code}/accept", NULL, ID_INVITE, 0},
    {"GET", API "/invites/{code}/qr.svg", NULL, ID_INVITE, 0},
    {"GET", API "/orgs/{id}/activities", NULL, ID_SUBJECT, 0},
    {"PATCH", API "/activities/{id}", "{\"description\":\"Edited by the matrix.\"}", ID_SUBJECT, 0},
    {"POST", API "/auth/qr-tickets", NULL, ID_SUBJECT, 0},
    {"GET", API "/auth/qr-tickets/{ticket}", NULL, ID_TICKET, 0},
    {"POST", API "/auth/qr-tickets/{ticket}/confirm", NULL, ID_TICKET, 0},
    {"GET", API "/auth/qr-tickets/{ticket}/qr.svg", NULL, ID_TICKET, 0},
    {"GET", API "/me/notifications", NULL, ID_SUBJECT, 0},
    {"POST", API "/me/notifications/{id}/read", NULL, ID_NOTICE, F_OWNED},
    {"POST", API "/me/subscriptions", "{\"template_id\":\"tpl_activity_update\"}", ID_SUBJECT, 0},
    {"GET", API "/content-reviews", NULL, ID_SUBJECT, 0},
    {"POST", API "/content-reviews/{id}/pass", NULL, ID_REVIEW, 0},
    {"POST", API "/content-reviews/{id}/reject", NULL, ID_REVIEW, 0},
};
#define NBODIES (sizeof bodies / sizeof bodies[0])

/* Roles a handler lets through on top of the route's access and rule (allow: a mask of ONLY(role)),
 * refusing the others with `deny` (NULL: forbidden). */
static const struct handler_check {
    const char *method, *pattern;
    unsigned allow;
    const char *deny;
} checks[] = {
    {"POST", API "/needs/{id}/triage", COMMUNITY_STAFF, NULL},
    {"POST", API "/service-projects/{id}/approve", COMMUNITY_ADMINS, NULL},
    {"POST", API "/service-projects/{id}/start", ONLY(R_LEADER), NULL},
    {"POST", API "/service-projects/{id}/complete", ONLY(R_LEADER), NULL},
    {"POST", API "/service-projects/{id}/evaluate", COMMUNITY_ADMINS, NULL},
    {"POST", API "/service-projects/{id}/resources", COMMUNITY_ADMINS, NULL},
    {"POST", API "/resources", COMMUNITY_STAFF, NULL},
    {"POST", API "/consultations", COMMUNITY_STAFF, NULL},
    {"POST", API "/consultations/{id}/comments", NOBODY, "not_a_resident_here"},
    {"POST", API "/consultations/{id}/ballots", NOBODY, "not_a_resident_here"},
    {"POST", API "/consultations/{id}/resolve", COMMUNITY_ADMINS, NULL},
    {"POST", API "/consultations/{id}/publicize", COMMUNITY_ADMINS, NULL},
    {"POST", API "/consultations/{id}/feedback", COMMUNITY_ADMINS, NULL},
    {"POST", API "/contest-projects/{id}/reviews", ONLY(R_ADMIN), "not_a_reviewer"},
    {"GET", API "/stats/communities/{id}", COMMUNITY_ADMINS, NULL},
    {"POST", API "/content-reviews/{id}/pass", COMMUNITY_ADMINS, NULL},
    {"POST", API "/content-reviews/{id}/reject", COMMUNITY_ADMINS, NULL},
};

static const struct handler_check *check_for(const char *method, const char *pattern)
{
    for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
        if (strcmp(checks[i].method, method) == 0 && strcmp(checks[i].pattern, pattern) == 0) return &checks[i];
    return NULL;
}

static const struct body_entry *body_for(const char *method, const char *pattern)
{
    for (size_t i = 0; i < NBODIES; i++)
        if (strcmp(bodies[i].method, method) == 0 && strcmp(bodies[i].pattern, pattern) == 0) return &bodies[i];
    return NULL;
}

/* Expands a template (see above) for role ro; org is the $S org. Returns malloc'd text or NULL. */
static char *expand(const char *tpl, enum role ro, long long org)
{
    if (!tpl) return NULL;
    char out[2048], v[160];
    size_t n = 0;
    time_t now = time(NULL);
    for (const char *p = tpl; *p; p++) {
        if (*p != '$') {
            if (n < sizeof out - 1) out[n++] = *p;
            continue;
        }
        switch (*++p) {
        case 'C': snprintf(v, sizeof v, "%lld", W.community); break;
        case 'U': snprintf(v, sizeof v, "%lld", target.id); break;
        case 'S': snprintf(v, sizeof v, "%lld", org); break;
        case 'P': snprintf(v, sizeof v, "%lld", W.approved); break;
        case 'R': snprintf(v, sizeof v, "%lld", W.resource); break;
        case 'J': snprintf(v, sizeof v, "%lld", W.sproject); break;
        case 'V': snprintf(v, sizeof v, "%s", W.volunteer_idno); break;
        case 'E': snprintf(v, sizeof v, "%lld", W.ended); break;
        case 'O':
            if (ro == R_ANON) snprintf(v, sizeof v, "mxanon_%s", run_tag);
            else snprintf(v, sizeof v, "%s", users[ro].openid);
            break;
        case 'N': snprintf(v, sizeof v, "%s-%u", run_tag, ++name_seq); break;
        case 'A': fmt_time(now + DAY, v, sizeof v); break;
        case 'B': fmt_time(now + DAY + 2 * HOUR, v, sizeof v); break;
        case 'H': fmt_time(now - HOUR, v, sizeof v); break;
        case 'W': fmt_time(now + 7 * DAY, v, sizeof v); break;
        default: fail_msg("bad template: %s", tpl);
        }
        n += (size_t)snprintf(out + n, sizeof out - n, "%s", v);
        assert_true(n < sizeof out);
    }
    out[n] = '\0';
    return strdup(out);
}

/* ================================================================ making objects */

/* POSTs the expanded template (with extra members over it) as `by` to fmt (which may hold one
 * %lld, for id); returns the new id. */
static long long create(const char *tpl, const char *extra, const user *by, const char *fmt, long long id)
{
    char path[256], *body = expand(tpl, R_RESIDENT, 0), *full = extra ? with(body, extra) : body;
    snprintf(path, sizeof path, fmt, id);
    long long got = jid(want(201, req("POST", by->token, full, "%s", path)), "id");
    if (full != body) free(full);
    free(body);
    assert_true(got > 0);
    return got;
}

static void add_member(long long org, const user *who, const char *role)
{
    char body[96];
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"%s\"}", who->id, role);
    want(201, req("POST", users[R_LEADER].token, body, API "/orgs/%lld/members", org));
}

/* An org of the community filed by `filer`; approved: the admin files it, and if the leader
 * filed it, the member and the social worker join. */
static long long org_make(const user *filer, int approve)
{
    long long id = create(ORG_BODY, NULL, filer, API "/orgs", 0);
    if (!approve) return id;
    want(200, req("POST", users[R_ADMIN].token, NULL, API "/orgs/%lld/approve", id));
    if (filer == &users[R_LEADER]) {
        add_member(id, &users[R_SW], "social_worker");
        add_member(id, &users[R_MEMBER], "member");
    }
    return id;
}

/* An activity of W.act_org tomorrow by the leader; extra: JSON members over the valid body. */
static long long activity_make(int publish, const char *extra)
{
    long long id = create(ACTIVITY_BODY, extra, &users[R_LEADER], API "/orgs/%lld/activities", W.act_org);
    if (publish) want(200, req("POST", users[R_LEADER].token, NULL, API "/activities/%lld/publish", id));
    return id;
}

static long long contest_make(void)
{
    return create(CONTEST_BODY, NULL, &users[R_ADMIN], API "/contests", 0);
}

/* A project of W.act_org, submitted to contest by the leader; approve: by the admin. */
static long long project_make(long long contest, int approve)
{
    char *body = expand(PROJECT_BODY, R_LEADER, W.act_org);
    api_response *r = want(201, req("POST", users[R_LEADER].token, body, API "/contests/%lld/projects", contest));
    long long id = jid(r, "id");
    free(body);
    if (approve) want(200, req("POST", users[R_ADMIN].token, NULL, API "/contest-projects/%lld/approve", id));
    return id;
}

/* The object of each state, made anew once a cell may have changed it ("dirty"). */
static struct {
    long long id;
    int dirty;
} objects[NSTATES], project;

static long long object_of(enum state st)
{
    if (objects[st].id && !objects[st].dirty) return objects[st].id;
    objects[st].dirty = 0;
    switch (st) {
    case ST_FILED: return objects[st].id = org_make(&users[R_LEADER], 1);
    case ST_PENDING: return objects[st].id = org_make(&users[R_LEADER], 0);
    case ST_PUBLISHED: return objects[st].id = activity_make(1, NULL);
    case ST_DRAFT: return objects[st].id = activity_make(0, NULL);
    case ST_CORRECTION: {   /* a pending correction of the ended activity for target, by the social worker */
        while (time(NULL) <= W.ended_at) sleep(1);
        char body[128];
        snprintf(body, sizeof body, "{\"user_id\":%lld,\"minutes\":1,\"reason\":\"late scan\"}", target.id);
        return objects[st].id = jid(want(201, req("POST", users[R_SW].token, body,
                                                  API "/activities/%lld/service-records", W.ended)), "id");
    }
    default: return 0;
    }
}

static int group_setup(void **state)
{
    (void)state;
    run_tag = api_run_tag();
    if (api_stack_setup(repo_root, sizeof repo_root, &state_dir) != 0) return -1;
    static const char *const short_names[NROLES] = {"",    "res",  "vol",  "mem",   "sw",
                                                    "ldr", "oldr", "cadm", "ocadm", "adm"};
    for (int r = 1; r < NROLES; r++) login(&users[r], short_names[r]);
    login(&target, "target");
    grant(&users[R_ADMIN], "admin", 0);
    W.community = create(COMMUNITY_BODY, NULL, &users[R_ADMIN], API "/communities", 0);
    W.other_community = create(COMMUNITY_BODY, NULL, &users[R_ADMIN], API "/communities", 0);
    grant(&users[R_CADMIN], "community_admin", W.community);
    grant(&users[R_OCADMIN], "community_admin", W.other_community);

    new_id_number(W.volunteer_idno);
    char *body = expand(VOLUNTEER_BODY, R_VOLUNTEER, 0);
    want(200, req("PUT", users[R_VOLUNTEER].token, body, API "/me/volunteer"));
    free(body);

    W.org_b = org_make(&users[R_OLEADER], 1);
    W.act_org = org_make(&users[R_LEADER], 1);
    /* an activity that ends in a few seconds: corrections wait for its end (object_of) */
    char s_at[40], e_at[40], times[128];
    W.ended_at = time(NULL) + 4;
    fmt_time(W.ended_at - HOUR, s_at, sizeof s_at);
    fmt_time(W.ended_at, e_at, sizeof e_at);
    snprintf(times, sizeof times, "{\"starts_at\":\"%s\",\"ends_at\":\"%s\"}", s_at, e_at);
    W.ended = activity_make(1, times);
    want(201, req("POST", target.token, NULL, API "/activities/%lld/signups", W.ended));
    char idno[19], vbody[256];   /* target is a volunteer too: admins fix, suspend and unsuspend it */
    new_id_number(idno);
    snprintf(vbody, sizeof vbody, "{\"real_name\":\"赵目标\",\"phone\":\"13800138001\",\"id_number\":\"%s\"}", idno);
    want(200, req("PUT", target.token, vbody, API "/me/volunteer"));
    const char *num = api_json_str(want(201, req("POST", users[R_VOLUNTEER].token, "{}", API "/me/service-certificates")),
                                   "number");
    assert_non_null(num);
    W.cert = strtoll(num, NULL, 10);
    W.contest = contest_make();
    W.approved = project_make(W.contest, 1);
    char extra[64];
    snprintf(extra, sizeof extra, "{\"user_id\":%lld}", users[R_ADMIN].id);
    want(201, req("POST", users[R_ADMIN].token, extra, API "/contests/%lld/reviewers", W.contest));
    W.need = create("{\"community_id\":$C,\"category\":\"elderly\",\"title\":\"MX $N\",\"description\":\"meals\"}",
                    NULL, &users[R_RESIDENT], API "/needs", 0);
    body = expand(SPROJECT_BODY, R_LEADER, W.act_org);
    W.sproject = jid(want(201, req("POST", users[R_LEADER].token, body, API "/service-projects")), "id");
    free(body);
    W.resource = create("{\"community_id\":$C,\"kind\":\"goods\",\"provider\":\"Shop\",\"description\":\"rice\","
                        "\"quantity\":10}",
                        NULL, &users[R_CADMIN], API "/resources", 0);
    W.consultation = create(CONSULTATION_BODY, NULL, &users[R_CADMIN], API "/consultations", 0);
    /* an invitation into an org of its own: whoever accepts first joins it, and no subject changes */
    long long invites_org = org_make(&users[R_OLEADER], 1);
    W.invite = strtoll(api_jstr(want(201, req("POST", users[R_OLEADER].token, "{\"role\":\"member\"}",
                                              API "/orgs/%lld/invites", invites_org)),
                                "code"),
                       NULL, 10);
    long long told = org_make(&target, 0);   /* target files, the admin decides: target is told */
    want(200, req("POST", users[R_ADMIN].token, NULL, API "/orgs/%lld/approve", told));
    json_t *items = api_json_get(want(200, req("GET", target.token, NULL, API "/me/notifications?limit=1")), "items");
    W.notice = (long long)json_integer_value(json_object_get(json_array_get(items, 0), "id"));
    assert_true(W.invite > 0 && W.notice > 0);
    /* text the fake WeChat sends to review: held, and queued for the community's admins */
    long long held = activity_make(0, "{\"description\":\"待审测试\"}");
    for (long long after = 0; !W.review;) {
        char page[40] = "";
        if (after) snprintf(page, sizeof page, "&cursor=%lld", after);
        api_response *r = want(200, req("GET", users[R_ADMIN].token, NULL,
                                        API "/content-reviews?status=pending&limit=100%s", page));
        json_t *it, *list = api_json_get(r, "items");
        size_t i;
        json_array_foreach(list, i, it) if (api_mint(it, "object_id") == held) W.review = api_mint(it, "id");
        if (W.review || json_array_size(list) < 100) break;
        after = api_mint(json_array_get(list, 99), "id");
    }
    assert_true(W.review > 0);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int r = 0; r < NROLES; r++) free(users[r].token);
    free(target.token);
    api_keep_free();
    return 0;
}

/* ================================================================ the expected outcome */

typedef struct {
    long status;         /* 0: allowed, i.e. anything but 401/403/404 (and no 5xx) */
    const char *code;    /* the error code of a refusal */
} expect;

/* What the server's policy knows about a caller and an object (the caller of auth/caller.h
 * and the facts of auth/policy.h), computed from how this test built the world. */
typedef struct {
    int authed, admin, cadmin, volunteer;        /* the caller; cadmin: of the object's community */
    int cadmin_any;                              /* the caller administers some community */
    int public_visible, owner;                   /* the object; owner: the caller filed this org */
    enum org_role role;                          /* the caller's role in the object's org */
} facts;

static facts facts_of(enum role ro, enum state st)
{
    const struct role_def *d = &roles[ro];
    int org = st == ST_FILED || st == ST_PENDING;
    return (facts){
        .authed = ro != R_ANON, .admin = d->admin, .cadmin = d->cadmin, .volunteer = d->volunteer,
        .cadmin_any = d->cadmin_any,
        .public_visible = st == ST_FILED || st == ST_PUBLISHED,   /* a correction: only its org's and approvers */
        .owner = org && ro == R_LEADER,          /* the leader files every org; activities have no filer */
        .role = st == ST_PENDING ? OR_NONE : d->home,   /* nobody holds a role in an org not yet filed */
    };
}

/* The contract of router.h, auth/policy.h and the server's dispatch, in order:
 *  1. a route that is not public needs a session: 401 unauthorized;
 *  2. an ADMIN route needs the admin role: 403 forbidden; an APPROVER route an admin or a
 *     community admin of any community; a VOLUNTEER route a registered
 *     volunteer: 403 volunteer_required;
 *  3. a route with a subject: the caller sees the object if it is public (a filed org; a published
 *     activity of a filed org), if they hold any role in its org, administer its community (an
 *     admin administers all), or filed it; an object they cannot see is 404 not_found, so its
 *     existence does not leak;
 *  4. then the rule: VISIBLE allows; ORG_LEADER the org's leader; ORG_STAFF its leader or social
 *     workers; COMMUNITY_ADMIN an admin or the community's admin. Refused: 403 forbidden, except
 *     the filer of an org not yet filed asking for a leader's or staff action: 409 org_not_filed
 *     (they will lead it once it is approved). */
static expect derive(ss_access access, int has_subject, ss_rule rule, const facts *f)
{
    if (access != SS_ACCESS_PUBLIC && !f->authed) return (expect){401, "unauthorized"};
    if (access == SS_ACCESS_ADMIN && !f->admin) return (expect){403, "forbidden"};
    if (access == SS_ACCESS_APPROVER && !f->admin && !f->cadmin_any) return (expect){403, "forbidden"};
    if (access == SS_ACCESS_VOLUNTEER && !f->volunteer) return (expect){403, "volunteer_required"};
    if (!has_subject) return (expect){0, NULL};
    enum org_role role = f->authed ? f->role : OR_NONE;
    int cadmin = f->authed && (f->admin || f->cadmin), owner = f->authed && f->owner;
    if (!f->public_visible && role == OR_NONE && !cadmin && !owner) return (expect){404, "not_found"};
    int ok = rule == SS_RULE_VISIBLE || (rule == SS_RULE_ORG_LEADER && role == OR_LEADER) ||
             (rule == SS_RULE_ORG_STAFF && (role == OR_LEADER || role == OR_SW)) ||
             (rule == SS_RULE_COMMUNITY_ADMIN && cadmin) || (rule == SS_RULE_APPROVER && (role == OR_LEADER || cadmin));
    if (ok) return (expect){0, NULL};
    if ((rule == SS_RULE_ORG_LEADER || rule == SS_RULE_ORG_STAFF) && owner && !f->public_visible)
        return (expect){409, "org_not_filed"};
    return (expect){403, "forbidden"};
}

/* The route's outcome, then what its handler checks of the caller (the body table's flags). */
static expect expected(const ss_route *rt, const struct body_entry *b, enum role ro, enum state st)
{
    facts f = facts_of(ro, st);
    expect e = derive(rt->access, rt->subject != SS_SUBJECT_NONE, rt->rule, &f);
    if (e.status) return e;
    if (b->flags & F_OWNED) return (expect){404, "not_found"};   /* the matrix's id is target's */
    if (b->flags & F_BODY_ORG) {   /* the handler hides an org the caller may not see behind a field error */
        e = derive(SS_ACCESS_SIGNED_IN, 1, SS_RULE_ORG_LEADER, &f);
        if (e.status == 404) e = (expect){422, "validation_failed"};
        if (e.status) return e;
    }
    if ((b->flags & F_CERT_OWNER) && ro != R_VOLUNTEER && ro != R_ADMIN) return (expect){404, "not_found"};
    const struct handler_check *c = check_for(rt->method, rt->pattern);
    if (c && !(c->allow & ONLY(ro))) return (expect){403, c->deny ? c->deny : "forbidden"};
    return e;
}

/* ================================================================ checks on replies */

/* Any reply: nothing of the server's insides (SQL, source paths, stacks, addresses). */
static const char *insides_leak(const api_response *r)
{
    static const char *const bad[] = {"SELECT", "INSERT", "syntax", "/work/", ".c:", "src/", "stack"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (strstr(r->body, bad[i])) return bad[i];
    for (const char *p = r->body; (p = strstr(p, "0x")) != NULL; p += 2) {
        int hex = 0;
        while (isxdigit((unsigned char)p[2 + hex])) hex++;
        if (hex >= 6) return "0x address";
    }
    return NULL;
}

/* A refusal (401/403/404/409): {"error": {"code", "message"}} and nothing else, nothing of the
 * object. code NULL: any. Returns NULL or why not. */
static const char *refusal_problem(const api_response *r, const char *code, char *why, size_t len)
{
    static const char *const fields[] = {"\"title\"", "\"name\"", "\"summary\"", "\"description\"",
                                         "\"capacity\"", "\"location\""};
    if (!api_error_shape_ok(r, code, why, len)) return why;
    if (json_object_size(r->json) != 1 || json_object_size(json_object_get(r->json, "error")) != 2)
        return "members besides error.code and error.message";
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strstr(r->body, fields[i])) return fields[i];
    return strstr(r->body, run_tag) ? "a name or title of this run" : NULL;
}

static int is_refusal(long status)
{
    return status == 401 || status == 403 || status == 404 || status == 409;
}

/* Checks r against e and the rules for every reply; NULL or why it fails (in why). */
static const char *judge(const api_response *r, expect e, char *why, size_t len)
{
    const char *p;
    if ((p = insides_leak(r)) != NULL) return snprintf(why, len, "leaks %s", p), why;
    if (is_refusal(r->status) && (p = refusal_problem(r, NULL, why, len)) != NULL) return p;
    if (e.status == 0) {
        if (r->status == 401 || r->status == 403 || r->status == 404) return "refused";
        if (r->status < 200 || r->status >= 500) return "no reply or a server error";
        return NULL;
    }
    if (r->status != e.status) return "another status";
    if (!jstr_is(r, "error.code", e.code)) return "another error code";
    return NULL;
}

/* ================================================================ the matrix */

static void path_of(const char *pattern, long long id, char *out, size_t len)
{
    size_t n = 0;
    int params = 0;
    for (const char *p = pattern; *p && n < len - 24; p++) {
        if (*p != '{') {
            out[n++] = *p;
            continue;
        }
        params++;   /* the first names the object; a second (a user) is `target` */
        n += (size_t)snprintf(out + n, len - n, "%lld", params == 1 ? id : target.id);
        p = strchr(p, '}');
        assert_non_null(p);
    }
    out[n] = '\0';
    if (params > 2) fail_msg("%s: more than two {param}: teach test_matrix.c its other objects", pattern);
    if (params && !id) fail_msg("%s: a {param} but no object: name one in `bodies`", pattern);
}

TEST(test_route_table_is_covered)
{
    ss_router *router = ss_router_create();
    assert_non_null(router);
    assert_int_equal(ss_routes_register(router), 0);
    int missing = 0, stale = 0, n = ss_router_count(router);
    for (int i = 0; i < n; i++) {
        const ss_route *rt = ss_router_route(router, i);
        if (body_for(rt->method, rt->pattern)) continue;
        print_error("route %s %s has no entry in `bodies` (test_matrix.c): add a valid body for it\n", rt->method,
                    rt->pattern);
        missing++;
    }
    for (size_t b = 0; b < NBODIES; b++) {
        int found = 0;
        for (int i = 0; i < n && !found; i++) {
            const ss_route *rt = ss_router_route(router, i);
            found = strcmp(rt->method, bodies[b].method) == 0 && strcmp(rt->pattern, bodies[b].pattern) == 0;
        }
        if (!found) print_error("`bodies` names %s %s, which is no route\n", bodies[b].method, bodies[b].pattern);
        stale += !found;
    }
    ss_router_free(router);
    assert_int_equal(missing + stale, 0);
}

static int states_of(const ss_route *rt, const struct body_entry *b, enum state out[2])
{
    if (rt->subject == SS_SUBJECT_ORG || (b->flags & F_BODY_ORG)) return out[0] = ST_FILED, out[1] = ST_PENDING, 2;
    if (rt->subject == SS_SUBJECT_ACTIVITY || rt->subject == SS_SUBJECT_ACTIVITY_VIEW) return out[0] = ST_PUBLISHED, out[1] = ST_DRAFT, 2;
    if (rt->subject == SS_SUBJECT_CORRECTION) return out[0] = ST_CORRECTION, 1;
    return out[0] = ST_NONE, 1;
}

/* Runs one cell; returns 1 if it matches. */
static int cell(const ss_route *rt, const struct body_entry *b, enum role ro, enum state st)
{
    long long subject = st == ST_NONE ? 0 : object_of(st), id = subject;
    if (rt->subject == SS_SUBJECT_NONE) {
        if (b->id == ID_CONTEST) id = W.contest;
        else if (b->id == ID_TARGET) id = target.id;
        else if (b->id == ID_CERT) id = W.cert;
        else if (b->id == ID_NEED) id = W.need;
        else if (b->id == ID_SPROJECT) id = W.sproject;
        else if (b->id == ID_CONSULTATION) id = W.consultation;
        else if (b->id == ID_COMMUNITY) id = W.community;
        else if (b->id == ID_SW) id = users[R_SW].id;
        else if (b->id == ID_INVITE) id = W.invite;
        else if (b->id == ID_NOTICE) id = W.notice;
        else if (b->id == ID_REVIEW) id = W.review;
        else if (b->id == ID_TICKET) id = strtoll(api_jstr(want(201, req("POST", NULL, NULL, API "/auth/qr-tickets")),
                                                           "ticket"),
                                                  NULL, 10);
        else if (b->id == ID_PROJECT) {
            if (!project.id || project.dirty) project.id = project_make(W.contest, 0), project.dirty = 0;
            id = project.id;
        } else id = 0;
    }
    char path[256], why[256] = "";
    path_of(rt->pattern, id, path, sizeof path);
    char *body = expand(b->body, ro, subject), *token = users[ro].token, *fresh = NULL;
    if ((b->flags & F_NEW_SESSION) && ro != R_ANON) {
        assert_non_null(fresh = api_login(users[ro].openid, NULL));
        token = fresh;
    }
    api_response *r = keep(api_request(rt->method, path, token, body, NULL));
    expect e = expected(rt, b, ro, st);
    const char *problem = judge(r, e, why, sizeof why);
    char exp[64];
    if (e.status) snprintf(exp, sizeof exp, "%ld %s", e.status, e.code);
    else snprintf(exp, sizeof exp, "allowed");
    if (problem) {
        print_error("MISMATCH %s %s [%s] as %s: expected %s, got %ld (%s): %.200s\n", rt->method, rt->pattern,
                    state_names[st], roles[ro].name, exp, r->status, problem, r->body);
    } else if (getenv("SANSHE_MATRIX_VERBOSE")) {   /* every cell, to read the matrix */
        print_message("%-6s %-45s %-18s %-24s expected %-26s got %ld %s\n", rt->method, rt->pattern, state_names[st],
                      roles[ro].name, exp, r->status, r->status >= 400 ? api_json_str(r, "error.code") : "");
    }
    if (strcmp(rt->method, "GET") != 0 && r->status >= 200 && r->status < 300) {   /* it may have changed */
        if (rt->subject != SS_SUBJECT_NONE) objects[st].dirty = 1;
        if (b->id == ID_PROJECT) project.dirty = 1;
        if ((b->flags & F_REREGISTER) && ro == R_VOLUNTEER) {   /* erased: the volunteer registers again */
            char *again = expand(VOLUNTEER_BODY, R_VOLUNTEER, 0);
            want(200, req("PUT", token, again, API "/me/volunteer"));
            free(again);
        }
    }
    free(body);
    free(fresh);
    return problem == NULL;
}

TEST(test_authorization_matrix)
{
    ss_router *router = ss_router_create();
    assert_non_null(router);
    assert_int_equal(ss_routes_register(router), 0);
    int n = ss_router_count(router), cells = 0, mismatches = 0, route_states = 0, untested = 0;
    time_t t0 = time(NULL);
    for (int i = 0; i < n; i++) {
        const ss_route *rt = ss_router_route(router, i);
        const struct body_entry *b = body_for(rt->method, rt->pattern);
        if (!b) {   /* reported by test_route_table_is_covered; fail here too */
            print_error("MISMATCH %s %s: no valid body in `bodies`: untested\n", rt->method, rt->pattern);
            untested++;
            continue;
        }
        enum state st[2];
        int ns = states_of(rt, b, st);
        route_states += ns;
        for (int s = 0; s < ns; s++)
            for (int ro = 0; ro < NROLES; ro++, cells++) mismatches += !cell(rt, b, (enum role)ro, st[s]);
    }
    ss_router_free(router);
    print_message("authorization matrix: %d routes x %d roles, %d route-states (routes x object states) -> %d cells "
                  "in %lds; %d mismatches, %d untested routes\n",
                  n, NROLES, route_states, cells, (long)(time(NULL) - t0), mismatches, untested);
    assert_int_equal(mismatches + untested, 0);
}

/* ================================================================ API3: mass assignment */

static int failures;

#define CHECK(cond, ...)                                                  \
    do {                                                                  \
        if (!(cond)) {                                                    \
            print_error("MASS ASSIGNMENT (line %d): ", __LINE__);         \
            print_error(__VA_ARGS__);                                     \
            print_error("\n");                                            \
            failures++;                                                   \
        }                                                                 \
    } while (0)

/* r is a 2xx (the extra members were ignored) or a 4xx (refused); never a leak or a 5xx. */
static int accepted(const api_response *r, const char *what)
{
    const char *leak = insides_leak(r);
    CHECK(!leak && r->status >= 200 && r->status < 500, "%s: %ld %.200s", what, r->status, r->body);
    return r->status >= 200 && r->status < 300;
}

/* Read-only members in POST /orgs: status, stage, id, filed_by are the server's. */
static void mass_org_create(void)
{
    const user *res = &users[R_RESIDENT];
    long long before = create(ORG_BODY, NULL, res, API "/orgs", 0);
    char extra[160], *body = expand(ORG_BODY, R_RESIDENT, 0), *full;
    snprintf(extra, sizeof extra,
             "{\"id\":999,\"status\":\"filed\",\"stage\":\"mature\",\"filed_by\":%lld,\"confirmed\":99}", target.id);
    full = with(body, extra);
    api_response *r = req("POST", res->token, full, API "/orgs");
    free(body);
    free(full);
    if (!accepted(r, "POST /orgs with read-only members")) return;
    long long id = jid(r, "id");
    CHECK(id != 999 || before == 998, "POST /orgs took \"id\": 999");
    r = want(200, req("GET", users[R_ADMIN].token, NULL, API "/orgs/%lld", id));
    CHECK(jstr_is(r, "status", "pending"), "POST /orgs took \"status\": %s", r->body);
    CHECK(jstr_is(r, "stage", "startup"), "POST /orgs took \"stage\": %s", r->body);
    CHECK(req("GET", NULL, NULL, API "/orgs/%lld", id)->status == 404, "a pending org is public");
    CHECK(req("GET", target.token, NULL, API "/orgs/%lld", id)->status == 404, "POST /orgs took \"filed_by\"");
    want(200, req("POST", users[R_ADMIN].token, NULL, API "/orgs/%lld/approve", id));
    CHECK(jstr_is(req("GET", res->token, NULL, API "/orgs/%lld", id), "my_role", "leader"), "the filer does not lead");
    CHECK(json_is_null(api_json_get(req("GET", target.token, NULL, API "/orgs/%lld", id), "my_role")),
          "POST /orgs took \"filed_by\": the named user got a role");
}

/* PATCH /orgs/{id} changes stage and kind only: not status, community_id, name, filed_by, id. */
static void mass_org_patch(void)
{
    long long pending = object_of(ST_PENDING);
    objects[ST_PENDING].dirty = 1;
    api_response *r = want(200, req("GET", users[R_ADMIN].token, NULL, API "/orgs/%lld", pending));
    char name[128], body[320];
    snprintf(name, sizeof name, "%s", api_json_str(r, "name"));
    snprintf(body, sizeof body,
             "{\"stage\":\"growing\",\"status\":\"filed\",\"id\":999,\"community_id\":%lld,\"filed_by\":%lld,"
             "\"name\":\"MX renamed\",\"confirmed\":99}",
             W.other_community, target.id);
    accepted(req("PATCH", users[R_CADMIN].token, body, API "/orgs/%lld", pending), "PATCH /orgs, read-only members");
    r = want(200, req("GET", users[R_ADMIN].token, NULL, API "/orgs/%lld", pending));
    CHECK(jid(r, "id") == pending, "PATCH /orgs moved the org");
    CHECK(jstr_is(r, "status", "pending"), "PATCH /orgs took \"status\": %s", r->body);
    CHECK(jid(r, "community_id") == W.community, "PATCH /orgs took \"community_id\": %s", r->body);
    CHECK(jstr_is(r, "name", name), "PATCH /orgs took \"name\": %s", r->body);
    CHECK(req("GET", target.token, NULL, API "/orgs/%lld", pending)->status == 404, "PATCH /orgs took \"filed_by\"");
    CHECK(req("GET", users[R_OCADMIN].token, NULL, API "/orgs/%lld", pending)->status == 404,
          "the other community's admin sees the pending org: \"community_id\" moved it");
    CHECK(req("GET", NULL, NULL, API "/orgs/%lld", pending)->status == 404, "PATCH /orgs filed the org");

    long long filed = object_of(ST_FILED);   /* and a filed one cannot be set back to pending */
    objects[ST_FILED].dirty = 1;
    const char *back = "{\"status\":\"pending\",\"stage\":\"mature\"}";
    accepted(req("PATCH", users[R_ADMIN].token, back, API "/orgs/%lld", filed), "PATCH /orgs status");
    CHECK(jstr_is(req("GET", NULL, NULL, API "/orgs/%lld", filed), "status", "filed"), "PATCH /orgs took \"status\"");
}

/* POST /orgs/{id}/activities: status, counts, id, org and community are the server's. */
static void mass_activity_create(void)
{
    char extra[256];
    snprintf(extra, sizeof extra,
             "{\"id\":999,\"status\":\"published\",\"confirmed\":99,\"waitlisted\":7,\"seats_left\":0,"
             "\"org_id\":%lld,\"community_id\":%lld,\"stage\":\"mature\"}",
             W.org_b, W.other_community);
    char *body = expand(ACTIVITY_BODY, R_LEADER, 0), *full = with(body, extra);
    api_response *r = req("POST", users[R_LEADER].token, full, API "/orgs/%lld/activities", W.act_org);
    free(body);
    free(full);
    if (!accepted(r, "POST activities with read-only members")) return;
    long long id = jid(r, "id");
    r = want(200, req("GET", users[R_LEADER].token, NULL, API "/activities/%lld", id));
    CHECK(jid(r, "id") == id && id != 999, "activity \"id\" taken");
    CHECK(jstr_is(r, "status", "draft"), "activity \"status\" taken: %s", r->body);
    CHECK(jid(r, "confirmed") == 0 && jid(r, "waitlisted") == 0 && jid(r, "seats_left") == 1000,
          "activity counts taken: %s", r->body);
    CHECK(jid(r, "org_id") == W.act_org && jid(r, "community_id") == W.community, "activity org taken: %s", r->body);
    CHECK(req("GET", NULL, NULL, API "/activities/%lld", id)->status == 404, "the new activity is public");
    CHECK(req("GET", users[R_OLEADER].token, NULL, API "/activities/%lld", id)->status == 404,
          "\"org_id\" gave the activity to the other org");
}

/* POST /contests/{id}/projects: status, vote_count, contest_id are the server's. */
static void mass_project_submit(void)
{
    char *body = expand(PROJECT_BODY, R_LEADER, W.act_org),
         *full = with(body, "{\"id\":999,\"status\":\"approved\",\"vote_count\":99,\"contest_id\":1}");
    api_response *r = req("POST", users[R_LEADER].token, full, API "/contests/%lld/projects", W.contest);
    free(body);
    free(full);
    if (!accepted(r, "POST projects with read-only members")) return;
    long long id = jid(r, "id");
    json_t *items = api_json_get(want(200, req("GET", users[R_ADMIN].token, NULL, API "/contests/%lld/projects",
                                               W.contest)), "items"), *it, *mine = NULL;
    size_t i;
    json_array_foreach(items, i, it) if (json_integer_value(json_object_get(it, "id")) == id) mine = it;
    CHECK(mine != NULL, "the project is not in its contest: \"contest_id\" taken?");
    if (!mine) return;
    CHECK(strcmp(json_string_value(json_object_get(mine, "status")), "submitted") == 0, "project \"status\" taken");
    CHECK(json_integer_value(json_object_get(mine, "vote_count")) == 0, "project \"vote_count\" taken");
    /* and an unapproved project is listed to admins only (API3: no excessive exposure) */
    r = want(200, req("GET", users[R_RESIDENT].token, NULL, API "/contests/%lld/projects", W.contest));
    json_array_foreach(api_json_get(r, "items"), i, it)
        CHECK(strcmp(json_string_value(json_object_get(it, "status")), "approved") == 0,
              "a resident sees an unapproved project");
}

/* A sign-up is the caller's, confirmed or waitlisted by the server: not user_id, not status. */
static void mass_signup(void)
{
    long long act = activity_make(1, "{\"capacity\":1}");
    want(201, req("POST", users[R_MEMBER].token, NULL, API "/activities/%lld/signups", act));
    char body[128];
    snprintf(body, sizeof body, "{\"status\":\"confirmed\",\"user_id\":%lld,\"waitlist_position\":0}", target.id);
    api_response *r = req("POST", users[R_RESIDENT].token, body, API "/activities/%lld/signups", act);
    if (accepted(r, "POST signups with read-only members"))
        CHECK(jstr_is(r, "status", "waitlisted"), "sign-up \"status\" taken: %s", r->body);
    r = want(200, req("GET", users[R_LEADER].token, NULL, API "/activities/%lld", act));
    CHECK(jid(r, "confirmed") == 1, "capacity 1, yet %lld confirmed", jid(r, "confirmed"));
    json_t *it;
    size_t i;
    r = want(200, req("GET", users[R_LEADER].token, NULL, API "/activities/%lld/signups", act));
    json_array_foreach(api_json_get(r, "items"), i, it)
        CHECK(json_integer_value(json_object_get(it, "user_id")) != target.id, "sign-up \"user_id\" taken");
}

/* PUT /me/volunteer registers the caller, with no minutes to start with. */
static void mass_volunteer(void)
{
    char idno[19], extra[128];
    new_id_number(idno);
    snprintf(extra, sizeof extra,
             "{\"status\":\"verified\",\"total_minutes\":9999,\"user_id\":%lld,\"id_number\":\"%s\"}",
             users[R_VOLUNTEER].id, idno);
    api_response *r = want(200, req("GET", users[R_VOLUNTEER].token, NULL, API "/me"));
    json_t *theirs = json_deep_copy(api_json_get(r, "volunteer"));
    char *body = expand("{\"real_name\":\"李四\",\"phone\":\"13900139000\",\"id_number\":\"x\"}", R_MEMBER, 0),
         *full = with(body, extra);
    r = req("PUT", users[R_MEMBER].token, full, API "/me/volunteer");
    free(body);
    free(full);
    if (accepted(r, "PUT /me/volunteer with read-only members")) {
        CHECK(jstr_is(r, "status", "registered"), "volunteer \"status\" taken: %s", r->body);
        CHECK(jid(r, "total_minutes") == 0, "volunteer \"total_minutes\" taken: %s", r->body);
    }
    r = want(200, req("GET", users[R_VOLUNTEER].token, NULL, API "/me"));
    CHECK(json_equal(theirs, api_json_get(r, "volunteer")), "\"user_id\" rewrote another volunteer: %s", r->body);
    json_decref(theirs);
}

/* A membership lands in the path's org; a correction is the caller's, of kind correction. */
static void mass_member_and_correction(void)
{
    char body[192];
    snprintf(body, sizeof body, "{\"user_id\":%lld,\"role\":\"member\",\"org_id\":%lld}", target.id, W.org_b);
    accepted(req("POST", users[R_LEADER].token, body, API "/orgs/%lld/members", W.act_org), "POST members org_id");
    CHECK(json_is_null(api_json_get(want(200, req("GET", target.token, NULL, API "/orgs/%lld", W.org_b)), "my_role")),
          "POST members took \"org_id\": the user joined another org");

    long long act = activity_make(1, NULL);
    want(201, req("POST", target.token, NULL, API "/activities/%lld/signups", act));
    (void)act;   /* corrections wait for an activity's end: the ended one of the setup */
    snprintf(body, sizeof body,
             "{\"user_id\":%lld,\"minutes\":1,\"reason\":\"late scan\",\"proposed_by\":%lld,\"kind\":\"request\","
             "\"status\":\"approved\",\"activity_id\":1,\"id\":999}",
             target.id, users[R_ADMIN].id);
    while (time(NULL) <= W.ended_at) sleep(1);
    api_response *r = req("POST", users[R_LEADER].token, body, API "/activities/%lld/service-records", W.ended);
    if (!accepted(r, "POST service-records with read-only members")) return;
    CHECK(jid(r, "proposed_by") == users[R_LEADER].id, "correction \"proposed_by\" taken: %s", r->body);
    CHECK(jstr_is(r, "kind", "staff"), "correction \"kind\" taken: %s", r->body);
    CHECK(jstr_is(r, "status", "pending"), "correction \"status\" taken: %s", r->body);
    CHECK(jid(r, "activity_id") == W.ended, "correction \"activity_id\" taken: %s", r->body);
}

/* POST /communities: the id is the server's. */
static void mass_community(void)
{
    long long before = create(COMMUNITY_BODY, NULL, &users[R_ADMIN], API "/communities", 0);
    char *body = expand(COMMUNITY_BODY, R_ADMIN, 0),
         *full = with(body, "{\"id\":999,\"created_at\":\"2000-01-01T00:00:00Z\"}");
    api_response *r = req("POST", users[R_ADMIN].token, full, API "/communities");
    free(body);
    free(full);
    if (accepted(r, "POST /communities with read-only members"))
        CHECK(jid(r, "id") != 999 || before == 998, "community \"id\" taken");
}

TEST(test_mass_assignment)
{
    failures = 0;
    mass_org_create();
    mass_org_patch();
    mass_activity_create();
    mass_project_submit();
    mass_signup();
    mass_volunteer();
    mass_member_and_correction();
    mass_community();
    print_message("mass assignment: %d failures\n", failures);
    assert_int_equal(failures, 0);
}

/* API1 through the body: a vote names a project of its contest only. */
TEST(test_body_references)
{
    long long other = contest_make(), foreign = project_make(other, 1);
    char body[64];
    snprintf(body, sizeof body, "{\"project_id\":%lld}", foreign);
    api_response *r = req("POST", users[R_RESIDENT].token, body, API "/contests/%lld/votes", W.contest);
    if (r->status != 429) assert_api_error(r, 404, "not_found");
    snprintf(body, sizeof body, "{\"project_id\":%lld}", project_make(W.contest, 0));   /* not approved */
    r = req("POST", users[R_VOLUNTEER].token, body, API "/contests/%lld/votes", W.contest);
    if (r->status != 429) assert_api_error(r, 404, "not_found");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_table_is_covered),
        cmocka_unit_test(test_authorization_matrix),
        cmocka_unit_test(test_mass_assignment),
        cmocka_unit_test(test_body_references),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
