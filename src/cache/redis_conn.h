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

#endif
