/* Micro-venture philanthropy contests (微公益创投): admins create contests and decide on
 * projects, org leaders submit projects, anyone sees approved projects and the results. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/contest.h"
#include "handlers/handlers.h"
#include "auth/policy.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/notify.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/contests.h"
#include "store/orgs.h"
#include "store/ratings.h"
#include "util/nearcache.h"

static json_t *view_contest(const ss_contest *c, time_t now)
{
    const char *phase = now < c->vote_from ? "upcoming" : ss_voting_open(now, c->vote_from, c->vote_until) ? "voting"
                                                                                                          : "closed";
    return json_pack("{s:I, s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:s, s:b, s:o, s:s}", "id", (json_int_t)c->id, "title",
                     c->title, "community_id", c->community_id ? json_integer(c->community_id) : json_null(),
                     "budget_cents", (json_int_t)c->budget_cents, "votes_per_user_per_day",
                     (json_int_t)c->votes_per_user_per_day, "submit_until", ss_json_time(c->submit_until),
                     "vote_from", ss_json_time(c->vote_from), "vote_until", ss_json_time(c->vote_until), "phase",
                     phase, "submission_open", ss_submission_open(now, c->submit_until), "created_at",
                     ss_json_time(c->created_at), "content_status",
                     c->content_status ? c->content_status : "visible");
}

/* The contest with its expert_weight (added for expert review). */
static json_t *view_contest_full(const ss_contest *c, time_t now)
{
    json_t *v = view_contest(c, now);
    json_object_set_new(v, "expert_weight", json_real(c->expert_weight_milli / 1000.0));
    return v;
}

static json_t *view_project(const ss_project *p)
{
    json_t *v = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:o}", "id", (json_int_t)p->id, "contest_id",
                          (json_int_t)p->contest_id, "org_id", (json_int_t)p->org_id, "org_name",
                          p->org_name ? p->org_name : "", "title", p->title, "summary", p->summary ? p->summary : "",
                          "budget_cents", (json_int_t)p->budget_cents, "status", p->status, "vote_count",
                          (json_int_t)p->votes, "created_at", ss_json_time(p->created_at));
    if (p->reject_reason) json_object_set_new(v, "reject_reason", json_string(p->reject_reason));
    json_object_set_new(v, "content_status", json_string(p->content_status ? p->content_status : "visible"));
    return v;
}

/* {title, community_id?, budget_cents, votes_per_user_per_day, submit_until, vote_from, vote_until} -> 201.
 * The title goes through the content check (review: the contest is held, see content.h). */
static int contest_create(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_contest c = {0};
    c.title = ss_v_string(&v, "title", 1, 2, 100);
    c.community_id = ss_v_int(&v, "community_id", 0, 1, INT64_MAX, 0, NULL);
    c.budget_cents = ss_v_int(&v, "budget_cents", 1, 1, SS_BUDGET_MAX_CENTS, 0, NULL);
    c.votes_per_user_per_day = (long)ss_v_int(&v, "votes_per_user_per_day", 1, 1, SS_VOTES_PER_DAY_MAX, 0, NULL);
    c.submit_until = ss_v_time(&v, "submit_until", 1, NULL);
    c.vote_from = ss_v_time(&v, "vote_from", 1, NULL);
    c.vote_until = ss_v_time(&v, "vote_until", 1, NULL);
    c.expert_weight_milli = (int)(ss_v_number(&v, "expert_weight", 0, 0.0, 1.0, NULL) * 1000.0 + 0.5);
    const char *field, *why;
    if (c.submit_until && c.vote_from && c.vote_until &&
        ss_contest_check_times(req->now, c.submit_until, c.vote_from, c.vote_until, &field, &why) != 0)
        ss_v_fail(&v, field, why);
    if (c.community_id && ss_store_community_exists(req->db, req->arena, c.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"title", c.title}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 1, &review))) return rc;
    if ((rc = ss_store_contest_create(req->db, req->arena, &c, req->caller.user_id, &c.id)) ||
        (rc = ss_content_hold(req, review, "contest", c.id, c.community_id)) ||
        (rc = ss_audit(req, "contest.create", "contest", c.id, c.community_id, "created")))
        return rc;
    c.created_at = req->now;
    c.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, view_contest_full(&c, req->now));
}

/* A visible contest never changes through the API (no route edits or deletes one; only a held
 * one turns visible or rejected, in the review queue), so this process keeps what it read for
 * up to SS_PUBLIC_MAX_AGE_MS: in a burst, votes, project lists and results start without a
 * database round trip. A held contest is not kept. A change made in SQL behind the app's back
 * (an operator's fix of a window) is seen within that second, as for every public view. */
#define CONTEST_KEEP_MS SS_PUBLIC_MAX_AGE_MS

typedef struct {   /* a kept contest: these fields, then the title's bytes and a NUL */
    long long id, community_id, budget_cents;
    long votes_per_user_per_day;
    time_t submit_until, vote_from, vote_until, created_at;
    int expert_weight_milli;
} kept_contest;

static int contest_kept(ss_req *req, long long id, ss_contest *c)
{
    char key[40];
    void *v;
    size_t len;
    snprintf(key, sizeof key, "contest:%lld", id);
    if (!ss_near_get(req->app->near, req->arena, key, ss_near_now_ms(), CONTEST_KEEP_MS, &v, &len) ||
        len <= sizeof(kept_contest))
        return 0;
    kept_contest k;
    memcpy(&k, v, sizeof k);
    *c = (ss_contest){.id = k.id, .community_id = k.community_id, .title = (const char *)v + sizeof k,
                      .budget_cents = k.budget_cents, .votes_per_user_per_day = k.votes_per_user_per_day,
                      .submit_until = k.submit_until, .vote_from = k.vote_from, .vote_until = k.vote_until,
                      .created_at = k.created_at, .expert_weight_milli = k.expert_weight_milli,
                      .content_status = "visible"};
    return 1;
}

static void contest_keep(ss_req *req, const ss_contest *c, unsigned epoch)
{
    if (!req->app->near || strcmp(c->content_status, "visible") != 0) return;
    size_t tlen = strlen(c->title);
    kept_contest k = {c->id, c->community_id, c->budget_cents, c->votes_per_user_per_day, c->submit_until,
                      c->vote_from, c->vote_until, c->created_at, c->expert_weight_milli};
    char *buf = ss_arena_alloc(req->arena, sizeof k + tlen + 1);
    memcpy(buf, &k, sizeof k);
    memcpy(buf + sizeof k, c->title, tlen + 1);
    char key[40];
    snprintf(key, sizeof key, "contest:%lld", c->id);
    ss_near_put(req->app->near, key, buf, sizeof k + tlen + 1, ss_near_now_ms(), epoch);
}

int ss_handler_contest_load(ss_req *req, long long id, ss_contest *c)
{
    if (contest_kept(req, id, c)) return SS_OK;
    unsigned epoch = ss_near_epoch(req->app->near);   /* before the read: see ss_near_put */
    int rc = ss_store_contest_get(req->db, req->arena, id, c);
    if (rc == SS_OK) contest_keep(req, c, epoch);
    if (rc == SS_OK && strcmp(c->content_status, "visible") != 0 &&
        !ss_policy_is_community_admin(&req->caller, c->community_id))
        return SS_ENOTFOUND;   /* held for content review */
    return rc;
}

static int load_contest(ss_req *req, ss_contest *c) { return ss_handler_contest_load(req, ss_req_param(req, 0), c); }

static int contest_get(ss_req *req)
{
    ss_contest c;
    int rc = load_contest(req, &c);
    return rc ? rc : ss_reply_json(req, 200, view_contest_full(&c, req->now));
}

/* ?limit&cursor -> newest first */
static int contest_list(ss_req *req)
{
    int limit, n, rc;
    long long before;
    ss_contest *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)))
        return rc;
    int admin = req->caller.authenticated && req->caller.user.is_admin;
    if ((rc = ss_store_contest_list(req->db, req->arena, before, admin, limit, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_contest_full(&items[i], req->now));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* {org_id, title, summary, budget_cents} by that org's leader -> 201 {id, status: "submitted"}.
 * Title and summary go through the content check (review: the project is held, not listed nor
 * votable even once approved, until passed). */
static int project_submit(ss_req *req)
{
    ss_contest c;
    int rc = load_contest(req, &c);
    if (rc) return rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_project p = {.contest_id = c.id, .status = "submitted", .created_at = req->now};
    p.org_id = ss_v_int(&v, "org_id", 1, 1, INT64_MAX, 0, NULL);
    p.title = ss_v_string(&v, "title", 1, 2, 100);
    p.summary = ss_v_string(&v, "summary", 1, 0, 2000);
    p.budget_cents = ss_v_int(&v, "budget_cents", 1, 1, SS_BUDGET_MAX_CENTS, 0, NULL);
    if ((rc = ss_v_finish(&v))) return rc;
    /* the caller must lead the organization: the same policy check every route uses */
    ss_policy_subject org;
    rc = ss_policy_load_check(req->db, req->app->near, req->arena, &req->caller, SS_SUBJECT_ORG, p.org_id, SS_RULE_ORG_LEADER, &org);
    if (rc == SS_ENOTFOUND) {
        ss_v_fail(&v, "org_id", "no such organization");
        return ss_v_finish(&v);
    }
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "org_not_filed");
    if (rc) return rc;
    if (c.community_id && org.org.community_id != c.community_id) {
        ss_v_fail(&v, "org_id", "this contest is for organizations of another community");
        return ss_v_finish(&v);
    }
    if (!ss_submission_open(req->now, c.submit_until)) return ss_reply_error(req, "submission_closed");
    int review;
    const ss_content_text texts[] = {{"title", p.title}, {"summary", p.summary}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 2, &review))) return rc;
    if ((rc = ss_store_project_create(req->db, req->arena, &p, req->caller.user_id, &p.id)) ||
        (rc = ss_content_hold(req, review, "contest_project", p.id,
                              c.community_id ? c.community_id : org.org.community_id)))
        return rc;
    p.org_name = org.org.name;
    p.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, view_project(&p));
}

static const char *const project_statuses[] = {"submitted", "approved", "rejected", NULL};

/* ?status=submitted|approved|rejected -> the contest's projects with vote_count.
 * No status: approved ones, every one for an admin. approved: anyone. submitted, rejected:
 * an admin (all), or an org's leader (their own organizations' projects, with reject_reason);
 * anyone else 403. */
static int project_list(ss_req *req)
{
    ss_contest c;
    ss_project *items;
    const char *status;
    int n, rc = load_contest(req, &c);
    if (rc) return rc;
    if ((rc = ss_req_query_enum(req, "status", project_statuses, &status))) return rc;
    int admin = req->caller.authenticated && req->caller.user.is_admin;
    if (!status) {
        rc = ss_store_project_list(req->db, req->arena, c.id, admin, &items, &n);
    } else {
        const char *known = status;
        long long leader = 0;
        if (!admin && strcmp(known, "approved") != 0) {
            if (!req->caller.authenticated) return SS_EFORBIDDEN;
            rc = ss_store_user_leads_any(req->db, req->arena, req->caller.user_id);
            if (rc == SS_ENOTFOUND) return SS_EFORBIDDEN;
            if (rc) return rc;
            leader = req->caller.user_id;
        }
        rc = ss_store_project_queue(req->db, req->arena, c.id, known, leader, &items, &n);
    }
    if (rc) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_project(&items[i]));
    return ss_reply_list(req, arr, NULL);
}

/* The submitter is told of the decision. */
static int notify_decided(ss_req *req, long long id, const char *status, const char *reason)
{
    ss_project p;
    int rc = ss_store_project_get(req->db, req->arena, id, &p);
    if (rc) return rc;
    int approved = strcmp(status, "approved") == 0;
    ss_notice n = {.kind = "project_decided",
                   .event_key = ss_arena_sprintf(req->arena, "project_decided:%lld", id),
                   .object_id = id,
                   .title = ss_arena_sprintf(req->arena, approved ? "创投项目已通过：%.60s" : "创投项目未通过：%.60s",
                                             p.title),
                   .body = approved ? "项目已进入投票环节。" : ss_arena_sprintf(req->arena, "原因：%.400s", reason)};
    return ss_notify(req, SS_NOTIFY_USER, p.submitted_by, &n);
}

static int decide(ss_req *req, const char *status, const char *reason)
{
    long long id = ss_req_param(req, 0);
    int rc = ss_store_project_decide(req->db, req->arena, id, status, reason, req->caller.user_id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_OK) rc = notify_decided(req, id, status, reason);
    if (rc || (rc = ss_audit(req, strcmp(status, "approved") == 0 ? "contest_project.approve" : "contest_project.reject",
                             "contest_project", ss_req_param(req, 0), 0, status)))
        return rc;
    json_t *v = json_pack("{s:I, s:s}", "id", (json_int_t)ss_req_param(req, 0), "status", status);
    if (reason) json_object_set_new(v, "reason", json_string(reason));
    return ss_reply_json(req, 200, v);
}

/* -> 200 {status: "approved"}; the project can now receive votes */
static int project_approve(ss_req *req) { return decide(req, "approved", NULL); }

/* {reason} -> 200 {status: "rejected"}. The reason, read by the submitter and staff only, goes
 * through the content check: risky -> 422 content_risky. */
static int project_reject(ss_req *req)
{
    int rc, review;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *reason = ss_v_string(&v, "reason", 1, 1, 500);
    if ((rc = ss_v_finish(&v))) return rc;
    const ss_content_text texts[] = {{"reason", reason}};
    if ((rc = ss_content_check(req, SS_CONTENT_COMMENT, texts, 1, &review))) return rc;
    return decide(req, "rejected", reason);
}

/* -> {contest_id, budget_cents, budget_left_cents, expert_weight, final, items: [{rank, project...,
 * expert_score, reviews, composite, funded}]}: ranked by composite (domain/contest.h). Votes come
 * from the tally slots and review means from the sums kept by the reviews: no vote is scanned. */
static int contest_results(ss_req *req)
{
    ss_contest c;
    ss_project *items;
    int n, rc = load_contest(req, &c);
    if (rc) return rc;
    if ((rc = ss_store_project_list(req->db, req->arena, c.id, 0, &items, &n))) return rc;
    ss_composite_row *rows = ss_arena_calloc(req->arena, (size_t)(n + 1) * sizeof *rows);
    for (int i = 0; i < n; i++)
        rows[i] = (ss_composite_row){.project_id = items[i].id, .votes = items[i].votes,
                                     .review_sum = items[i].review_sum, .review_count = items[i].review_count,
                                     .budget_cents = items[i].budget_cents};
    double weight = c.expert_weight_milli / 1000.0;
    ss_contest_rank_composite(rows, n, weight, c.budget_cents);
    json_t *arr = json_array();
    long long left = c.budget_cents;
    for (int i = 0; i < n; i++) {
        const ss_project *p = NULL;
        for (int k = 0; k < n && !p; k++)
            if (items[k].id == rows[i].project_id) p = &items[k];
        json_t *v = view_project(p);
        json_object_set_new(v, "rank", json_integer(i + 1));
        json_object_set_new(v, "expert_score",
                            p->review_count ? json_real(round(rows[i].expert_score * 100.0) / 100.0) : json_null());
        json_object_set_new(v, "reviews", json_integer(p->review_count));
        json_object_set_new(v, "composite", json_real(round(rows[i].composite * 100.0) / 100.0));
        json_object_set_new(v, "funded", json_boolean(rows[i].funded));
        if (rows[i].funded) left -= rows[i].budget_cents;
        json_array_append_new(arr, v);
    }
    return ss_reply_json(req, 200,
                         json_pack("{s:I, s:I, s:I, s:f, s:b, s:o}", "contest_id", (json_int_t)c.id, "budget_cents",
                                   (json_int_t)c.budget_cents, "budget_left_cents", (json_int_t)left,
                                   "expert_weight", weight, "final", req->now >= c.vote_until, "items", arr));
}

/* {user_id} by an admin -> 201 {contest_id, user_id} (already a reviewer: 200) */
static int reviewer_add(ss_req *req)
{
    ss_contest c;
    ss_v v;
    int created, rc = load_contest(req, &c);
    if (rc || (rc = ss_v_body(&v, req, NULL))) return rc;
    long long user = ss_v_int(&v, "user_id", 1, 1, INT64_MAX, 0, NULL);
    if ((rc = ss_v_finish(&v))) return rc;
    rc = ss_store_user_exists(req->db, req->arena, user);
    if (rc == SS_OK) rc = ss_store_reviewer_add(req->db, req->arena, c.id, user, req->caller.user_id, &created);
    if (rc == SS_ENOTFOUND) {
        ss_v_fail(&v, "user_id", "no such user");
        return ss_v_finish(&v);
    }
    if (rc || (rc = ss_audit(req, "contest.add_reviewer", "contest", c.id, c.community_id, "reviewer added")))
        return rc;
    return ss_reply_json(req, created ? 201 : 200,
                         json_pack("{s:I, s:I}", "contest_id", (json_int_t)c.id, "user_id", (json_int_t)user));
}

/* {score: 0..100, comment} by a reviewer of the project's contest, once per project and editable
 * until voting ends -> 201 (first) or 200 (edit) {project_id, score}. The comment, read by no one
 * but staff, goes through the content check: risky -> 422 content_risky. */
static int review_put(ss_req *req)
{
    ss_project p;
    ss_contest c;
    ss_v v;
    int yes = 0, created;
    int rc = ss_store_project_get(req->db, req->arena, ss_req_param(req, 0), &p);
    if (rc || (rc = ss_store_contest_get(req->db, req->arena, p.contest_id, &c)) ||
        (rc = ss_store_reviewer_is(req->db, req->arena, c.id, req->caller.user_id, &yes)))
        return rc;
    if (!yes) return ss_reply_error(req, "not_a_reviewer");
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    int score = (int)ss_v_int(&v, "score", 1, 0, 100, 0, NULL);
    const char *comment = ss_v_string(&v, "comment", 0, 0, 2000);
    if ((rc = ss_v_finish(&v))) return rc;
    if (strcmp(p.status, "approved") != 0) return ss_reply_error(req, "invalid_state");
    if (req->now >= c.vote_until) return ss_reply_error(req, "review_closed");
    int review;
    const ss_content_text texts[] = {{"comment", comment}};
    if ((rc = ss_content_check(req, SS_CONTENT_COMMENT, texts, 1, &review))) return rc;
    if ((rc = ss_store_review_put(req->db, req->arena, p.id, req->caller.user_id, score, comment ? comment : "",
                                  &created)) ||
        (rc = ss_audit(req, created ? "contest_project.review" : "contest_project.review_edit", "contest_project",
                       p.id, c.community_id, "reviewed")))
        return rc;
    return ss_reply_json(req, created ? 201 : 200,
                         json_pack("{s:I, s:i}", "project_id", (json_int_t)p.id, "score", score));
}

static const ss_route routes[] = {
    {"POST", "/api/v1/contests", contest_create, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/contests", contest_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/contests/{id}", contest_get, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/contests/{id}/projects", project_submit, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/contests/{id}/projects", project_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/contests/{id}/results", contest_results, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/contest-projects/{id}/approve", project_approve, SS_ACCESS_ADMIN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/contest-projects/{id}/reject", project_reject, SS_ACCESS_ADMIN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/contests/{id}/reviewers", reviewer_add, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/contest-projects/{id}/reviews", review_put, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_contest_routes = {routes, sizeof routes / sizeof routes[0]};
