/* Consultations (see consultations.h). A ballot reads the consultation row in share mode and a
 * resolution locks it for update, so every ballot either commits before the resolution or sees
 * the new stage and is refused: the tally is frozen from the resolution on. */
#include "store/consultations.h"

#include <string.h>

#include "util/status.h"

#define CONS_COLS "c.id, c.community_id, c.convened_by, c.ballots, c.title, c.body, c.stage, c.decision, c.feedback, " \
                  "UNIX_TIMESTAMP(c.closes_at), UNIX_TIMESTAMP(c.created_at), COALESCE(UNIX_TIMESTAMP(c.resolved_at), 0), " \
                  "COALESCE(UNIX_TIMESTAMP(c.publicized_at), 0), COALESCE(UNIX_TIMESTAMP(c.feedback_at), 0), " \
                  "c.content_status"
static ss_sql q_insert = SS_SQL(
    "INSERT INTO consultations (community_id, title, body, closes_at, convened_by, created_at) "
    "VALUES (?, ?, ?, FROM_UNIXTIME(?), ?, UTC_TIMESTAMP())");
static ss_sql q_option_insert = SS_SQL(
    "INSERT INTO consultation_options (consultation_id, idx, label) VALUES (?, ?, ?)");
static ss_sql q_get = SS_SQL("SELECT " CONS_COLS " FROM consultations c WHERE c.id = ?");
static ss_sql q_options = SS_SQL(
    "SELECT idx, label, votes FROM consultation_options WHERE consultation_id = ? ORDER BY idx");
static ss_sql q_list = SS_SQL(
    "SELECT " CONS_COLS " FROM consultations c WHERE (? = 0 OR c.community_id = ?) AND c.id < ? "
    "AND c.content_status = 'visible' ORDER BY c.id DESC LIMIT ?");
static ss_sql q_home = SS_SQL("SELECT COALESCE(home_community_id, 0) FROM users WHERE id = ?");
static ss_sql q_share = SS_SQL(
    "SELECT stage, UNIX_TIMESTAMP(closes_at) FROM consultations WHERE id = ? LOCK IN SHARE MODE");
static ss_sql q_ballot = SS_SQL(
    "INSERT INTO consultation_ballots (consultation_id, user_id, option_idx, created_at) "
    "VALUES (?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_option_bump = SS_SQL(
    "UPDATE consultation_options SET votes = votes + 1 WHERE consultation_id = ? AND idx = ?");
static ss_sql q_ballots_bump = SS_SQL("UPDATE consultations SET ballots = ballots + 1 WHERE id = ?");
static ss_sql q_comment = SS_SQL(
    "INSERT INTO consultation_comments (consultation_id, user_id, body, created_at) VALUES (?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_comments = SS_SQL(
    "SELECT * FROM (SELECT k.id, k.user_id, u.nickname, k.body, UNIX_TIMESTAMP(k.created_at), k.content_status "
    "FROM consultation_comments k JOIN users u ON u.id = k.user_id WHERE k.consultation_id = ? "
    "AND (k.content_status = 'visible' OR ? = 1 OR k.user_id = ?) "
    "ORDER BY k.id DESC LIMIT ?) t ORDER BY id");
static ss_sql q_lock = SS_SQL("SELECT stage FROM consultations WHERE id = ? FOR UPDATE");
static ss_sql q_resolve = SS_SQL(
    "UPDATE consultations SET stage = 'resolved', decision = ?, resolved_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_publicize = SS_SQL(
    "UPDATE consultations SET stage = 'publicized', publicized_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_feedback = SS_SQL(
    "UPDATE consultations SET stage = 'feedback', feedback = ?, feedback_at = UTC_TIMESTAMP() WHERE id = ?");

static ss_consultation from_row(char **r)
{
    return (ss_consultation){.id = ss_db_int(r[0]), .community_id = ss_db_int(r[1]), .convened_by = ss_db_int(r[2]),
                             .ballots = ss_db_int(r[3]), .title = r[4], .body = r[5], .stage = r[6],
                             .decision = r[7], .feedback = r[8], .closes_at = (time_t)ss_db_int(r[9]),
                             .created_at = (time_t)ss_db_int(r[10]), .resolved_at = (time_t)ss_db_int(r[11]),
                             .publicized_at = (time_t)ss_db_int(r[12]), .feedback_at = (time_t)ss_db_int(r[13]),
                             .content_status = r[14]};
}

int ss_store_consultation_create(ss_db *db, ss_arena *a, const ss_consultation *c, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->community_id), SS_DB_S(c->title), SS_DB_S(c->body), SS_DB_I((long long)c->closes_at),
                     SS_DB_I(c->convened_by)};
    int rc = ss_db_exec(db, &q_insert, p, 5, &res, a);
    if (rc) return rc;
    long long cid = (long long)res.insert_id;
    for (int i = 0; i < c->noptions; i++) {
        ss_db_val o[] = {SS_DB_I(cid), SS_DB_I(i), SS_DB_S(c->options[i])};
        if ((rc = ss_db_exec(db, &q_option_insert, o, 3, NULL, a))) return rc;
    }
    *id = cid;
    return SS_OK;
}

int ss_store_consultation_get(ss_db *db, ss_arena *a, long long id, ss_consultation *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    ss_consultation c = from_row(res.rows[0]);
    if ((rc = ss_db_exec(db, &q_options, p, 1, &res, a))) return rc;
    for (int i = 0; i < res.nrows && i < SS_CONSULT_OPTIONS_MAX; i++) {
        c.options[i] = res.rows[i][1];
        c.votes[i] = ss_db_int(res.rows[i][2]);
        c.noptions = i + 1;
    }
    *out = c;
    return SS_OK;
}

int ss_store_consultation_list(ss_db *db, ss_arena *a, long long community_id, long long before, int limit,
                               ss_consultation **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(community_id), SS_DB_I(community_id), SS_DB_I(before), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_list, p, 4, &res, a);
    if (rc) return rc;
    ss_consultation *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_user_home_community(ss_db *db, ss_arena *a, long long user_id, long long *community_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_home, p, 1, &res, a);
    if (rc == SS_OK) *community_id = res.nrows ? ss_db_int(res.rows[0][0]) : 0;
    return rc;
}

typedef struct {
    ss_arena *a;
    long long id, user_id;
    int idx, closed;
    time_t now;
} ballot_ctx;

static int ballot_tx(ss_db *db, void *arg)
{
    ballot_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->id)};
    int rc = ss_db_exec(db, &q_share, p, 1, &res, c->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], "deliberating") != 0 || c->now >= (time_t)ss_db_int(res.rows[0][1])) {
        c->closed = 1;
        return SS_ECONFLICT;
    }
    ss_db_val b[] = {SS_DB_I(c->id), SS_DB_I(c->user_id), SS_DB_I(c->idx)};
    if ((rc = ss_db_exec(db, &q_ballot, b, 3, NULL, c->a))) return rc;   /* a second ballot: SS_ECONFLICT */
    ss_db_val o[] = {SS_DB_I(c->id), SS_DB_I(c->idx)};
    if ((rc = ss_db_exec(db, &q_option_bump, o, 2, NULL, c->a))) return rc;
    return ss_db_exec(db, &q_ballots_bump, p, 1, NULL, c->a);
}

int ss_store_ballot_cast(ss_db *db, ss_arena *a, long long id, long long user_id, int idx, time_t now, int *closed)
{
    ballot_ctx c = {a, id, user_id, idx, 0, now};
    int rc = ss_db_tx(db, ballot_tx, &c);
    *closed = c.closed;
    return rc;
}

int ss_store_comment_add(ss_db *db, ss_arena *a, long long id, long long user_id, const char *body, long long *cid)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_share, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], "deliberating") != 0) return SS_ECONFLICT;
    ss_db_val c[] = {SS_DB_I(id), SS_DB_I(user_id), SS_DB_S(body)};
    if ((rc = ss_db_exec(db, &q_comment, c, 3, &res, a))) return rc;
    *cid = (long long)res.insert_id;
    return SS_OK;
}

int ss_store_comment_list(ss_db *db, ss_arena *a, long long id, long long viewer_id, int held_too, int limit,
                          ss_consult_comment **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id), SS_DB_I(held_too ? 1 : 0), SS_DB_I(viewer_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_comments, p, 4, &res, a);
    if (rc) return rc;
    ss_consult_comment *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        items[i] = (ss_consult_comment){ss_db_int(r[0]), ss_db_int(r[1]), r[2], r[3], (time_t)ss_db_int(r[4]), r[5]};
    }
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_consultation_advance(ss_db *db, ss_arena *a, long long id, const char *from, const char *to,
                                  const char *text)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_lock, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], from) != 0) return SS_ECONFLICT;
    ss_db_val t[] = {SS_DB_S(text), SS_DB_I(id)};
    if (strcmp(to, "resolved") == 0) return ss_db_exec(db, &q_resolve, t, 2, NULL, a);
    if (strcmp(to, "feedback") == 0) return ss_db_exec(db, &q_feedback, t, 2, NULL, a);
    return ss_db_exec(db, &q_publicize, p, 1, NULL, a);
}
