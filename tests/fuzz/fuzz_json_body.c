/* libFuzzer target: every route's request-body validation. The first input byte picks a
 * route that takes a body; the rest is the body. The handler runs with an authenticated
 * admin-volunteer-leader caller and with MariaDB and Redis unreachable, so everything up
 * to the first store call is exercised, and the reply must be an error of the contract or
 * a store failure (503), never a crash, a leak or a 500 from validation. MariaDB is
 * "unreachable" through a node list that names no node (db.c refuses it at once, the path of
 * a misconfigured mysql_hosts): a real connection attempt per input, to a socket that is not
 * there, spent more than half of every execution in libmariadb and its retry sleeps. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static ss_router *router;
static ss_arena *arena;
static ss_db *db;
static ss_cache *cache;
static ss_config cfg;
static ss_app app;
static int body_routes[64], nbody;
static long long community_admin_of[] = {1};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!router) {
        router = ss_router_create();
        if (ss_routes_register(router) != SS_OK) __builtin_trap();
        for (int i = 0; i < ss_router_count(router) && nbody < 64; i++) {
            const char *m = ss_router_route(router, i)->method;
            if (!strcmp(m, "POST") || !strcmp(m, "PUT") || !strcmp(m, "PATCH")) body_routes[nbody++] = i;
        }
        arena = ss_arena_create(16384);
        ss_config_defaults(&cfg);
        ss_db_opts dbo = {.unix_socket = "/nonexistent/mysqld.sock", .user = "x", .password = "x", .database = "x",
                          .timeout_s = 1, .hosts = "unreachable"};
        ss_cache_opts co = {.unix_socket = "/nonexistent/redis.sock", .timeout_ms = 50};
        db = ss_db_create(&dbo);
        cache = ss_cache_create(&co);
        app.cfg = &cfg;
        app.router = router;
    }
    if (size < 1 || size > 65536 || nbody == 0) return 0;
    const ss_route *route = ss_router_route(router, body_routes[data[0] % nbody]);
    ss_req req;
    memset(&req, 0, sizeof req);
    req.app = &app;
    req.db = db;
    req.cache = cache;
    req.arena = arena;
    req.now = 1795300000;
    req.method = route->method;
    req.path = route->pattern;
    req.query = "";
    req.body = (const char *)data + 1;
    req.body_len = size - 1;
    req.match.route = route;
    req.match.nparams = 1;
    req.match.params[0] = 1;
    req.caller.authenticated = 1;
    req.caller.user_id = 1;
    req.caller.user = (ss_user){.id = 1, .nickname = "f", .is_admin = 1, .is_volunteer = 1, .ncommunities = 1,
                                .community_admin_of = community_admin_of};
    req.subject.role = SS_ORG_ROLE_LEADER;
    req.subject.org = (ss_org){.id = 1, .community_id = 1, .name = "o", .kind = "association", .stage = "startup",
                               .status = "filed", .summary = ""};
    req.subject.activity = (ss_activity){.id = 1, .org_id = 1, .community_id = 1, .org_name = "o",
                                         .org_status = "filed", .title = "t", .description = "", .category = "other",
                                         .status = "published", .location_name = "l", .capacity = 1,
                                         .starts_at = 1795300000, .ends_at = 1795303600, .radius_m = 100};
    int rc = route->handler(&req);
    if (rc == SS_EINTERNAL) __builtin_trap();   /* bad input must never look like our bug */
    if (rc != SS_OK) ss_reply_render_error(&req, rc);
    if (req.status < 200 || req.status == 500) __builtin_trap();
    ss_arena_reset(arena);
    return 0;
}
