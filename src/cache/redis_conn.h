/* The Redis connection inside cache/ (not for other layers). Replies returned by
 * ss_redis_command are owned by the caller: freeReplyObject() exactly once. */
#ifndef SS_CACHE_REDIS_CONN_H
#define SS_CACHE_REDIS_CONN_H

#include <hiredis/hiredis.h>

#include "cache/cache.h"

/* Whether a command may be sent again when its reply did not arrive. A command whose reply was
 * lost may have run (a read timeout says nothing about the server), so only commands whose
 * second run changes nothing are REPEATABLE (GET, MGET, DEL, SET of a fixed value, PING); a
 * counter (INCR, a rate-limit script), SET NX, or any script that changes state is ONCE. */
typedef enum { SS_REDIS_ONCE = 0, SS_REDIS_REPEATABLE = 1 } ss_redis_retry;

/* Sends argv and returns the reply (caller frees), or NULL with *rc = SS_EUNAVAIL after
 * dropping the connection. A REDIS_REPLY_ERROR reply is returned as is. Before sending, a
 * connection the server closed while it sat idle (a Redis restart) is noticed without a round
 * trip and replaced, so no command is ever lost to a stale connection; a command that failed
 * after it was sent is repeated once on a fresh connection only when retry is REPEATABLE. */
redisReply *ss_redis_command(ss_cache *c, ss_redis_retry retry, int argc, const char **argv, const size_t *lens,
                             int *rc);

/* The process's near copy this handle was created with, or NULL. */
ss_tracker *ss_cache_tracker(const ss_cache *c);

/* A new connection to the Redis that o names (through its Sentinels when it has some),
 * authenticated, with o's timeouts; addr (when not NULL) receives "host:port" or the socket's
 * path. Returns NULL when none can be made (the reason is logged). */
redisContext *ss_redis_connect(const ss_cache_opts *o, char *addr, size_t cap);

#endif
