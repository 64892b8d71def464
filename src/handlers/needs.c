/* Residents' needs (需求清单): anyone signed in raises one and supports others (once each);
 * the community's admin or staff of its filed organizations triage them; anyone lists them,
 * by support or newest first, with the projects that answer them. */
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

static const char *const need_categories[] = {"relief",  "consultation", "safety",      "culture",
                                              "elderly", "children",     "environment", "other", NULL};
static const char *const need_states[] = {"open", "accepted", "declined", "resolved", NULL};
static const char *const triage_states[] = {"accepted", "declined", "resolved", NULL};

static json_t *view_need(const ss_need *n)
{
    json_t *v = json_pack("{s:I, s:I, s:s, s:s, s:s, s:s, s:I, s:o}", "id", (json_int_t)n->id, "community_id",
                          (json_int_t)n->community_id, "category", n->category, "title", n->title, "description",
                          n->description, "status", n->status, "support_count", (json_int_t)n->support_count,
                          "created_at", ss_json_time(n->created_at));
    json_object_set_new(v, "triage_note", n->triage_note ? json_string(n->triage_note) : json_null());
    json_object_set_new(v, "content_status", json_string(n->content_status ? n->content_status : "visible"));
    return v;
}

/* Admin, the community's admin, or the leader or a social worker of a filed org there. */
int ss_handler_community_staff(ss_req *req, long long community_id, int *yes)
{
    *yes = 0;
    if (ss_policy_is_community_admin(&req->caller, community_id)) return *yes = 1, SS_OK;
    return ss_store_is_community_staff(req->db, req->arena, req->caller.user_id, community_id, yes);
}

/* {community_id, category, title, description} -> 201 {id, status: "open", ...} */
static int need_create(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_need n = {.status = "open", .raised_by = req->caller.user_id, .created_at = req->now};
    n.community_id = ss_v_int(&v, "community_id", 1, 1, INT64_MAX, 0, NULL);
    n.category = ss_v_enum(&v, "category", 1, need_categories);
    n.title = ss_v_string(&v, "title", 1, 2, 100);
    n.description = ss_v_string(&v, "description", 1, 1, 2000);
    if (n.community_id && ss_store_community_exists(req->db, req->arena, n.community_id) == SS_ENOTFOUND)
        ss_v_fail(&v, "community_id", "no such community");
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"title", n.title}, {"description", n.description}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 2, &review))) return rc;
    if ((rc = ss_store_need_create(req->db, req->arena, &n, &n.id)) ||
        (rc = ss_content_hold(req, review, "need", n.id, n.community_id)))
        return rc;
    n.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, view_need(&n));
}

/* ?community_id&status&sort=support|new&limit&cursor -> needs with support_count */
static int need_list(ss_req *req)
{
    int limit, n, rc;
    const char *status, *sort, *cursor;
    ss_need_filter f = {0};
    ss_need *items;
    if ((rc = ss_req_limit(req, &limit)) ||
        (rc = ss_req_query_int(req, "community_id", 0, INT64_MAX, 0, &f.community_id)) ||
        (rc = ss_req_query_str(req, "status", &status)) || (rc = ss_req_query_str(req, "sort", &sort)) ||
        (rc = ss_req_query_str(req, "cursor", &cursor)))
        return rc;
    json_t *bad = json_object();
    int i;
    for (i = 0; status && need_states[i] && strcmp(need_states[i], status) != 0; i++) {}
    if (status && !need_states[i]) json_object_set_new(bad, "status", json_string("must be open, accepted, declined or resolved"));
    if (sort && strcmp(sort, "support") != 0 && strcmp(sort, "new") != 0)
        json_object_set_new(bad, "sort", json_string("must be support or new"));
    f.by_support = !sort || strcmp(sort, "support") == 0;
    if (cursor) {
        char tail;
        int ok = f.by_support ? sscanf(cursor, "%lld.%lld%c", &f.after_support, &f.after_id, &tail) == 2
                              : sscanf(cursor, "%lld%c", &f.after_id, &tail) == 1;
        if (!ok || f.after_id <= 0 || f.after_support < 0) json_object_set_new(bad, "cursor", json_string("invalid"));
    }
    if (json_object_size(bad)) return ss_reply_invalid(req, bad);
    json_decref(bad);
    f.status = status;
    f.limit = limit;
    if ((rc = ss_store_need_list(req->db, req->arena, &f, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int k = 0; k < n; k++) json_array_append_new(arr, view_need(&items[k]));
    char next[64];
    if (n == limit) {
        if (f.by_support) snprintf(next, sizeof next, "%lld.%lld", items[n - 1].support_count, items[n - 1].id);
        else snprintf(next, sizeof next, "%lld", items[n - 1].id);
    }
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* -> the need with project_ids (the projects that answer it) */
static int need_get(ss_req *req)
{
    ss_need n;
    long long *ids;
    int np, staff, rc = ss_store_need_get(req->db, req->arena, ss_req_param(req, 0), &n);
    if (rc) return rc;
    /* text held for content review: its raiser and the community's staff only */
    if (n.content_status && strcmp(n.content_status, "visible") != 0 &&
        !(req->caller.authenticated && req->caller.user_id == n.raised_by)) {
        if (!req->caller.authenticated) return SS_ENOTFOUND;
        if ((rc = ss_handler_community_staff(req, n.community_id, &staff))) return rc;
        if (!staff) return SS_ENOTFOUND;
    }
    if ((rc = ss_store_need_projects(req->db, req->arena, n.id, &ids, &np))) return rc;
    json_t *v = view_need(&n), *arr = json_array();
    for (int i = 0; i < np; i++) json_array_append_new(arr, json_integer(ids[i]));
    json_object_set_new(v, "project_ids", arr);
    return ss_reply_json(req, 200, v);
}

/* -> 200 {id, support_count}: once per person, a repeat changes nothing */
static int need_support(ss_req *req)
{
    long long count;
    int rc = ss_store_need_support(req->db, req->arena, ss_req_param(req, 0), req->caller.user_id, &count);
    if (rc) return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:I}", "id", (json_int_t)ss_req_param(req, 0), "support_count",
                                             (json_int_t)count));
}

/* {status: accepted|declined|resolved, note} by community staff -> 200 the need. The note shows
 * on the need: it goes through the content check (review: the need is held until passed). */
static int need_triage(ss_req *req)
{
    int rc, staff;
    ss_need n;
    ss_v v;
    if ((rc = ss_store_need_get(req->db, req->arena, ss_req_param(req, 0), &n))) return rc;
    if ((rc = ss_handler_community_staff(req, n.community_id, &staff))) return rc;
    if (!staff) return SS_EFORBIDDEN;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *status = ss_v_enum(&v, "status", 1, triage_states);
    const char *note = ss_v_string(&v, "note", 0, 0, 500);
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"note", note}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 1, &review))) return rc;
    const char *from;
    rc = ss_store_need_triage(req->db, req->arena, n.id, status, note, req->caller.user_id, ss_need_triage_ok, &from);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_OK && (rc = ss_content_hold(req, review, "need", n.id, n.community_id)) == SS_OK && review)
        n.content_status = "review";
    char summary[64];
    snprintf(summary, sizeof summary, "%s -> %s", from ? from : "?", status);
    if (rc || (rc = ss_audit(req, "need.triage", "need", n.id, n.community_id, summary))) return rc;
    n.status = status;
    if (note) n.triage_note = note;
    return ss_reply_json(req, 200, view_need(&n));
}

static const ss_route routes[] = {
    {"POST", "/api/v1/needs", need_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/needs", need_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/needs/{id}", need_get, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/needs/{id}/support", need_support, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/needs/{id}/triage", need_triage, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_need_routes = {routes, sizeof routes / sizeof routes[0]};
