/* Redis connection with lazy (re)connect (see cache.h, redis_conn.h). */
#include "cache/redis_conn.h"

#include <poll.h>
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

/* An idle connection (no reply pending: every command here waits for its reply) has nothing
 * to read unless the server closed it or broke the protocol: either way it must not be used. */
static int closed_while_idle(const redisContext *ctx)
{
    struct pollfd p = {.fd = ctx->fd, .events = POLLIN};
    return poll(&p, 1, 0) != 0;
}

redisReply *ss_redis_command(ss_cache *c, ss_redis_retry retry, int argc, const char **argv, const size_t *lens,
                             int *rc)
{
    if (c->ctx && closed_while_idle(c->ctx)) {
        SS_INFO("cache", "msg=\"idle connection closed by the server: reconnecting\"");
        drop(c);
    }
    for (int attempt = 0; attempt < 2; attempt++) {
        if ((*rc = connect_cache(c)) != SS_OK) return NULL;
        redisReply *r = redisCommandArgv(c->ctx, argc, argv, lens);
        if (r) {
            *rc = SS_OK;
            return r;
        }
        SS_WARN("cache", "msg=\"command failed\" command=%s error=\"%s\" repeat=%s", argv[0], c->ctx->errstr,
                retry == SS_REDIS_REPEATABLE && attempt == 0 ? "yes" : "no");
        drop(c);
        if (retry != SS_REDIS_REPEATABLE) break;   /* it may have run: never twice */
    }
    *rc = SS_EUNAVAIL;
    return NULL;
}

int ss_cache_ping(ss_cache *c)
{
    const char *argv[] = {"PING"};
    size_t lens[] = {4};
    int rc;
    redisReply *r = ss_redis_command(c, SS_REDIS_REPEATABLE, 1, argv, lens, &rc);
    if (!r) return rc;
    rc = (r->type == REDIS_REPLY_STATUS && strcmp(r->str, "PONG") == 0) ? SS_OK : SS_EUNAVAIL;
    freeReplyObject(r);
    return rc;
}
