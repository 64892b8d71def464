/* Operations: GET /healthz checks MariaDB and Redis; GET /metrics is Prometheus text. */
#include <stdlib.h>

#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "util/metrics.h"

static void free_cb(void *p) { free(p); }

/* -> 200 {status: "ok", mysql: "ok", redis: "ok"} or 503 naming the failing part */
static int healthz(ss_req *req)
{
    int db = ss_db_ping(req->db), cache = ss_cache_ping(req->cache);
    if (db) ss_metrics_dep_error(SS_DEP_MYSQL);
    if (cache) ss_metrics_dep_error(SS_DEP_REDIS);
    int ok = !db && !cache;
    json_t *body = json_pack("{s:s, s:s, s:s}", "status", ok ? "ok" : "unavailable", "mysql", db ? "down" : "ok",
                             "redis", cache ? "down" : "ok");
    if (!ok) {
        const char *failing = db && cache ? "mysql, redis" : db ? "mysql" : "redis";
        json_object_set_new(body, "error",
                            json_pack("{s:s, s:s+}", "code", "unavailable", "message",
                                      req->zh ? "依赖服务不可用：" : "a dependency is down: ", failing));
    }
    return ss_reply_json(req, ok ? 200 : 503, body);
}

static int metrics(ss_req *req)
{
    size_t len;
    char *text = ss_metrics_render(&len);
    ss_arena_on_reset(req->arena, free_cb, text);
    return ss_reply_raw(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
}

static const ss_route routes[] = {
    {"GET", "/healthz", healthz, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/metrics", metrics, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_health_routes = {routes, sizeof routes / sizeof routes[0]};
