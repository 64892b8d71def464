/* Members and invitations (see members.h). */
#include "store/members.h"

#include <string.h>

#include "util/status.h"

static ss_sql q_list = SS_SQL(
    "SELECT m.user_id, u.nickname, m.role, UNIX_TIMESTAMP(m.added_at) FROM org_members m "
    "JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY m.role = 'leader' DESC, m.added_at, m.user_id");
static ss_sql q_role_lock = SS_SQL("SELECT role FROM org_members WHERE org_id = ? AND user_id = ? FOR UPDATE");
static ss_sql q_remove = SS_SQL("DELETE FROM org_members WHERE org_id = ? AND user_id = ? AND role <> 'leader'");
static ss_sql q_invite_insert = SS_SQL(
    "INSERT INTO org_invites (org_id, code, role, created_by, created_at, expires_at) "
    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), FROM_UNIXTIME(?))");
static ss_sql q_invite_lock = SS_SQL(
    "SELECT id, org_id, role, used_by IS NOT NULL, UNIX_TIMESTAMP(expires_at), created_by FROM org_invites "
    "WHERE code = ? FOR UPDATE");
static ss_sql q_invite_use = SS_SQL(
    "UPDATE org_invites SET used_by = ?, used_at = UTC_TIMESTAMP() WHERE id = ? AND used_by IS NULL");
static ss_sql q_member_add = SS_SQL(
    "INSERT INTO org_members (org_id, user_id, role, added_by, added_at) VALUES (?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_set_role = SS_SQL("UPDATE org_members SET role = ? WHERE org_id = ? AND user_id = ?");

int ss_store_members_list(ss_db *db, ss_arena *a, long long org_id, ss_member **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(org_id)};
    int rc = ss_db_exec(db, &q_list, p, 1, &res, a);
    if (rc) return rc;
    ss_member *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_member){ss_db_int(r[0]), r[1], r[2], (time_t)ss_db_int(r[3])};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long org_id, user_id, other;
    const char *code, *role;
    time_t now;
} member_ctx;

static int remove_tx(ss_db *db, void *arg)
{
    member_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->org_id), SS_DB_I(c->user_id)};
    int rc = ss_db_exec(db, &q_role_lock, p, 2, &res, c->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_OK;
    if (strcmp(res.rows[0][0], "leader") == 0) return SS_ECONFLICT;
    return ss_db_exec(db, &q_remove, p, 2, NULL, c->a);
}

int ss_store_member_remove(ss_db *db, ss_arena *a, long long org_id, long long user_id)
{
    member_ctx c = {.a = a, .org_id = org_id, .user_id = user_id};
    return ss_db_tx(db, remove_tx, &c);
}

int ss_store_invite_create(ss_db *db, ss_arena *a, long long org_id, const char *code, const char *role,
                           long long by_user, time_t expires_at)
{
    ss_db_val p[] = {SS_DB_I(org_id), SS_DB_S(code), SS_DB_S(role), SS_DB_I(by_user), SS_DB_I(expires_at)};
    return ss_db_exec(db, &q_invite_insert, p, 5, NULL, a);
}

static int accept_tx(ss_db *db, void *arg)
{
    member_ctx *c = arg;
    ss_db_result inv, mine;
    ss_db_val pc[] = {SS_DB_S(c->code)};
    int rc = ss_db_exec(db, &q_invite_lock, pc, 1, &inv, c->a);   /* serialises two accepts of one code */
    if (rc) return rc;
    if (inv.nrows == 0) return SS_ENOTFOUND;
    char **r = inv.rows[0];
    long long invite_id = ss_db_int(r[0]), org_id = ss_db_int(r[1]);
    if (ss_db_int(r[3]) || (time_t)ss_db_int(r[4]) <= c->now) return SS_EGONE;
    ss_db_val pm[] = {SS_DB_I(org_id), SS_DB_I(c->user_id)};
    if ((rc = ss_db_exec(db, &q_role_lock, pm, 2, &mine, c->a))) return rc;
    if (mine.nrows) return SS_ECONFLICT;
    ss_db_val pa[] = {SS_DB_I(org_id), SS_DB_I(c->user_id), SS_DB_S(r[2]), SS_DB_I(ss_db_int(r[5]))};
    if ((rc = ss_db_exec(db, &q_member_add, pa, 4, NULL, c->a))) return rc;   /* a concurrent add: 409 */
    ss_db_val pu[] = {SS_DB_I(c->user_id), SS_DB_I(invite_id)};
    if ((rc = ss_db_exec(db, &q_invite_use, pu, 2, NULL, c->a))) return rc;
    c->other = org_id;
    c->role = r[2];
    return SS_OK;
}

int ss_store_invite_accept(ss_db *db, ss_arena *a, const char *code, long long user_id, time_t now,
                           long long *org_id, const char **role)
{
    member_ctx c = {.a = a, .user_id = user_id, .code = code, .now = now};
    int rc = ss_db_tx(db, accept_tx, &c);
    if (rc == SS_OK) {
        *org_id = c.other;
        *role = c.role;
    }
    return rc;
}

static int transfer_tx(ss_db *db, void *arg)
{
    member_ctx *c = arg;
    ss_db_result from, to;
    ss_db_val pf[] = {SS_DB_I(c->org_id), SS_DB_I(c->user_id)}, pt[] = {SS_DB_I(c->org_id), SS_DB_I(c->other)};
    int rc = ss_db_exec(db, &q_role_lock, pf, 2, &from, c->a);
    if (rc) return rc;
    if (from.nrows == 0 || strcmp(from.rows[0][0], "leader") != 0) return SS_ECONFLICT;
    if ((rc = ss_db_exec(db, &q_role_lock, pt, 2, &to, c->a))) return rc;
    if (to.nrows == 0 || strcmp(to.rows[0][0], "leader") == 0) return SS_EINVALID;
    ss_db_val pl[] = {SS_DB_T("leader"), SS_DB_I(c->org_id), SS_DB_I(c->other)};
    if ((rc = ss_db_exec(db, &q_set_role, pl, 3, NULL, c->a))) return rc;
    ss_db_val ps[] = {SS_DB_T("social_worker"), SS_DB_I(c->org_id), SS_DB_I(c->user_id)};
    return ss_db_exec(db, &q_set_role, ps, 3, NULL, c->a);
}

int ss_store_org_transfer(ss_db *db, ss_arena *a, long long org_id, long long from_user, long long to_user)
{
    member_ctx c = {.a = a, .org_id = org_id, .user_id = from_user, .other = to_user};
    return ss_db_tx(db, transfer_tx, &c);
}
