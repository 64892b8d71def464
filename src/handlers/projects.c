/* Service projects (项目清单) and resources (资源清单): an org's leader proposes a project that
 * answers needs of a community; the community's admin (or an admin) approves and evaluates it, the
 * leader starts and completes it (src/domain/project.c holds the order); the org's staff link
 * activities to it; community staff list resources, which the community's admin matches to
 * projects. Projects and resources are public. Their texts go through the content check: a
 * project whose title, summary, evaluation report or a resource's matching note WeChat sends to
 * review (or could not check) is held, seen by its proposer and the community's staff only, and
 * a resource likewise is not listed, until a person passes it. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "domain/project.h"
#include "handlers/handlers.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/needs.h"
#include "store/orgs.h"

static const char *const project_kinds[] = {"purchase", "micro_venture", "self_funded", NULL};
static const char *const resource_kinds[] = {"funds", "venue", "people", "goods", NULL};

#define MAX_NEEDS 20

static json_t *view_sproject(const ss_service_project *p)
{
    json_t *v = json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:o}", "id", (json_int_t)p->id,
                          "org_id", (json_int_t)p->org_id, "org_name", p->org_name ? p->org_name : "", "community_id",
                          (json_int_t)p->community_id, "title", p->title, "summary", p->summary, "kind", p->kind,
                          "budget_cents", (json_int_t)p->budget_cents, "starts_on", p->starts_on, "ends_on",
                          p->ends_on, "status", p->status, "created_at", ss_json_time(p->created_at));
    json_object_set_new(v, "score", p->score >= 0 ? json_integer(p->score) : json_null());
    json_object_set_new(v, "report", p->report ? json_string(p->report) : json_null());
    json_object_set_new(v, "content_status", json_string(p->content_status ? p->content_status : "visible"));
    return v;
}

static json_t *view_resource(const ss_resource *r)
{
    json_t *v = json_pack("{s:I, s:I, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)r->id, "community_id",
                          (json_int_t)r->community_id, "kind", r->kind, "provider", r->provider, "description",
                          r->description, "quantity", (json_int_t)r->quantity, "created_at",
                          ss_json_time(r->created_at));
    if (r->note) json_object_set_new(v, "note", json_string(r->note));
    json_object_set_new(v, "content_status", json_string(r->content_status ? r->content_status : "visible"));
    return v;
}

static json_t *id_array(const long long *ids, int n)
{
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, json_integer(ids[i]));
    return arr;
}

/* A calendar date "YYYY-MM-DD" between 1970 and 2037 (what the store can hold). */
static const char *v_date(ss_v *v, const char *name)
{
    const char *s = ss_v_string(v, name, 1, 10, 10);
    int y, m, d;
    char tail;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (!s) return NULL;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-' || y < 1970 || y > 2037 ||
        m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
        (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))) {
        ss_v_fail(v, name, "must be a date YYYY-MM-DD between 1970 and 2037");
        return NULL;
    }
    return s;
}

/* need_ids: an array of up to MAX_NEEDS positive integers (wrong types: 400). */
static int v_need_ids(ss_v *v, json_t *body, long long *ids)
{
    json_t *arr = json_object_get(body, "need_ids"), *x;
    size_t i;
    int n = 0;
    if (!arr || json_is_null(arr)) return 0;
    if (!json_is_array(arr)) {
        v->bad_type = 1;
        ss_v_fail(v, "need_ids", "must be an array of need ids");
        return 0;
    }
    if (json_array_size(arr) > MAX_NEEDS) {
        ss_v_fail(v, "need_ids", "at most 20 needs");
        return 0;
    }
    json_array_foreach(arr, i, x) {
        if (!json_is_integer(x)) {
            v->bad_type = 1;
            ss_v_fail(v, "need_ids", "must be an array of need ids");
            return 0;
        }
        if (json_integer_value(x) < 1) {
            ss_v_fail(v, "need_ids", "no such need");
            return 0;
        }
        ids[n++] = (long long)json_integer_value(x);
    }
    return n;
}

/* {org_id, community_id, title, summary, kind, budget_cents, starts_on, ends_on, need_ids} by the
 * org's leader -> 201 {id, status: "proposed", ...} */
static int sproject_create(ss_req *req)
{
    int rc;
    ss_v v;
    json_t *body;
    long long needs[MAX_NEEDS], bad_need = 0;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    ss_service_project p = {.status = "proposed", .score = -1, .proposed_by = req->caller.user_id,
                            .created_at = req->now};
    p.org_id = ss_v_int(&v, "org_id", 1, 1, INT64_MAX, 0, NULL);
    p.community_id = ss_v_int(&v, "community_id", 1, 1, INT64_MAX, 0, NULL);
    p.title = ss_v_string(&v, "title", 1, 2, 100);
    p.summary = ss_v_string(&v, "summary", 1, 1, 2000);
    p.kind = ss_v_enum(&v, "kind", 1, project_kinds);
    p.budget_cents = ss_v_int(&v, "budget_cents", 1, 0, SS_PROJECT_BUDGET_MAX_CENTS, 0, NULL);
    p.starts_on = v_date(&v, "starts_on");
    p.ends_on = v_date(&v, "ends_on");
    int nneeds = v_need_ids(&v, body, needs);
    if (p.starts_on && p.ends_on && strcmp(p.ends_on, p.starts_on) < 0) ss_v_fail(&v, "ends_on", "before starts_on");
    if (p.community_id && ss_store_community_exists(req->db, req->arena, p.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    ss_policy_subject org;
    rc = ss_policy_load_check(req->db, req->app->near, req->arena, &req->caller, SS_SUBJECT_ORG, p.org_id, SS_RULE_ORG_LEADER, &org);
    if (rc == SS_ENOTFOUND) {
        ss_v_fail(&v, "org_id", "no such organization");
        return ss_v_finish(&v);
    }
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "org_not_filed");
    if (rc) return rc;
    req->subject = org;
    int review;
    const ss_content_text texts[] = {{"title", p.title}, {"summary", p.summary}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 2, &review))) return rc;
    rc = ss_store_sproject_create(req->db, req->arena, &p, needs, nneeds, &p.id, &bad_need);
    if (rc == SS_EINVALID) {
        ss_v_fail(&v, "need_ids", "no such need in this community");
        return ss_v_finish(&v);
    }
    if (rc || (rc = ss_content_hold(req, review, "service_project", p.id, p.community_id)) ||
        (rc = ss_audit(req, "service_project.propose", "service_project", p.id, p.community_id, "proposed")))
        return rc;
    p.org_name = org.org.name;
    p.content_status = review ? "review" : "visible";
    json_t *out = view_sproject(&p);
    json_object_set_new(out, "need_ids", id_array(needs, nneeds));
    return ss_reply_json(req, 201, out);
}

/* ?community_id&status&limit&cursor -> projects, newest first */
static int sproject_list(ss_req *req)
{
    int limit, n, rc;
    long long community, before;
    const char *status;
    ss_service_project *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)) ||
        (rc = ss_req_query_int(req, "community_id", 0, INT64_MAX, 0, &community)) ||
        (rc = ss_req_query_str(req, "status", &status)))
        return rc;
    if (status && ss_project_state_parse(status) < 0)
        return ss_reply_invalid(req, json_pack("{s:s}", "status", "unknown status"));
    if ((rc = ss_store_sproject_list(req->db, req->arena, community, status, before, limit, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_sproject(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* -> the project with need_ids, activity_ids and resources */
static int sproject_get(ss_req *req)
{
    ss_service_project p;
    long long *needs, *acts;
    int nn, na, nr, rc;
    ss_resource *res;
    if ((rc = ss_store_sproject_get(req->db, req->arena, ss_req_param(req, 0), &p))) return rc;
    if (strcmp(p.content_status, "visible") != 0) {   /* held: its proposer and the community's staff */
        int staff = 0;
        if (!req->caller.authenticated) return SS_ENOTFOUND;
        if (req->caller.user_id != p.proposed_by &&
            (rc = ss_handler_community_staff(req, p.community_id, &staff)))
            return rc;
        if (req->caller.user_id != p.proposed_by && !staff) return SS_ENOTFOUND;
    }
    if ((rc = ss_store_sproject_links(req->db, req->arena, p.id, &needs, &nn, &acts, &na)) ||
        (rc = ss_store_sproject_resources(req->db, req->arena, p.id, &res, &nr)))
        return rc;
    json_t *v = view_sproject(&p), *arr = json_array();
    json_object_set_new(v, "need_ids", id_array(needs, nn));
    json_object_set_new(v, "activity_ids", id_array(acts, na));
    for (int i = 0; i < nr; i++) json_array_append_new(arr, view_resource(&res[i]));
    json_object_set_new(v, "resources", arr);
    return ss_reply_json(req, 200, v);
}

/* One lifecycle step. approve and evaluate: an admin or the community's admin; start and
 * complete: the org's leader. Out of order: 409 invalid_state. */
static int sproject_step(ss_req *req, const char *action)
{
    ss_service_project p;
    int rc = ss_store_sproject_get(req->db, req->arena, ss_req_param(req, 0), &p);
    if (rc) return rc;
    int by_approver = strcmp(action, "approve") == 0 || strcmp(action, "evaluate") == 0;
    if (by_approver) {
        if (!ss_policy_is_community_admin(&req->caller, p.community_id)) return SS_EFORBIDDEN;
    } else {
        rc = ss_policy_load_check(req->db, req->app->near, req->arena, &req->caller, SS_SUBJECT_ORG, p.org_id, SS_RULE_ORG_LEADER,
                                  &req->subject);
        if (rc == SS_ENOTFOUND || rc == SS_ECONFLICT) return SS_EFORBIDDEN;
        if (rc) return rc;
    }
    int score = -1, review = SS_CONTENT_OK;
    const char *report = NULL;
    if (strcmp(action, "evaluate") == 0) {
        ss_v v;
        if ((rc = ss_v_body(&v, req, NULL))) return rc;
        score = (int)ss_v_int(&v, "score", 1, 0, 100, -1, NULL);
        report = ss_v_string(&v, "report", 1, 1, 4000);
        if ((rc = ss_v_finish(&v))) return rc;
        const ss_content_text texts[] = {{"report", report}};
        if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 1, &review))) return rc;
    }
    int from = ss_project_state_parse(p.status), to = from < 0 ? -1 : ss_project_next((ss_project_state)from, action);
    if (to < 0) return ss_reply_error(req, "invalid_state");
    const char *to_name = ss_project_state_name((ss_project_state)to);
    rc = ss_store_sproject_transition(req->db, req->arena, p.id, p.status, to_name, score, report);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    char action_name[48], summary[64];
    snprintf(action_name, sizeof action_name, "service_project.%s", action);
    snprintf(summary, sizeof summary, "%s -> %s", p.status, to_name);
    if (rc || (rc = ss_content_hold(req, review, "service_project", p.id, p.community_id)) ||
        (rc = ss_audit(req, action_name, "service_project", p.id, p.community_id, summary)))
        return rc;
    p.status = to_name;
    if (score >= 0) p.score = score, p.report = report;
    if (review) p.content_status = "review";
    return ss_reply_json(req, 200, view_sproject(&p));
}

static int sproject_approve(ss_req *req) { return sproject_step(req, "approve"); }
static int sproject_start(ss_req *req) { return sproject_step(req, "start"); }
static int sproject_complete(ss_req *req) { return sproject_step(req, "complete"); }
static int sproject_evaluate(ss_req *req) { return sproject_step(req, "evaluate"); }

/* {project_id} by the activity's org staff -> 200 {activity_id, project_id}; the project must
 * be the same org's and not yet evaluated */
static int activity_link(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    long long pid = ss_v_int(&v, "project_id", 1, 1, INT64_MAX, 0, NULL);
    if ((rc = ss_v_finish(&v))) return rc;
    ss_service_project p;
    rc = ss_store_sproject_get(req->db, req->arena, pid, &p);
    if (rc == SS_OK && p.org_id != req->subject.activity.org_id) rc = SS_ENOTFOUND;
    if (rc == SS_ENOTFOUND) {
        ss_v_fail(&v, "project_id", "no such project of this organization");
        return ss_v_finish(&v);
    }
    if (rc) return rc;
    if (strcmp(p.status, "evaluated") == 0 || strcmp(p.status, "proposed") == 0)
        return ss_reply_error(req, "invalid_state");
    const ss_activity *a = &req->subject.activity;
    if ((rc = ss_store_activity_link_project(req->db, req->arena, a->id, p.id, req->caller.user_id)) ||
        (rc = ss_audit(req, "activity.link_project", "activity", a->id, 0, "linked")))
        return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:I}", "activity_id", (json_int_t)a->id, "project_id",
                                             (json_int_t)p.id));
}

/* {community_id, kind, provider, description, quantity} by community staff -> 201 */
static int resource_create(ss_req *req)
{
    int rc, staff = 0;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_resource r = {.created_by = req->caller.user_id, .created_at = req->now};
    r.community_id = ss_v_int(&v, "community_id", 1, 1, INT64_MAX, 0, NULL);
    r.kind = ss_v_enum(&v, "kind", 1, resource_kinds);
    r.provider = ss_v_string(&v, "provider", 1, 1, 100);
    r.description = ss_v_string(&v, "description", 1, 1, 1000);
    r.quantity = ss_v_int(&v, "quantity", 1, 1, 1000000000LL, 0, NULL);
    if (r.community_id && ss_store_community_exists(req->db, req->arena, r.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    if ((rc = ss_handler_community_staff(req, r.community_id, &staff))) return rc;
    if (!staff) return SS_EFORBIDDEN;
    int review;
    const ss_content_text texts[] = {{"provider", r.provider}, {"description", r.description}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 2, &review))) return rc;
    if ((rc = ss_store_resource_create(req->db, req->arena, &r, &r.id)) ||
        (rc = ss_content_hold(req, review, "resource", r.id, r.community_id)) ||
        (rc = ss_audit(req, "resource.create", "resource", r.id, r.community_id, r.kind)))
        return rc;
    r.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, view_resource(&r));
}

/* ?community_id&kind&limit&cursor -> resources, newest first */
static int resource_list(ss_req *req)
{
    int limit, n, rc, k;
    long long community, before;
    const char *kind;
    ss_resource *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)) ||
        (rc = ss_req_query_int(req, "community_id", 0, INT64_MAX, 0, &community)) ||
        (rc = ss_req_query_str(req, "kind", &kind)))
        return rc;
    for (k = 0; kind && resource_kinds[k] && strcmp(resource_kinds[k], kind) != 0; k++) {}
    if (kind && !resource_kinds[k]) return ss_reply_invalid(req, json_pack("{s:s}", "kind", "unknown kind"));
    if ((rc = ss_store_resource_list(req->db, req->arena, community, kind, before, limit, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_resource(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* {resource_id, note} by the project community's admin -> 201 (again: 200, note updated) */
static int resource_match(ss_req *req)
{
    ss_service_project p;
    ss_resource r;
    int rc = ss_store_sproject_get(req->db, req->arena, ss_req_param(req, 0), &p), created;
    if (rc) return rc;
    if (!ss_policy_is_community_admin(&req->caller, p.community_id)) return SS_EFORBIDDEN;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    long long rid = ss_v_int(&v, "resource_id", 1, 1, INT64_MAX, 0, NULL);
    const char *note = ss_v_string(&v, "note", 0, 0, 500);
    if ((rc = ss_v_finish(&v))) return rc;
    rc = ss_store_resource_get(req->db, req->arena, rid, &r);
    if (rc == SS_OK && r.community_id != p.community_id) rc = SS_ENOTFOUND;
    if (rc == SS_ENOTFOUND) {
        ss_v_fail(&v, "resource_id", "no such resource in the project's community");
        return ss_v_finish(&v);
    }
    if (rc) return rc;
    if (strcmp(p.status, "evaluated") == 0) return ss_reply_error(req, "invalid_state");
    if (!note) note = "";
    int review;   /* the note shows on the project: a held note holds the project */
    const ss_content_text texts[] = {{"note", note}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 1, &review))) return rc;
    if ((rc = ss_store_resource_match(req->db, req->arena, p.id, r.id, note, req->caller.user_id, &created)) ||
        (rc = ss_content_hold(req, review, "service_project", p.id, p.community_id)) ||
        (rc = ss_audit(req, "service_project.match_resource", "service_project", p.id, p.community_id, r.kind)))
        return rc;
    r.note = note;
    json_t *out = view_resource(&r);
    json_object_set_new(out, "project_id", json_integer(p.id));
    return ss_reply_json(req, created ? 201 : 200, out);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/service-projects", sproject_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/service-projects", sproject_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/service-projects/{id}", sproject_get, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/service-projects/{id}/approve", sproject_approve, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/service-projects/{id}/start", sproject_start, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/service-projects/{id}/complete", sproject_complete, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/service-projects/{id}/evaluate", sproject_evaluate, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/service-projects/{id}/resources", resource_match, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"POST", "/api/v1/activities/{id}/project", activity_link, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"POST", "/api/v1/resources", resource_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/resources", resource_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_project_routes = {routes, sizeof routes / sizeof routes[0]};
