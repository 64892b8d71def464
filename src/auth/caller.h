/* Who is calling: the session behind a bearer token, and the user's roles. Every route's
 * access level is checked against this before its handler runs (http/server.c). */
#ifndef SS_AUTH_CALLER_H
#define SS_AUTH_CALLER_H

#include <time.h>

#include "auth/jwt.h"
#include "cache/cache.h"
#include "store/users.h"

typedef struct ss_caller {
    int authenticated;
    long long user_id;
    char sid[SS_SID_LEN + 1];
    ss_user user;             /* with roles; strings in the request arena */
} ss_caller;

/* Authenticates "Bearer <jwt>": verifies the token (HS256 pinned, claims checked), requires
 * its session in Redis, and loads the user with roles and memberships (a snapshot cached in
 * Redis and, when the cache has a tracker, in the process, kept true by Redis' invalidations). Returns 0 and fills *out;
 * SS_EUNAUTH for a missing, malformed, expired, tampered or revoked token, or a deleted
 * user; SS_EUNAVAIL if Redis or MariaDB is down. */
int ss_caller_authenticate(const ss_jwt_keys *keys, ss_db *db, ss_cache *cache, ss_arena *a,
                           const char *authorization, time_t now, ss_caller *out);

/* Drops the cached snapshot of a user's roles, memberships (organizations and roles in them)
 * and volunteer status and bumps its generation, so
 * a snapshot read before the change cannot be cached after it: call it once the change is
 * committed (handlers call ss_req_forget_user, which the pipeline runs after the commit).
 * Returns 0 or SS_EUNAVAIL (then the snapshot expires within 5 minutes). */
int ss_caller_forget(ss_cache *cache, long long user_id);

#endif
