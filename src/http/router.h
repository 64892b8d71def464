/* The router: the only place that knows every route. Each handler file exports a static
 * table of ss_route rows (method, path pattern, handler, who may call it); routes.c adds
 * them all. Patterns are literal segments and `{name}` parameters, which match positive
 * decimal integers only (every id in the API). A path that matches a pattern under another
 * method is 405 (with Allow), a path that matches none is 404. */
#ifndef SS_HTTP_ROUTER_H
#define SS_HTTP_ROUTER_H

#include <stddef.h>

struct ss_req;
typedef int (*ss_handler_fn)(struct ss_req *req);

/* Who may call a route; checked before the handler runs. Object-level checks (owner, org
 * role, community) are made by the policy functions in auth/policy.h. */
typedef enum {
    SS_ACCESS_PUBLIC = 0,   /* anyone; the caller is authenticated if a token is sent */
    SS_ACCESS_SIGNED_IN,    /* a valid session */
    SS_ACCESS_VOLUNTEER,    /* a valid session of a registered volunteer (else 403 volunteer_required) */
    SS_ACCESS_ADMIN,        /* a valid session with the admin role */
    SS_ACCESS_APPROVER,     /* a valid session of an admin or of a community admin (of any community) */
} ss_access;

/* The object a route acts on: its first `{param}` names it. The server loads it and checks
 * the route's rule against the caller before the handler runs (auth/policy.c), so no
 * handler can forget an object-level check. */
typedef enum {
    SS_SUBJECT_NONE = 0,
    SS_SUBJECT_ORG,         /* {id} is an organization */
    SS_SUBJECT_ACTIVITY,    /* {id} is an activity (its organization comes along) */
    SS_SUBJECT_CORRECTION,  /* {id} is a service-time correction (its activity and organization come along) */
    SS_SUBJECT_ACTIVITY_VIEW,  /* {id} is an activity as shown to people, up to SS_PUBLIC_MAX_AGE_MS old (GET only) */
} ss_subject;

typedef enum {
    SS_RULE_VISIBLE = 0,    /* anyone who may see the object */
    SS_RULE_ORG_LEADER,     /* the organization's leader */
    SS_RULE_ORG_STAFF,      /* the organization's leader or a social worker */
    SS_RULE_COMMUNITY_ADMIN,/* an admin, or an admin of the object's community */
    SS_RULE_APPROVER,       /* the organization's leader, the community's admin, or an admin */
} ss_rule;

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
