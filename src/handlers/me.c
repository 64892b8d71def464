/* The caller: GET /api/v1/me. */
#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/volunteers.h"

/* -> {id, nickname, roles, community_admin_of, volunteer: null | {status, masked fields, total_minutes}} */
static int me_get(ss_req *req)
{
    ss_volunteer vol;
    int rc = ss_store_volunteer_get(req->db, req->arena, req->caller.user_id, &vol);
    if (rc && rc != SS_ENOTFOUND) return rc;
    json_t *u = ss_view_user(&req->caller.user);
    json_object_set_new(u, "volunteer", rc ? json_null() : ss_view_volunteer(&req->app->fields, req->arena, &vol));
    return ss_reply_json(req, 200, u);
}

static const ss_route routes[] = {
    {"GET", "/api/v1/me", me_get, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_me_routes = {routes, sizeof routes / sizeof routes[0]};
