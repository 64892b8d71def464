/* The content review queue (内容审核): texts that WeChat's check sent to review, or that could
 * not be checked, wait here hidden from the public until a person passes or rejects them.
 * Admins see every community's items; community admins those of their communities. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "auth/policy.h"
#include "handlers/handlers.h"
#include "http/audit.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/content.h"

static json_t *view_review(const ss_content_review *r)
{
    json_t *v = json_pack("{s:I, s:s, s:I, s:I, s:s, s:s, s:I, s:o}", "id", (json_int_t)r->id, "object_type",
                          r->object_type, "object_id", (json_int_t)r->object_id, "community_id",
                          (json_int_t)r->community_id, "reason", r->reason, "status", r->status, "created_by",
                          (json_int_t)r->created_by, "created_at", ss_json_time(r->created_at));
    json_object_set_new(v, "title", r->title ? json_string(r->title) : json_null());
    json_object_set_new(v, "decided_at", r->decided_at ? ss_json_time(r->decided_at) : json_null());
    return v;
}

static const char *const review_statuses[] = {"pending", "passed", "rejected", NULL};

/* GET /api/v1/content-reviews ?status=pending|passed|rejected (default pending)&limit&cursor ->
 * {items, next_cursor}, oldest first */
static int review_list(ss_req *req)
{
    const ss_user *u = &req->caller.user;
    const char *status;
    long long after;
    int limit, n, rc;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_enum(req, "status", review_statuses, &status)) ||
        (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, 0, &after)))
        return rc;
    ss_content_review *items;
    if ((rc = ss_store_content_reviews(req->db, req->arena, status ? status : "pending", u->community_admin_of,
                                       u->is_admin ? 0 : u->ncommunities, after, limit, &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_review(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* POST /api/v1/content-reviews/{id}/pass|reject -> the item; 403 for an admin of another
 * community; 409 invalid_state when already decided */
static int decide(ss_req *req, int pass)
{
    ss_content_review r;
    long long id = ss_req_param(req, 0);
    int rc = ss_store_content_review_get(req->db, req->arena, id, &r);
    if (rc) return rc;
    /* the queue is staff's: another community's admin is refused, not misled */
    if (!ss_policy_is_community_admin(&req->caller, r.community_id)) return SS_EFORBIDDEN;
    rc = ss_store_content_decide(req->db, req->arena, id, pass, req->caller.user_id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    ss_req_touch_public(req);   /* an activity or org shown or hidden: at once here */
    if (rc == SS_OK && strcmp(r.object_type, "nickname") == 0)
        ss_req_forget_user(req, r.object_id);   /* the cached snapshot holds the old nickname */
    if (rc || (rc = ss_audit(req, pass ? "content.pass" : "content.reject", r.object_type, r.object_id,
                             r.community_id, ss_arena_sprintf(req->arena, "review %lld", id))) ||
        (rc = ss_store_content_review_get(req->db, req->arena, id, &r)))
        return rc;
    return ss_reply_json(req, 200, view_review(&r));
}

static int review_pass(ss_req *req) { return decide(req, 1); }
static int review_reject(ss_req *req) { return decide(req, 0); }

static const ss_route routes[] = {
    {"GET", "/api/v1/content-reviews", review_list, SS_ACCESS_APPROVER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/content-reviews/{id}/pass", review_pass, SS_ACCESS_APPROVER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/content-reviews/{id}/reject", review_reject, SS_ACCESS_APPROVER, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_content_review_routes = {routes, sizeof routes / sizeof routes[0]};
