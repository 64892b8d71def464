/* The caller: GET /api/v1/me. */
#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/request.h"

/* -> {id, nickname, roles, community_admin_of, volunteer: null | {...}} */
static int me_get(ss_req *req)
{
    json_t *u = ss_view_user(&req->caller.user);
    json_object_set_new(u, "volunteer", json_null());   /* volunteer profiles arrive with check-in */
    return ss_reply_json(req, 200, u);
}

static const ss_route routes[] = {
    {"GET", "/api/v1/me", me_get, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_me_routes = {routes, sizeof routes / sizeof routes[0]};
