/* Console sign-in tickets in Redis (see cache.h). Key "qrt:<ticket>", living at most the
 * ticket's TTL: "w" while waiting, "c <user_id>" once a signed-in mini-program user confirmed
 * it, "t" once the console's poll took the sign-in. Confirm and take are Lua scripts, so each
 * reads and changes the ticket atomically: of any number of parallel polls of a confirmed
 * ticket exactly one sees "c <user_id>" and turns it into "t". */
#include <stdio.h>
#include <string.h>

#include "cache/redis_conn.h"
#include "util/log.h"
#include "util/status.h"

#define KEY_MAX 48

static const char confirm_script[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if not v then return 0 end "
    "if v == 'w' then redis.call('SET', KEYS[1], 'c ' .. ARGV[1], 'KEEPTTL') return 1 end "
    "return 2";

static const char take_script[] =
    "local v = redis.call('GET', KEYS[1]) "
    "if not v then return -1 end "
    "if v == 'w' then return 0 end "
    "if string.sub(v, 1, 2) == 'c ' then redis.call('SET', KEYS[1], 't', 'KEEPTTL') "
    "return tonumber(string.sub(v, 3)) end "
    "return -1";

static void key_of(char *key, const char *ticket) { snprintf(key, KEY_MAX, "qrt:%.32s", ticket); }

/* Runs script on the ticket's key with one argument; *out is its integer reply. */
static int run(ss_cache *c, const char *script, size_t script_len, const char *ticket, const char *arg,
               long long *out)
{
    char key[KEY_MAX];
    int rc;
    key_of(key, ticket);
    const char *argv[] = {"EVAL", script, "1", key, arg};
    size_t lens[] = {4, script_len, 1, strlen(key), strlen(arg)};
    redisReply *r = ss_redis_command(c, SS_REDIS_ONCE, 5, argv, lens, &rc);   /* the scripts change the ticket */
    if (!r) return rc;
    if (r->type == REDIS_REPLY_INTEGER) {
        *out = r->integer;
        rc = SS_OK;
    } else {
        SS_WARN("cache", "msg=\"qr ticket script failed\" type=%d", r->type);
        rc = SS_EUNAVAIL;
    }
    freeReplyObject(r);
    return rc;
}

int ss_qr_ticket_create(ss_cache *c, const char *ticket, int ttl_s)
{
    char key[KEY_MAX], ttl[16];
    int rc;
    key_of(key, ticket);
    snprintf(ttl, sizeof ttl, "%d", ttl_s);
    const char *argv[] = {"SET", key, "w", "EX", ttl, "NX"};
    size_t lens[] = {3, strlen(key), 1, 2, strlen(ttl), 2};
    redisReply *r = ss_redis_command(c, SS_REDIS_ONCE, 6, argv, lens, &rc);   /* SET NX: a retry would answer nil */
    if (!r) return rc;
    rc = r->type == REDIS_REPLY_STATUS ? SS_OK : r->type == REDIS_REPLY_NIL ? SS_ECONFLICT : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}

int ss_qr_ticket_confirm(ss_cache *c, const char *ticket, long long user_id)
{
    char uid[24];
    long long v;
    snprintf(uid, sizeof uid, "%lld", user_id);
    int rc = run(c, confirm_script, sizeof confirm_script - 1, ticket, uid, &v);
    if (rc) return rc;
    return v == 1 ? SS_OK : v == 0 ? SS_EGONE : SS_ECONFLICT;
}

int ss_qr_ticket_take(ss_cache *c, const char *ticket, long long *user_id)
{
    long long v;
    int rc = run(c, take_script, sizeof take_script - 1, ticket, "-", &v);
    if (rc) return rc;
    if (v < 0) return SS_EGONE;
    *user_id = v;
    return SS_OK;
}
