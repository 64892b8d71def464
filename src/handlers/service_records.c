/* The service-time ledger (志愿服务时长): the volunteer's own records and total, an
 * activity's records for its staff (the audit of who credited what), and corrections by
 * the org's leader or social workers, appended with a reason, never edited. */
#include <stdint.h>
#include <stdio.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/audit.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/volunteers.h"

#define CORRECTION_MAX_MINUTES (24 * 60)

/* {user_id, minutes (-1440..1440, not 0), reason} -> 201 the new row */
static int correction_create(ss_req *req)
{
    int rc;
    json_t *body;
    ss_v v;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    long long user_id = ss_v_int(&v, "user_id", 1, 1, INT64_MAX, 0, NULL);
    long minutes = (long)ss_v_int(&v, "minutes", 1, -CORRECTION_MAX_MINUTES, CORRECTION_MAX_MINUTES, 0, NULL);
    const char *reason = ss_v_string(&v, "reason", 1, 2, 500);
    if (json_is_integer(json_object_get(body, "minutes")) && json_integer_value(json_object_get(body, "minutes")) == 0)
        ss_v_fail(&v, "minutes", "a correction changes something: not 0");
    if ((rc = ss_v_finish(&v))) return rc;
    ss_service_record r;
    rc = ss_store_service_correct(req->db, req->arena, user_id, req->subject.activity.id, minutes, reason,
                                  req->caller.user_id, &r);
    if (rc == SS_ENOTFOUND) ss_v_fail(&v, "user_id", "this person neither signed up for nor checked in to the activity");
    if (rc == SS_EINVALID) ss_v_fail(&v, "minutes", "would make the person's minutes for this activity negative");
    if (rc == SS_ENOTFOUND || rc == SS_EINVALID) return ss_v_finish(&v);
    char summary[96];
    snprintf(summary, sizeof summary, "user %lld %+ld minutes", user_id, minutes);
    if (rc || (rc = ss_audit(req, "service_record.correct", "activity", req->subject.activity.id, 0, summary)))
        return rc;
    r.title = req->subject.activity.title;
    r.org_name = req->subject.activity.org_name;
    r.activity_starts_at = req->subject.activity.starts_at;
    r.created_at = req->now;
    json_t *view = ss_view_service_record(&r);
    json_object_set_new(view, "user_id", json_integer(r.user_id));
    return ss_reply_json(req, 201, view);
}

/* ?limit&cursor -> {items, next_cursor}: every row of the activity, oldest first */
static int activity_records(ss_req *req)
{
    int limit, n, rc;
    long long after;
    ss_service_record *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 0, INT64_MAX, 0, &after)))
        return rc;
    rc = ss_store_service_records_for_activity(req->db, req->arena, req->subject.activity.id, after, limit, &items, &n);
    if (rc) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *v = ss_view_service_record(&items[i]);
        json_object_set_new(v, "user_id", json_integer(items[i].user_id));
        json_array_append_new(arr, v);
    }
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* ?limit&cursor -> {total_minutes, items: [{activity_id, org_name, title, date, minutes, kind, ...}], next_cursor} */
static int my_records(ss_req *req)
{
    int limit, n, rc;
    long long before;
    long total;
    ss_service_record *items;
    if ((rc = ss_req_limit(req, &limit)) ||
        (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)))
        return rc;
    rc = ss_store_service_records_of(req->db, req->arena, req->caller.user_id, before, limit, &items, &n, &total);
    if (rc) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, ss_view_service_record(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_json(req, 200,
                         json_pack("{s:I, s:o, s:s?}", "total_minutes", (json_int_t)total, "items", arr, "next_cursor",
                                   n == limit ? next : NULL));
}

static const ss_route routes[] = {
    {"POST", "/api/v1/activities/{id}/service-records", correction_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"GET", "/api/v1/activities/{id}/service-records", activity_records, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"GET", "/api/v1/me/service-records", my_records, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_service_record_routes = {routes, sizeof routes / sizeof routes[0]};
