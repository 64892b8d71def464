/* Communities (社区): POST /api/v1/communities (admin), GET /api/v1/communities. */
#include <stdint.h>
#include <stdio.h>

#include "handlers/handlers.h"
#include "handlers/views.h"
#include "http/audit.h"
#include "http/content.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/orgs.h"

static const char *const kinds[] = {"urban", "rural", NULL};

/* {name, street, district, kind} -> 201 community. The texts go through the content check
 * (review: listed only for admins and its own community admins until passed, see content.h). */
static int community_create(ss_req *req)
{
    int rc;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_community c = {0};
    c.name = ss_v_string(&v, "name", 1, 1, 100);
    c.street = ss_v_string(&v, "street", 1, 1, 100);
    c.district = ss_v_string(&v, "district", 1, 1, 100);
    c.kind = ss_v_enum(&v, "kind", 1, kinds);
    if ((rc = ss_v_finish(&v))) return rc;
    int review;
    const ss_content_text texts[] = {{"name", c.name}, {"street", c.street}, {"district", c.district}};
    if ((rc = ss_content_check(req, SS_CONTENT_FORUM, texts, 3, &review))) return rc;
    rc = ss_store_community_create(req->db, req->arena, &c, &c.id);
    if (rc == SS_ECONFLICT) return ss_reply_error(req, "already_exists");
    if (rc || (rc = ss_content_hold(req, review, "community", c.id, c.id)) ||
        (rc = ss_audit(req, "community.create", "community", c.id, c.id, c.kind)))
        return rc;
    c.created_at = req->now;
    c.content_status = review ? "review" : "visible";
    return ss_reply_json(req, 201, ss_view_community(&c));
}

/* ?limit&cursor -> {items, next_cursor} in id order */
static int community_list(ss_req *req)
{
    int limit, n, rc;
    long long after;
    ss_community *items;
    if ((rc = ss_req_limit(req, &limit)) || (rc = ss_req_query_int(req, "cursor", 0, INT64_MAX, 0, &after)))
        return rc;
    /* a held community is shown to every admin, and to its own community admins */
    const ss_user *u = &req->caller.user;
    int signed_in = req->caller.authenticated;
    if ((rc = ss_store_community_list(req->db, req->arena, after, signed_in && u->is_admin,
                                      signed_in ? u->community_admin_of : NULL, signed_in ? u->ncommunities : 0, limit,
                                      &items, &n)))
        return rc;
    json_t *arr = json_array();
    for (int i = 0; i < n; i++) json_array_append_new(arr, ss_view_community(&items[i]));
    char next[32];
    if (n == limit) snprintf(next, sizeof next, "%lld", items[n - 1].id);
    return ss_reply_list(req, arr, n == limit ? next : NULL);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/communities", community_create, SS_ACCESS_ADMIN, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/communities", community_list, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_community_routes = {routes, sizeof routes / sizeof routes[0]};
