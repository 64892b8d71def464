/* The router: the only place that knows every route. Each handler file exports a static
 * table of ss_route rows (method, path pattern, handler, who may call it); routes.c adds
 * them all. Patterns are literal segments and `{name}` parameters, which match positive
 * decimal integers only (every id in the API). A path that matches a pattern under another
 * method is 405 (with Allow), a path that matches none is 404. */
#ifndef SS_HTTP_ROUTER_H
#define SS_HTTP_ROUTER_H

#include <stddef.h>

#include "auth/access.h"   /* ss_access, ss_subject, ss_rule: what a route row names */

struct ss_req;
typedef int (*ss_handler_fn)(struct ss_req *req);

typedef struct ss_route {
    const char *method;     /* "GET", "POST", ... */
    const char *pattern;    /* "/api/v1/orgs/{id}/approve" */
    ss_handler_fn handler;
    ss_access access;
    ss_subject subject;
    ss_rule rule;
} ss_route;

#define SS_ROUTE_MAX_PARAMS 4
#define SS_ROUTE_MAX_SEGMENTS 12

typedef struct ss_route_match {
    const ss_route *route;
    int index;                                   /* position in the router, for metrics */
    int nparams;
    long long params[SS_ROUTE_MAX_PARAMS];       /* parsed `{name}` values, in order */
    char allow[64];                              /* for 405: "GET, POST" */
} ss_route_match;

typedef struct ss_router ss_router;

ss_router *ss_router_create(void);
void ss_router_free(ss_router *r);
/* Adds a route (borrowed: the table must outlive the router). Returns 0, or SS_EINVALID for a
 * malformed pattern or a duplicate method+pattern, or SS_ELIMIT when the table is full. */
int ss_router_add(ss_router *r, const ss_route *route);
/* Matches method and path (no query string). Returns 0 and fills *m; SS_ENOTFOUND; or
 * SS_EMETHOD with m->allow set. */
int ss_router_match(const ss_router *r, const char *method, const char *path, ss_route_match *m);
/* Number of routes and "METHOD pattern" of route i (for metrics and listings). */
int ss_router_count(const ss_router *r);
const ss_route *ss_router_route(const ss_router *r, int i);

#endif
