/* Redis connection with lazy (re)connect (see cache.h, redis_conn.h). */
#include "cache/redis_conn.h"

#include <poll.h>
#include <stdio.h>
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

static redisContext *connect_tcp(const char *host, int port, struct timeval tv)
{
    redisContext *ctx = redisConnectWithTimeout(host, port, tv);
    if (!ctx || ctx->err || redisSetTimeout(ctx, tv) != REDIS_OK) {
        SS_WARN("cache", "msg=\"connect failed\" addr=%s:%d error=\"%s\"", host, port,
                ctx ? ctx->errstr : "out of memory");
        if (ctx) redisFree(ctx);
        return NULL;
    }
    return ctx;
}

/* Sends a command whose reply must be of type want (REDIS_REPLY_STATUS with text expect, if
 * expect is not NULL). Returns the reply (caller frees) or NULL. */
static redisReply *ask(redisContext *ctx, int want, const char *expect, int argc, const char **argv)
{
    redisReply *r = redisCommandArgv(ctx, argc, argv, NULL);
    if (r && r->type == want && (!expect || (r->str && strcmp(r->str, expect) == 0))) return r;
    if (r) freeReplyObject(r);
    return NULL;
}

/* Splits the i-th "host:port" of a comma-separated list into host (NUL-terminated) and *port.
 * Returns 1, or 0 when there is no such entry or it is malformed. */
static int list_entry(const char *list, int i, char *host, size_t hostcap, int *port)
{
    const char *p = list;
    for (; i > 0 && p; i--) p = (p = strchr(p, ',')) ? p + 1 : NULL;
    if (!p || !*p) return 0;
    const char *end = strchr(p, ',');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    const char *colon = memchr(p, ':', len);
    if (!colon || colon == p || (size_t)(colon - p) >= hostcap) return 0;
    memcpy(host, p, (size_t)(colon - p));
    host[colon - p] = '\0';
    *port = atoi(colon + 1);
    return *port > 0 && *port < 65536;
}

/* The Sentinel client protocol: ask each Sentinel in turn for the master's address
 * (SENTINEL get-master-addr-by-name), connect, authenticate, and confirm with ROLE that it
 * really is a master (a Sentinel may still name one that was just demoted). Returns the
 * connection or NULL. */
static redisContext *connect_via_sentinels(const ss_cache_opts *o, struct timeval tv, char *addr, size_t cap)
{
    char host[64], mhost[64];
    int port;
    for (int i = 0; list_entry(o->sentinels, i, host, sizeof host, &port); i++) {
        redisContext *s = connect_tcp(host, port, tv);
        if (!s) continue;
        const char *q[] = {"SENTINEL", "get-master-addr-by-name", o->master_name};
        redisReply *r = ask(s, REDIS_REPLY_ARRAY, NULL, 3, q);
        redisFree(s);
        if (!r || r->elements != 2 || r->element[0]->type != REDIS_REPLY_STRING ||
            r->element[1]->type != REDIS_REPLY_STRING || r->element[0]->len >= sizeof mhost) {
            if (r) freeReplyObject(r);
            continue;
        }
        memcpy(mhost, r->element[0]->str, r->element[0]->len + 1);
        int mport = atoi(r->element[1]->str);
        freeReplyObject(r);
        redisContext *m = connect_tcp(mhost, mport, tv);
        if (!m) continue;
        if (o->password && *o->password) {
            const char *auth[] = {"AUTH", o->password};
            redisReply *ar = ask(m, REDIS_REPLY_STATUS, "OK", 2, auth);
            if (!ar) {
                SS_WARN("cache", "msg=\"AUTH refused\" addr=%s:%d", mhost, mport);
                redisFree(m);
                continue;
            }
            freeReplyObject(ar);
        }
        const char *role[] = {"ROLE"};
        redisReply *rr = ask(m, REDIS_REPLY_ARRAY, NULL, 1, role);
        int master = rr && rr->elements > 0 && rr->element[0]->type == REDIS_REPLY_STRING &&
                     strcmp(rr->element[0]->str, "master") == 0;
        if (rr) freeReplyObject(rr);
        if (master) {
            SS_INFO("cache", "msg=\"master found through Sentinel\" addr=%s:%d", mhost, mport);
            if (addr) snprintf(addr, cap, "%s:%d", mhost, mport);
            return m;
        }
        SS_WARN("cache", "msg=\"Sentinel named a server that is not a master\" addr=%s:%d", mhost, mport);
        redisFree(m);
    }
    return NULL;
}

redisContext *ss_redis_connect(const ss_cache_opts *o, char *addr, size_t cap)
{
    struct timeval tv = {o->timeout_ms / 1000, (o->timeout_ms % 1000) * 1000};
    if (o->sentinels && *o->sentinels) return connect_via_sentinels(o, tv, addr, cap);
    int tcp = o->host && o->host[0];   /* Redis on another host, else the unix socket */
    redisContext *ctx = tcp ? redisConnectWithTimeout(o->host, o->port, tv) : redisConnectUnixWithTimeout(o->unix_socket, tv);
    if (!ctx || ctx->err) {
        SS_WARN("cache", "msg=\"connect failed\" error=\"%s\"", ctx ? ctx->errstr : "out of memory");
        if (ctx) redisFree(ctx);
        return NULL;
    }
    if (redisSetTimeout(ctx, tv) != REDIS_OK) {
        redisFree(ctx);
        return NULL;
    }
    if (tcp && o->password && *o->password) {   /* over the network, Redis asks who we are */
        const char *auth[] = {"AUTH", o->password};
        redisReply *ar = ask(ctx, REDIS_REPLY_STATUS, "OK", 2, auth);
        if (!ar) {
            SS_WARN("cache", "msg=\"AUTH refused\" addr=%s:%d", o->host, o->port);
            redisFree(ctx);
            return NULL;
        }
        freeReplyObject(ar);
    }
    if (addr && tcp) snprintf(addr, cap, "%s:%d", o->host, o->port);
    else if (addr) snprintf(addr, cap, "%s", o->unix_socket);
    return ctx;
}

static int connect_cache(ss_cache *c)
{
    if (c->ctx) return SS_OK;
    c->ctx = ss_redis_connect(&c->opts, NULL, 0);
    return c->ctx ? SS_OK : SS_EUNAVAIL;
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
        if (r && r->type == REDIS_REPLY_ERROR && r->str && strncmp(r->str, "READONLY", 8) == 0 && attempt == 0) {
            /* our master was demoted (a failover): it refused the command, so sending it to
             * the new master is safe for any command */
            SS_WARN("cache", "msg=\"master demoted: rediscovering\" command=%s", argv[0]);
            freeReplyObject(r);
            drop(c);
            continue;
        }
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

ss_tracker *ss_cache_tracker(const ss_cache *c) { return c->opts.tracker; }

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
