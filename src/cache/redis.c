/* Redis connection with lazy (re)connect (see cache.h, redis_conn.h). */
#include "cache/redis_conn.h"

#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "util/status.h"
#include "util/arena.h"
#include "util/log.h"

struct ss_cache {
    ss_cache_opts opts;
    redisContext *ctx;
};

ss_cache *ss_cache_create(const ss_cache_opts *opts)
{
    ss_cache *c = ss_xcalloc(1, sizeof *c);
    c->opts = *opts;
    return c;
}

static void drop(ss_cache *c)
{
    if (c->ctx) redisFree(c->ctx);
    c->ctx = NULL;
}

void ss_cache_free(ss_cache *c)
{
    if (!c) return;
    drop(c);
    free(c);
}

static int connect_cache(ss_cache *c)
{
    if (c->ctx) return SS_OK;
    struct timeval tv = {c->opts.timeout_ms / 1000, (c->opts.timeout_ms % 1000) * 1000};
    redisContext *ctx = c->opts.host && c->opts.host[0] ? redisConnectWithTimeout(c->opts.host, c->opts.port, tv)
                                                        : redisConnectUnixWithTimeout(c->opts.unix_socket, tv);
    if (!ctx || ctx->err) {
        SS_WARN("cache", "msg=\"connect failed\" error=\"%s\"", ctx ? ctx->errstr : "out of memory");
        if (ctx) redisFree(ctx);
        return SS_EUNAVAIL;
    }
    if (redisSetTimeout(ctx, tv) != REDIS_OK) {
        redisFree(ctx);
        return SS_EUNAVAIL;
    }
    c->ctx = ctx;
    return SS_OK;
}

redisReply *ss_redis_command(ss_cache *c, int argc, const char **argv, const size_t *lens, int *rc)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int had = c->ctx != NULL;
        if ((*rc = connect_cache(c)) != SS_OK) return NULL;
        redisReply *r = redisCommandArgv(c->ctx, argc, argv, lens);
        if (r) {
            *rc = SS_OK;
            return r;
        }
        SS_WARN("cache", "msg=\"command failed\" error=\"%s\"", c->ctx->errstr);
        drop(c);
        /* a connection idle across a Redis restart fails once; retry on a fresh one */
        if (!had) break;
    }
    *rc = SS_EUNAVAIL;
    return NULL;
}

int ss_cache_ping(ss_cache *c)
{
    const char *argv[] = {"PING"};
    size_t lens[] = {4};
    int rc;
    redisReply *r = ss_redis_command(c, 1, argv, lens, &rc);
    if (!r) return rc;
    rc = (r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0) ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}
