/* Caller authentication (see caller.h). */
#include "auth/caller.h"

#include <string.h>
#include <strings.h>

#include "http/errors.h"
#include "util/metrics.h"

int ss_caller_authenticate(const ss_jwt_keys *keys, ss_db *db, ss_cache *cache, ss_arena *a,
                           const char *authorization, time_t now, ss_caller *out)
{
    ss_jwt_claims claims;
    long long uid = 0;
    if (!authorization || strncasecmp(authorization, "Bearer ", 7) != 0) return SS_EUNAUTH;
    const char *token = authorization + 7;
    while (*token == ' ') token++;
    int rc = ss_jwt_verify(keys, token, now, &claims);
    if (rc) return rc;
    rc = ss_session_get(cache, claims.sid, &uid);
    if (rc == SS_EUNAVAIL) ss_metrics_dep_error(SS_DEP_REDIS);
    if (rc) return rc;
    if (uid != claims.user_id) return SS_EUNAUTH;   /* a session never changes hands */
    ss_user u;
    rc = ss_store_user_get(db, a, uid, &u);
    if (rc == SS_ENOTFOUND) return SS_EUNAUTH;
    if (rc == SS_EUNAVAIL) ss_metrics_dep_error(SS_DEP_MYSQL);
    if (rc) return rc;
    out->authenticated = 1;
    out->user_id = uid;
    memcpy(out->sid, claims.sid, sizeof out->sid);
    out->user = u;
    return SS_OK;
}
