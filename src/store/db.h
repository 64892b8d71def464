/* MariaDB access for one worker thread: one connection, its prepared statements (prepared
 * once, on first use, and reused), explicit short transactions with bounded retries on
 * deadlock or Galera certification failure. Only store/ includes this header; only db.c
 * includes mysql.h. A lost connection is dropped and reopened on the next call. */
#ifndef SS_STORE_DB_H
#define SS_STORE_DB_H

#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "util/arena.h"

typedef struct ss_db ss_db;

/* A statement: SQL text with `?` placeholders, declared `static ss_sql` next to the code that
 * uses it. The slot is assigned on first use and indexes each connection's statement cache. */
typedef struct ss_sql {
    const char *text;
    int slot;            /* 0: not yet assigned; accessed atomically */
} ss_sql;
#define SS_SQL(t) {.text = (t), .slot = 0}

typedef enum { SS_DB_NULL = 0, SS_DB_INT, SS_DB_STR } ss_db_type;

typedef struct ss_db_val {
    ss_db_type type;
    long long i;
    const char *s;
    size_t len;
} ss_db_val;

#define SS_DB_I(x) ((ss_db_val){.type = SS_DB_INT, .i = (x)})
#define SS_DB_S(x) ((ss_db_val){.type = (x) ? SS_DB_STR : SS_DB_NULL, .s = (x), .len = (x) ? strlen(x) : 0})
#define SS_DB_NUL ((ss_db_val){.type = SS_DB_NULL})
/* A string known not to be NULL (arrays, literals). */
#define SS_DB_T(x) ((ss_db_val){.type = SS_DB_STR, .s = (x), .len = strlen(x)})

/* The text of v (its reference consumed) for a JSON parameter (JSON_TABLE), in the arena. */
const char *ss_db_json(ss_arena *a, json_t *v);

/* Rows of a result, every column as text (NULL for SQL NULL), allocated in the arena. */
typedef struct ss_db_result {
    int nrows, ncols;
    char ***rows;                 /* rows[r][c] */
    unsigned long long affected;  /* for INSERT/UPDATE/DELETE */
    unsigned long long insert_id;
} ss_db_result;

typedef struct ss_db_opts {
    const char *unix_socket, *user, *password, *database;
    int timeout_s;
    /* "host:port,host:port,...": the nodes of a Galera cluster, used instead of unix_socket when
     * not empty. A connection goes to the first node of the list that is ready (wsrep_ready),
     * so every app host writes through one node while it lives (no certification conflicts on
     * hot rows such as a vote tally), and reconnects to the first ready node again when its
     * node is lost or not ready (1047). Reads wait for the node to have applied every earlier commit of the cluster
     * (wsrep_sync_wait = 1), so a request sees what an earlier one wrote through another node.
     * Connector/C has no multi-host failover of its own. */
    const char *hosts;
    const char *host;   /* not NULL or "": connect over TCP to host:port instead of the socket */
    int port;
} ss_db_opts;

/* Creates a handle; connects lazily. Never fails but for memory (aborts). Free with ss_db_free. */
ss_db *ss_db_create(const ss_db_opts *opts);
void ss_db_free(ss_db *db);
/* Per-thread library set-up around a worker's life (mysql_thread_init/end). */
void ss_db_thread_init(void);
void ss_db_thread_end(void);

/* Runs q with params. res may be NULL for statements without a result. Returns 0;
 * SS_ECONFLICT on a duplicate key or a failed CHECK; SS_ENOTFOUND for a foreign key naming no
 * row; SS_EDEADLOCK on a deadlock or Galera certification failure (the whole transaction was
 * rolled back); SS_ELOCKWAIT on a lock wait timeout (only the statement was); SS_EUNAVAIL if
 * the server is unreachable (the connection is dropped); SS_EINTERNAL for any other error
 * (logged, it is a bug). Inside a request scope (below), the first statement that is not a
 * plain read opens the request's transaction. */
int ss_db_exec(ss_db *db, ss_sql *q, const ss_db_val *params, int nparams, ss_db_result *res, ss_arena *a);

/* Runs fn(db, ctx) atomically: its writes all happen or none do (rolled back when fn fails).
 * Outside a request scope it is its own transaction, committed when fn returns 0; on
 * SS_EDEADLOCK it is retried up to 5 times. Inside a request scope it joins the request's
 * transaction, which the scope's end commits; when fn fails, only fn's writes are undone (a
 * savepoint), and a deadlock is retried only if nothing else of the request was written yet
 * (a deadlock undoes the whole transaction). Returns fn's result, the commit's, or a db error. */
int ss_db_tx(ss_db *db, int (*fn)(ss_db *db, void *ctx), void *ctx);

/* q's slot in the statement caches, assigned once on first use (thread-safe, one per
 * statement); 0 when the cache is full (more distinct statements than it holds). */
int ss_db_slot(ss_sql *q);

/* The request scope: every write of one HTTP request in ONE transaction, so a change, its
 * audit rows, its notifications and its idempotency record are stored together or not at all.
 * ss_db_scope_begin arms it (nothing is sent); the transaction opens at the first write.
 * ss_db_scope_end commits (commit != 0) or rolls back, and disarms the scope. Returns 0, or
 * for a commit: SS_EDEADLOCK (certification failed: nothing stored), SS_EUNAVAIL (the
 * connection was lost before or during COMMIT: the outcome is unknown), SS_EINTERNAL. */
void ss_db_scope_begin(ss_db *db);
int ss_db_scope_end(ss_db *db, int commit);
/* Returns 1 if the request's transaction has written something (is open). */
int ss_db_scope_dirty(const ss_db *db);
/* Disarms the scope before its first write: from here each statement commits on its own
 * (see ss_req_commit_each). Returns 0, or SS_EINVALID when something was already written. */
int ss_db_scope_leave(ss_db *db);

/* Round trip to the server. Returns 0 or SS_EUNAVAIL. */
int ss_db_ping(ss_db *db);

/* Helpers for reading results: parse column text. */
long long ss_db_int(const char *text);

/* ids[0..n) as "1,2,3" in the arena, for FIND_IN_SET(col, ?): one prepared statement serves any
 * number of ids ("" when n is 0). */
const char *ss_db_id_set(ss_arena *a, const long long *ids, int n);

#endif
