/* Micro-venture philanthropy contests (微公益创投): admins create contests and decide on
 * projects, org leaders submit projects, anyone sees approved projects and the results. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/contest.h"
#include "handlers/handlers.h"
#include "http/audit.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/contests.h"
#include "store/orgs.h"

static json_t *view_contest(const ss_contest *c, time_t now)
{
    const char *phase = now < c->vote_from ? "upcoming" : ss_voting_open(now, c->vote_from, c->vote_until) ? "voting"
                                                                                                          : "closed";
    return json_pack("{s:I, s:s, s:o, s:I, s:I, s:o, s:o, s:o, s:s, s:b, s:o}", "id", (json_int_t)c->id, "title",
                     c->title, "community_id", c->community_id ? json_integer(c->community_id) : json_null(),
                     "budget_cents", (json_int_t)c->budget_cents, "votes_per_user_per_day",
                     (json_int_t)c->votes_per_user_per_day, "submit_until", ss_json_time(c->submit_until),
                     "vote_from", ss_json_time(c->vote_from), "vote_until", ss_json_time(c->vote_until), "phase",
                     phase, "submission_open", ss_submission_open(now, c->submit_until), "created_at",
                     ss_json_time(c->created_at));
}

static json_t *view_project(const ss_project *p)
{
    json_t *v = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:I, s:s, s:I, s:o}", "id", (json_int_t)p->id, "contest_id",
                          (json_int_t)p->contest_id, "org_id", (json_int_t)p->org_id, "org_name",
                          p->org_name ? p->org_name : "", "title", p->title, "summary", p->summary ? p->summary : "",
                          "budget_cents", (json_int_t)p->budget_cents, "status", p->status, "vote_count",
                          (json_int_t)p->votes, "created_at", ss_json_time(p->created_at));
    if (p->reject_reason) json_object_set_new(v, "reject_reason", json_string(p->reject_reason));
    return v;
}

/* {title, community_id?, budget_cents, votes_per_user_per_day, submit_until, vote_from, vote_until} -> 201 */
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
    const char *field, *why;
    if (c.submit_until && c.vote_from && c.vote_until &&
        ss_contest_check_times(req->now, c.submit_until, c.vote_from, c.vote_until, &field, &why) != 0)
        ss_v_fail(&v, field, why);
    if (c.community_id && ss_store_community_exists(req->db, req->arena, c.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    if ((rc = ss_store_contest_create(req->db, req->arena, &c, req->caller.user_id, &c.id)) ||
        (rc = ss_audit(req, "contest.create", "contest", c.id, c.community_id, "created")))
        return rc;
    c.created_at = req->now;
    return ss_reply_json(req, 201, view_contest(&c, req->now));
}

static int load_contest(ss_req *req, ss_contest *c)
{
    return ss_store_contest_get(req->db, req->arena, ss_req_param(req, 0), c);
}

static int contest_get(ss_req *req)
{
    ss_contest c;
    int rc = load_contest(req, &c);
    return rc ? rc : ss_reply_json(req, 200, view_contest(&c, req->now));
}

/* ?limit&cursor -> newest first */
static int contest_list(ss_req *req)
{
    int limit, n, rc;
    long long before;
    ss_contest *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)))
        return rc;
    if ((rc = ss_store_contest_list(req->db, req->arena, before, limit, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_contest(&items[i], req->now));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* {org_id, title, summary, budget_cents} by that org's leader -> 201 {id, status: "submitted"} */
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
    rc = ss_policy_load_check(req->db, req->arena, &req->caller, SS_SUBJECT_ORG, p.org_id, SS_RULE_ORG_LEADER, &org);
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
    if ((rc = ss_store_project_create(req->db, req->arena, &p, req->caller.user_id, &p.id))) return rc;
    p.org_name = org.org.name;
    return ss_reply_json(req, 201, view_project(&p));
}

/* -> approved projects with vote_count; admins see every project and its status */
static int project_list(ss_req *req)
{
    ss_contest c;
    ss_project *items;
    int n, rc = load_contest(req, &c);
    if (rc) return rc;
    int all = req->caller.authenticated && req->caller.user.is_admin;
    if ((rc = ss_store_project_list(req->db, req->arena, c.id, all, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_project(&items[i]));
    return ss_reply_list(req, arr, NULL);
}

static int decide(ss_req *req, const char *status, const char *reason)
{
    int rc = ss_store_project_decide(req->db, req->arena, ss_req_param(req, 0), status, reason, req->caller.user_id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc || (rc = ss_audit(req, strcmp(status, "approved") == 0 ? "contest_project.approve" : "contest_project.reject",
                             "contest_project", ss_req_param(req, 0), 0, status)))
        return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:s}", "id", (json_int_t)ss_req_param(req, 0), "status", status));
}

/* -> 200 {status: "approved"}; the project can now receive votes */
static int project_approve(ss_req *req) { return decide(req, "approved", NULL); }

/* {reason} -> 200 {status: "rejected"} */
static int project_reject(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *reason = ss_v_string(&v, "reason", 1, 1, 500);
    if ((rc = ss_v_finish(&v))) return rc;
    return decide(req, "rejected", reason);
}

/* -> {contest_id, budget_cents, budget_left_cents, items: [{rank, project..., funded}]} */
static int contest_results(ss_req *req)
{
    ss_contest c;
    ss_project *items;
    int n, rc = load_contest(req, &c);
    if (rc) return rc;
    if ((rc = ss_store_project_list(req->db, req->arena, c.id, 0, &items, &n))) return rc;
    ss_result_row *rows = ss_arena_calloc(req->arena, (size_t)(n + 1) * sizeof *rows);
    for (int i = 0; i < n; i++) rows[i] = (ss_result_row){items[i].id, items[i].votes, items[i].budget_cents, 0};
    ss_contest_rank(rows, n, c.budget_cents);
    json_t *arr = json_array();
    long long left = c.budget_cents;
    for (int i = 0; i < n; i++) {
        const ss_project *p = NULL;
        for (int k = 0; k < n && !p; k++)
            if (items[k].id == rows[i].project_id) p = &items[k];
        json_t *v = view_project(p);
        json_object_set_new(v, "rank", json_integer(i + 1));
        json_object_set_new(v, "funded", json_boolean(rows[i].funded));
        if (rows[i].funded) left -= rows[i].budget_cents;
        json_array_append_new(arr, v);
    }
    return ss_reply_json(req, 200,
                         json_pack("{s:I, s:I, s:I, s:b, s:o}", "contest_id", (json_int_t)c.id, "budget_cents",
                                   (json_int_t)c.budget_cents, "budget_left_cents", (json_int_t)left, "final",
                                   req->now >= c.vote_until, "items", arr));
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
};
const ss_route_table ss_contest_routes = {routes, sizeof routes / sizeof routes[0]};
