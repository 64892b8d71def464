/* Every route of the API, table by table (see handlers.h). */
#include "handlers/handlers.h"

#include "http/errors.h"
#include "util/log.h"

static const ss_route_table *const tables[] = {
    &ss_health_routes,
    &ss_auth_routes,
    &ss_me_routes,
    &ss_community_routes,
    &ss_org_routes,
    &ss_activity_routes,
    &ss_signup_routes,
    &ss_volunteer_routes,
    &ss_checkin_routes,
    &ss_service_record_routes,
    &ss_contest_routes,
    &ss_vote_routes,
    &ss_audit_routes,
    &ss_need_routes,
    &ss_project_routes,
    &ss_consultation_routes,
    &ss_rating_routes,
    &ss_stats_routes,
};

int ss_routes_register(ss_router *r)
{
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (size_t i = 0; i < tables[t]->n; i++) {
            int rc = ss_router_add(r, &tables[t]->routes[i]);
            if (rc) {
                SS_ERROR("router", "msg=\"bad route\" method=%s pattern=\"%s\"", tables[t]->routes[i].method,
                         tables[t]->routes[i].pattern);
                return rc;
            }
        }
    return SS_OK;
}
