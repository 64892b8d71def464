/* The Redis connection inside cache/ (not for other layers). Replies returned by
 * ss_redis_command are owned by the caller: freeReplyObject() exactly once. */
#ifndef SS_CACHE_REDIS_CONN_H
#define SS_CACHE_REDIS_CONN_H

#include <hiredis/hiredis.h>

#include "cache/cache.h"

/* Sends argv and returns the reply (caller frees), or NULL with *rc = SS_EUNAVAIL after
 * dropping the connection. A REDIS_REPLY_ERROR reply is returned as is. */
redisReply *ss_redis_command(ss_cache *c, int argc, const char **argv, const size_t *lens, int *rc);

#endif
