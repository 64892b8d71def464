/* Volunteers, check-ins and the ledger (see volunteers.h). */
#include "store/volunteers.h"

#include <stdio.h>
#include <string.h>

#include "domain/checkin.h"
#include "domain/person.h"
#include "util/crypto.h"
#include "util/status.h"

static ss_sql q_vol_lock = SS_SQL("SELECT status FROM volunteers WHERE user_id = ? FOR UPDATE");
static ss_sql q_vol_insert = SS_SQL(
    "INSERT INTO volunteers (user_id, number, real_name_enc, phone_enc, id_number_enc, id_number_hash, skills, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())");
static ss_sql q_vol_reregister = SS_SQL(
    "UPDATE volunteers SET real_name_enc = ?, phone_enc = ?, id_number_enc = ?, id_number_hash = ?, skills = ?, "
    "status = 'registered', erased_at = NULL, updated_at = UTC_TIMESTAMP() WHERE user_id = ?");
static ss_sql q_vol_update = SS_SQL(
    "UPDATE volunteers SET phone_enc = ?, skills = ?, updated_at = UTC_TIMESTAMP() WHERE user_id = ?");
static ss_sql q_hash_owner = SS_SQL("SELECT user_id FROM volunteers WHERE id_number_hash = ?");
static ss_sql q_vol_get = SS_SQL(
    "SELECT v.user_id, v.real_name_enc, v.phone_enc, v.id_number_enc, v.id_number_hash, v.skills, v.status, "
    "UNIX_TIMESTAMP(v.created_at), (SELECT COALESCE(SUM(minutes), 0) FROM service_records r WHERE r.user_id = v.user_id), "
    "v.number, v.code_nonce FROM volunteers v WHERE v.user_id = ?");
static ss_sql q_vol_fix = SS_SQL(
    "UPDATE volunteers SET real_name_enc = ?, id_number_enc = ?, id_number_hash = ?, updated_at = UTC_TIMESTAMP() "
    "WHERE user_id = ? AND status <> 'erased'");
static ss_sql q_fix_log = SS_SQL(
    "INSERT INTO volunteer_identity_fixes (user_id, fields, reason, fixed_by, created_at) "
    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_vol_status = SS_SQL(
    "UPDATE volunteers SET status = ?, code_nonce = code_nonce + 1, updated_at = UTC_TIMESTAMP() "
    "WHERE user_id = ? AND status <> 'erased'");
static ss_sql q_vol_exists = SS_SQL("SELECT status FROM volunteers WHERE user_id = ?");
static ss_sql q_vol_erase = SS_SQL(
    "UPDATE volunteers SET real_name_enc = NULL, phone_enc = NULL, id_number_enc = NULL, id_number_hash = NULL, "
    "skills = '[]', status = 'erased', code_nonce = code_nonce + 1, erased_at = UTC_TIMESTAMP(), "
    "updated_at = UTC_TIMESTAMP() WHERE user_id = ? AND status <> 'erased'");
static ss_sql q_vol_revoke = SS_SQL("UPDATE volunteers SET code_nonce = code_nonce + 1 WHERE user_id = ?");

/* one row always: the sign-up's status (or NULL), then the check-in's columns (NULL: none) */
/* Joins by unique keys from the activity's row, no subquery: MariaDB optimizes a prepared
 * statement's subqueries again at every execution, and this is a repeated scan's one read. */
static ss_sql q_checkin_state = SS_SQL(
    "SELECT s.status, c.id, UNIX_TIMESTAMP(c.checked_in_at), COALESCE(UNIX_TIMESTAMP(c.checked_out_at), 0), "
    "COALESCE(r.minutes, 0), r.reason FROM activities a "
    "LEFT JOIN signups s ON s.activity_id = a.id AND s.user_id = ? "
    "LEFT JOIN checkins c ON c.activity_id = a.id AND c.user_id = ? "
    "LEFT JOIN service_records r ON r.checkin_id = c.id WHERE a.id = ?");
static ss_sql q_checkin_insert = SS_SQL(
    "INSERT INTO checkins (activity_id, user_id, checked_in_at, in_lat, in_lng, walk_in) "
    "VALUES (?, ?, FROM_UNIXTIME(?), ?, ?, ?)");
static ss_sql q_checkin_get = SS_SQL(
    "SELECT c.id, UNIX_TIMESTAMP(c.checked_in_at), COALESCE(UNIX_TIMESTAMP(c.checked_out_at), 0), "
    "COALESCE((SELECT r.minutes FROM service_records r WHERE r.checkin_id = c.id), 0), "
    "(SELECT r.reason FROM service_records r WHERE r.checkin_id = c.id) "
    "FROM checkins c WHERE c.activity_id = ? AND c.user_id = ?");
static ss_sql q_checkin_lock = SS_SQL(
    "SELECT c.id, UNIX_TIMESTAMP(c.checked_in_at), COALESCE(UNIX_TIMESTAMP(c.checked_out_at), 0), "
    "COALESCE((SELECT r.minutes FROM service_records r WHERE r.checkin_id = c.id), 0), "
    "(SELECT r.reason FROM service_records r WHERE r.checkin_id = c.id) "
    "FROM checkins c WHERE c.activity_id = ? AND c.user_id = ? FOR UPDATE");
static ss_sql q_checkout = SS_SQL(
    "UPDATE checkins SET checked_out_at = FROM_UNIXTIME(?), out_lat = ?, out_lng = ? WHERE id = ?");
static ss_sql q_credit = SS_SQL(
    "INSERT INTO service_records (user_id, activity_id, kind, minutes, checkin_id, reason, created_by, created_at) "
    "VALUES (?, ?, 'checkout', ?, ?, ?, ?, FROM_UNIXTIME(?))");

#define RECORD_COLS                                                                                     \
    "r.id, r.user_id, r.activity_id, r.created_by, r.kind, r.reason, a.title, o.name, r.minutes, "    \
    "UNIX_TIMESTAMP(r.created_at), UNIX_TIMESTAMP(a.starts_at)"
static ss_sql q_records_of = SS_SQL(
    "SELECT " RECORD_COLS " FROM service_records r JOIN activities a ON a.id = r.activity_id "
    "JOIN organizations o ON o.id = a.org_id WHERE r.user_id = ? AND r.id < ? ORDER BY r.id DESC LIMIT ?");
static ss_sql q_records_for = SS_SQL(
    "SELECT " RECORD_COLS " FROM service_records r JOIN activities a ON a.id = r.activity_id "
    "JOIN organizations o ON o.id = a.org_id WHERE r.activity_id = ? AND r.id > ? ORDER BY r.id LIMIT ?");
static ss_sql q_total = SS_SQL("SELECT COALESCE(SUM(minutes), 0) FROM service_records WHERE user_id = ?");

typedef struct {
    ss_arena *a;
    const ss_volunteer *v;
    int created;
} vol_ctx;

/* SS_ECONFLICT if another user holds hash. */
static int hash_free(ss_db *db, ss_arena *a, const char *hash, long long user_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(hash)};
    int rc = ss_db_exec(db, &q_hash_owner, p, 1, &res, a);
    if (rc) return rc;
    return res.nrows && ss_db_int(res.rows[0][0]) != user_id ? SS_ECONFLICT : SS_OK;
}

static int put_tx(ss_db *db, void *arg)
{
    vol_ctx *c = arg;
    const ss_volunteer *v = c->v;
    ss_db_result res;
    ss_db_val pk[] = {SS_DB_I(v->user_id)};
    int rc = ss_db_exec(db, &q_vol_lock, pk, 1, &res, c->a);
    if (rc) return rc;
    const char *status = res.nrows ? res.rows[0][0] : NULL;
    c->created = !status || strcmp(status, "erased") == 0;
    if (!status) {
        if ((rc = hash_free(db, c->a, v->id_number_hash, v->user_id))) return rc;
        /* a random number; the unique key makes a repeat impossible (then draw again) */
        for (int attempt = 0; attempt < 4; attempt++) {
            unsigned char rnd[8];
            char number[SS_VOLUNTEER_NUMBER_LEN + 1];
            if (ss_random_bytes(rnd, sizeof rnd)) return SS_EINTERNAL;
            ss_volunteer_number_format(rnd, number);
            ss_db_val p[] = {SS_DB_I(v->user_id),      SS_DB_T(number),          SS_DB_S(v->real_name_enc),
                             SS_DB_S(v->phone_enc),    SS_DB_S(v->id_number_enc), SS_DB_S(v->id_number_hash),
                             SS_DB_S(v->skills_json)};
            rc = ss_db_exec(db, &q_vol_insert, p, 7, NULL, c->a);
            if (rc != SS_ECONFLICT) return rc;
            if ((rc = hash_free(db, c->a, v->id_number_hash, v->user_id))) return rc;   /* a parallel twin */
        }
        return SS_ECONFLICT;
    }
    if (c->created) {   /* erased before: registers again under the same number */
        if ((rc = hash_free(db, c->a, v->id_number_hash, v->user_id))) return rc;
        ss_db_val p[] = {SS_DB_S(v->real_name_enc),  SS_DB_S(v->phone_enc),   SS_DB_S(v->id_number_enc),
                         SS_DB_S(v->id_number_hash), SS_DB_S(v->skills_json), SS_DB_I(v->user_id)};
        return ss_db_exec(db, &q_vol_reregister, p, 6, NULL, c->a);
    }
    ss_db_val p[] = {SS_DB_S(v->phone_enc), SS_DB_S(v->skills_json), SS_DB_I(v->user_id)};
    return ss_db_exec(db, &q_vol_update, p, 3, NULL, c->a);
}

int ss_store_volunteer_put(ss_db *db, ss_arena *a, const ss_volunteer *v, int *created)
{
    vol_ctx c = {a, v, 0};
    int rc = ss_db_tx(db, put_tx, &c);
    if (rc == SS_OK) *created = c.created;
    return rc;
}

int ss_store_volunteer_get(ss_db *db, ss_arena *a, long long user_id, ss_volunteer *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_vol_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    char **r = res.rows[0];
    *out = (ss_volunteer){.user_id = ss_db_int(r[0]), .real_name_enc = r[1], .phone_enc = r[2],
                          .id_number_enc = r[3], .id_number_hash = r[4], .skills_json = r[5], .status = r[6],
                          .created_at = (time_t)ss_db_int(r[7]), .total_minutes = (long)ss_db_int(r[8]),
                          .number = r[9], .code_nonce = (long)ss_db_int(r[10])};
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    const ss_volunteer *v;
    const char *fields, *reason;
    long long by;
} fix_ctx;

static int fix_tx(ss_db *db, void *arg)
{
    fix_ctx *c = arg;
    int rc = hash_free(db, c->a, c->v->id_number_hash, c->v->user_id);
    if (rc) return rc;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(c->v->real_name_enc), SS_DB_S(c->v->id_number_enc), SS_DB_S(c->v->id_number_hash),
                     SS_DB_I(c->v->user_id)};
    if ((rc = ss_db_exec(db, &q_vol_fix, p, 4, &res, c->a))) return rc;   /* a taken hash: SS_ECONFLICT */
    ss_db_val pe[] = {SS_DB_I(c->v->user_id)};
    if (res.affected == 0) {   /* unchanged values also affect 0 rows: tell them apart */
        if ((rc = ss_db_exec(db, &q_vol_exists, pe, 1, &res, c->a))) return rc;
        if (res.nrows == 0 || strcmp(res.rows[0][0], "erased") == 0) return SS_ENOTFOUND;
    }
    ss_db_val pl[] = {SS_DB_I(c->v->user_id), SS_DB_S(c->fields), SS_DB_S(c->reason), SS_DB_I(c->by)};
    return ss_db_exec(db, &q_fix_log, pl, 4, NULL, c->a);
}

int ss_store_volunteer_fix_identity(ss_db *db, ss_arena *a, const ss_volunteer *v, const char *fields,
                                    const char *reason, long long by_user)
{
    fix_ctx c = {a, v, fields, reason, by_user};
    return ss_db_tx(db, fix_tx, &c);
}

int ss_store_volunteer_set_status(ss_db *db, ss_arena *a, long long user_id, const char *status)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(status), SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_vol_status, p, 2, &res, a);
    if (rc) return rc;
    if (res.affected) return SS_OK;
    ss_db_val pe[] = {SS_DB_I(user_id)};
    if ((rc = ss_db_exec(db, &q_vol_exists, pe, 1, &res, a))) return rc;
    return res.nrows == 0 || strcmp(res.rows[0][0], "erased") == 0 ? SS_ENOTFOUND : SS_OK;
}

int ss_store_volunteer_erase(ss_db *db, ss_arena *a, long long user_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_vol_erase, p, 1, &res, a);
    if (rc || res.affected) return rc;
    if ((rc = ss_db_exec(db, &q_vol_exists, p, 1, &res, a))) return rc;
    return res.nrows ? SS_OK : SS_ENOTFOUND;
}

int ss_store_volunteer_revoke_codes(ss_db *db, ss_arena *a, long long user_id)
{
    ss_db_val p[] = {SS_DB_I(user_id)};
    return ss_db_exec(db, &q_vol_revoke, p, 1, NULL, a);
}


static void checkin_from_row(char **r, long long activity_id, long long user_id, ss_checkin *out)
{
    *out = (ss_checkin){.id = ss_db_int(r[0]), .activity_id = activity_id, .user_id = user_id,
                        .checked_in_at = (time_t)ss_db_int(r[1]), .checked_out_at = (time_t)ss_db_int(r[2]),
                        .minutes = (long)ss_db_int(r[3]), .reason = r[4]};
}

static void coord(double d, char *buf, size_t n) { snprintf(buf, n, "%.6f", d); }

int ss_store_checkin_state(ss_db *db, ss_arena *a, long long activity_id, long long user_id, ss_checkin_state *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(user_id), SS_DB_I(activity_id)};
    int rc = ss_db_exec(db, &q_checkin_state, p, 3, &res, a);
    if (rc) return rc;
    out->signup = NULL;   /* no such activity: neither a sign-up nor a check-in */
    memset(&out->checkin, 0, sizeof out->checkin);
    if (res.nrows == 0) return SS_OK;
    char **r = res.rows[0];
    out->signup = r[0];
    if (r[1]) checkin_from_row(r + 1, activity_id, user_id, &out->checkin);
    return SS_OK;
}

int ss_store_checkin_add(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now, double lat,
                         double lng, int walk_in, ss_checkin *out)
{
    ss_db_result res;
    char la[32], lo[32];
    coord(lat, la, sizeof la);
    coord(lng, lo, sizeof lo);
    ss_db_val p[] = {SS_DB_I(activity_id), SS_DB_I(user_id), SS_DB_I(now), SS_DB_T(la), SS_DB_T(lo), SS_DB_I(walk_in)};
    int rc = ss_db_exec(db, &q_checkin_insert, p, 6, &res, a);
    if (rc == SS_OK) {   /* stored now: its values are the ones just written */
        *out = (ss_checkin){.id = (long long)res.insert_id, .activity_id = activity_id, .user_id = user_id,
                            .checked_in_at = now, .created = 1};
        return SS_OK;
    }
    if (rc != SS_ECONFLICT) return rc;
    /* a parallel twin won the unique key: read the one check-in */
    ss_db_val pg[] = {SS_DB_I(activity_id), SS_DB_I(user_id)};
    if ((rc = ss_db_exec(db, &q_checkin_get, pg, 2, &res, a))) return rc;
    if (res.nrows == 0) return SS_EINTERNAL;
    checkin_from_row(res.rows[0], activity_id, user_id, out);
    out->created = 0;
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long activity_id, user_id;
    time_t now;
    const char *lat, *lng;
    const ss_checkout_rule *rule;
    ss_checkin *out;
} checkout_ctx;



static int checkout_tx(ss_db *db, void *arg)
{
    checkout_ctx *c = arg;
    ss_db_result res;
    ss_db_val pg[] = {SS_DB_I(c->activity_id), SS_DB_I(c->user_id)};
    int rc = ss_db_exec(db, &q_checkin_lock, pg, 2, &res, c->a);   /* serialises this person's check-outs */
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    checkin_from_row(res.rows[0], c->activity_id, c->user_id, c->out);
    if (c->out->checked_out_at) return SS_OK;                       /* a repeat: the first result */
    if (c->now < c->out->checked_in_at) return SS_EINVALID;         /* an offline scan before its check-in */
    const char *reason;
    long minutes = ss_credit_minutes(c->out->checked_in_at, c->now, c->rule->starts_at, c->rule->ends_at,
                                     c->rule->cap_minutes, c->rule->min_pct, &reason);
    ss_db_val pu[] = {SS_DB_I(c->now), SS_DB_S(c->lat), SS_DB_S(c->lng), SS_DB_I(c->out->id)};
    if ((rc = ss_db_exec(db, &q_checkout, pu, 4, NULL, c->a))) return rc;
    ss_db_val pc[] = {SS_DB_I(c->user_id), SS_DB_I(c->activity_id), SS_DB_I(minutes), SS_DB_I(c->out->id),
                      SS_DB_S(reason), SS_DB_I(c->user_id), SS_DB_I(c->now)};
    if ((rc = ss_db_exec(db, &q_credit, pc, 7, NULL, c->a))) return rc;
    c->out->reason = reason;
    c->out->checked_out_at = c->now;
    c->out->minutes = minutes;
    c->out->created = 1;
    return SS_OK;
}

int ss_store_checkout(ss_db *db, ss_arena *a, long long activity_id, long long user_id, time_t now, double lat,
                      double lng, const ss_checkout_rule *rule, ss_checkin *out)
{
    char la[32], lo[32];
    coord(lat, la, sizeof la);
    coord(lng, lo, sizeof lo);
    checkout_ctx c = {a, activity_id, user_id, now, la, lo, rule, out};
    return ss_db_tx(db, checkout_tx, &c);
}

static void record_from_row(char **r, ss_service_record *out)
{
    *out = (ss_service_record){.id = ss_db_int(r[0]), .user_id = ss_db_int(r[1]), .activity_id = ss_db_int(r[2]),
                               .created_by = ss_db_int(r[3]), .kind = r[4], .reason = r[5], .title = r[6],
                               .org_name = r[7], .minutes = (long)ss_db_int(r[8]),
                               .created_at = (time_t)ss_db_int(r[9]), .activity_starts_at = (time_t)ss_db_int(r[10])};
}

static int records(ss_db *db, ss_arena *a, ss_sql *q, long long key, long long cursor, int limit,
                   ss_service_record **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(key), SS_DB_I(cursor), SS_DB_I(limit)};
    int rc = ss_db_exec(db, q, p, 3, &res, a);
    if (rc) return rc;
    ss_service_record *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) record_from_row(res.rows[i], &items[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_service_records_of(ss_db *db, ss_arena *a, long long user_id, long long before_id, int limit,
                                ss_service_record **out, int *n, long *total)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_total, p, 1, &res, a);
    if (rc) return rc;
    *total = (long)ss_db_int(res.rows[0][0]);
    return records(db, a, &q_records_of, user_id, before_id, limit, out, n);
}

int ss_store_service_records_for_activity(ss_db *db, ss_arena *a, long long activity_id, long long after_id,
                                          int limit, ss_service_record **out, int *n)
{
    return records(db, a, &q_records_for, activity_id, after_id, limit, out, n);
}
