/* The caller's notifications: the in-app inbox, marking one read, and one-time WeChat
 * subscriptions (the grant wx.requestSubscribeMessage returned in the mini-program), which let
 * the sender push the next matching notice through WeChat. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/activities.h"
#include "store/notifications.h"

/* ?unread=1&limit&cursor -> {items: [{id, kind, title, body, activity_id, object_id, created_at,
 * read_at}], next_cursor}, newest first */
static int inbox(ss_req *req)
{
    int limit, n, rc;
    long long before, unread;
    ss_notification *items;
    if ((rc = ss_req_limit(req, &limit)) ||
        (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)) ||
        (rc = ss_req_query_int(req, "unread", 0, 1, 0, &unread)))
        return rc;
    if ((rc = ss_store_inbox(req->db, req->arena, req->caller.user_id, (int)unread, before, limit, &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        const ss_notification *x = &items[i];
        json_array_append_new(
            arr, json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", (json_int_t)x->id, "kind", x->kind,
                           "title", x->title, "body", x->body, "activity_id",
                           x->activity_id ? json_integer(x->activity_id) : json_null(), "object_id",
                           x->object_id ? json_integer(x->object_id) : json_null(), "created_at",
                           ss_json_time(x->created_at), "read_at", x->read_at ? ss_json_time(x->read_at) : json_null()));
    }
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* -> 204; again: 204; someone else's or unknown: 404 */
static int mark_read(ss_req *req)
{
    int rc = ss_store_notification_read(req->db, req->arena, req->caller.user_id, ss_req_param(req, 0));
    return rc ? rc : ss_reply_empty(req, 204);
}

/* {template_id, activity_id?} -> 201 {id, template_id, activity_id}: one WeChat message of that
 * template may now reach the caller (for that activity, or any). template_id must be one the
 * server sends (config wx_tpl_*); an activity the caller cannot see: 422. */
static int subscribe(ss_req *req)
{
    int rc, has_activity = 0;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *tpl = ss_v_string(&v, "template_id", 1, 1, 64);
    long long activity_id = ss_v_int(&v, "activity_id", 0, 1, INT64_MAX, 0, &has_activity);
    const ss_config *cfg = req->app->cfg;
    if (tpl && strcmp(tpl, cfg->wx_tpl_reminder) != 0 && strcmp(tpl, cfg->wx_tpl_activity) != 0 &&
        strcmp(tpl, cfg->wx_tpl_decision) != 0)
        ss_v_fail(&v, "template_id", "not a template this service sends");
    if (activity_id) {
        ss_policy_subject s;
        rc = ss_policy_load_check(req->db, req->app->near, req->arena, &req->caller, SS_SUBJECT_ACTIVITY, activity_id,
                                  SS_RULE_VISIBLE, &s);
        if (rc == SS_ENOTFOUND) ss_v_fail(&v, "activity_id", "no such activity");
        else if (rc) return rc;
    }
    if ((rc = ss_v_finish(&v))) return rc;
    long long id;
    if ((rc = ss_store_subscription_add(req->db, req->arena, req->caller.user_id, tpl, activity_id, &id))) return rc;
    return ss_reply_json(req, 201, json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "template_id", tpl,
                                             "activity_id", activity_id ? json_integer(activity_id) : json_null()));
}

static const ss_route routes[] = {
    {"GET", "/api/v1/me/notifications", inbox, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/me/notifications/{id}/read", mark_read, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/me/subscriptions", subscribe, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_notification_routes = {routes, sizeof routes / sizeof routes[0]};
