/* Idempotency records (see idempotency.h). Hashes travel as hex and are stored as BINARY(32). */
#include "store/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "util/status.h"

int ss_store_idem_get(ss_db *db, ss_arena *a, long long user_id, const char *scope_hex, const char *key,
                      ss_idem_record *out)
{
    static ss_sql q = SS_SQL("SELECT status, content_type, reply, LOWER(HEX(body_hash)) FROM idempotency_keys "
                             "WHERE user_id = ? AND scope = UNHEX(?) AND idem_key = ?");
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_T(scope_hex), SS_DB_T(key)};
    ss_db_result r;
    int rc = ss_db_exec(db, &q, p, 3, &r, a);
    if (rc) return rc;
    if (r.nrows == 0) return SS_ENOTFOUND;
    char **row = r.rows[0];
    out->status = (int)ss_db_int(row[0]);
    out->content_type = row[1];
    out->reply = row[2] ? row[2] : "";
    out->reply_len = strlen(out->reply);
    snprintf(out->body_hash, sizeof out->body_hash, "%s", row[3] ? row[3] : "");
    return SS_OK;
}

int ss_store_idem_put(ss_db *db, long long user_id, const char *scope_hex, const char *key,
                      const ss_idem_record *rec, time_t now)
{
    static ss_sql q = SS_SQL("INSERT INTO idempotency_keys (user_id, scope, idem_key, body_hash, status, "
                             "content_type, reply, created_at) "
                             "VALUES (?, UNHEX(?), ?, UNHEX(?), ?, ?, ?, FROM_UNIXTIME(?))");
    ss_db_val p[] = {SS_DB_I(user_id),
                     SS_DB_T(scope_hex),
                     SS_DB_T(key),
                     SS_DB_T(rec->body_hash),
                     SS_DB_I(rec->status),
                     SS_DB_S(rec->content_type),
                     {.type = SS_DB_STR, .s = rec->reply ? rec->reply : "", .len = rec->reply ? rec->reply_len : 0},
                     SS_DB_I((long long)now)};
    return ss_db_exec(db, &q, p, 8, NULL, NULL);
}

ss_idem_put ss_idem_put_make(const ss_idem_ref *ref, int status, const char *reply, size_t len)
{
    ss_idem_put p = {ref->user_id,
                     ref->scope_hex,
                     ref->key,
                     {.status = status, .content_type = ref->content_type, .reply = reply, .reply_len = len}};
    snprintf(p.rec.body_hash, sizeof p.rec.body_hash, "%s", ref->body_hash ? ref->body_hash : "");
    return p;
}

int ss_store_idem_put_many(ss_db *db, const ss_idem_put *puts, int n, time_t now)
{
    static ss_sql q = SS_SQL(
        "INSERT INTO idempotency_keys (user_id, scope, idem_key, body_hash, status, content_type, reply, created_at) "
        "SELECT j.u, UNHEX(j.s), j.k, UNHEX(j.h), j.st, j.ct, j.r, FROM_UNIXTIME(?) FROM JSON_TABLE(?, '$[*]' "
        "COLUMNS (u BIGINT UNSIGNED PATH '$[0]', s CHAR(64) PATH '$[1]', k VARCHAR(64) PATH '$[2]', "
        "h CHAR(64) PATH '$[3]', st INT PATH '$[4]', ct VARCHAR(100) PATH '$[5]', r MEDIUMTEXT PATH '$[6]')) j");
    if (n <= 0) return SS_OK;
    json_t *rows = json_array();
    for (int i = 0; i < n; i++) {
        const ss_idem_put *p = &puts[i];
        json_t *row = json_pack("[I, s, s, s, i, s?, s%]", (json_int_t)p->user_id, p->scope_hex, p->key,
                                p->rec.body_hash, p->rec.status, p->rec.content_type, p->rec.reply ? p->rec.reply : "",
                                p->rec.reply ? p->rec.reply_len : (size_t)0);
        if (!row || json_array_append_new(rows, row) != 0) {   /* a reply that is not UTF-8: never one of ours */
            json_decref(rows);
            return SS_EINTERNAL;
        }
    }
    char *text = json_dumps(rows, JSON_COMPACT);
    json_decref(rows);
    if (!text) ss_fatal_oom(0);
    ss_db_val p[] = {SS_DB_I((long long)now), SS_DB_T(text)};
    int rc = ss_db_exec(db, &q, p, 2, NULL, NULL);
    free(text);
    return rc;
}

int ss_store_idem_taken_many(ss_db *db, ss_arena *a, const ss_idem_put *puts, int n, int *taken)
{
    static ss_sql q = SS_SQL(
        "SELECT j.i FROM JSON_TABLE(?, '$[*]' COLUMNS (i INT PATH '$[0]', u BIGINT UNSIGNED PATH '$[1]', "
        "s CHAR(64) PATH '$[2]', k VARCHAR(64) PATH '$[3]')) j "
        "JOIN idempotency_keys x ON x.user_id = j.u AND x.scope = UNHEX(j.s) AND x.idem_key = j.k");
    for (int i = 0; i < n; i++) taken[i] = 0;
    if (n <= 0) return SS_OK;
    json_t *rows = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(rows, json_pack("[i, I, s, s]", i, (json_int_t)puts[i].user_id, puts[i].scope_hex,
                                              puts[i].key));
    const char *text = ss_db_json(a, rows);
    ss_db_val p[] = {SS_DB_T(text)};
    ss_db_result res;
    int rc = ss_db_exec(db, &q, p, 1, &res, a);
    if (rc) return rc;
    for (int r = 0; r < res.nrows; r++) {
        long long i = ss_db_int(res.rows[r][0]);
        if (i >= 0 && i < n) taken[i] = 1;
    }
    return SS_OK;
}

int ss_store_idem_purge(ss_db *db, time_t before)
{
    static ss_sql q = SS_SQL("DELETE FROM idempotency_keys WHERE created_at < FROM_UNIXTIME(?) LIMIT 500");
    ss_db_val p[] = {SS_DB_I((long long)before)};
    return ss_db_exec(db, &q, p, 1, NULL, NULL);
}
