/* The audit log (see audit.h). The table's triggers refuse UPDATE and DELETE. */
#include "store/audit.h"

#include "util/status.h"

int ss_store_audit_append(ss_db *db, const ss_audit_entry *e)
{
    static ss_sql q = SS_SQL("INSERT INTO audit_log (at, actor_id, actor_role, action, object_type, object_id, "
                             "community_id, summary, request_id) VALUES (UTC_TIMESTAMP(3), ?, ?, ?, ?, ?, ?, ?, ?)");
    ss_db_val p[] = {SS_DB_I(e->actor_id),
                     SS_DB_T(e->actor_role),
                     SS_DB_T(e->action),
                     SS_DB_T(e->object_type),
                     SS_DB_I(e->object_id),
                     e->community_id > 0 ? SS_DB_I(e->community_id) : SS_DB_NUL,
                     SS_DB_T(e->summary ? e->summary : ""),
                     SS_DB_T(e->request_id ? e->request_id : "-")};
    return ss_db_exec(db, &q, p, 8, NULL, NULL);
}

int ss_store_audit_list(ss_db *db, ss_arena *a, const ss_audit_filter *f, ss_audit_entry **out, int *n)
{
    static ss_sql q = SS_SQL(
        "SELECT id, UNIX_TIMESTAMP(at), actor_id, actor_role, action, object_type, object_id, "
        "COALESCE(community_id, 0), summary, request_id FROM audit_log "
        "WHERE (? IS NULL OR object_type = ?) AND (? = 0 OR object_id = ?) AND (? = 0 OR actor_id = ?) "
        "AND (? = 1 OR community_id IN (SELECT community_id FROM user_roles "
        "WHERE user_id = ? AND role = 'community_admin')) "
        "AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
    ss_db_val p[] = {SS_DB_S(f->object_type), SS_DB_S(f->object_type), SS_DB_I(f->object_id),
                     SS_DB_I(f->object_id),   SS_DB_I(f->actor_id),    SS_DB_I(f->actor_id),
                     SS_DB_I(f->all_communities ? 1 : 0), SS_DB_I(f->viewer_id), SS_DB_I(f->before_id),
                     SS_DB_I(f->before_id),   SS_DB_I(f->limit)};
    ss_db_result r;
    int rc = ss_db_exec(db, &q, p, 11, &r, a);
    if (rc) return rc;
    ss_audit_entry *items = ss_arena_calloc(a, (size_t)(r.nrows ? r.nrows : 1) * sizeof *items);
    for (int i = 0; i < r.nrows; i++) {
        char **row = r.rows[i];
        items[i] = (ss_audit_entry){.id = ss_db_int(row[0]),
                                    .at = (time_t)ss_db_int(row[1]),
                                    .actor_id = ss_db_int(row[2]),
                                    .actor_role = row[3],
                                    .action = row[4],
                                    .object_type = row[5],
                                    .object_id = ss_db_int(row[6]),
                                    .community_id = ss_db_int(row[7]),
                                    .summary = row[8],
                                    .request_id = row[9]};
    }
    *out = items;
    *n = r.nrows;
    return SS_OK;
}
