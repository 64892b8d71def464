/* Stored first replies of requests that carried an Idempotency-Key (table idempotency_keys).
 * A record is written inside the request's transaction, so it exists exactly when the
 * request's effect was committed. */
#ifndef SS_STORE_IDEMPOTENCY_H
#define SS_STORE_IDEMPOTENCY_H

#include <time.h>

#include "store/db.h"

typedef struct ss_idem_record {
    int status;
    const char *content_type;     /* NULL for an empty reply */
    const char *reply;            /* arena */
    size_t reply_len;
    char body_hash[65];           /* hex SHA-256 of the first request's body */
} ss_idem_record;

/* Looks up (user_id, scope_hex, key). Returns 0 and fills *out (strings in a), SS_ENOTFOUND,
 * or a db error. */
int ss_store_idem_get(ss_db *db, ss_arena *a, long long user_id, const char *scope_hex, const char *key,
                      ss_idem_record *out);
/* Inserts the record. Returns 0, SS_ECONFLICT if the key is taken (a parallel twin), or a db
 * error. */
int ss_store_idem_put(ss_db *db, long long user_id, const char *scope_hex, const char *key,
                      const ss_idem_record *rec, time_t now);
/* A request's Idempotency-Key, for a write that stores the reply with its effect itself (group
 * commit: store/vote_batch.h, store/signup_batch.h); key NULL when the request has none. */
typedef struct ss_idem_ref {
    long long user_id;
    const char *scope_hex, *key, *body_hash, *content_type;
} ss_idem_ref;

/* One record of ss_store_idem_put_many. */
typedef struct ss_idem_put {
    long long user_id;
    const char *scope_hex, *key;
    ss_idem_record rec;
} ss_idem_put;

/* Inserts puts[0..n) in one statement (group commit of votes: store/vote_batch.c). Returns 0,
 * SS_ECONFLICT if any key is taken (nothing inserted), or a db error. */
int ss_store_idem_put_many(ss_db *db, const ss_idem_put *puts, int n, time_t now);
/* The record of ref's key with this reply (reply: arena or static; NULL for a look-up only). */
ss_idem_put ss_idem_put_make(const ss_idem_ref *ref, int status, const char *reply, size_t len);
/* Sets taken[i] to 1 for each of puts[0..n) whose key is stored already (only user_id,
 * scope_hex and key are read), in one statement. Returns 0 or a db error. */
int ss_store_idem_taken_many(ss_db *db, ss_arena *a, const ss_idem_put *puts, int n, int *taken);
/* Deletes up to 500 records created before `before`. Returns 0 or a db error. */
int ss_store_idem_purge(ss_db *db, time_t before);

#endif
