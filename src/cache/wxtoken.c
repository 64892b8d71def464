/* WeChat's access token shared by every app worker and host (see cache.h): key "wx:token",
 * value "<expires_at> <token>", living until the token's expiry; "wx:token:lock" (SET NX PX,
 * holding a random owner value) lets one worker at a time fetch a fresh token. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cache/redis_conn.h"
#include "util/log.h"
#include "util/status.h"

#define TOKEN_KEY "wx:token"
#define LOCK_KEY "wx:token:lock"

int ss_wx_token_load(ss_cache *c, char *token, size_t size, time_t *expires_at)
{
    int rc;
    const char *argv[] = {"GET", TOKEN_KEY};
    size_t lens[] = {3, sizeof TOKEN_KEY - 1};
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 2, argv, lens, &rc);
    if (!r) return rc;
    rc = SS_ENOTFOUND;
    if (r->type == REDIS_REPLY_STRING) {
        char *sp = memchr(r->str, ' ', r->len);
        size_t tlen = sp ? r->len - (size_t)(sp + 1 - r->str) : 0;
        if (sp && tlen > 0 && tlen < size) {
            *expires_at = (time_t)strtoll(r->str, NULL, 10);
            memcpy(token, sp + 1, tlen);
            token[tlen] = '\0';
            rc = SS_OK;
        }
    } else if (r->type != REDIS_REPLY_NIL) {
        rc = SS_EUNAVAIL;
    }
    freeReplyObject(r);
    return rc;
}

int ss_wx_token_store(ss_cache *c, const char *token, time_t expires_at, time_t now)
{
    int rc;
    long ttl = (long)(expires_at - now);
    if (ttl <= 0) return SS_OK;
    size_t n = strlen(token) + 32;
    char *val = malloc(n), ttl_s[24];
    if (!val) return SS_EUNAVAIL;
    snprintf(val, n, "%lld %s", (long long)expires_at, token);
    snprintf(ttl_s, sizeof ttl_s, "%ld", ttl);
    const char *argv[] = {"SET", TOKEN_KEY, val, "EX", ttl_s};
    size_t lens[] = {3, sizeof TOKEN_KEY - 1, strlen(val), 2, strlen(ttl_s)};
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 5, argv, lens, &rc);   /* a fixed value */
    free(val);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_STATUS ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

int ss_wx_token_lock(ss_cache *c, const char *owner, int ttl_ms)
{
    int rc;
    char ttl[16];
    snprintf(ttl, sizeof ttl, "%d", ttl_ms);
    const char *argv[] = {"SET", LOCK_KEY, owner, "PX", ttl, "NX"};
    size_t lens[] = {3, sizeof LOCK_KEY - 1, strlen(owner), 2, strlen(ttl), 2};
    redisReply *r = ss_redis_command(c, SS_REDIS_ONCE, 6, argv, lens, &rc);   /* SET NX: a retry would answer nil */
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_STATUS ? SS_OK : r->type == REDIS_REPLY_NIL ? SS_ECONFLICT : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

static const char unlock_script[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

int ss_wx_token_unlock(ss_cache *c, const char *owner)
{
    int rc;
    const char *argv[] = {"EVAL", unlock_script, "1", LOCK_KEY, owner};
    size_t lens[] = {4, sizeof unlock_script - 1, 1, sizeof LOCK_KEY - 1, strlen(owner)};
    /* deleting only our own lock: a second run changes nothing */
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 5, argv, lens, &rc);
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_INTEGER ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}
