/* Fixed-window rate limits in Redis (see cache.h). One Lua script makes the count and its
 * expiry atomic; the window index is part of the key, so a key never outlives its window. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cache/redis_conn.h"
#include "util/status.h"
#include "util/log.h"

/* KEYS: the counters; ARGV[1]: their expiry; ARGV[1 + i]: KEYS[i]'s limit; ARGV[1 + #KEYS + i]:
 * the event (1..E) KEYS[i] counts, an event's keys in a row. Returns for each event 1 if one of
 * its counters went beyond its limit (its later ones untouched), else 0. */
static const char script[] =
    "local n = #KEYS local res = {} "
    "for i = 1, n do "
    "local e = tonumber(ARGV[1 + n + i]) "
    "if res[e] == nil then res[e] = 0 end "
    "if res[e] == 0 then "
    "local c = redis.call('INCR', KEYS[i]) "
    "if c == 1 then redis.call('EXPIRE', KEYS[i], ARGV[1]) end "
    "if c > tonumber(ARGV[1 + i]) then res[e] = 1 end "
    "end "
    "end "
    "return res";

int ss_rate_allow_events(ss_cache *c, const ss_rate_check *checks, const int *event_of, int n, int nevents,
                         int window_s, time_t now, int *limited)
{
    if (n < 1 || n > SS_RATE_EVENT_CHECKS_MAX || nevents < 1 || window_s < 1) return SS_EINVALID;
    for (int i = 0; i < n; i++)   /* each event's checks in a row, every event with one */
        if (event_of[i] < 0 || event_of[i] >= nevents || (i > 0 && event_of[i] != event_of[i - 1] &&
                                                          event_of[i] != event_of[i - 1] + 1) ||
            (i == 0 && event_of[0] != 0) || (i == n - 1 && event_of[i] != nevents - 1))
            return SS_EINVALID;
    enum { ARGS = 4 + 3 * SS_RATE_EVENT_CHECKS_MAX };
    char keys[SS_RATE_EVENT_CHECKS_MAX][200], limits[SS_RATE_EVENT_CHECKS_MAX][16],
        events[SS_RATE_EVENT_CHECKS_MAX][16], ttl[16], nkeys[16];
    const char *argv[ARGS];
    size_t lens[ARGS];
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
    for (int i = 0; i < n; i++) {
        snprintf(events[i], sizeof events[i], "%d", event_of[i] + 1);
        argv[argc] = events[i], lens[argc++] = strlen(events[i]);
    }
    redisReply *r = ss_redis_command(c, SS_REDIS_ONCE, argc, argv, lens, &rc);   /* a count: never twice */
    if (!r) return rc;
    rc = SS_OK;
    if (r->type == REDIS_REPLY_ARRAY && r->elements == (size_t)nevents) {
        for (int e = 0; e < nevents; e++) {
            if (r->element[e]->type != REDIS_REPLY_INTEGER) rc = SS_EUNAVAIL;
            else limited[e] = r->element[e]->integer != 0;
        }
    } else {
        rc = SS_EUNAVAIL;
    }
    if (rc) SS_WARN("cache", "msg=\"rate limit script failed\" type=%d", r->type);
    freeReplyObject(r);
    return rc;
}

int ss_rate_allow_all(ss_cache *c, const ss_rate_check *checks, int n, int window_s, time_t now)
{
    if (n < 1 || n > SS_RATE_CHECKS_MAX) return SS_EINVALID;
    int event_of[SS_RATE_CHECKS_MAX] = {0}, limited = 0;
    int rc = ss_rate_allow_events(c, checks, event_of, n, 1, window_s, now, &limited);
    return rc ? rc : limited ? SS_ELIMIT : SS_OK;
}

int ss_rate_allow(ss_cache *c, const char *bucket, const char *who, int limit, int window_s, time_t now)
{
    const ss_rate_check one = {bucket, who, limit};
    return ss_rate_allow_all(c, &one, 1, window_s, now);
}
