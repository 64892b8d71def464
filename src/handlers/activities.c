/* Activities (活动): create as draft (the org's leader or social workers), publish, cancel,
 * list published ones with filters and cursor pagination, show one with its seat counts. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/activity.h"
#include "domain/checkin.h"
#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/notify.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/activities.h"
#include "util/timefmt.h"

/* POST /api/v1/orgs/{id}/activities
 * {title, description, category, starts_at, ends_at, capacity, signup_deadline?, walk_in?,
 *  service_minutes?, min_attendance_pct? (0..100, default 60), location: {name, lat, lng, radius_m}} -> 201 {id, status: "draft", ...} */
static int activity_create(ss_req *req)
{
    int rc, has_deadline = 0, has_minutes = 0;
    ss_v v, lv;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_activity a = {0};
    a.title = ss_v_string(&v, "title", 1, 2, 100);
    a.description = ss_v_string(&v, "description", 1, 0, 5000);
    a.category = ss_v_enum(&v, "category", 1, ss_activity_categories);
    a.starts_at = ss_v_time(&v, "starts_at", 1, NULL);
    a.ends_at = ss_v_time(&v, "ends_at", 1, NULL);
    a.signup_deadline = ss_v_time(&v, "signup_deadline", 0, &has_deadline);
    a.capacity = (long)ss_v_int(&v, "capacity", 1, SS_CAPACITY_MIN, SS_CAPACITY_MAX, 0, NULL);
    a.walk_in = ss_v_bool(&v, "walk_in", 0);
    a.service_minutes = (long)ss_v_int(&v, "service_minutes", 0, 1, SS_SERVICE_MINUTES_MAX, 0, &has_minutes);
    a.min_attendance_pct = (int)ss_v_int(&v, "min_attendance_pct", 0, 0, 100, SS_MIN_ATTENDANCE_DEFAULT, NULL);
    json_t *loc = ss_v_object(&v, "location", 1);
    if (loc) {
        ss_v_nested(&lv, &v, loc, "location");
        a.location_name = ss_v_string(&lv, "name", 1, 1, 100);
        a.lat = ss_v_number(&lv, "lat", 1, -90, 90, NULL);
        a.lng = ss_v_number(&lv, "lng", 1, -180, 180, NULL);
        a.radius_m = (long)ss_v_int(&lv, "radius_m", 1, SS_RADIUS_MIN_M, SS_RADIUS_MAX_M, 0, NULL);
    }
    const char *field, *why;
    if (a.starts_at && a.ends_at &&
        ss_activity_check_times(req->now, a.starts_at, a.ends_at, has_deadline ? a.signup_deadline : 0, &field,
                                &why) != 0)
        ss_v_fail(&v, field, why);
    if ((rc = ss_v_finish(&v))) return rc;
    if (strcmp(req->subject.org.status, "filed") != 0) return ss_reply_error(req, "org_not_filed");
    int review;
    const ss_content_text texts[] = {{"title", a.title}, {"description", a.description},
                                     {"location.name", a.location_name}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 3, &review))) return rc;

    a.org_id = req->subject.org.id;
    a.org_name = req->subject.org.name;
    a.community_id = req->subject.org.community_id;
    a.status = "draft";
    a.created_at = req->now;
    if ((rc = ss_store_activity_create(req->db, req->arena, &a, req->caller.user_id, &a.id)) ||
        (rc = ss_content_hold(req, review, "activity", a.id, a.community_id)) ||
        (rc = ss_audit(req, "activity.create", "activity", a.id, 0, "draft")))
        return rc;
    a.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, ss_view_activity(&a));
}

/* -> the activity with confirmed, waitlisted and seats_left, up to SS_PUBLIC_MAX_AGE_MS old (a
 * change made through this process is seen at once: see ss_req_touch_public) */
static int activity_get(ss_req *req)
{
    json_t *v = ss_view_activity(&req->subject.activity);
    const char *role = ss_org_role_name(req->subject.role);
    json_object_set_new(v, "my_org_role", role ? json_string(role) : json_null());
    return ss_reply_json(req, 200, v);
}

/* A cancellation tells everyone signed up (told again: stored once). */
static int notify_cancelled(ss_req *req)
{
    const ss_activity *act = &req->subject.activity;
    ss_notice n = {.kind = "activity_cancelled",
                   .event_key = ss_arena_sprintf(req->arena, "activity_cancelled:%lld", act->id),
                   .activity_id = act->id,
                   .title = ss_arena_sprintf(req->arena, "活动已取消：%.60s", act->title),
                   .body = "您报名的活动已取消。"};
    return ss_notify(req, SS_NOTIFY_SIGNED_UP, act->id, &n);
}

static int transition(ss_req *req, const char *to)
{
    int rc = ss_store_activity_transition(req->db, req->arena, req->subject.activity.id, to);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_OK && strcmp(to, "cancelled") == 0) rc = notify_cancelled(req);
    char summary[64];
    snprintf(summary, sizeof summary, "%s -> %s", req->subject.activity.status, to);
    if (rc || (rc = ss_audit(req, strcmp(to, "published") == 0 ? "activity.publish" : "activity.cancel", "activity",
                             req->subject.activity.id, 0, summary)))
        return rc;
    return ss_reply_json(req, 200, json_pack("{s:I, s:s}", "id", (json_int_t)req->subject.activity.id, "status", to));
}

/* -> 200 {status: "published"}; only a draft can be published */
static int activity_publish(ss_req *req) { return transition(req, "published"); }

/* -> 200 {status: "cancelled"}; sign-ups close with it */
static int activity_cancel(ss_req *req) { return transition(req, "cancelled"); }

/* Cursor "<starts_at unix>.<id>": the last item of the previous page. */
/* "<starts_at>.<id>" as next_cursor wrote it; a number out of range (overflowing, or a time
 * the store cannot hold) is not a cursor: 400, never an empty page or a 500. */
static int parse_cursor(const char *s, time_t *starts, long long *id)
{
    char *end;
    errno = 0;
    long long t = strtoll(s, &end, 10);
    if (end == s || *end != '.' || errno || !ss_time_storable((time_t)t)) return -1;
    const char *p = end + 1;
    long long i = strtoll(p, &end, 10);
    if (end == p || *end || errno || i < 0) return -1;
    *starts = (time_t)t;
    *id = i;
    return 0;
}

/* ?community_id&category&from&to&limit&cursor -> published activities by start time */
static int activity_list(ss_req *req)
{
    int limit, n, rc;
    ss_activity_filter f = {.now = req->now};
    if ((rc = ss_req_limit(req, &limit)) ||
        (rc = ss_req_query_int(req, "community_id", 1, INT64_MAX, 0, &f.community_id)))   /* 0: 400, as documented */
        return rc;
    f.limit = limit;
    const char *category, *from, *to, *cursor;
    if ((rc = ss_req_query_str(req, "category", &category)) || (rc = ss_req_query_str(req, "from", &from)) ||
        (rc = ss_req_query_str(req, "to", &to)) || (rc = ss_req_query_str(req, "cursor", &cursor)))
        return rc;
    ss_v v;
    ss_v_init(&v, req, NULL);
    if (category) {
        f.category = NULL;
        for (const char *const *c = ss_activity_categories; *c; c++)
            if (strcmp(*c, category) == 0) f.category = *c;
        if (!f.category) ss_v_fail(&v, "category", "must be one of: relief, consultation, safety, culture, other");
    }
    /* filters past what the store holds are malformed (400), not an empty page */
    if (from && (ss_time_parse(from, &f.from) != 0 || !ss_time_storable(f.from)))
        ss_v_fail(&v, "from", "must be an RFC 3339 date-time between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z");
    if (to && (ss_time_parse(to, &f.to) != 0 || !ss_time_storable(f.to)))
        ss_v_fail(&v, "to", "must be an RFC 3339 date-time between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z");
    if (cursor && parse_cursor(cursor, &f.after_starts, &f.after_id) != 0) ss_v_fail(&v, "cursor", "not a cursor");
    if (json_object_size(v.fields)) {
        ss_v_finish(&v);
        req->err_code = "bad_request";
        return SS_EBADREQ;
    }
    /* the same page for everyone, so a page up to 1 s old is served from the process (its
     * counts, and whether an activity just ended, may be that old: see openapi.yaml) */
    char key[SS_NEAR_KEY_MAX];
    void *page;
    size_t len;
    long long now_ms = ss_near_now_ms();
    unsigned epoch = ss_near_epoch(req->app->near);   /* before the query: see ss_near_put */
    snprintf(key, sizeof key, "activities?%lld&%s&%lld&%lld&%lld.%lld&%d", f.community_id,
             f.category ? f.category : "", (long long)f.from, (long long)f.to, (long long)f.after_starts, f.after_id,
             f.limit);
    if (ss_near_get(req->app->near, req->arena, key, now_ms, SS_PUBLIC_MAX_AGE_MS, &page, &len))
        return ss_reply_raw(req, 200, "application/json; charset=utf-8", page, len);
    ss_activity *items;
    if ((rc = ss_store_activity_list(req->db, req->arena, &f, &items, &n))) return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, ss_view_activity(&items[i]));
    char next[48];
    if (n == limit) snprintf(next, sizeof next, "%lld.%lld", (long long)items[n - 1].starts_at, items[n - 1].id);
    if ((rc = ss_reply_list(req, arr, n == limit ? next : NULL))) return rc;
    ss_near_put(req->app->near, key, req->reply_body, req->reply_len, now_ms, epoch);
    return SS_OK;
}

static const char *const org_activity_statuses[] = {"draft", "published", "ended", "cancelled", NULL};

/* GET /api/v1/orgs/{id}/activities ?status=draft|published|ended|cancelled&limit&cursor ->
 * the org's activities, newest first. Anyone: published and ended ones (no status: both); the
 * org's staff: every state (no status: all). A status the caller may not see: 403. "ended" is a
 * published activity whose end has passed; items show it as status "ended". */
static int org_activities(ss_req *req)
{
    int limit, n, rc;
    long long before;
    const char *status;
    if ((rc = ss_req_limit(req, &limit)) ||
        (rc = ss_req_query_int(req, "cursor", 1, INT64_MAX, INT64_MAX, &before)) ||
        (rc = ss_req_query_enum(req, "status", org_activity_statuses, &status)))
        return rc;
    int staff = req->subject.role == SS_ORG_ROLE_LEADER || req->subject.role == SS_ORG_ROLE_SOCIAL_WORKER;
    ss_org_activity_filter which = staff ? SS_ORG_ACTS_ALL : SS_ORG_ACTS_PUBLIC;
    if (status) {
        if (strcmp(status, "draft") == 0) which = SS_ORG_ACTS_DRAFT;
        else if (strcmp(status, "published") == 0) which = SS_ORG_ACTS_PUBLISHED;
        else if (strcmp(status, "ended") == 0) which = SS_ORG_ACTS_ENDED;
        else which = SS_ORG_ACTS_CANCELLED;
        if (!staff && (which == SS_ORG_ACTS_DRAFT || which == SS_ORG_ACTS_CANCELLED)) return SS_EFORBIDDEN;
    }
    ss_activity *items;
    int held_too = staff || ss_policy_is_community_admin(&req->caller, req->subject.org.community_id);
    if ((rc = ss_store_org_activities(req->db, req->arena, req->subject.org.id, which, req->now, held_too, before, limit,
                                      &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) {
        if (strcmp(items[i].status, "published") == 0 && items[i].ends_at <= req->now) items[i].status = "ended";
        json_array_append_new(arr, ss_view_activity(&items[i]));
    }
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

/* Members of an activity that PATCH does not change (server-owned or fixed at creation). */
static const char *const activity_read_only[] = {"id", "org_id", "org_name", "community_id", "status", "confirmed",
                                                 "waitlisted", "seats_left", "created_at", "my_org_role", NULL};

#define MAX_PROMOTED 256

/* Everyone moved up from the waitlist is told, then everyone signed up of the change. */
static int notify_edit(ss_req *req, const char *title, long long revision, const ss_promotion *promoted, int n)
{
    const ss_activity *act = &req->subject.activity;
    int rc;
    for (int i = 0; i < n; i++) {
        ss_notice p = {.kind = "waitlist_promoted",
                       .event_key = ss_arena_sprintf(req->arena, "waitlist_promoted:%lld:%lld", act->id,
                                                     promoted[i].queue_seq),
                       .activity_id = act->id,
                       .title = ss_arena_sprintf(req->arena, "候补成功：%.60s", title),
                       .body = "名额增加，您已从候补转为正式报名。"};
        if ((rc = ss_notify(req, SS_NOTIFY_USER, promoted[i].user_id, &p))) return rc;
    }
    ss_notice c = {.kind = "activity_changed",
                   .event_key = ss_arena_sprintf(req->arena, "activity_changed:%lld:%lld", act->id, revision),
                   .activity_id = act->id,
                   .title = ss_arena_sprintf(req->arena, "活动有变更：%.60s", title),
                   .body = "您报名的活动信息已更新，请查看最新时间和地点。"};
    return ss_notify(req, SS_NOTIFY_SIGNED_UP, act->id, &c);
}

/* PATCH /api/v1/activities/{id}: any field of the create body -> 200 the activity.
 * Cancelled or ended: 409 invalid_state; capacity below the confirmed seats: 409
 * capacity_below_confirmed; a member that is not editable: 422. More seats move the waitlist
 * up; everyone signed up is told of the change. */
static int activity_patch(ss_req *req)
{
    int rc;
    ss_v v, lv;
    json_t *body;
    const ss_activity *cur = &req->subject.activity;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    for (const char *const *f = activity_read_only; *f; f++)
        if (json_object_get(body, *f)) ss_v_fail(&v, *f, "not editable");
    ss_activity_edit edit = {0}, *e = &edit;
    e->title = ss_v_string(&v, "title", 0, 2, 100);
    e->description = ss_v_string(&v, "description", 0, 0, 5000);
    e->category = ss_v_enum(&v, "category", 0, ss_activity_categories);
    e->starts_at = ss_v_time(&v, "starts_at", 0, NULL);
    e->ends_at = ss_v_time(&v, "ends_at", 0, NULL);
    json_t *deadline = json_object_get(body, "signup_deadline");
    if (deadline) {
        e->set_deadline = 1;
        if (!json_is_null(deadline)) e->signup_deadline = ss_v_time(&v, "signup_deadline", 1, NULL);
    }
    e->capacity = (long)ss_v_int(&v, "capacity", 0, SS_CAPACITY_MIN, SS_CAPACITY_MAX, 0, &e->set_capacity);
    if (json_object_get(body, "walk_in")) {
        e->set_walk_in = 1;
        e->walk_in = ss_v_bool(&v, "walk_in", 0);
    }
    json_t *minutes = json_object_get(body, "service_minutes");
    if (minutes) {
        e->set_service_minutes = 1;
        if (!json_is_null(minutes))
            e->service_minutes = (long)ss_v_int(&v, "service_minutes", 1, 1, SS_SERVICE_MINUTES_MAX, 0, NULL);
    }
    e->min_attendance_pct =
        (int)ss_v_int(&v, "min_attendance_pct", 0, 0, 100, SS_MIN_ATTENDANCE_DEFAULT, &e->set_min_attendance);
    json_t *loc = ss_v_object(&v, "location", 0);
    if (loc) {   /* a place is replaced whole */
        ss_v_nested(&lv, &v, loc, "location");
        e->set_location = 1;
        e->location_name = ss_v_string(&lv, "name", 1, 1, 100);
        e->lat = ss_v_number(&lv, "lat", 1, -90, 90, NULL);
        e->lng = ss_v_number(&lv, "lng", 1, -180, 180, NULL);
        e->radius_m = (long)ss_v_int(&lv, "radius_m", 1, SS_RADIUS_MIN_M, SS_RADIUS_MAX_M, 0, NULL);
    }
    /* the times as they will be, checked as for a new activity */
    time_t starts = e->starts_at ? e->starts_at : cur->starts_at, ends = e->ends_at ? e->ends_at : cur->ends_at;
    time_t dl = e->set_deadline ? e->signup_deadline : cur->signup_deadline;
    const char *field, *why;
    if ((e->starts_at || e->ends_at || e->set_deadline) && json_object_size(v.fields) == 0 &&
        ss_activity_check_times(req->now, starts, ends, dl, &field, &why) != 0)
        ss_v_fail(&v, field, why);
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"title", e->title}, {"description", e->description},
                                     {"location.name", e->location_name}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 3, &review))) return rc;

    ss_promotion promoted[MAX_PROMOTED];
    long long revision = 0;
    int npromoted = 0;
    rc = ss_store_activity_update(req->db, req->arena, cur->id, e, req->now, &revision, promoted, MAX_PROMOTED,
                                  &npromoted);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "invalid_state");
    if (rc == SS_ELIMIT) return ss_reply_error(req, "capacity_below_confirmed");
    if (rc || (rc = ss_content_hold(req, review, "activity", cur->id, cur->community_id)) ||
        (rc = notify_edit(req, e->title ? e->title : cur->title, revision, promoted, npromoted)) ||
        (rc = ss_audit(req, "activity.edit", "activity", cur->id, 0,
                       ss_arena_sprintf(req->arena, "revision %lld, %d moved up", revision, npromoted))))
        return rc;
    ss_activity after;
    ss_org_role role;
    if ((rc = ss_store_activity_get_for(req->db, req->arena, cur->id, req->caller.user_id, &after, &role))) return rc;
    return ss_reply_json(req, 200, ss_view_activity(&after));
}

static const ss_route routes[] = {
    {"POST", "/api/v1/orgs/{id}/activities", activity_create, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ORG, SS_RULE_ORG_STAFF},
    {"GET", "/api/v1/activities", activity_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/activities/{id}", activity_get, SS_ACCESS_PUBLIC, SS_SUBJECT_ACTIVITY_VIEW, SS_RULE_VISIBLE},
    {"POST", "/api/v1/activities/{id}/publish", activity_publish, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"POST", "/api/v1/activities/{id}/cancel", activity_cancel, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"PATCH", "/api/v1/activities/{id}", activity_patch, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY, SS_RULE_ORG_STAFF},
    {"GET", "/api/v1/orgs/{id}/activities", org_activities, SS_ACCESS_PUBLIC, SS_SUBJECT_ORG, SS_RULE_VISIBLE},
};
const ss_route_table ss_activity_routes = {routes, sizeof routes / sizeof routes[0]};
