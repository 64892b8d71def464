/* Fixed-window rate limits in Redis (see cache.h). One Lua script makes the count and its
 * expiry atomic; the window index is part of the key, so a key never outlives its window. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache/redis_conn.h"
#include "util/status.h"
#include "util/log.h"

static const char script[] =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
    "return n";

int ss_rate_allow(ss_cache *c, const char *bucket, const char *who, int limit, int window_s, time_t now)
{
    char key[200], ttl[16];
    int rc;
    snprintf(key, sizeof key, "rl:%s:%.120s:%lld", bucket, who, (long long)(now / window_s));
    snprintf(ttl, sizeof ttl, "%d", window_s + 1);
    const char *argv[] = {"EVAL", script, "1", key, ttl};
    size_t lens[] = {4, sizeof script - 1, 1, strlen(key), strlen(ttl)};
    redisReply *r = ss_redis_command(c, SS_REDIS_ONCE, 5, argv, lens, &rc);   /* a count: never twice */
    if (!r) return rc;
    if (r->type == REDIS_REPLY_INTEGER) {
        rc = r->integer > limit ? SS_ELIMIT : SS_OK;
    } else {
        SS_WARN("cache", "msg=\"rate limit script failed\" type=%d", r->type);
        rc = SS_EUNAVAIL;
    }
    freeReplyObject(r);
    return rc;
}
