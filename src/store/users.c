/* Users and roles (see users.h). */
#include "store/users.h"

#include <string.h>

#include "util/log.h"
#include "util/status.h"

/* Each sign-in's user, found or created, with the sign-in recorded and the user returned with
 * roles (JSON [[role, community_id], ...]), the volunteer flag and memberships (JSON
 * [[org_id, role], ...], ordered, up to the limit): one statement, one round trip. */
#define USER_COLS \
    "id, openid, nickname, " \
    "(SELECT JSON_ARRAYAGG(JSON_ARRAY(r.role, r.community_id) ORDER BY r.community_id) FROM user_roles r " \
    "WHERE r.user_id = users.id), " \
    "EXISTS (SELECT 1 FROM volunteers v WHERE v.user_id = users.id AND v.status = 'registered'), " \
    "(SELECT JSON_ARRAYAGG(JSON_ARRAY(m.org_id, m.role) ORDER BY m.org_id LIMIT ?) FROM org_members m " \
    "WHERE m.user_id = users.id)"
#define LOGIN_UPSERT \
    "ON DUPLICATE KEY UPDATE unionid = COALESCE(VALUES(unionid), users.unionid), " \
    "last_login_at = VALUES(last_login_at) RETURNING " USER_COLS
/* One sign-in: a plain INSERT ... VALUES, which takes no table lock for its id (an INSERT ...
 * SELECT holds the table's AUTO-INC lock to its end under innodb_autoinc_lock_mode 1, the
 * default: parallel sign-ins then ran one at a time). */
static ss_sql q_login = SS_SQL(
    "INSERT INTO users (openid, unionid, created_at, last_login_at) "
    "VALUES (?, NULLIF(?, ''), UTC_TIMESTAMP(), UTC_TIMESTAMP()) " LOGIN_UPSERT);
/* Many sign-ins (`sanshe ctl sessions`), from a JSON array of [openid, unionid]. */
static ss_sql q_login_many = SS_SQL(
    "INSERT INTO users (openid, unionid, created_at, last_login_at) "
    "SELECT j.o, NULLIF(j.u, ''), UTC_TIMESTAMP(), UTC_TIMESTAMP() FROM JSON_TABLE(?, '$[*]' COLUMNS ("
    "o VARCHAR(128) PATH '$[0]', u VARCHAR(128) PATH '$[1]')) j " LOGIN_UPSERT);

/* The user with roles, volunteer flag and memberships, in the shape of a sign-in's row. */
static ss_sql q_get = SS_SQL("SELECT " USER_COLS " FROM users WHERE id = ?");

/* The user of one row of USER_COLS, in a. */
static int user_of_row(ss_arena *a, char **row, ss_user *out)
{
    ss_user u = {.id = ss_db_int(row[0]), .nickname = ss_arena_strdup(a, row[2] ? row[2] : ""),
                 .is_volunteer = ss_db_int(row[4]) != 0};
    json_t *roles = row[3] ? json_loads(row[3], 0, NULL) : json_array();
    json_t *orgs = row[5] ? json_loads(row[5], 0, NULL) : json_array();
    int rc = SS_EINTERNAL;
    if (!json_is_array(roles) || !json_is_array(orgs)) goto out;
    size_t nr = json_array_size(roles), no = json_array_size(orgs);
    u.community_admin_of = ss_arena_alloc(a, (nr + 1) * sizeof(long long));
    u.org_ids = ss_arena_alloc(a, (no + 1) * sizeof *u.org_ids);
    u.org_roles = ss_arena_alloc(a, (no + 1) * sizeof *u.org_roles);
    size_t i;
    json_t *e;
    json_array_foreach(roles, i, e) {
        const char *role = json_string_value(json_array_get(e, 0));
        if (role && strcmp(role, "admin") == 0) u.is_admin = 1;
        else if (role && strcmp(role, "community_admin") == 0)
            u.community_admin_of[u.ncommunities++] = json_integer_value(json_array_get(e, 1));
    }
    json_array_foreach(orgs, i, e) {
        const char *role = json_string_value(json_array_get(e, 1));
        u.org_ids[u.norgs] = json_integer_value(json_array_get(e, 0));
        u.org_roles[u.norgs++] = ss_org_role_parse(role ? role : "");
    }
    /* more memberships than a snapshot holds: each is looked up when needed */
    u.orgs_known = u.norgs <= SS_USER_MAX_ORGS;
    if (!u.orgs_known) u.norgs = 0;
    *out = u;
    rc = SS_OK;
out:
    json_decref(roles);
    json_decref(orgs);
    return rc;
}

int ss_store_users_login(ss_db *db, ss_arena *a, ss_user_login *l, int n)
{
    ss_db_result res;
    int rc;
    if (n == 1) {
        ss_db_val p[] = {SS_DB_T(l[0].openid), SS_DB_T(l[0].unionid ? l[0].unionid : ""),
                         SS_DB_I(SS_USER_MAX_ORGS + 1)};
        rc = ss_db_exec(db, &q_login, p, 3, &res, a);
    } else {
        json_t *in = json_array();
        for (int i = 0; i < n; i++)
            json_array_append_new(in, json_pack("[s, s]", l[i].openid, l[i].unionid ? l[i].unionid : ""));
        const char *in_text = ss_db_json(a, in);   /* (SS_DB_T names its argument twice) */
        if (!in_text) return SS_EINTERNAL;
        ss_db_val p[] = {SS_DB_T(in_text), SS_DB_I(SS_USER_MAX_ORGS + 1)};
        rc = ss_db_exec(db, &q_login_many, p, 2, &res, a);
    }
    if (rc) return rc;
    for (int i = 0; i < n; i++) {
        int r = i < res.nrows && res.rows[i][1] && strcmp(res.rows[i][1], l[i].openid) == 0 ? i : -1;
        for (int k = 0; k < res.nrows && r < 0; k++)
            if (res.rows[k][1] && strcmp(res.rows[k][1], l[i].openid) == 0) r = k;
        if (r < 0 || (rc = user_of_row(l[i].a, res.rows[r], &l[i].user))) {
            SS_ERROR("users", "msg=\"sign-in returned no user for one of its openids\" n=%d rows=%d", n, res.nrows);
            return SS_EINTERNAL;
        }
    }
    return SS_OK;
}

int ss_store_user_get(ss_db *db, ss_arena *a, long long id, ss_user *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(SS_USER_MAX_ORGS + 1), SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_get, p, 2, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    return user_of_row(a, res.rows[0], out);
}

int ss_user_org_role(const ss_user *u, long long org_id, ss_org_role *role)
{
    if (!u->orgs_known) return 0;
    *role = SS_ORG_ROLE_NONE;
    for (int i = 0; i < u->norgs; i++)
        if (u->org_ids[i] == org_id) *role = u->org_roles[i];
    return 1;
}

static ss_sql q_user_ensure = SS_SQL(
    "INSERT INTO users (openid, created_at) VALUES (?, UTC_TIMESTAMP()) "
    "ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id)");
static ss_sql q_community_exists = SS_SQL("SELECT id FROM communities WHERE id = ?");
static ss_sql q_role_grant = SS_SQL(
    "INSERT IGNORE INTO user_roles (user_id, role, community_id, granted_at) VALUES (?, ?, ?, UTC_TIMESTAMP())");

int ss_store_role_grant(ss_db *db, ss_arena *a, const char *openid, const char *role, long long community_id,
                        long long *user_id)
{
    ss_db_result res;
    int rc;
    if (strcmp(role, "admin") == 0) {
        community_id = 0;
    } else if (strcmp(role, "community_admin") == 0) {
        ss_db_val p[] = {SS_DB_I(community_id)};
        if ((rc = ss_db_exec(db, &q_community_exists, p, 1, &res, a))) return rc;
        if (res.nrows == 0) return SS_ENOTFOUND;
    } else {
        return SS_EINVALID;
    }
    ss_db_val pu[] = {SS_DB_S(openid)};
    if ((rc = ss_db_exec(db, &q_user_ensure, pu, 1, &res, a))) return rc;
    *user_id = (long long)res.insert_id;
    ss_db_val pr[] = {SS_DB_I(*user_id), SS_DB_S(role), SS_DB_I(community_id)};
    return ss_db_exec(db, &q_role_grant, pr, 3, NULL, a);
}

static ss_sql q_user_by_openid = SS_SQL("SELECT id FROM users WHERE openid = ?");
static ss_sql q_role_revoke = SS_SQL("DELETE FROM user_roles WHERE user_id = ? AND role = ? AND community_id = ?");

int ss_store_role_revoke(ss_db *db, ss_arena *a, const char *openid, const char *role, long long community_id,
                         long long *user_id, int *removed)
{
    ss_db_result res;
    if (strcmp(role, "admin") == 0) community_id = 0;
    else if (strcmp(role, "community_admin") != 0) return SS_EINVALID;
    ss_db_val pu[] = {SS_DB_S(openid)};
    int rc = ss_db_exec(db, &q_user_by_openid, pu, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *user_id = ss_db_int(res.rows[0][0]);
    ss_db_val pr[] = {SS_DB_I(*user_id), SS_DB_S(role), SS_DB_I(community_id)};
    if ((rc = ss_db_exec(db, &q_role_revoke, pr, 3, &res, a))) return rc;
    *removed = res.affected > 0;
    return SS_OK;
}

static ss_sql q_profile = SS_SQL("SELECT avatar_url, home_community_id, nickname_pending FROM users WHERE id = ?");
static ss_sql q_my_orgs = SS_SQL(
    "SELECT o.id, o.name, m.role FROM org_members m JOIN organizations o ON o.id = m.org_id "
    "WHERE m.user_id = ? ORDER BY o.id");
static ss_sql q_profile_set = SS_SQL(
    "UPDATE users SET nickname = IF(? AND NOT ?, ?, nickname), "
    "nickname_pending = IF(?, IF(?, ?, NULL), nickname_pending), avatar_url = IF(?, ?, avatar_url), "
    "home_community_id = IF(?, ?, home_community_id) WHERE id = ?");

int ss_store_user_profile(ss_db *db, ss_arena *a, long long user_id, ss_profile *out)
{
    ss_db_result res, orgs;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_profile, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if ((rc = ss_db_exec(db, &q_my_orgs, p, 1, &orgs, a))) return rc;
    memset(out, 0, sizeof *out);
    out->avatar_url = res.rows[0][0];
    out->home_community_id = ss_db_int(res.rows[0][1]);
    out->nickname_pending = res.rows[0][2];
    out->orgs = ss_arena_calloc(a, (size_t)(orgs.nrows + 1) * sizeof *out->orgs);
    for (int i = 0; i < orgs.nrows; i++)
        out->orgs[i] = (ss_org_membership){ss_db_int(orgs.rows[i][0]), orgs.rows[i][1], orgs.rows[i][2]};
    out->norgs = orgs.nrows;
    return SS_OK;
}

int ss_store_user_profile_set(ss_db *db, ss_arena *a, long long user_id, const ss_profile_change *c)
{
    ss_db_val p[] = {SS_DB_I(c->nickname != NULL), SS_DB_I(c->nickname_held), SS_DB_S(c->nickname),
                     SS_DB_I(c->nickname != NULL), SS_DB_I(c->nickname_held), SS_DB_S(c->nickname),
                     SS_DB_I(c->set_avatar),        c->avatar_url ? SS_DB_S(c->avatar_url) : SS_DB_NUL,
                     SS_DB_I(c->set_home),          c->home_community_id ? SS_DB_I(c->home_community_id) : SS_DB_NUL,
                     SS_DB_I(user_id)};
    return ss_db_exec(db, &q_profile_set, p, 11, NULL, a);   /* a vanished community: SS_ENOTFOUND (foreign key) */
}
