/* The audit log for approvers: GET /api/v1/audit?object_type=&object_id=&actor_id= (admins see
 * every row; community admins the rows of the communities they administer; others 403).
 * Rows are appended by http/audit.c in the transaction of each change. */
#include <stdint.h>
#include <stdio.h>

#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/audit.h"

static json_t *view_entry(const ss_audit_entry *e)
{
    json_t *v = json_pack("{s:I, s:o, s:I, s:s, s:s, s:s, s:I, s:s, s:s}", "id", (json_int_t)e->id, "at",
                          ss_json_time(e->at), "actor_id", (json_int_t)e->actor_id, "actor_role", e->actor_role,
                          "action", e->action, "object_type", e->object_type, "object_id",
                          (json_int_t)e->object_id, "summary", e->summary ? e->summary : "", "request_id",
                          e->request_id ? e->request_id : "");
    json_object_set_new(v, "community_id", e->community_id ? json_integer(e->community_id) : json_null());
    return v;
}

/* ?object_type&object_id&actor_id&limit&cursor -> {items, next_cursor}, newest first */
static int audit_list(ss_req *req)
{
    const ss_user *u = &req->caller.user;
    ss_audit_filter f = {.all_communities = u->is_admin, .viewer_id = req->caller.user_id};
    long long before;
    int rc;
    if ((rc = ss_req_limit(req, &f.limit)) || (rc = ss_req_query_str(req, "object_type", &f.object_type)) ||
        (rc = ss_req_query_int(req, "object_id", 1, INT64_MAX, 0, &f.object_id)) ||
        (rc = ss_req_query_int(req, "actor_id", 1, INT64_MAX, 0, &f.actor_id)) ||
        (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, 0, &before)))
        return rc;
    f.before_id = before;
    ss_audit_entry *items;
    int n;
    if ((rc = ss_store_audit_list(req->db, req->arena, &f, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, view_entry(&items[i]));
    char next[32];
    if (n == f.limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == f.limit ? next : NULL);
}

static const ss_route routes[] = {
    {"GET", "/api/v1/audit", audit_list, SS_ACCESS_APPROVER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_audit_routes = {routes, sizeof routes / sizeof routes[0]};
