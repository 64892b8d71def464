/* Fixed-window rate limits in Redis (see cache.h). One Lua script makes the count and its
 * expiry atomic; the window index is part of the key, so a key never outlives its window. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache/redis_conn.h"
#include "util/status.h"
#include "util/log.h"

/* KEYS: the counters; ARGV[1]: their expiry; ARGV[1 + i]: KEYS[i]'s limit. Returns the index
 * of the first counter beyond its limit (the later ones untouched), or 0. */
static const char script[] =
    "for i = 1, #KEYS do "
    "local n = redis.call('INCR', KEYS[i]) "
    "if n == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end "
    "if n > tonumber(ARGV[i + 1]) then return i end "
    "end "
    "return 0";

int ss_rate_allow_all(ss_cache *c, const ss_rate_check *checks, int n, int window_s, time_t now)
{
    if (n < 1 || n > SS_RATE_CHECKS_MAX || window_s < 1) return SS_EINVALID;
    char keys[SS_RATE_CHECKS_MAX][200], limits[SS_RATE_CHECKS_MAX][16], ttl[16], nkeys[8];
    const char *argv[4 + 2 * SS_RATE_CHECKS_MAX];
    size_t lens[4 + 2 * SS_RATE_CHECKS_MAX];
    int argc = 0, rc;
    snprintf(ttl, sizeof ttl, "%d", window_s + 1);
    snprintf(nkeys, sizeof nkeys, "%d", n);
    argv[argc] = "EVAL", lens[argc++] = 4;
    argv[argc] = script, lens[argc++] = sizeof script - 1;
    argv[argc] = nkeys, lens[argc++] = strlen(nkeys);
    for (int i = 0; i < n; i++) {
        snprintf(keys[i], sizeof keys[i], "rl:%s:%.120s:%lld", checks[i].bucket, checks[i].who,
                 (long long)(now / window_s));
        argv[argc] = keys[i], lens[argc++] = strlen(keys[i]);
    }
    argv[argc] = ttl, lens[argc++] = strlen(ttl);
    for (int i = 0; i < n; i++) {
        snprintf(limits[i], sizeof limits[i], "%d", checks[i].limit);
        argv[argc] = limits[i], lens[argc++] = strlen(limits[i]);
    }
    redisReply *r = ss_redis_command(c, SS_REDIS_ONCE, argc, argv, lens, &rc);   /* a count: never twice */
    if (!r) return rc;
    if (r->type == REDIS_REPLY_INTEGER) {
        rc = r->integer > 0 ? SS_ELIMIT : SS_OK;
    } else {
        SS_WARN("cache", "msg=\"rate limit script failed\" type=%d", r->type);
        rc = SS_EUNAVAIL;
    }
    freeReplyObject(r);
    return rc;
}

int ss_rate_allow(ss_cache *c, const char *bucket, const char *who, int limit, int window_s, time_t now)
{
    const ss_rate_check one = {bucket, who, limit};
    return ss_rate_allow_all(c, &one, 1, window_s, now);
}
