/* Communities, organizations and members (see orgs.h). */
#include "store/orgs.h"

#include <string.h>

#include "util/status.h"

static ss_sql q_comm_insert = SS_SQL(
    "INSERT INTO communities (name, street, district, kind, created_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_comm_list = SS_SQL(
    "SELECT id, name, street, district, kind, UNIX_TIMESTAMP(created_at), content_status FROM communities "
    "WHERE id > ? AND (? OR content_status = 'visible' OR FIND_IN_SET(id, ?) > 0) ORDER BY id LIMIT ?");
static ss_sql q_comm_exists = SS_SQL("SELECT 1 FROM communities WHERE id = ?");

static ss_sql q_org_insert = SS_SQL(
    "INSERT INTO organizations (name, community_id, kind, summary, filed_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())");
#define ORG_COLS "o.id, o.community_id, o.filed_by, o.name, o.kind, o.stage, o.status, o.summary, " \
                 "o.reject_reason, UNIX_TIMESTAMP(o.created_at), o.content_status"
static ss_sql q_org_get_for = SS_SQL(
    "SELECT " ORG_COLS ", m.role FROM organizations o "
    "LEFT JOIN org_members m ON m.org_id = o.id AND m.user_id = ? WHERE o.id = ?");
static ss_sql q_org_list = SS_SQL(
    "SELECT " ORG_COLS " FROM organizations o WHERE o.status = 'filed' AND o.content_status = 'visible' "
    "AND (? = 0 OR o.community_id = ?) "
    "AND o.id > ? ORDER BY o.id LIMIT ?");
/* The approval queue: one status; every community (scope_all) or those the user administers.
 * Filed organizations whose text waits for content review are left out (see the content queue). */
static ss_sql q_org_queue = SS_SQL(
    "SELECT " ORG_COLS " FROM organizations o WHERE o.status = ? AND (? = 0 OR o.community_id = ?) "
    "AND (? = 1 OR o.community_id IN (SELECT r.community_id FROM user_roles r WHERE r.user_id = ? "
    "AND r.role = 'community_admin')) AND (o.status <> 'filed' OR o.content_status = 'visible') "
    "AND o.id > ? ORDER BY o.id LIMIT ?");
static ss_sql q_org_lock = SS_SQL("SELECT status, filed_by FROM organizations WHERE id = ? FOR UPDATE");
static ss_sql q_org_file = SS_SQL(
    "UPDATE organizations SET status = 'filed', decided_at = UTC_TIMESTAMP(), decided_by = ? WHERE id = ?");
static ss_sql q_org_reject = SS_SQL(
    "UPDATE organizations SET status = 'rejected', decided_at = UTC_TIMESTAMP(), decided_by = ?, "
    "reject_reason = ? WHERE id = ? AND status = 'pending'");
static ss_sql q_org_status = SS_SQL("SELECT status FROM organizations WHERE id = ?");
static ss_sql q_org_update = SS_SQL(
    "UPDATE organizations SET stage = COALESCE(?, stage), kind = COALESCE(?, kind) WHERE id = ?");
static ss_sql q_leader_put = SS_SQL(
    "INSERT INTO org_members (org_id, user_id, role, added_by, added_at) VALUES (?, ?, 'leader', ?, UTC_TIMESTAMP()) "
    "ON DUPLICATE KEY UPDATE role = 'leader'");
static ss_sql q_member_role = SS_SQL("SELECT role FROM org_members WHERE org_id = ? AND user_id = ?");
static ss_sql q_user_exists = SS_SQL("SELECT 1 FROM users WHERE id = ?");
static ss_sql q_member_insert = SS_SQL(
    "INSERT INTO org_members (org_id, user_id, role, added_by, added_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_member_update = SS_SQL(
    "UPDATE org_members SET role = ? WHERE org_id = ? AND user_id = ? AND role <> 'leader'");

int ss_store_community_create(ss_db *db, ss_arena *a, const ss_community *c, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(c->name), SS_DB_S(c->street), SS_DB_S(c->district), SS_DB_S(c->kind)};
    int rc = ss_db_exec(db, &q_comm_insert, p, 4, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

int ss_store_community_list(ss_db *db, ss_arena *a, long long after_id, int all, const long long *held_ids,
                            int nheld, int limit, ss_community **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(after_id), SS_DB_I(all ? 1 : 0), SS_DB_T(ss_db_id_set(a, held_ids, nheld)),
                     SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_comm_list, p, 4, &res, a);
    if (rc) return rc;
    ss_community *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_community){ss_db_int(r[0]), r[1], r[2], r[3], r[4], (time_t)ss_db_int(r[5]), r[6]};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_community_exists(ss_db *db, ss_arena *a, long long id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_comm_exists, p, 1, &res, a);
    return rc ? rc : res.nrows ? SS_OK : SS_ENOTFOUND;
}

int ss_store_org_create(ss_db *db, ss_arena *a, const ss_org *o, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(o->name), SS_DB_I(o->community_id), SS_DB_S(o->kind), SS_DB_S(o->summary),
                     SS_DB_I(o->filed_by)};
    int rc = ss_db_exec(db, &q_org_insert, p, 5, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

static ss_org org_from_row(char **r)
{
    return (ss_org){.id = ss_db_int(r[0]), .community_id = ss_db_int(r[1]), .filed_by = ss_db_int(r[2]),
                    .name = r[3], .kind = r[4], .stage = r[5], .status = r[6], .summary = r[7],
                    .reject_reason = r[8], .created_at = (time_t)ss_db_int(r[9]), .content_status = r[10]};
}

int ss_store_org_get_for(ss_db *db, ss_arena *a, long long id, long long user_id, ss_org *out, ss_org_role *role)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_org_get_for, p, 2, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = org_from_row(res.rows[0]);
    *role = ss_org_role_parse(res.rows[0][11]);
    return SS_OK;
}

int ss_store_org_list(ss_db *db, ss_arena *a, long long community_id, long long after_id, int limit, ss_org **out,
                      int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(community_id), SS_DB_I(community_id), SS_DB_I(after_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_org_list, p, 4, &res, a);
    if (rc) return rc;
    ss_org *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = org_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_org_queue(ss_db *db, ss_arena *a, const char *status, long long community_id, int scope_all,
                       long long admin_id, long long after_id, int limit, ss_org **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(status), SS_DB_I(community_id), SS_DB_I(community_id), SS_DB_I(scope_all ? 1 : 0),
                     SS_DB_I(admin_id), SS_DB_I(after_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_org_queue, p, 7, &res, a);
    if (rc) return rc;
    ss_org *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = org_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

typedef struct {
    long long id, by;
    ss_arena *a;
} approve_ctx;

static int approve_tx(ss_db *db, void *arg)
{
    approve_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->id)};
    int rc = ss_db_exec(db, &q_org_lock, p, 1, &res, c->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    const char *status = res.rows[0][0];
    long long filer = ss_db_int(res.rows[0][1]);
    if (strcmp(status, "filed") == 0) return SS_OK;
    if (strcmp(status, "pending") != 0) return SS_ECONFLICT;
    ss_db_val pf[] = {SS_DB_I(c->by), SS_DB_I(c->id)};
    if ((rc = ss_db_exec(db, &q_org_file, pf, 2, NULL, c->a))) return rc;
    ss_db_val pl[] = {SS_DB_I(c->id), SS_DB_I(filer), SS_DB_I(c->by)};
    return ss_db_exec(db, &q_leader_put, pl, 3, NULL, c->a);
}

int ss_store_org_approve(ss_db *db, ss_arena *a, long long id, long long by_user)
{
    approve_ctx c = {id, by_user, a};
    return ss_db_tx(db, approve_tx, &c);
}

int ss_store_org_reject(ss_db *db, ss_arena *a, long long id, long long by_user, const char *reason)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(by_user), SS_DB_S(reason), SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_org_reject, p, 3, &res, a);
    if (rc || res.affected) return rc;
    ss_db_val ps[] = {SS_DB_I(id)};
    if ((rc = ss_db_exec(db, &q_org_status, ps, 1, &res, a))) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    return strcmp(res.rows[0][0], "rejected") == 0 ? SS_OK : SS_ECONFLICT;
}

int ss_store_org_update(ss_db *db, ss_arena *a, long long id, const char *stage, const char *kind)
{
    ss_db_val p[] = {SS_DB_S(stage), SS_DB_S(kind), SS_DB_I(id)};
    return ss_db_exec(db, &q_org_update, p, 3, NULL, a);
}

int ss_store_org_member_put(ss_db *db, ss_arena *a, long long org_id, long long user_id, const char *role,
                            long long by_user, int *created)
{
    ss_db_result res;
    ss_db_val pu[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_user_exists, pu, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    ss_db_val pr[] = {SS_DB_I(org_id), SS_DB_I(user_id)};
    if ((rc = ss_db_exec(db, &q_member_role, pr, 2, &res, a))) return rc;
    if (res.nrows == 0) {
        ss_db_val pi[] = {SS_DB_I(org_id), SS_DB_I(user_id), SS_DB_S(role), SS_DB_I(by_user)};
        rc = ss_db_exec(db, &q_member_insert, pi, 4, NULL, a);
        if (rc == SS_ECONFLICT) rc = SS_OK;   /* added concurrently by another request */
        *created = 1;
        return rc;
    }
    if (strcmp(res.rows[0][0], "leader") == 0) return SS_ECONFLICT;
    ss_db_val pm[] = {SS_DB_S(role), SS_DB_I(org_id), SS_DB_I(user_id)};
    *created = 0;
    return ss_db_exec(db, &q_member_update, pm, 3, NULL, a);
}

ss_org_role ss_org_role_parse(const char *name)
{
    if (!name) return SS_ORG_ROLE_NONE;
    if (strcmp(name, "leader") == 0) return SS_ORG_ROLE_LEADER;
    if (strcmp(name, "social_worker") == 0) return SS_ORG_ROLE_SOCIAL_WORKER;
    if (strcmp(name, "member") == 0) return SS_ORG_ROLE_MEMBER;
    return SS_ORG_ROLE_NONE;
}

const char *ss_org_role_name(ss_org_role role)
{
    switch (role) {
    case SS_ORG_ROLE_LEADER: return "leader";
    case SS_ORG_ROLE_SOCIAL_WORKER: return "social_worker";
    case SS_ORG_ROLE_MEMBER: return "member";
    default: return NULL;
    }
}
