/* Segment-matching router (see router.h). Routes are few (tens), so a linear scan over
 * pre-split patterns is both simplest and fast enough (measured in bench/). */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

#include "http/errors.h"
#include "util/arena.h"

#define MAX_ROUTES 256

typedef struct {
    const ss_route *route;
    int nseg;
    const char *seg[SS_ROUTE_MAX_SEGMENTS];   /* NULL: a parameter */
    size_t seglen[SS_ROUTE_MAX_SEGMENTS];
} compiled;

struct ss_router {
    int n;
    compiled routes[MAX_ROUTES];
};

ss_router *ss_router_create(void) { return ss_xcalloc(1, sizeof(ss_router)); }
void ss_router_free(ss_router *r) { free(r); }
int ss_router_count(const ss_router *r) { return r->n; }
const ss_route *ss_router_route(const ss_router *r, int i) { return r->routes[i].route; }

static int split_pattern(const char *p, compiled *c)
{
    if (*p != '/') return -1;
    c->nseg = 0;
    while (*p == '/') {
        p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len == 0 || c->nseg == SS_ROUTE_MAX_SEGMENTS) return -1;
        if (p[0] == '{') {
            if (len < 3 || p[len - 1] != '}' || memchr(p + 1, '{', len - 2) || memchr(p + 1, '}', len - 2))
                return -1;
            c->seg[c->nseg] = NULL;
        } else {
            if (memchr(p, '{', len) || memchr(p, '}', len)) return -1;
            c->seg[c->nseg] = p;
        }
        c->seglen[c->nseg++] = len;
        p += len;
    }
    return *p == '\0' ? 0 : -1;
}

/* Returns 1 if a and b match the same paths (parameter names do not count). */
static int same_shape(const compiled *a, const compiled *b)
{
    if (a->nseg != b->nseg) return 0;
    for (int i = 0; i < a->nseg; i++) {
        if (!a->seg[i] != !b->seg[i]) return 0;
        if (a->seg[i] && (a->seglen[i] != b->seglen[i] || memcmp(a->seg[i], b->seg[i], a->seglen[i]) != 0))
            return 0;
    }
    return 1;
}

int ss_router_add(ss_router *r, const ss_route *route)
{
    if (r->n == MAX_ROUTES) return SS_ELIMIT;
    compiled c = {.route = route};
    int nparams = 0;
    if (!route->method || !route->handler || !route->pattern || split_pattern(route->pattern, &c) != 0) return SS_EINVALID;
    for (int i = 0; i < c.nseg; i++) nparams += c.seg[i] == NULL;
    if (nparams > SS_ROUTE_MAX_PARAMS) return SS_EINVALID;
    for (int i = 0; i < r->n; i++)
        if (same_shape(&r->routes[i], &c) && strcmp(r->routes[i].route->method, route->method) == 0)
            return SS_EINVALID;
    r->routes[r->n++] = c;
    return SS_OK;
}

/* Parses a positive decimal id of at most 18 digits (no sign, no leading zero). */
static int parse_id(const char *s, size_t len, long long *out)
{
    if (len == 0 || len > 18 || s[0] == '0') return -1;
    long long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Returns 1 if path matches c, filling params. */
static int match_one(const compiled *c, const char *path, long long *params, int *nparams)
{
    const char *p = path;
    int np = 0;
    for (int i = 0; i < c->nseg; i++) {
        if (*p != '/') return 0;
        p++;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (c->seg[i]) {
            if (len != c->seglen[i] || memcmp(p, c->seg[i], len) != 0) return 0;
        } else if (parse_id(p, len, &params[np++]) != 0) {
            return 0;
        }
        p += len;
    }
    if (*p != '\0') return 0;
    *nparams = np;
    return 1;
}

int ss_router_match(const ss_router *r, const char *method, const char *path, ss_route_match *m)
{
    int path_matched = 0;
    size_t allow_len = 0;
    ss_route_match found = {0};
    found.index = -1;
    if (!path || path[0] != '/') return SS_ENOTFOUND;
    for (int i = 0; i < r->n; i++) {
        long long params[SS_ROUTE_MAX_PARAMS];
        int np = 0;
        if (!match_one(&r->routes[i], path, params, &np)) continue;
        const ss_route *rt = r->routes[i].route;
        /* HEAD is GET without the body (the server drops it) */
        int is_get = strcmp(rt->method, "GET") == 0;
        if (strcmp(rt->method, method) == 0 || (is_get && strcmp(method, "HEAD") == 0)) {
            m->route = rt;
            m->index = i;
            m->nparams = np;
            memcpy(m->params, params, sizeof params);
            m->allow[0] = '\0';
            return SS_OK;
        }
        path_matched = 1;
        const char *add[2] = {rt->method, is_get ? "HEAD" : NULL};
        for (int k = 0; k < 2 && add[k]; k++) {
            size_t ml = strlen(add[k]);
            if (allow_len + ml + 3 >= sizeof found.allow) break;
            if (allow_len) {
                memcpy(found.allow + allow_len, ", ", 2);
                allow_len += 2;
            }
            memcpy(found.allow + allow_len, add[k], ml + 1);
            allow_len += ml;
        }
    }
    if (!path_matched) return SS_ENOTFOUND;
    memcpy(m->allow, found.allow, sizeof found.allow);
    m->route = NULL;
    m->index = -1;
    return SS_EMETHOD;
}
