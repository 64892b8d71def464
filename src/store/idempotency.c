/* Idempotency records (see idempotency.h). Hashes travel as hex and are stored as BINARY(32). */
#include "store/idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int ss_store_idem_purge(ss_db *db, time_t before)
{
    static ss_sql q = SS_SQL("DELETE FROM idempotency_keys WHERE created_at < FROM_UNIXTIME(?) LIMIT 500");
    ss_db_val p[] = {SS_DB_I((long long)before)};
    return ss_db_exec(db, &q, p, 1, NULL, NULL);
}
