/* Sign-ups (报名): join (confirmed or waitlisted, idempotent), leave (promotes the first
 * waitlisted person), the roster for the org's staff, and the caller's own list. */
#include <stdint.h>
#include <stdio.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/errors.h"
#include "http/idempotency.h"
#include "http/notify.h"
#include "http/request.h"
#include "store/activities.h"
#include "store/signup_batch.h"

/* One account scripting sign-ups and cancels is stopped per user (OWASP API4/API6); a whole
 * community signing up from one NAT address is not. */
static int rate_limit(ss_req *req)
{
    char who[32];
    snprintf(who, sizeof who, "%lld", req->caller.user_id);
    int window = req->app->cfg->signup_rate_window_s;
    int rc = ss_rate_allow(req->cache, "signup-user", who, req->app->cfg->signup_rate_user_per_s, window, req->now);
    if (rc == SS_ELIMIT) {   /* the current window ends in this many seconds */
        char retry[16];
        snprintf(retry, sizeof retry, "%d", window - (int)(req->now % window));
        ss_reply_header(req, "Retry-After", retry);
    }
    return rc;
}

/* The reply's text for s (201 for a new sign-up, 200 for a repeat); also what an
 * Idempotency-Key keeps for a new one, made by whichever thread writes its batch. */
static const char *signup_body(void *ctx, const ss_signup *s, size_t *len)
{
    json_t *v = ss_view_signup_status(s);
    json_object_set_new(v, "activity_id", json_integer(s->activity_id));
    return ss_json_text(ctx, v, len);
}

/* A new sign-up by group commit (store/signup_batch.h). Returns 0 with *s, 1 to store it in the
 * request's transaction (ss_store_signup_join), or an error. */
static int signup_grouped(ss_req *req, ss_signup *s)
{
    if (!req->app->cfg->signup_group_commit || ss_req_commit_own(req) != SS_OK) return 1;
    ss_signup_member m = {.activity_id = req->subject.activity.id,
                          .user_id = req->caller.user_id,
                          .now = req->now,
                          .render = signup_body,
                          .render_ctx = req};
    ss_idem_ref_of(req, &m.idem);
    int rc = ss_signup_batch_submit(req->db, req->arena, &m);
    if (rc == 1) ss_req_commit_at_end(req);
    if (rc == SS_OK) {
        *s = m.out;
        ss_req_touch_public(req);   /* seats_left changed: the near copies learn it */
    }
    return rc;
}

/* -> 201 {status, waitlist_position?, activity_id} on a new sign-up; 200 with the same on a repeat.
 * The route's subject is the activity as shown (SS_SUBJECT_ACTIVITY_VIEW, up to a second old):
 * enough to answer a repeat, which changes nothing. A new or revived sign-up is decided on the
 * activity read again now, and its seat under the activity's lock. */
static int signup_join(ss_req *req)
{
    ss_signup s;
    int rc = rate_limit(req);
    if (rc) return rc;
    /* a repeat is answered by a read, without a lock; a new one goes by group commit */
    rc = ss_store_signup_mine(req->db, req->arena, req->subject.activity.id, req->caller.user_id, &s);
    if (rc == SS_ENOTFOUND || rc == SS_ECONFLICT) {
        int rs = ss_policy_load_check(req->db, req->app->near, req->arena, &req->caller, SS_SUBJECT_ACTIVITY,
                                      req->subject.activity.id, SS_RULE_VISIBLE, &req->subject);
        if (rs) return rs;
    }
    if (rc == SS_ENOTFOUND) rc = signup_grouped(req, &s);
    else if (rc == SS_ECONFLICT) rc = 1;   /* cancelled before: revived in place */
    if (rc == 1)
        rc = ss_store_signup_join(req->db, req->arena, req->subject.activity.id, req->caller.user_id, req->now, &s);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "signup_closed");
    if (rc) return rc;
    size_t len = 0;
    const char *body = signup_body(req, &s, &len);
    return body ? ss_reply_raw(req, s.created ? 201 : 200, SS_JSON_TYPE, body, len) : SS_EINTERNAL;
}

/* -> 204, whether or not there was a sign-up to cancel */
/* The person moved up from the waitlist is told. */
static int notify_promoted(ss_req *req, const ss_promotion *p)
{
    const ss_activity *act = &req->subject.activity;
    ss_notice n = {.kind = "waitlist_promoted",
                   .event_key = ss_arena_sprintf(req->arena, "waitlist_promoted:%lld:%lld", act->id, p->queue_seq),
                   .activity_id = act->id,
                   .title = ss_arena_sprintf(req->arena, "候补成功：%.60s", act->title),
                   .body = "有人取消报名，您已从候补转为正式报名。"};
    return ss_notify(req, SS_NOTIFY_USER, p->user_id, &n);
}

/* -> 204; the first waitlisted person takes the freed seat and is told */
static int signup_leave(ss_req *req)
{
    ss_promotion p;
    int rc = rate_limit(req);
    if (rc) return rc;
    rc = ss_store_signup_leave(req->db, req->arena, req->subject.activity.id, req->caller.user_id, &p);
    if (rc == SS_OK && p.user_id) rc = notify_promoted(req, &p);
    return rc ? rc : ss_reply_empty(req, 204);
}

/* ?limit&cursor -> [{user_id, nickname, status (confirmed|waitlisted|walk_in), waitlist_position?,
 *                    signed_up_at (null for a walk-in), walk_in, checked_in_at, checked_out_at,
 *                    minutes (the ledger's sum, null before any), reason?}] */
static int signup_roster(ss_req *req)
{
    int limit, n, rc;
    long long after;
    ss_signup *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 0, INT64_MAX, 0, &after)))
        return rc;
    if ((rc = ss_store_signup_roster(req->db, req->arena, req->subject.activity.id, after, limit, &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *v = ss_view_signup_status(&items[i]);
        json_object_set_new(v, "user_id", json_integer(items[i].user_id));
        json_object_set_new(v, "nickname", json_string(items[i].nickname ? items[i].nickname : ""));
        json_object_set_new(v, "signed_up_at", items[i].created_at ? ss_json_time(items[i].created_at) : json_null());
        json_object_set_new(v, "walk_in", json_boolean(items[i].walk_in));
        json_object_set_new(v, "minutes", items[i].has_minutes ? json_integer(items[i].minutes) : json_null());
        if (items[i].minutes_reason) json_object_set_new(v, "reason", json_string(items[i].minutes_reason));
        json_object_set_new(v, "checked_in_at",
                            items[i].checked_in_at ? ss_json_time(items[i].checked_in_at) : json_null());
        json_object_set_new(v, "checked_out_at",
                            items[i].checked_out_at ? ss_json_time(items[i].checked_out_at) : json_null());
        json_array_append_new(arr, v);
    }
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* ?limit&cursor -> the caller's live sign-ups, newest activity first */
static int my_signups(ss_req *req)
{
    int limit, n, rc;
    long long before;
    ss_signup *items;
    if ((rc = ss_req_limit(req, &limit)) ||
        (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)))
        return rc;
    if ((rc = ss_store_signups_of_user(req->db, req->arena, req->caller.user_id, before, limit, &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        json_t *v = ss_view_signup_status(&items[i]);
        json_object_set_new(v, "activity_id", json_integer(items[i].activity_id));
        json_object_set_new(v, "title", json_string(items[i].title));
        json_object_set_new(v, "activity_status", json_string(items[i].activity_status));
        json_object_set_new(v, "starts_at", ss_json_time(items[i].starts_at));
        json_object_set_new(v, "ends_at", ss_json_time(items[i].ends_at));
        json_object_set_new(v, "signed_up_at", items[i].created_at ? ss_json_time(items[i].created_at) : json_null());
        json_object_set_new(v, "walk_in", json_boolean(items[i].walk_in));
        json_object_set_new(v, "minutes", items[i].has_minutes ? json_integer(items[i].minutes) : json_null());
        if (items[i].minutes_reason) json_object_set_new(v, "reason", json_string(items[i].minutes_reason));
        json_array_append_new(arr, v);
    }
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].activity_id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/activities/{id}/signups", signup_join, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY_VIEW,
     SS_RULE_VISIBLE},
    {"DELETE", "/api/v1/activities/{id}/signups/me", signup_leave, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_VISIBLE},
    {"GET", "/api/v1/activities/{id}/signups", signup_roster, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"GET", "/api/v1/me/signups", my_signups, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_signup_routes = {routes, sizeof routes / sizeof routes[0]};
