/* Offline attendance (a venue without signal): the volunteer shows a personal code
 * (GET /api/v1/me/volunteer-code, signed and revocable), the leader's device scans it offline
 * and later uploads the scans (POST /api/v1/activities/{id}/attendance-batch). Each item is
 * judged as if made at its own `at`, duplicates are idempotent, and one bad item does not spoil
 * the rest; a malformed batch is refused whole, before anything is stored. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checkin.h"
#include "handlers/handlers.h"
#include "http/audit.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/volunteers.h"
#include "util/qrsvg.h"

#define BATCH_MAX 500   /* items per upload; more -> 413 batch_too_large */

/* -> {token, svg_url, number}: the caller's personal code (no expiry; revoked by
 * DELETE /me/volunteer-code, suspension or erasure) */
static int code_get(ss_req *req)
{
    ss_volunteer vol;
    int rc = ss_store_volunteer_get(req->db, req->arena, req->caller.user_id, &vol);
    if (rc == SS_ENOTFOUND) return ss_reply_error(req, "volunteer_required");
    if (rc) return rc;
    char token[SS_CHECKIN_TOKEN_MAX];
    ss_volunteer_token_make(req->app->checkin_key, sizeof req->app->checkin_key, vol.user_id, vol.code_nonce, token);
    return ss_reply_json(req, 200, json_pack("{s:s, s:s, s:s}", "token", token, "svg_url",
                                             "/api/v1/me/volunteer-code.svg", "number", vol.number));
}

static void free_cb(void *p) { free(p); }

/* -> image/svg+xml: the QR code of the caller's personal code */
static int code_svg(ss_req *req)
{
    ss_volunteer vol;
    int rc = ss_store_volunteer_get(req->db, req->arena, req->caller.user_id, &vol);
    if (rc == SS_ENOTFOUND) return ss_reply_error(req, "volunteer_required");
    if (rc) return rc;
    char token[SS_CHECKIN_TOKEN_MAX];
    ss_volunteer_token_make(req->app->checkin_key, sizeof req->app->checkin_key, vol.user_id, vol.code_nonce, token);
    size_t len;
    char *svg = ss_qr_svg(token, &len);
    if (!svg) return SS_EINTERNAL;
    ss_arena_on_reset(req->arena, free_cb, svg);
    return ss_reply_raw(req, 200, "image/svg+xml", svg, len);
}

/* -> 204: every personal code shown so far stops working (a lost phone, a leaked screenshot) */
static int code_revoke(ss_req *req)
{
    int rc = ss_store_volunteer_revoke_codes(req->db, req->arena, req->caller.user_id);
    return rc ? rc : ss_reply_empty(req, 204);
}

typedef struct {
    const char *token, *action;
    time_t at;
} scan_item;

/* One item's outcome into results[index]. */
static void result(json_t *results, size_t index, const char *status, const char *error)
{
    json_t *r = json_pack("{s:I, s:s}", "index", (json_int_t)index, "status", status);
    if (error) json_object_set_new(r, "error", json_string(error));
    json_array_set_new(results, index, r);
}

/* Judges and stores one item as of its own time; fills results[index]. Returns 0 or a db error
 * (which fails the whole request: nothing is committed then, see the pipeline). */
static int apply(ss_req *req, const scan_item *it, size_t index, json_t *results)
{
    const ss_activity *act = &req->subject.activity;
    long long user_id;
    long nonce;
    if (!ss_volunteer_token_verify(req->app->checkin_key, sizeof req->app->checkin_key, it->token, &user_id, &nonce))
        return result(results, index, "refused", "volunteer_code_invalid"), SS_OK;
    switch (ss_offline_time_check(it->at, req->now)) {
    case 1: return result(results, index, "refused", "too_old"), SS_OK;
    case 2: return result(results, index, "refused", "in_future"), SS_OK;
    default: break;
    }
    ss_volunteer vol;
    int rc = ss_store_volunteer_get(req->db, req->arena, user_id, &vol);
    if (rc && rc != SS_ENOTFOUND) return rc;
    if (rc == SS_ENOTFOUND || vol.code_nonce != nonce)   /* revoked, suspended or erased since */
        return result(results, index, "refused", "volunteer_code_invalid"), SS_OK;
    if (strcmp(vol.status, "registered") != 0) return result(results, index, "refused", "volunteer_required"), SS_OK;
    json_t *r;
    if (strcmp(it->action, "checkin") == 0) {
        if (!ss_checkin_window_open(it->at, act->starts_at, act->ends_at))
            return result(results, index, "refused", "checkin_closed"), SS_OK;
        ss_checkin_state st;
        if ((rc = ss_store_checkin_state(req->db, req->arena, act->id, user_id, &st))) return rc;
        int confirmed = st.signup && strcmp(st.signup, "confirmed") == 0;
        if (!confirmed && !act->walk_in) return result(results, index, "refused", "not_signed_up"), SS_OK;
        ss_checkin c = st.checkin;   /* a duplicate: the first check-in, created 0 */
        if (!c.id && (rc = ss_store_checkin_add(req->db, req->arena, act->id, user_id, it->at, act->lat, act->lng,
                                                !confirmed, &c)))
            return rc;
        result(results, index, c.created ? "checked_in" : "duplicate", NULL);
        r = json_array_get(results, index);
        json_object_set_new(r, "checked_in_at", ss_json_time(c.checked_in_at));
    } else {
        if (!ss_checkout_window_open(it->at, act->starts_at, act->ends_at))
            return result(results, index, "refused", "checkin_closed"), SS_OK;
        ss_checkout_rule rule = {act->starts_at, act->ends_at, act->service_minutes, act->min_attendance_pct};
        ss_checkin c;
        rc = ss_store_checkout(req->db, req->arena, act->id, user_id, it->at, act->lat, act->lng, &rule, &c);
        if (rc == SS_ENOTFOUND || rc == SS_EINVALID) return result(results, index, "refused", "not_checked_in"), SS_OK;
        if (rc) return rc;
        result(results, index, c.created ? "checked_out" : "duplicate", NULL);
        r = json_array_get(results, index);
        json_object_set_new(r, "minutes", json_integer(c.minutes));
        if (c.reason) json_object_set_new(r, "reason", json_string(c.reason));
    }
    json_object_set_new(r, "volunteer_number", json_string(vol.number));
    return SS_OK;
}

/* {items: [{token, action: "checkin"|"checkout", at}] (1..500)} -> 200 {results: [{index,
 * status: checked_in|checked_out|duplicate|refused, error?, minutes?, volunteer_number?}]}.
 * More than 500 items -> 413 batch_too_large; a malformed item -> 400/422 with its field
 * (items.<i>.<name>); either way nothing is stored. Check-ins are applied before check-outs. */
static int attendance_batch(ss_req *req)
{
    static const char *const actions[] = {"checkin", "checkout", NULL};
    int rc;
    json_t *body;
    ss_v v;
    if ((rc = ss_v_body(&v, req, &body))) return rc;
    json_t *items = json_object_get(body, "items");
    if (!json_is_array(items)) {
        v.bad_type = !!items;
        ss_v_fail(&v, "items", items ? "must be an array" : "required");
        return ss_v_finish(&v);
    }
    size_t n = json_array_size(items);
    if (n > BATCH_MAX) return ss_reply_error(req, "batch_too_large");
    if (n == 0) ss_v_fail(&v, "items", "at least one item");
    scan_item *scans = ss_arena_calloc(req->arena, (n + 1) * sizeof *scans);
    for (size_t i = 0; i < n; i++) {
        json_t *x = json_array_get(items, i);
        char name[32];
        snprintf(name, sizeof name, "items.%zu", i);
        if (!json_is_object(x)) {
            v.bad_type = 1;
            ss_v_fail(&v, name, "must be an object");
            continue;
        }
        ss_v iv;
        ss_v_nested(&iv, &v, x, name);
        scans[i].token = ss_v_string(&iv, "token", 1, 1, SS_CHECKIN_TOKEN_MAX - 1);
        scans[i].action = ss_v_enum(&iv, "action", 1, actions);
        scans[i].at = ss_v_time(&iv, "at", 1, NULL);
    }
    if ((rc = ss_v_finish(&v))) return rc;
    if (strcmp(req->subject.activity.status, "draft") == 0) return ss_reply_error(req, "invalid_state");
    json_t *results = json_array();
    ss_req_own(req, results);
    for (size_t i = 0; i < n; i++) json_array_append_new(results, json_null());
    for (int pass = 0; pass < 2; pass++)   /* check-ins first: a device may list a check-out before */
        for (size_t i = 0; i < n; i++)
            if ((strcmp(scans[i].action, "checkin") == 0) == (pass == 0) &&
                (rc = apply(req, &scans[i], i, results)))
                return rc;
    size_t stored = 0;
    for (size_t i = 0; i < n; i++) {
        const char *st = json_string_value(json_object_get(json_array_get(results, i), "status"));
        stored += st && (strcmp(st, "checked_in") == 0 || strcmp(st, "checked_out") == 0);
    }
    char summary[96];
    snprintf(summary, sizeof summary, "%zu items, %zu stored", n, stored);
    if ((rc = ss_audit(req, "attendance.batch", "activity", req->subject.activity.id, 0, summary))) return rc;
    return ss_reply_json(req, 200, json_pack("{s:O}", "results", results));
}

static const ss_route routes[] = {
    {"GET", "/api/v1/me/volunteer-code", code_get, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/me/volunteer-code.svg", code_svg, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"DELETE", "/api/v1/me/volunteer-code", code_revoke, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"POST", "/api/v1/activities/{id}/attendance-batch", attendance_batch, SS_ACCESS_SIGNED_IN, SS_SUBJECT_ACTIVITY,
     SS_RULE_ORG_STAFF},
};
const ss_route_table ss_attendance_routes = {routes, sizeof routes / sizeof routes[0]};
