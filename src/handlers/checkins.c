/* Check-in and check-out (签到/签退) by scanning the activity's rotating QR code:
 * GET /api/v1/activities/{id}/checkin-code (+ .svg) for the org's staff, and
 * POST /api/v1/checkins, POST /api/v1/checkouts for volunteers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checkin.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/activities.h"
#include "store/volunteers.h"
#include "util/qrsvg.h"

static int code_available(ss_req *req)
{
    const ss_activity *a = &req->subject.activity;
    if (strcmp(a->status, "published") != 0) return ss_reply_error(req, "invalid_state");
    if (req->now > a->ends_at + SS_CHECKOUT_GRACE_S) return ss_reply_error(req, "checkin_closed");
    return SS_OK;
}

/* ?purpose=checkin|checkout (default checkin) -> *purpose; 400 for another value. */
static int read_purpose(ss_req *req, ss_code_purpose *purpose)
{
    const char *p;
    int rc = ss_req_query_str(req, "purpose", &p);
    if (rc) return rc;
    *purpose = SS_CODE_CHECKIN;
    if (!p || strcmp(p, "checkin") == 0) return SS_OK;
    if (strcmp(p, "checkout") == 0) return *purpose = SS_CODE_CHECKOUT, SS_OK;
    return ss_reply_invalid(req, json_pack("{s:s}", "purpose", req->zh ? "须为 checkin 或 checkout" :
                                                                          "must be checkin or checkout"));
}

/* ?purpose -> {token, expires_at, svg_url, purpose}; the token changes every window (<= 60 s of
 * validity) and is good only for its purpose */
static int checkin_code(ss_req *req)
{
    ss_code_purpose purpose;
    int rc = code_available(req);
    if (rc || (rc = read_purpose(req, &purpose))) return rc;
    char token[SS_CHECKIN_TOKEN_MAX];
    time_t expires;
    const ss_activity *a = &req->subject.activity;
    ss_checkin_token_make_for(req->app->checkin_key, sizeof req->app->checkin_key, purpose, a->id, req->now,
                              req->app->cfg->checkin_window_s, token, &expires);
    const char *pname = purpose == SS_CODE_CHECKOUT ? "checkout" : "checkin";
    char url[128];
    snprintf(url, sizeof url, "/api/v1/activities/%lld/checkin-code.svg?purpose=%s", a->id, pname);
    return ss_reply_json(req, 200,
                         json_pack("{s:s, s:o, s:s, s:I, s:s}", "token", token, "expires_at", ss_json_time(expires),
                                   "svg_url", url, "activity_id", (json_int_t)a->id, "purpose", pname));
}

static void free_cb(void *p) { free(p); }

/* -> image/svg+xml: the QR code of the current token */
static int checkin_code_svg(ss_req *req)
{
    ss_code_purpose purpose;
    int rc = code_available(req);
    if (rc || (rc = read_purpose(req, &purpose))) return rc;
    char token[SS_CHECKIN_TOKEN_MAX];
    time_t expires;
    ss_checkin_token_make_for(req->app->checkin_key, sizeof req->app->checkin_key, purpose, req->subject.activity.id,
                              req->now, req->app->cfg->checkin_window_s, token, &expires);
    size_t len;
    char *svg = ss_qr_svg(token, &len);
    if (!svg) return SS_EINTERNAL;
    ss_arena_on_reset(req->arena, free_cb, svg);
    return ss_reply_raw(req, 200, "image/svg+xml", svg, len);
}

typedef struct {
    long long activity_id;
    double lat, lng;
    ss_activity activity;
} scan;

/* The activity s names, into s->activity: read now (fresh), or as shown to people, up to
 * SS_PUBLIC_MAX_AGE_MS old (enough to answer a repeat, which changes nothing). */
static int scan_activity(ss_req *req, scan *s, int fresh)
{
    ss_org_role role;
    int rc = fresh ? ss_store_activity_get_for(req->db, req->arena, s->activity_id, req->caller.user_id, &s->activity,
                                               &role)
                   : ss_store_activity_get_near(req->db, req->app->near, req->arena, s->activity_id, &s->activity);
    return rc == SS_ENOTFOUND ? ss_reply_error(req, "checkin_code_invalid") : rc;
}

/* The checks both directions share: body, token, the activity (see scan_activity). */
static int read_scan(ss_req *req, ss_code_purpose purpose, int fresh, scan *s)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    const char *token = ss_v_string(&v, "token", 1, 1, SS_CHECKIN_TOKEN_MAX - 1);
    s->lat = ss_v_number(&v, "lat", 1, -90, 90, NULL);
    s->lng = ss_v_number(&v, "lng", 1, -180, 180, NULL);
    if ((rc = ss_v_finish(&v))) return rc;
    switch (ss_checkin_token_verify_for(req->app->checkin_key, sizeof req->app->checkin_key, purpose, token, req->now,
                                        req->app->cfg->checkin_window_s, &s->activity_id)) {
    case SS_TOKEN_OK: break;
    case SS_TOKEN_EXPIRED: return ss_reply_error(req, "checkin_code_expired");
    default: return ss_reply_error(req, "checkin_code_invalid");
    }
    return scan_activity(req, s, fresh);
}

/* The error code (docs/API.md) that refuses the scan on s->activity, or NULL: the activity under
 * way (published, in the direction's window), the person inside its geofence. */
static const char *scan_refusal(ss_req *req, ss_code_purpose purpose, const scan *s)
{
    const ss_activity *a = &s->activity;
    int open = purpose == SS_CODE_CHECKOUT ? ss_checkout_window_open(req->now, a->starts_at, a->ends_at)
                                           : ss_checkin_window_open(req->now, a->starts_at, a->ends_at);
    if (strcmp(a->status, "published") != 0 || !open) return "checkin_closed";
    if (ss_geo_distance_m(s->lat, s->lng, a->lat, a->lng) > (double)a->radius_m) return "outside_geofence";
    return NULL;
}

/* {token, lat, lng} -> 201 {activity_id, checked_in_at}; a repeat -> 200 with the first time.
 * Only a repeat that the activity as shown allows is answered on that copy (people scan again
 * while the first reply is on its way); everything else, a refusal included, is decided on
 * the activity read again now. */
static int checkin(ss_req *req)
{
    scan s;
    int rc = read_scan(req, SS_CODE_CHECKIN, 0, &s);
    if (rc) return rc;
    const char *why = scan_refusal(req, SS_CODE_CHECKIN, &s);
    ss_checkin_state st;
    if ((rc = ss_store_checkin_state(req->db, req->arena, s.activity_id, req->caller.user_id, &st))) return rc;
    int confirmed = st.signup && strcmp(st.signup, "confirmed") == 0;
    ss_checkin c = st.checkin;   /* a repeat: the first check-in, created 0 */
    if (why || !c.id || (!confirmed && !s.activity.walk_in)) {
        if ((rc = scan_activity(req, &s, 1))) return rc;
        if ((why = scan_refusal(req, SS_CODE_CHECKIN, &s))) return ss_reply_error(req, why);
        if (!confirmed && !s.activity.walk_in) return ss_reply_error(req, "not_signed_up");
        if (!c.id && (rc = ss_store_checkin_add(req->db, req->arena, s.activity_id, req->caller.user_id, req->now,
                                                s.lat, s.lng, !confirmed, &c)))
            return rc;
    }
    return ss_reply_json(req, c.created ? 201 : 200,
                         json_pack("{s:I, s:o}", "activity_id", (json_int_t)c.activity_id, "checked_in_at",
                                   ss_json_time(c.checked_in_at)));
}

/* {token (a checkout code), lat, lng} -> 200 {activity_id, minutes, reason?}; the minutes are
 * credited once; below the minimum attendance the record is 0 with reason below_min_attendance */
static int checkout(ss_req *req)
{
    scan s;
    int rc = read_scan(req, SS_CODE_CHECKOUT, 1, &s);
    if (rc) return rc;
    const char *why = scan_refusal(req, SS_CODE_CHECKOUT, &s);
    if (why) return ss_reply_error(req, why);
    ss_checkout_rule rule = {s.activity.starts_at, s.activity.ends_at, s.activity.service_minutes,
                             s.activity.min_attendance_pct};
    ss_checkin c;
    rc = ss_store_checkout(req->db, req->arena, s.activity_id, req->caller.user_id, req->now, s.lat, s.lng, &rule, &c);
    if (rc == SS_ENOTFOUND) return ss_reply_error(req, "not_checked_in");
    if (rc) return rc;
    return ss_reply_json(req, 200,
                         json_pack("{s:I, s:I, s:o, s:o, s:s?}", "activity_id", (json_int_t)c.activity_id, "minutes",
                                   (json_int_t)c.minutes, "checked_in_at", ss_json_time(c.checked_in_at),
                                   "checked_out_at", ss_json_time(c.checked_out_at), "reason", c.reason));
}

static const ss_route routes[] = {
    {"GET", "/api/v1/activities/{id}/checkin-code", checkin_code, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"GET", "/api/v1/activities/{id}/checkin-code.svg", checkin_code_svg, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
    {"POST", "/api/v1/checkins", checkin, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/checkouts", checkout, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_checkin_routes = {routes, sizeof routes / sizeof routes[0]};
