/* Corrections as proposals (see corrections.h). */
#include "store/corrections.h"

#include <string.h>

#include "domain/checkin.h"
#include "util/status.h"

static ss_sql q_user_lock = SS_SQL("SELECT id FROM users WHERE id = ? FOR UPDATE");
/* participant?, credited, pending up, pending down: for one person and activity */
static ss_sql q_sums = SS_SQL(
    "SELECT (SELECT COUNT(*) FROM signups s WHERE s.activity_id = ? AND s.user_id = ? AND s.status = 'confirmed') + "
    "(SELECT COUNT(*) FROM checkins c WHERE c.activity_id = ? AND c.user_id = ?), "
    "(SELECT COALESCE(SUM(minutes), 0) FROM service_records r WHERE r.activity_id = ? AND r.user_id = ?), "
    "(SELECT COALESCE(SUM(GREATEST(minutes, 0)), 0) FROM service_corrections p "
    " WHERE p.activity_id = ? AND p.user_id = ? AND p.status = 'pending'), "
    "(SELECT COALESCE(SUM(LEAST(minutes, 0)), 0) FROM service_corrections p "
    " WHERE p.activity_id = ? AND p.user_id = ? AND p.status = 'pending')");
static ss_sql q_insert = SS_SQL(
    "INSERT INTO service_corrections (user_id, activity_id, kind, minutes, reason, proposed_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())");

#define CORR_COLS                                                                                             \
    "p.id, p.user_id, p.activity_id, p.proposed_by, COALESCE(p.decided_by, 0), p.kind, p.status, p.reason, " \
    "p.decision_note, p.minutes, UNIX_TIMESTAMP(p.created_at), COALESCE(UNIX_TIMESTAMP(p.decided_at), 0), "  \
    "a.org_id, o.community_id, a.title, o.name, UNIX_TIMESTAMP(a.starts_at), UNIX_TIMESTAMP(a.ends_at), "     \
    "COALESCE(a.service_minutes, 0)"
#define CORR_NCOLS 19
#define CORR_FROM " FROM service_corrections p JOIN activities a ON a.id = p.activity_id JOIN organizations o ON o.id = a.org_id "

static ss_sql q_get_for = SS_SQL("SELECT " CORR_COLS ", m.role" CORR_FROM
                                 "LEFT JOIN org_members m ON m.org_id = a.org_id AND m.user_id = ? WHERE p.id = ?");
static ss_sql q_get = SS_SQL("SELECT " CORR_COLS CORR_FROM "WHERE p.id = ?");
static ss_sql q_lock_status = SS_SQL("SELECT status FROM service_corrections WHERE id = ? FOR UPDATE");
static ss_sql q_set_status = SS_SQL(
    "UPDATE service_corrections SET status = ?, decided_by = ?, decided_at = UTC_TIMESTAMP(), decision_note = ? "
    "WHERE id = ?");
static ss_sql q_credit = SS_SQL(
    "INSERT INTO service_records (user_id, activity_id, kind, minutes, correction_id, reason, created_by, approved_by, "
    "created_at) VALUES (?, ?, 'correction', ?, ?, ?, ?, ?, UTC_TIMESTAMP())");
/* the approver's scope: orgs they lead, communities they administer, everything for an admin */
static ss_sql q_queue = SS_SQL(
    "SELECT " CORR_COLS CORR_FROM
    "WHERE p.status = ? AND p.id > ? AND (? <> 'pending' OR (p.proposed_by <> ? AND p.user_id <> ?)) AND ("
    " EXISTS (SELECT 1 FROM org_members m WHERE m.org_id = a.org_id AND m.user_id = ? AND m.role = 'leader') OR"
    " EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = ? AND (ur.role = 'admin' OR"
    "  (ur.role = 'community_admin' AND ur.community_id = o.community_id)))) "
    "ORDER BY p.id LIMIT ?");

static void from_row(char **r, ss_correction *c)
{
    *c = (ss_correction){.id = ss_db_int(r[0]), .user_id = ss_db_int(r[1]), .activity_id = ss_db_int(r[2]),
                         .proposed_by = ss_db_int(r[3]), .decided_by = ss_db_int(r[4]), .kind = r[5],
                         .status = r[6], .reason = r[7], .decision_note = r[8], .minutes = (long)ss_db_int(r[9]),
                         .created_at = (time_t)ss_db_int(r[10]), .decided_at = (time_t)ss_db_int(r[11]),
                         .org_id = ss_db_int(r[12]), .community_id = ss_db_int(r[13]), .title = r[14],
                         .org_name = r[15], .starts_at = (time_t)ss_db_int(r[16]),
                         .ends_at = (time_t)ss_db_int(r[17]), .service_minutes = (long)ss_db_int(r[18])};
}

typedef struct {
    long long participant;
    long credited, up, down;
} sums;

/* Locks the person's users row, then reads their sums for the activity. SS_ENOTFOUND: no user. */
static int lock_and_sum(ss_db *db, ss_arena *a, long long user_id, long long activity_id, sums *s)
{
    ss_db_result res;
    ss_db_val pl[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_user_lock, pl, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    ss_db_val p[10];
    for (int i = 0; i < 10; i += 2) p[i] = SS_DB_I(activity_id), p[i + 1] = SS_DB_I(user_id);
    if ((rc = ss_db_exec(db, &q_sums, p, 10, &res, a))) return rc;
    char **r = res.rows[0];
    *s = (sums){ss_db_int(r[0]), (long)ss_db_int(r[1]), (long)ss_db_int(r[2]), (long)ss_db_int(r[3])};
    return SS_OK;
}

static ss_corr_verdict judge(const sums *s, long minutes, long cap)
{
    switch (ss_correction_fits(s->credited, s->up, s->down, minutes, cap)) {
    case SS_CORRECTION_OVER_CAP: return SS_CORR_OVER_CAP;
    case SS_CORRECTION_NEGATIVE: return SS_CORR_NEGATIVE;
    default: return SS_CORR_OK;
    }
}

typedef struct {
    ss_arena *a;
    ss_correction *c;
    long cap;
    ss_corr_verdict verdict;
} propose_ctx;

static int propose_tx(ss_db *db, void *arg)
{
    propose_ctx *x = arg;
    ss_correction *c = x->c;
    sums s;
    int rc = lock_and_sum(db, x->a, c->user_id, c->activity_id, &s);
    if (rc == SS_ENOTFOUND) return x->verdict = SS_CORR_NOT_PARTICIPANT, SS_OK;
    if (rc) return rc;
    if (s.participant == 0) return x->verdict = SS_CORR_NOT_PARTICIPANT, SS_OK;
    if ((x->verdict = judge(&s, c->minutes, x->cap)) != SS_CORR_OK) return SS_OK;
    ss_db_result ins;
    ss_db_val p[] = {SS_DB_I(c->user_id), SS_DB_I(c->activity_id), SS_DB_S(c->kind), SS_DB_I(c->minutes),
                     SS_DB_S(c->reason), SS_DB_I(c->proposed_by)};
    if ((rc = ss_db_exec(db, &q_insert, p, 6, &ins, x->a))) return rc;
    c->id = (long long)ins.insert_id;
    return SS_OK;
}

int ss_store_correction_propose(ss_db *db, ss_arena *a, ss_correction *c, long cap, ss_corr_verdict *verdict)
{
    propose_ctx x = {a, c, cap, SS_CORR_OK};
    long long saved_id = c->id;
    int rc = ss_db_tx(db, propose_tx, &x);
    if (rc) {
        c->id = saved_id;
        return rc;
    }
    *verdict = x.verdict;
    if (x.verdict == SS_CORR_OK) c->status = "pending";
    return SS_OK;
}

int ss_store_correction_get_for(ss_db *db, ss_arena *a, long long id, long long user_id, ss_correction *out,
                                ss_org_role *role)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_get_for, p, 2, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    from_row(res.rows[0], out);
    *role = ss_org_role_parse(res.rows[0][CORR_NCOLS]);
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long id, decider;
    int approve;
    const char *note;
    ss_corr_verdict verdict;
    ss_correction c;
} decide_ctx;

static int decide_tx(ss_db *db, void *arg)
{
    decide_ctx *x = arg;
    ss_db_result res;
    ss_db_val pid[] = {SS_DB_I(x->id)};
    int rc = ss_db_exec(db, &q_get, pid, 1, &res, x->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    from_row(res.rows[0], &x->c);
    sums s;   /* the person first (the order every proposal takes), then the proposal */
    if ((rc = lock_and_sum(db, x->a, x->c.user_id, x->c.activity_id, &s))) return rc;
    if ((rc = ss_db_exec(db, &q_lock_status, pid, 1, &res, x->a))) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], "pending") != 0) return SS_ECONFLICT;
    if (x->approve) {
        /* the cap again, now without this proposal among the pending ones */
        sums others = s;
        if (x->c.minutes > 0) others.up -= x->c.minutes;
        else others.down -= x->c.minutes;
        long cap = ss_activity_cap_minutes(x->c.starts_at, x->c.ends_at, x->c.service_minutes);
        if ((x->verdict = judge(&others, x->c.minutes, cap)) != SS_CORR_OK) return SS_OK;
        ss_db_val pc[] = {SS_DB_I(x->c.user_id), SS_DB_I(x->c.activity_id), SS_DB_I(x->c.minutes), SS_DB_I(x->id),
                          SS_DB_S(x->c.reason), SS_DB_I(x->c.proposed_by), SS_DB_I(x->decider)};
        if ((rc = ss_db_exec(db, &q_credit, pc, 7, NULL, x->a))) return rc;
    }
    const char *to = x->approve ? "approved" : "rejected";
    ss_db_val pu[] = {SS_DB_T(to), SS_DB_I(x->decider), SS_DB_S(x->note), SS_DB_I(x->id)};
    if ((rc = ss_db_exec(db, &q_set_status, pu, 4, NULL, x->a))) return rc;
    if ((rc = ss_db_exec(db, &q_get, pid, 1, &res, x->a))) return rc;
    from_row(res.rows[0], &x->c);
    return SS_OK;
}

int ss_store_correction_decide(ss_db *db, ss_arena *a, long long id, long long decider, int approve,
                               const char *note, ss_corr_verdict *verdict, ss_correction *out)
{
    decide_ctx x = {.a = a, .id = id, .decider = decider, .approve = approve, .note = note};
    int rc = ss_db_tx(db, decide_tx, &x);
    if (rc) return rc;
    *verdict = x.verdict;
    if (x.verdict == SS_CORR_OK) *out = x.c;
    return SS_OK;
}

int ss_store_corrections_queue(ss_db *db, ss_arena *a, long long user_id, const char *status, long long after_id,
                               int limit, ss_correction **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(status), SS_DB_I(after_id), SS_DB_S(status), SS_DB_I(user_id),
                     SS_DB_I(user_id), SS_DB_I(user_id), SS_DB_I(user_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_queue, p, 8, &res, a);
    if (rc) return rc;
    ss_correction *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) from_row(res.rows[i], &items[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}
