/* Ratings and their tallies (see ratings.h). */
#include "store/ratings.h"

#include "util/status.h"

static ss_sql q_checked_in = SS_SQL("SELECT 1 FROM checkins WHERE activity_id = ? AND user_id = ?");
static ss_sql q_rating_insert = SS_SQL(
    "INSERT INTO activity_ratings (activity_id, user_id, org_id, score, comment, created_at) "
    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_staff_snapshot = SS_SQL(
    "INSERT INTO rating_staff (rating_id, user_id) SELECT ?, user_id FROM org_members "
    "WHERE org_id = ? AND role = 'social_worker'");
static ss_sql q_tally_org = SS_SQL(
    "INSERT INTO rating_tallies (subject, subject_id, score, n) VALUES ('org', ?, ?, 1) "
    "ON DUPLICATE KEY UPDATE n = n + 1");
static ss_sql q_tally_staff = SS_SQL(
    "INSERT INTO rating_tallies (subject, subject_id, score, n) SELECT 'social_worker', user_id, ?, 1 "
    "FROM rating_staff WHERE rating_id = ? ORDER BY user_id ON DUPLICATE KEY UPDATE n = n + 1");
static ss_sql q_tally_get = SS_SQL(
    "SELECT score, n FROM rating_tallies WHERE subject = ? AND subject_id = ?");
static ss_sql q_user_exists = SS_SQL("SELECT 1 FROM users WHERE id = ?");

int ss_store_checked_in(ss_db *db, ss_arena *a, long long activity_id, long long user_id, int *yes)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(activity_id), SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_checked_in, p, 2, &res, a);
    if (rc == SS_OK) *yes = res.nrows > 0;
    return rc;
}

typedef struct {
    ss_arena *a;
    long long activity_id, org_id, user_id, id;
    int score;
    const char *comment;
} rating_ctx;

/* The unique (activity, user) row decides: only its inserter moves the tallies. */
static int rating_tx(ss_db *db, void *arg)
{
    rating_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->activity_id), SS_DB_I(c->user_id), SS_DB_I(c->org_id), SS_DB_I(c->score),
                     SS_DB_S(c->comment)};
    int rc = ss_db_exec(db, &q_rating_insert, p, 5, &res, c->a);
    if (rc) return rc;
    c->id = (long long)res.insert_id;
    ss_db_val s[] = {SS_DB_I(c->id), SS_DB_I(c->org_id)};
    ss_db_val t[] = {SS_DB_I(c->org_id), SS_DB_I(c->score)};
    ss_db_val u[] = {SS_DB_I(c->score), SS_DB_I(c->id)};
    if ((rc = ss_db_exec(db, &q_staff_snapshot, s, 2, NULL, c->a)) ||
        (rc = ss_db_exec(db, &q_tally_org, t, 2, NULL, c->a)) ||
        (rc = ss_db_exec(db, &q_tally_staff, u, 2, NULL, c->a)))
        return rc;
    return SS_OK;
}

int ss_store_rating_create(ss_db *db, ss_arena *a, long long activity_id, long long org_id, long long user_id,
                           int score, const char *comment, long long *id)
{
    rating_ctx c = {a, activity_id, org_id, user_id, 0, score, comment};
    int rc = ss_db_tx(db, rating_tx, &c);
    if (rc == SS_OK) *id = c.id;
    return rc;
}

int ss_store_rating_tally(ss_db *db, ss_arena *a, const char *subject, long long subject_id, long long by_score[6])
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_T(subject), SS_DB_I(subject_id)};
    int rc = ss_db_exec(db, &q_tally_get, p, 2, &res, a);
    if (rc) return rc;
    for (int i = 0; i < 6; i++) by_score[i] = 0;
    for (int i = 0; i < res.nrows; i++) {
        long long s = ss_db_int(res.rows[i][0]);
        if (s >= 1 && s <= 5) by_score[s] = ss_db_int(res.rows[i][1]);
    }
    return SS_OK;
}

int ss_store_user_exists(ss_db *db, ss_arena *a, long long user_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_user_exists, p, 1, &res, a);
    return rc ? rc : res.nrows ? SS_OK : SS_ENOTFOUND;
}
