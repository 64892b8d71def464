/* The service-time ledger (志愿服务时长): the volunteer's own records and total, an
 * activity's records for its staff (the audit of who credited what), and corrections as
 * proposals: by the org's leader or social workers, or asked by the volunteer, decided by a
 * second person (the org's leader, the community's admin or an admin); only an approved one is
 * appended to the ledger, with a reason, never edited. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "domain/checkin.h"
#include "store/corrections.h"
#include "store/volunteers.h"

#define CORRECTION_MAX_MINUTES (24 * 60)

/* The refusals a proposal and a volunteer's request share, after validation: the activity has
 * ended, the person took part, the cap holds. Stores the proposal; replies 201 with it. */
static int propose(ss_req *req, const ss_activity *act, ss_correction *c, const char *minutes_field)
{
    if (req->now < act->ends_at) return ss_reply_error(req, "activity_not_ended");
    c->activity_id = act->id;
    ss_corr_verdict verdict;
    long cap = ss_activity_cap_minutes(act->starts_at, act->ends_at, act->service_minutes);
    int rc = ss_store_correction_propose(req->db, req->arena, c, cap, &verdict);
    if (rc) return rc;
    switch (verdict) {
    case SS_CORR_NOT_PARTICIPANT: return ss_reply_error(req, "not_a_participant");
    case SS_CORR_OVER_CAP: return ss_reply_error(req, "minutes_over_cap");
    case SS_CORR_NEGATIVE: {
        ss_v v;
        ss_v_init(&v, req, NULL);
        ss_v_fail(&v, minutes_field, req->zh ? "会使此人在该活动的时长低于零" :
                                               "would make the person's minutes for this activity negative");
        return ss_v_finish(&v);
    }
    default: break;
    }
    c->created_at = req->now;
    c->title = act->title;
    c->org_name = act->org_name;
    c->org_id = act->org_id;
    char summary[96];
    snprintf(summary, sizeof summary, "%s for user %lld on activity %lld: %+ld minutes", c->kind, c->user_id, act->id,
             c->minutes);
    if ((rc = ss_audit(req, "service_correction.propose", "service_correction", c->id, act->community_id, summary)))
        return rc;
    return ss_reply_json(req, 201, ss_view_correction(c));
}

/* Reasons and notes are read by the person credited, the proposer and staff only: they go
 * through the content check, a risky one is refused (422 content_risky), nothing is held. */
static int check_private(ss_req *req, const char *field, const char *text)
{
    int review;
    const ss_content_text texts[] = {{field, text}};
    return ss_content_check(req, SS_CONTENT_COMMENT, texts, 1, &review);
}

/* POST /activities/{id}/service-records by the org's staff:
 * {user_id, minutes (-1440..1440, not 0), reason} -> 201 {id, status: "pending", ...}: a proposal
 * that a second person decides; not for oneself (403 self_credit_forbidden), only once the
 * activity has ended (409 activity_not_ended), only for a participant (409 not_a_participant),
 * credited + pending + this within the activity's length or service_minutes (422 minutes_over_cap). */
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
    if (user_id == req->caller.user_id) return ss_reply_error(req, "self_credit_forbidden");
    if ((rc = check_private(req, "reason", reason))) return rc;
    ss_correction c = {.user_id = user_id, .kind = "staff", .minutes = minutes, .reason = reason,
                       .proposed_by = req->caller.user_id};
    return propose(req, &req->subject.activity, &c, "minutes");
}

/* POST /me/service-records/requests by a volunteer: {activity_id, minutes (1..1440), reason}
 * -> 201 {id, status: "pending", kind: "request", ...}; the same rules as a staff proposal. */
static int request_create(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    long long activity_id = ss_v_int(&v, "activity_id", 1, 1, INT64_MAX, 0, NULL);
    long minutes = (long)ss_v_int(&v, "minutes", 1, 1, CORRECTION_MAX_MINUTES, 0, NULL);
    const char *reason = ss_v_string(&v, "reason", 1, 2, 500);
    if ((rc = ss_v_finish(&v)) || (rc = check_private(req, "reason", reason))) return rc;
    ss_activity act;
    ss_org_role role;
    rc = ss_store_activity_get_for(req->db, req->arena, activity_id, req->caller.user_id, &act, &role);
    if (rc && rc != SS_ENOTFOUND) return rc;
    if (rc == SS_ENOTFOUND || strcmp(act.status, "draft") == 0) {
        ss_v_init(&v, req, NULL);
        ss_v_fail(&v, "activity_id", req->zh ? "没有这个活动" : "no such activity");
        return ss_v_finish(&v);
    }
    ss_correction c = {.user_id = req->caller.user_id, .kind = "request", .minutes = minutes, .reason = reason,
                       .proposed_by = req->caller.user_id};
    return propose(req, &act, &c, "minutes");
}

/* POST /service-corrections/{id}/approve|reject {note?} by the org's leader, the community's
 * admin or an admin (the route's rule), who is neither the proposer (403
 * second_person_required) nor the person credited (403 self_credit_forbidden) -> 200 the
 * decided correction; not pending any more -> 409 invalid_state; an approval the cap no longer
 * allows -> 422 minutes_over_cap. Only an approved correction enters the ledger. */
static int decide(ss_req *req, int approve)
{
    int rc;
    ss_v v;
    const char *note = NULL;
    if (req->body_len) {
        if ((rc = ss_v_body(&v, req, NULL))) return rc;
        note = ss_v_string(&v, "note", 0, 1, 500);
        if ((rc = ss_v_finish(&v)) || (rc = check_private(req, "note", note))) return rc;
    }
    const ss_correction *c = &req->subject.correction;
    if (req->caller.user_id == c->user_id) return ss_reply_error(req, "self_credit_forbidden");
    if (!ss_correction_second_person(req->caller.user_id, c->proposed_by, c->user_id))
        return ss_reply_error(req, "second_person_required");
    ss_corr_verdict verdict;
    ss_correction out;
    rc = ss_store_correction_decide(req->db, req->arena, c->id, req->caller.user_id, approve, note, &verdict, &out);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc) return rc;
    if (verdict == SS_CORR_OVER_CAP) return ss_reply_error(req, "minutes_over_cap");
    if (verdict == SS_CORR_NEGATIVE) return ss_reply_error(req, "invalid_state");
    char summary[96];
    snprintf(summary, sizeof summary, "user %lld on activity %lld: %+ld minutes %s", out.user_id, out.activity_id,
             out.minutes, out.status);
    if ((rc = ss_audit(req, approve ? "service_correction.approve" : "service_correction.reject", "service_correction",
                       c->id, c->community_id, summary)))
        return rc;
    return ss_reply_json(req, 200, ss_view_correction(&out));
}

static int correction_approve(ss_req *req) { return decide(req, 1); }
static int correction_reject(ss_req *req) { return decide(req, 0); }

/* GET /service-corrections?status=pending|approved|rejected (default pending)&limit&cursor ->
 * {items, next_cursor}: the caller's queue as an approver (orgs they lead, communities they
 * administer, all for an admin); pending ones they cannot decide are left out. Someone who
 * approves nothing gets an empty list. */
static int correction_queue(ss_req *req)
{
    static const char *const statuses[] = {"pending", "approved", "rejected", NULL};
    int limit, n, rc;
    long long after;
    const char *status;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 0, INT64_MAX, 0, &after)) ||
        (rc = ss_req_query_str(req, "status", &status)))
        return rc;
    if (!status) status = "pending";
    int known = 0;
    for (int i = 0; statuses[i]; i++) known |= strcmp(statuses[i], status) == 0;
    if (!known)
        return ss_reply_invalid(req, json_pack("{s:s}", "status", req->zh ? "须为 pending、approved 或 rejected" :
                                                                            "must be pending, approved or rejected"));
    ss_correction *items;
    if ((rc = ss_store_corrections_queue(req->db, req->arena, req->caller.user_id, status, after, limit, &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, ss_view_correction(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
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
    {"POST", "/api/v1/me/service-records/requests", request_create, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"GET", "/api/v1/service-corrections", correction_queue, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/service-corrections/{id}/approve", correction_approve, SS_ACCESS_SIGNED_IN,
     SS_SUBJECT_CORRECTION, SS_RULE_APPROVER},
    {"POST", "/api/v1/service-corrections/{id}/reject", correction_reject, SS_ACCESS_SIGNED_IN,
     SS_SUBJECT_CORRECTION, SS_RULE_APPROVER},
};
const ss_route_table ss_service_record_routes = {routes, sizeof routes / sizeof routes[0]};
