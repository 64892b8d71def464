/* MariaDB connection, statement cache and transactions for one worker (see db.h).
 * Values are bound as LONGLONG or STRING and results read back as text, which keeps the
 * store functions short; MariaDB converts on the server side. */
#include "store/db.h"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/status.h"
#include "util/log.h"

#define MAX_STMTS 512
#define MAX_HOSTS 16
#define MAX_PARAMS 32
#define TX_RETRIES 5

/* MariaDB 10.11's "idle client timed out" (4031); the Connector/C header we build against is
 * older and gives 4031 another name, so it is spelled out here. */
#define SS_ER_CLIENT_INTERACTION_TIMEOUT 4031

struct ss_db {
    ss_db_opts opts;
    MYSQL *conn;
    MYSQL_STMT *stmts[MAX_STMTS];
    int in_tx;
    unsigned int last_errno;   /* of the last failure, to decide whether a retry is safe */
    /* the request scope (db.h): armed, its transaction open, its transaction lost */
    int scope, scope_open, scope_lost;
    /* a cluster's nodes (opts.hosts) or the one server over TCP (opts.host), the one to try
     * first, and whether they form a Galera cluster */
    int nhosts, host, cluster;
    char host_name[MAX_HOSTS][64];
    unsigned int host_port[MAX_HOSTS];
    time_t preferred_tried;    /* on a later node of the list: when an earlier one was last tried */
};

/* How often a connection that fell over to a later node tries the earlier ones again (a
 * probe of at most PROBE_TIMEOUT_S while one is unreachable). */
#define PREFERRED_RETRY_S 10

static time_t mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec;
}

/* Parses "host:port,host:port" into db. Returns the number of nodes (0: none or malformed). */
static int parse_hosts(ss_db *db, const char *list)
{
    int n = 0;
    for (const char *p = list; p && *p && n < MAX_HOSTS;) {
        const char *end = strchr(p, ','), *colon;
        size_t len = end ? (size_t)(end - p) : strlen(p);
        colon = memchr(p, ':', len);
        if (!colon || (size_t)(colon - p) >= sizeof db->host_name[0] || colon == p) return 0;
        long port = strtol(colon + 1, NULL, 10);
        if (port <= 0 || port > 65535) return 0;
        memcpy(db->host_name[n], p, (size_t)(colon - p));
        db->host_name[n][colon - p] = '\0';
        db->host_port[n++] = (unsigned int)port;
        p = end ? end + 1 : NULL;
    }
    return n;
}

static int next_slot;

void ss_db_thread_init(void) { mysql_thread_init(); }
void ss_db_thread_end(void) { mysql_thread_end(); }

ss_db *ss_db_create(const ss_db_opts *opts)
{
    ss_db *db = ss_xcalloc(1, sizeof *db);
    db->opts = *opts;
    if (opts->hosts && *opts->hosts) {
        db->nhosts = parse_hosts(db, opts->hosts);
        if (db->nhosts == 0) SS_ERROR("db", "msg=\"mysql_hosts is not host:port,...\"");
        db->cluster = db->nhosts > 0;
    } else if (opts->host && *opts->host && strlen(opts->host) < sizeof db->host_name[0]) {
        /* one server over TCP: a list of one, without the cluster's checks */
        snprintf(db->host_name[0], sizeof db->host_name[0], "%s", opts->host);
        db->host_port[0] = (unsigned int)opts->port;
        db->nhosts = 1;
    }
    return db;
}

static void drop(ss_db *db)
{
    for (int i = 0; i < MAX_STMTS; i++)
        if (db->stmts[i]) {
            mysql_stmt_close(db->stmts[i]);
            db->stmts[i] = NULL;
        }
    if (db->conn) mysql_close(db->conn);
    db->conn = NULL;
    db->in_tx = 0;
    if (db->scope_open) db->scope_lost = 1;   /* the request's writes are gone with the connection */
    db->scope_open = 0;
}

void ss_db_free(ss_db *db)
{
    if (!db) return;
    drop(db);
    free(db);
}

/* A Galera node serves clients only when wsrep_ready is ON (a node that lost the primary
 * component, or is still joining, is not); a server without Galera has no such row. */
static int node_ready(MYSQL *m)
{
    if (mysql_query(m, "SHOW STATUS LIKE 'wsrep_ready'") != 0) return 0;
    MYSQL_RES *r = mysql_store_result(m);
    if (!r) return 0;
    MYSQL_ROW row = mysql_fetch_row(r);
    int ready = !row || (row[1] && strcmp(row[1], "ON") == 0);
    mysql_free_result(r);
    return ready;
}

/* One attempt at node i (-1: the unix socket). Returns the connection or NULL. A probe (see
 * prefer_first) waits at most PROBE_TIMEOUT_S to connect and logs no failure. */
#define PROBE_TIMEOUT_S 1
static MYSQL *connect_node(ss_db *db, int i, int probe)
{
    MYSQL *m = mysql_init(NULL);
    if (!m) ss_fatal_oom(sizeof(MYSQL));
    unsigned int t = (unsigned int)db->opts.timeout_s, ct = probe ? PROBE_TIMEOUT_S : t;
    mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &ct);
    mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &t);
    mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
    mysql_options(m, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    /* times are stored in UTC; utf8mb4 end to end; on a cluster, reads see every earlier commit */
    mysql_options(m, MYSQL_INIT_COMMAND,
                  i < 0 || !db->cluster ? "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci"
                                        : "SET time_zone = '+00:00', NAMES utf8mb4 COLLATE utf8mb4_unicode_ci, "
                                          "SESSION wsrep_sync_wait = 1");
    if (i >= 0) {   /* a node over TCP, even when it is named localhost */
        unsigned int proto = MYSQL_PROTOCOL_TCP;
        mysql_options(m, MYSQL_OPT_PROTOCOL, &proto);
    }
    int ok = i < 0 ? mysql_real_connect(m, NULL, db->opts.user, db->opts.password, db->opts.database, 0,
                                        db->opts.unix_socket, 0) != NULL
                   : mysql_real_connect(m, db->host_name[i], db->opts.user, db->opts.password, db->opts.database,
                                        db->host_port[i], NULL, 0) != NULL;
    if (!ok) {
        if (!probe)
            SS_WARN("db", "msg=\"connect failed\" node=%d errno=%u error=\"%s\"", i, mysql_errno(m), mysql_error(m));
        mysql_close(m);
        return NULL;
    }
    if (i >= 0 && db->cluster && !node_ready(m)) {
        if (!probe)
            SS_WARN("db", "msg=\"node not ready (wsrep_ready OFF)\" node=%s:%u", db->host_name[i], db->host_port[i]);
        mysql_close(m);
        return NULL;
    }
    return m;
}

static int connect_db(ss_db *db)
{
    if (db->conn) return SS_OK;
    if (db->nhosts == 0) {
        if (db->opts.hosts && *db->opts.hosts) return SS_EUNAVAIL;   /* malformed list: logged at start */
        db->conn = connect_node(db, -1, 0);
        return db->conn ? SS_OK : SS_EUNAVAIL;
    }
    /* Always the list's order: every connection of every app host writes through the first
     * node that is ready, so writes never race on two nodes (a certification conflict) just
     * because one connection timed out under load while the others stayed. A node that is
     * down refuses at once, and the next is tried. */
    for (int i = 0; i < db->nhosts; i++) {
        if ((db->conn = connect_node(db, i, 0)) != NULL) {
            db->host = i;
            db->preferred_tried = mono_s();
            return SS_OK;
        }
    }
    return SS_EUNAVAIL;
}

static int classify(ss_db *db, unsigned int err, const char *msg, const char *sql)
{
    db->last_errno = err;
    switch (err) {
    case ER_DUP_ENTRY:
    case ER_CONSTRAINT_FAILED:   /* a CHECK constraint */
        return SS_ECONFLICT;
    case ER_NO_REFERENCED_ROW_2: /* a foreign key names a row that does not exist */
        return SS_ENOTFOUND;
    case ER_LOCK_DEADLOCK:       /* deadlock, or Galera certification failure: all rolled back */
        return SS_EDEADLOCK;
    case ER_LOCK_WAIT_TIMEOUT:   /* only the statement was rolled back; it already waited */
        SS_WARN("db", "msg=\"lock wait timeout\" sql=\"%.80s\"", sql);
        return SS_ELOCKWAIT;
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_UNKNOWN_COM_ERROR:   /* 1047: Galera node not ready */
    case SS_ER_CLIENT_INTERACTION_TIMEOUT:
        SS_WARN("db", "msg=\"connection lost\" errno=%u error=\"%s\"", err, msg);
        drop(db);
        return SS_EUNAVAIL;
    default:
        SS_ERROR("db", "msg=\"statement failed\" errno=%u error=\"%s\" sql=\"%.80s\"", err, msg, sql);
        return SS_EINTERNAL;
    }
}

/* The slot of q in every connection's statement cache, assigned on q's first use. Many
 * workers may meet a statement for the first time at once (right after start): the slot is
 * taken under a lock, so exactly one is used per statement. (A compare-and-set on q->slot
 * used to let each losing thread waste the counter value it had drawn, and a burst at start
 * could run the cache out of slots.) Returns the slot, or 0 when the cache is full. */
static pthread_mutex_t slot_lock = PTHREAD_MUTEX_INITIALIZER;

int ss_db_slot(ss_sql *q)
{
    int slot = __atomic_load_n(&q->slot, __ATOMIC_ACQUIRE);
    if (slot) return slot;
    pthread_mutex_lock(&slot_lock);
    slot = q->slot;
    if (slot == 0 && next_slot + 1 < MAX_STMTS) {
        slot = ++next_slot;
        __atomic_store_n(&q->slot, slot, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&slot_lock);
    return slot;
}

static MYSQL_STMT *get_stmt(ss_db *db, ss_sql *q, int *rc)
{
    int slot = ss_db_slot(q);
    if (slot == 0) {
        SS_ERROR("db", "msg=\"statement cache full\" max=%d", MAX_STMTS);
        *rc = SS_EINTERNAL;
        return NULL;
    }
    if (db->stmts[slot]) return db->stmts[slot];
    MYSQL_STMT *st = mysql_stmt_init(db->conn);
    if (!st) ss_fatal_oom(0);
    if (mysql_stmt_prepare(st, q->text, strlen(q->text)) != 0) {
        unsigned int e = mysql_stmt_errno(st);
        char msg[256];
        snprintf(msg, sizeof msg, "%s", mysql_stmt_error(st));
        mysql_stmt_close(st);
        *rc = classify(db, e, msg, q->text);
        return NULL;
    }
    db->stmts[slot] = st;
    return st;
}

#define FETCH_TRUNCATED (-2)
#ifndef SS_DB_MAX_FIELD
#define SS_DB_MAX_FIELD 0   /* tests set a small cap on a column's buffer to reach truncation */
#endif

static int fetch_rows(MYSQL_STMT *st, MYSQL_RES *meta, ss_db_result *res, ss_arena *a)
{
    my_bool update_max = 1;
    mysql_stmt_attr_set(st, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
    if (mysql_stmt_store_result(st) != 0) return -1;
    unsigned int ncols = mysql_num_fields(meta);
    MYSQL_FIELD *fields = mysql_fetch_fields(meta);
    unsigned long long nrows = mysql_stmt_num_rows(st);
    MYSQL_BIND *b = ss_arena_calloc(a, ncols * sizeof *b);
    unsigned long *lens = ss_arena_calloc(a, ncols * sizeof *lens);
    my_bool *nulls = ss_arena_calloc(a, ncols * sizeof *nulls);
    for (unsigned int c = 0; c < ncols; c++) {
        size_t cap = fields[c].max_length + 1;
        if (cap < 32) cap = 32;   /* numbers converted to text */
        if (SS_DB_MAX_FIELD > 0 && cap > SS_DB_MAX_FIELD) cap = SS_DB_MAX_FIELD;
        b[c].buffer_type = MYSQL_TYPE_STRING;
        b[c].buffer = ss_arena_alloc(a, cap);
        b[c].buffer_length = cap;
        b[c].length = &lens[c];
        b[c].is_null = &nulls[c];
    }
    if (mysql_stmt_bind_result(st, b) != 0) return -1;
    res->ncols = (int)ncols;
    res->nrows = 0;
    res->rows = ss_arena_alloc(a, (nrows ? nrows : 1) * sizeof(char **));
    int f;
    while ((f = mysql_stmt_fetch(st)) == 0) {
        char **row = ss_arena_alloc(a, ncols * sizeof(char *));
        for (unsigned int c = 0; c < ncols; c++)
            row[c] = nulls[c] ? NULL : ss_arena_strndup(a, b[c].buffer, lens[c]);
        res->rows[res->nrows++] = row;
    }
    /* A value longer than its buffer (MYSQL_DATA_TRUNCATED) is an error, never a silently
     * cut value: lens[c] then holds the full length, beyond the buffer's end. */
    if (f == MYSQL_DATA_TRUNCATED) {
        for (unsigned int c = 0; c < ncols; c++)
            if (!nulls[c] && lens[c] >= b[c].buffer_length)
                SS_ERROR("db", "msg=\"column truncated\" column=%u length=%lu buffer=%lu", c, lens[c],
                         b[c].buffer_length);
        return FETCH_TRUNCATED;
    }
    return f == MYSQL_NO_DATA ? 0 : -1;
}

static int exec_once(ss_db *db, ss_sql *q, const ss_db_val *params, int nparams, ss_db_result *res, ss_arena *a)
{
    int rc = connect_db(db);
    if (rc) return rc;
    MYSQL_STMT *st = get_stmt(db, q, &rc);
    if (!st) return rc;
    if ((int)mysql_stmt_param_count(st) != nparams || nparams > MAX_PARAMS) {
        SS_ERROR("db", "msg=\"parameter count mismatch\" sql=\"%.80s\"", q->text);
        return SS_EINTERNAL;
    }
    MYSQL_BIND pb[MAX_PARAMS];
    memset(pb, 0, sizeof pb);
    for (int i = 0; i < nparams; i++) {
        switch (params[i].type) {
        case SS_DB_INT:
            pb[i].buffer_type = MYSQL_TYPE_LONGLONG;
            pb[i].buffer = (void *)&params[i].i;
            break;
        case SS_DB_STR:
            pb[i].buffer_type = MYSQL_TYPE_STRING;
            pb[i].buffer = (void *)params[i].s;
            pb[i].buffer_length = params[i].len;
            break;
        default:
            pb[i].buffer_type = MYSQL_TYPE_NULL;
        }
    }
    if ((nparams && mysql_stmt_bind_param(st, pb) != 0) || mysql_stmt_execute(st) != 0)
        goto fail;
    if (res) {
        memset(res, 0, sizeof *res);
        MYSQL_RES *meta = mysql_stmt_result_metadata(st);
        if (meta) {
            int frc = fetch_rows(st, meta, res, a);
            mysql_free_result(meta);
            if (frc == FETCH_TRUNCATED) {
                mysql_stmt_free_result(st);
                return SS_EINTERNAL;
            }
            if (frc != 0) goto fail;
        }
        res->affected = mysql_stmt_affected_rows(st);
        res->insert_id = mysql_stmt_insert_id(st);
    }
    mysql_stmt_free_result(st);
    return SS_OK;
fail:;
    unsigned int e = mysql_stmt_errno(st);
    char msg[256];
    snprintf(msg, sizeof msg, "%s", mysql_stmt_error(st));
    mysql_stmt_free_result(st);
    return classify(db, e, msg, q->text);
}

static int simple(ss_db *db, const char *sql);
static int scope_open_tx(ss_db *db);

/* A statement that only reads and takes no locks: safe to repeat, and it does not need the
 * request's transaction. */
static int plain_read(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '(') sql++;
    return strncasecmp(sql, "SELECT", 6) == 0 && !strcasestr(sql, " FOR UPDATE") &&
           !strcasestr(sql, " LOCK IN SHARE MODE") && !strcasestr(sql, " FOR SHARE");
}

/* A connection on a later node of the list (an earlier one was down when it connected) moves
 * back to the first ready one when it can: every connection of every app host writes through
 * one node again, so their transactions do not fail each other's certification. Only outside
 * a transaction, and the current connection is kept until the new one is made. */
static void prefer_first(ss_db *db)
{
    if (db->host <= 0 || !db->conn || db->in_tx || db->scope_open ||
        mono_s() - db->preferred_tried < PREFERRED_RETRY_S)
        return;
    db->preferred_tried = mono_s();
    for (int i = 0; i < db->host; i++) {
        MYSQL *m = connect_node(db, i, 1);   /* a probe: still down was said when it went */
        if (!m) continue;
        SS_INFO("db", "msg=\"back to an earlier node\" node=%s:%u from=%s:%u", db->host_name[i], db->host_port[i],
                db->host_name[db->host], db->host_port[db->host]);
        drop(db);
        db->conn = m;
        db->host = i;
        return;
    }
}

int ss_db_exec(ss_db *db, ss_sql *q, const ss_db_val *params, int nparams, ss_db_result *res, ss_arena *a)
{
    int reads_only = plain_read(q->text), rc;
    if (db->scope && db->scope_lost) return SS_EUNAVAIL;
    prefer_first(db);
    if (db->scope && !db->in_tx && !reads_only && (rc = scope_open_tx(db))) return rc;
    int had_conn = db->conn != NULL, in_tx = db->in_tx;
    db->last_errno = 0;
    rc = exec_once(db, q, params, nparams, res, a);
    /* A connection idle since the server restarted fails on first use; one fresh try outside
     * a transaction is safe when the statement never reached the server ("gone away"), or
     * when it only reads. A write whose connection was lost mid-way may have happened: it is
     * not repeated, and the caller answers 503 (the client's retry is idempotent where it
     * matters: sign-ups, votes with a key, check-ins). */
    int never_sent = db->last_errno == CR_SERVER_GONE_ERROR;
    if (rc == SS_EUNAVAIL && had_conn && !in_tx && (never_sent || reads_only))
        rc = exec_once(db, q, params, nparams, res, a);
    return rc;
}

static int simple(ss_db *db, const char *sql)
{
    int rc = connect_db(db);
    if (rc) return rc;
    if (mysql_real_query(db->conn, sql, strlen(sql)) != 0)
        return classify(db, mysql_errno(db->conn), mysql_error(db->conn), sql);
    return SS_OK;
}

/* Opens the request scope's transaction. A connection that died while idle fails on its first
 * statement without having sent it, so one fresh try is safe. */
static int scope_open_tx(ss_db *db)
{
    if (db->scope_lost) return SS_EUNAVAIL;
    int rc = simple(db, "START TRANSACTION");
    if (rc == SS_EUNAVAIL) rc = simple(db, "START TRANSACTION");
    if (rc) return rc;
    db->in_tx = db->scope_open = 1;
    return SS_OK;
}

/* ss_db_tx inside a request scope (see db.h). */
static int scope_tx(ss_db *db, int (*fn)(ss_db *db, void *ctx), void *ctx)
{
    int rc = SS_EDEADLOCK;
    for (int attempt = 0; attempt < TX_RETRIES && rc == SS_EDEADLOCK; attempt++) {
        if (attempt) usleep((useconds_t)(1000 * attempt + rand() % 1000));
        int fresh = !db->scope_open;   /* nothing of the request written yet */
        if (fresh ? (rc = scope_open_tx(db)) : (rc = simple(db, "SAVEPOINT ss_tx"))) return rc;
        rc = fn(db, ctx);
        if (rc == SS_OK) return SS_OK;          /* stays open: the scope's end commits */
        if (!db->conn) return rc;               /* connection lost: drop() marked the scope lost */
        if (fresh) {
            simple(db, "ROLLBACK");
            db->in_tx = db->scope_open = 0;
        } else if (rc == SS_EDEADLOCK) {
            /* the server rolled back the whole request's transaction: it cannot be resumed */
            db->in_tx = db->scope_open = 0;
            db->scope_lost = 1;
            return rc;
        } else {
            simple(db, "ROLLBACK TO SAVEPOINT ss_tx");
        }
    }
    return rc;
}

int ss_db_tx(ss_db *db, int (*fn)(ss_db *db, void *ctx), void *ctx)
{
    if (db->scope) return scope_tx(db, fn, ctx);
    prefer_first(db);
    int rc = SS_EDEADLOCK;
    for (int attempt = 0; attempt < TX_RETRIES && rc == SS_EDEADLOCK; attempt++) {
        if (attempt) usleep((useconds_t)(1000 * attempt + rand() % 1000));  /* back off, desynchronise */
        rc = simple(db, "START TRANSACTION");
        if (rc == SS_EUNAVAIL && attempt == 0) rc = simple(db, "START TRANSACTION");
        if (rc) return rc;
        db->in_tx = 1;
        rc = fn(db, ctx);
        if (rc == SS_OK) rc = simple(db, "COMMIT");
        if (rc != SS_OK && db->conn) simple(db, "ROLLBACK");
        db->in_tx = 0;
    }
    return rc;
}

void ss_db_scope_begin(ss_db *db)
{
    db->scope = 1;
    db->scope_open = db->scope_lost = 0;
}

int ss_db_scope_end(ss_db *db, int commit)
{
    int rc = SS_OK;
    if (db->scope_open) {
        if (commit) rc = simple(db, "COMMIT");
        if ((!commit || rc) && db->conn) simple(db, "ROLLBACK");
    } else if (commit && db->scope_lost) {
        rc = SS_EUNAVAIL;
    }
    db->scope = db->scope_open = db->scope_lost = db->in_tx = 0;
    return rc;
}

int ss_db_scope_dirty(const ss_db *db)
{
    return db->scope_open;
}

int ss_db_scope_leave(ss_db *db)
{
    if (db->scope_open || db->scope_lost) return SS_EINVALID;
    db->scope = 0;
    return SS_OK;
}

int ss_db_ping(ss_db *db)
{
    int rc = connect_db(db);
    if (rc) return rc;
    if (mysql_ping(db->conn) == 0) return SS_OK;
    classify(db, mysql_errno(db->conn), mysql_error(db->conn), "ping");
    /* the server may have restarted since this connection was made: try a fresh one */
    drop(db);
    if ((rc = connect_db(db)) != SS_OK) return rc;
    if (mysql_ping(db->conn) == 0) return SS_OK;
    drop(db);
    return SS_EUNAVAIL;
}

const char *ss_db_json(ss_arena *a, json_t *v)
{
    char *text = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    if (!text) ss_fatal_oom(0);   /* (only numbers and checked strings are ever put in) */
    const char *out = ss_arena_strdup(a, text);
    free(text);
    return out;
}

long long ss_db_int(const char *text)
{
    return text ? strtoll(text, NULL, 10) : 0;
}

const char *ss_db_id_set(ss_arena *a, const long long *ids, int n)
{
    char *set = ss_arena_calloc(a, (size_t)(n > 0 ? n : 0) * 24 + 1);
    size_t len = 0;
    for (int i = 0; i < n; i++) len += (size_t)snprintf(set + len, 24, "%s%lld", i ? "," : "", ids[i]);
    return set;
}
