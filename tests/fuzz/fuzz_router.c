/* libFuzzer target: the router's path matching and the query-string parser, the first
 * code to see a request's URI. Input: "<method> <uri>". */
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!router) {
        router = ss_router_create();
        if (ss_routes_register(router) != SS_OK) __builtin_trap();
        arena = ss_arena_create(16384);
    }
    if (size > 8192) return 0;
    char *s = ss_arena_strndup(arena, (const char *)data, size);
    char *sp = strchr(s, ' ');
    const char *method = "GET", *uri = s;
    if (sp) {
        *sp = '\0';
        method = s;
        uri = sp + 1;
    }
    char *q = strchr(uri, '?');
    ss_req req;
    memset(&req, 0, sizeof req);
    req.arena = arena;
    req.query = q ? q + 1 : "";
    if (q) *q = '\0';
    ss_route_match m;
    int rc = ss_router_match(router, method, uri, &m);
    if (rc == SS_OK) {
        if (!m.route || m.nparams < 0 || m.nparams > SS_ROUTE_MAX_PARAMS) __builtin_trap();
        for (int i = 0; i < m.nparams; i++)
            if (m.params[i] <= 0) __builtin_trap();   /* ids are positive by contract */
    } else if (rc != SS_ENOTFOUND && rc != SS_EMETHOD) {
        __builtin_trap();
    }
    static const char *const names[] = {"limit", "cursor", "community_id", "category", "from", "to", ""};
    for (int i = 0; names[i][0]; i++) {
        const char *v = ss_req_query(&req, names[i]);
        if (v && strlen(v) > strlen(req.query)) __builtin_trap();   /* decoding never grows */
        long long x;
        (void)ss_req_query_int(&req, names[i], 0, 100, 1, &x);
    }
    ss_arena_reset(arena);
    return 0;
}
