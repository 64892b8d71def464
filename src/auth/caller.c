/* Caller authentication (see caller.h). The user with roles is cached in Redis beside the
 * session (one MGET for both), so an authenticated request costs one Redis round trip
 * instead of a Redis and a MariaDB one; whatever changes roles or volunteer status drops
 * the snapshot (ss_caller_forget). */
#include "auth/caller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/status.h"
#include "util/metrics.h"

#define USER_CACHE_TTL_S 300
#define MAX_COMMUNITIES 64

/* "v2 <admin> <volunteer> <n> <c1> ... <cn> <m> <org1>:<role1> ... <orgm>:<rolem> <nickname>"
 * (m is -1 when the memberships are not carried; roles as ss_org_role numbers). A snapshot of
 * another version is not decoded: it is loaded again. */
static char *encode(ss_arena *a, const ss_user *u)
{
    size_t cap = 64 + (size_t)u->ncommunities * 21 + (size_t)u->norgs * 24 + strlen(u->nickname ? u->nickname : "");
    char *s = ss_arena_alloc(a, cap);
    int n = snprintf(s, cap, "v2 %d %d %d", u->is_admin, u->is_volunteer, u->ncommunities);
    for (int i = 0; i < u->ncommunities; i++) n += snprintf(s + n, cap - (size_t)n, " %lld", u->community_admin_of[i]);
    n += snprintf(s + n, cap - (size_t)n, " %d", u->orgs_known ? u->norgs : -1);
    for (int i = 0; u->orgs_known && i < u->norgs; i++)
        n += snprintf(s + n, cap - (size_t)n, " %lld:%d", u->org_ids[i], (int)u->org_roles[i]);
    snprintf(s + n, cap - (size_t)n, " %s", u->nickname ? u->nickname : "");
    return s;
}

static int decode(ss_arena *a, long long uid, const char *s, ss_user *out)
{
    ss_user u = {.id = uid};
    int used = 0, norgs = 0;
    if (sscanf(s, "v2 %d %d %d%n", &u.is_admin, &u.is_volunteer, &u.ncommunities, &used) != 3 || u.ncommunities < 0 ||
        u.ncommunities > MAX_COMMUNITIES)
        return -1;
    const char *p = s + used;
    u.community_admin_of = ss_arena_alloc(a, (size_t)(u.ncommunities + 1) * sizeof(long long));
    for (int i = 0; i < u.ncommunities; i++) {
        char *end;
        u.community_admin_of[i] = strtoll(p, &end, 10);
        if (end == p) return -1;
        p = end;
    }
    if (sscanf(p, " %d%n", &norgs, &used) != 1 || norgs < -1 || norgs > SS_USER_MAX_ORGS) return -1;
    p += used;
    u.orgs_known = norgs >= 0;
    u.norgs = norgs > 0 ? norgs : 0;
    u.org_ids = ss_arena_alloc(a, (size_t)(u.norgs + 1) * sizeof *u.org_ids);
    u.org_roles = ss_arena_alloc(a, (size_t)(u.norgs + 1) * sizeof *u.org_roles);
    for (int i = 0; i < u.norgs; i++) {
        int role;
        if (sscanf(p, " %lld:%d%n", &u.org_ids[i], &role, &used) != 2 || role < SS_ORG_ROLE_NONE ||
            role > SS_ORG_ROLE_LEADER)
            return -1;
        u.org_roles[i] = (ss_org_role)role;
        p += used;
    }
    if (*p != ' ') return -1;
    u.nickname = p + 1;
    *out = u;
    return 0;
}

int ss_caller_authenticate(const ss_jwt_keys *keys, ss_db *db, ss_cache *cache, ss_arena *a,
                           const char *authorization, time_t now, ss_caller *out)
{
    ss_jwt_claims claims;
    char *blob = NULL;
    long long generation = 0;
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0) return SS_EUNAUTH;
    const char *token = authorization + 7;
    while (*token == ' ') token++;
    int rc = ss_jwt_verify(keys, token, now, &claims);
    if (rc) return rc;
    rc = ss_session_get_user(cache, a, claims.sid, claims.user_id, &blob, &generation);   /* a session never changes hands */
    if (rc == SS_EUNAVAIL) ss_metrics_dep_error(SS_DEP_REDIS);
    if (rc) return rc;
    ss_user u;
    if (!blob || decode(a, claims.user_id, blob, &u) != 0) {
        rc = ss_store_user_get(db, a, claims.user_id, &u);
        if (rc == SS_ENOTFOUND) return SS_EUNAUTH;
        if (rc == SS_EUNAVAIL) ss_metrics_dep_error(SS_DEP_MYSQL);
        if (rc) return rc;
        ss_user_cache_put(cache, u.id, encode(a, &u), generation, USER_CACHE_TTL_S);   /* best effort */
    }
    out->authenticated = 1;
    out->user_id = claims.user_id;
    memcpy(out->sid, claims.sid, sizeof out->sid);
    out->user = u;
    return SS_OK;
}

int ss_caller_forget(ss_cache *cache, long long user_id)
{
    return ss_user_cache_drop(cache, user_id);
}
