/* Contests, projects, votes and tallies (see contests.h). */
#include "store/contests.h"

#include <stdlib.h>
#include <string.h>

#include "domain/contest.h"
#include "util/status.h"

#define CONTEST_COLS                                                                                          \
    "id, COALESCE(community_id, 0), title, budget_cents, votes_per_user_per_day, UNIX_TIMESTAMP(submit_until), " \
    "UNIX_TIMESTAMP(vote_from), UNIX_TIMESTAMP(vote_until), UNIX_TIMESTAMP(created_at), "          \
    "ROUND(expert_weight * 1000), content_status"
static ss_sql q_contest_insert = SS_SQL(
    "INSERT INTO contests (title, community_id, budget_cents, votes_per_user_per_day, submit_until, vote_from, "
    "vote_until, created_by, created_at, expert_weight) VALUES (?, ?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), "
    "FROM_UNIXTIME(?), ?, UTC_TIMESTAMP(), ? / 1000)");
static ss_sql q_contest_get = SS_SQL("SELECT " CONTEST_COLS " FROM contests WHERE id = ?");
static ss_sql q_contest_list = SS_SQL(
    "SELECT " CONTEST_COLS " FROM contests WHERE id < ? AND (? OR content_status = 'visible') ORDER BY id DESC LIMIT ?");

#define PROJECT_COLS                                                                                    \
    "p.id, p.contest_id, p.org_id, p.budget_cents, "                                                     \
    "(SELECT COALESCE(SUM(t.votes), 0) FROM contest_tally_slots t WHERE t.project_id = p.id), "        \
    "p.title, p.summary, p.status, o.name, p.reject_reason, UNIX_TIMESTAMP(p.created_at), p.review_sum, "  \
    "p.review_count, p.submitted_by, p.content_status"
static ss_sql q_project_insert = SS_SQL(
    "INSERT INTO contest_projects (contest_id, org_id, title, summary, budget_cents, submitted_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_project_get = SS_SQL(
    "SELECT " PROJECT_COLS " FROM contest_projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ?");
static ss_sql q_project_list = SS_SQL(
    "SELECT " PROJECT_COLS " FROM contest_projects p JOIN organizations o ON o.id = p.org_id "
    "WHERE p.contest_id = ? AND (? OR (p.status = 'approved' AND p.content_status = 'visible')) ORDER BY p.id");
/* The approval queue: a status (NULL: any), and for a leader only their organizations' projects. */
static ss_sql q_project_queue = SS_SQL(
    "SELECT " PROJECT_COLS " FROM contest_projects p JOIN organizations o ON o.id = p.org_id "
    "WHERE p.contest_id = ? AND (? IS NULL OR p.status = ?) AND (? = 0 OR p.org_id IN "
    "(SELECT m.org_id FROM org_members m WHERE m.user_id = ? AND m.role = 'leader')) ORDER BY p.id");
static ss_sql q_leads_any = SS_SQL("SELECT 1 FROM org_members WHERE user_id = ? AND role = 'leader' LIMIT 1");
static ss_sql q_project_lock = SS_SQL("SELECT status FROM contest_projects WHERE id = ? FOR UPDATE");
static ss_sql q_project_decide = SS_SQL(
    "UPDATE contest_projects SET status = ?, reject_reason = ?, decided_at = UTC_TIMESTAMP(), decided_by = ? "
    "WHERE id = ?");
static ss_sql q_slots_create = SS_SQL(
    "INSERT IGNORE INTO contest_tally_slots (project_id, slot, votes) VALUES (?, 0, 0)");

/* Takes one unit of the day's quota while under the limit, in one round trip: affected rows
 * are 1 for the day's first vote, 2 for a later one (LAST_INSERT_ID then holds the new count),
 * 0 when the limit is reached. */
static ss_sql q_quota_take = SS_SQL(
    "INSERT INTO contest_vote_quota (contest_id, user_id, vote_day, used) VALUES (?, ?, ?, 1) "
    "ON DUPLICATE KEY UPDATE used = IF(used < ?, LAST_INSERT_ID(used + 1), used)");
/* Stores the vote if the project is an approved one of this contest (else no row). */
static ss_sql q_vote_insert = SS_SQL(
    "INSERT INTO contest_votes (contest_id, project_id, user_id, vote_day, votes_left, client_addr, "
    "created_at) SELECT p.contest_id, p.id, ?, ?, ?, ?, FROM_UNIXTIME(?) FROM contest_projects p "
    "WHERE p.id = ? AND p.contest_id = ? AND p.status = 'approved' AND p.content_status = 'visible'");
/* (The stored vote's tally slot is counted by the trigger contest_votes_tally, sql/062: in the
 * same statement, so a vote costs one round trip less.) */

static ss_sql q_recount_lock = SS_SQL(
    "SELECT p.id FROM contest_projects p WHERE p.contest_id = ? AND p.status = 'approved' ORDER BY p.id FOR UPDATE");
static ss_sql q_recount_counts = SS_SQL(
    "SELECT p.id, (SELECT COUNT(*) FROM contest_votes v WHERE v.project_id = p.id), "
    "(SELECT COALESCE(SUM(t.votes), 0) FROM contest_tally_slots t WHERE t.project_id = p.id) "
    "FROM contest_projects p WHERE p.contest_id = ? AND p.status = 'approved' ORDER BY p.id");
static ss_sql q_recount_lock_slots = SS_SQL(
    "SELECT t.project_id FROM contest_tally_slots t JOIN contest_projects p ON p.id = t.project_id "
    "WHERE p.contest_id = ? FOR UPDATE");
static ss_sql q_recount_zero = SS_SQL("UPDATE contest_tally_slots SET votes = 0 WHERE project_id = ? AND slot <> 0");
static ss_sql q_recount_set = SS_SQL("UPDATE contest_tally_slots SET votes = ? WHERE project_id = ? AND slot = 0");

int ss_store_contest_create(ss_db *db, ss_arena *a, const ss_contest *c, long long created_by, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_S(c->title),
                     c->community_id ? SS_DB_I(c->community_id) : SS_DB_NUL,
                     SS_DB_I(c->budget_cents),
                     SS_DB_I(c->votes_per_user_per_day),
                     SS_DB_I(c->submit_until),
                     SS_DB_I(c->vote_from),
                     SS_DB_I(c->vote_until),
                     SS_DB_I(created_by),
                     SS_DB_I(c->expert_weight_milli)};
    int rc = ss_db_exec(db, &q_contest_insert, p, 9, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

static ss_contest contest_from_row(char **r)
{
    return (ss_contest){.id = ss_db_int(r[0]), .community_id = ss_db_int(r[1]), .title = r[2],
                        .budget_cents = ss_db_int(r[3]), .votes_per_user_per_day = (long)ss_db_int(r[4]),
                        .submit_until = (time_t)ss_db_int(r[5]), .vote_from = (time_t)ss_db_int(r[6]),
                        .vote_until = (time_t)ss_db_int(r[7]), .created_at = (time_t)ss_db_int(r[8]),
                        .expert_weight_milli = (int)ss_db_int(r[9]), .content_status = r[10]};
}

int ss_store_contest_get(ss_db *db, ss_arena *a, long long id, ss_contest *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_contest_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = contest_from_row(res.rows[0]);
    return SS_OK;
}

int ss_store_contest_list(ss_db *db, ss_arena *a, long long before_id, int all, int limit, ss_contest **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(before_id), SS_DB_I(all ? 1 : 0), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_contest_list, p, 3, &res, a);
    if (rc) return rc;
    ss_contest *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = contest_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_project_create(ss_db *db, ss_arena *a, const ss_project *pr, long long submitted_by, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(pr->contest_id), SS_DB_I(pr->org_id), SS_DB_S(pr->title), SS_DB_S(pr->summary),
                     SS_DB_I(pr->budget_cents), SS_DB_I(submitted_by)};
    int rc = ss_db_exec(db, &q_project_insert, p, 6, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

static ss_project project_from_row(char **r)
{
    return (ss_project){.id = ss_db_int(r[0]), .contest_id = ss_db_int(r[1]), .org_id = ss_db_int(r[2]),
                        .budget_cents = ss_db_int(r[3]), .votes = ss_db_int(r[4]), .title = r[5], .summary = r[6],
                        .status = r[7], .org_name = r[8], .reject_reason = r[9], .created_at = (time_t)ss_db_int(r[10]),
                        .review_sum = ss_db_int(r[11]), .review_count = ss_db_int(r[12]),
                        .submitted_by = ss_db_int(r[13]), .content_status = r[14]};
}

int ss_store_project_get(ss_db *db, ss_arena *a, long long id, ss_project *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_project_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = project_from_row(res.rows[0]);
    return SS_OK;
}

int ss_store_project_list(ss_db *db, ss_arena *a, long long contest_id, int all, ss_project **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(contest_id), SS_DB_I(all ? 1 : 0)};
    int rc = ss_db_exec(db, &q_project_list, p, 2, &res, a);
    if (rc) return rc;
    ss_project *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = project_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_project_queue(ss_db *db, ss_arena *a, long long contest_id, const char *status, long long leader_id,
                           ss_project **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(contest_id), SS_DB_S(status), SS_DB_S(status), SS_DB_I(leader_id), SS_DB_I(leader_id)};
    int rc = ss_db_exec(db, &q_project_queue, p, 5, &res, a);
    if (rc) return rc;
    ss_project *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = project_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_user_leads_any(ss_db *db, ss_arena *a, long long user_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_leads_any, p, 1, &res, a);
    return rc ? rc : res.nrows ? SS_OK : SS_ENOTFOUND;
}

typedef struct {
    ss_arena *a;
    long long id, by;
    const char *status, *reason;
} decide_ctx;

static int decide_tx(ss_db *db, void *arg)
{
    decide_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->id)};
    int rc = ss_db_exec(db, &q_project_lock, p, 1, &res, c->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], c->status) == 0) return SS_OK;
    if (strcmp(res.rows[0][0], "submitted") != 0) return SS_ECONFLICT;
    ss_db_val pd[] = {SS_DB_S(c->status), SS_DB_S(c->reason), SS_DB_I(c->by), SS_DB_I(c->id)};
    if ((rc = ss_db_exec(db, &q_project_decide, pd, 4, NULL, c->a))) return rc;
    if (strcmp(c->status, "approved") != 0) return SS_OK;
    ss_db_val ps[] = {SS_DB_I(c->id)};   /* slot 0 now; the others appear with their first vote */
    return ss_db_exec(db, &q_slots_create, ps, 1, NULL, c->a);
}

int ss_store_project_decide(ss_db *db, ss_arena *a, long long id, const char *status, const char *reason,
                            long long by_user)
{
    decide_ctx c = {a, id, by_user, status, reason};
    return ss_db_tx(db, decide_tx, &c);
}

typedef struct {
    ss_arena *a;
    const ss_vote_request *v;
    long votes_left;
} vote_ctx;

static int vote_tx(ss_db *db, void *arg)
{
    vote_ctx *c = arg;
    const ss_vote_request *v = c->v;
    ss_db_result res;
    int rc;
    /* the daily quota: one row per (contest, user, day), taken only while under the limit;
     * its row lock serialises one person's parallel votes, and nobody else's */
    ss_db_val pt[] = {SS_DB_I(v->contest_id), SS_DB_I(v->user_id), SS_DB_S(v->day), SS_DB_I(v->limit)};
    if ((rc = ss_db_exec(db, &q_quota_take, pt, 4, &res, c->a))) return rc;
    /* the limit is used up: an unknown project is still 404 rather than 429 (it is looked
     * up only here, not ahead of every vote: the insert below checks it for the others) */
    if (res.affected == 0) {
        rc = ss_store_project_votable(db, c->a, v->contest_id, v->project_id);
        return rc ? rc : SS_ELIMIT;
    }
    long used = res.affected == 1 ? 1 : (long)res.insert_id;
    c->votes_left = v->limit - used;
    ss_db_val pv[] = {SS_DB_I(v->user_id),   SS_DB_S(v->day),        SS_DB_I(c->votes_left), SS_DB_S(v->client_addr),
                      SS_DB_I(v->now),       SS_DB_I(v->project_id), SS_DB_I(v->contest_id)};
    if ((rc = ss_db_exec(db, &q_vote_insert, pv, 7, &res, c->a))) return rc;
    return res.affected == 0 ? SS_ENOTFOUND : SS_OK;   /* ENOTFOUND rolls the quota back with it */
}

int ss_store_vote(ss_db *db, ss_arena *a, const ss_vote_request *v, long *votes_left)
{
    vote_ctx c = {a, v, 0};
    int rc = ss_db_tx(db, vote_tx, &c);
    if (rc == SS_OK) *votes_left = c.votes_left;
    return rc;
}

typedef struct {
    ss_arena *a;
    long long contest_id;
    ss_recount_row *rows;
    int n;
} recount_ctx;

static int recount_tx(ss_db *db, void *arg)
{
    recount_ctx *c = arg;
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->contest_id)};
    int rc;
    /* lock the projects and their slots, so no vote commits between counting and writing */
    if ((rc = ss_db_exec(db, &q_recount_lock, p, 1, NULL, c->a))) return rc;
    if ((rc = ss_db_exec(db, &q_recount_lock_slots, p, 1, NULL, c->a))) return rc;
    if ((rc = ss_db_exec(db, &q_recount_counts, p, 1, &res, c->a))) return rc;
    c->n = res.nrows;
    c->rows = ss_arena_calloc(c->a, (size_t)(res.nrows + 1) * sizeof *c->rows);
    for (int i = 0; i < res.nrows; i++) {
        ss_recount_row *r = &c->rows[i];
        *r = (ss_recount_row){ss_db_int(res.rows[i][0]), ss_db_int(res.rows[i][1]), ss_db_int(res.rows[i][2])};
        if (r->counted == r->tallied) continue;
        ss_db_val pz[] = {SS_DB_I(r->project_id)};
        ss_db_val ps[] = {SS_DB_I(r->counted), SS_DB_I(r->project_id)};
        if ((rc = ss_db_exec(db, &q_recount_zero, pz, 1, NULL, c->a)) ||
            (rc = ss_db_exec(db, &q_recount_set, ps, 2, NULL, c->a)))
            return rc;
    }
    return SS_OK;
}

int ss_store_contest_recount(ss_db *db, ss_arena *a, long long contest_id, ss_recount_row **out, int *n)
{
    recount_ctx c = {a, contest_id, NULL, 0};
    int rc = ss_db_tx(db, recount_tx, &c);
    if (rc == SS_OK) {
        *out = c.rows;
        *n = c.n;
    }
    return rc;
}

static ss_sql q_project_votable = SS_SQL(
    "SELECT 1 FROM contest_projects WHERE id = ? AND contest_id = ? AND status = 'approved' "
    "AND content_status = 'visible'");

int ss_store_project_votable(ss_db *db, ss_arena *a, long long contest_id, long long project_id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(project_id), SS_DB_I(contest_id)};
    int rc = ss_db_exec(db, &q_project_votable, p, 2, &res, a);
    return rc ? rc : res.nrows ? SS_OK : SS_ENOTFOUND;
}

static ss_sql q_reviewer_add = SS_SQL(
    "INSERT IGNORE INTO contest_reviewers (contest_id, user_id, added_by, added_at) VALUES (?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_reviewer_is = SS_SQL("SELECT 1 FROM contest_reviewers WHERE contest_id = ? AND user_id = ?");
static ss_sql q_review_lock = SS_SQL(
    "SELECT score FROM contest_reviews WHERE project_id = ? AND reviewer_id = ? FOR UPDATE");
static ss_sql q_review_insert = SS_SQL(
    "INSERT INTO contest_reviews (project_id, reviewer_id, score, comment, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())");
static ss_sql q_review_update = SS_SQL(
    "UPDATE contest_reviews SET score = ?, comment = ?, updated_at = UTC_TIMESTAMP() "
    "WHERE project_id = ? AND reviewer_id = ?");
static ss_sql q_review_sum = SS_SQL(
    "UPDATE contest_projects SET review_sum = review_sum + ? - ?, review_count = review_count + ? WHERE id = ?");

int ss_store_reviewer_add(ss_db *db, ss_arena *a, long long contest_id, long long user_id, long long by_user,
                          int *created)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(contest_id), SS_DB_I(user_id), SS_DB_I(by_user)};
    int rc = ss_db_exec(db, &q_reviewer_add, p, 3, &res, a);
    if (rc == SS_OK) *created = res.affected == 1;
    return rc;
}

int ss_store_reviewer_is(ss_db *db, ss_arena *a, long long contest_id, long long user_id, int *yes)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(contest_id), SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_reviewer_is, p, 2, &res, a);
    if (rc == SS_OK) *yes = res.nrows > 0;
    return rc;
}

typedef struct {
    ss_arena *a;
    long long project_id, reviewer_id;
    int score, created;
    const char *comment;
} review_ctx;

/* The review row under its lock decides whether this is a first review or an edit; the
 * project's sum and count move by the difference. */
static int review_tx(ss_db *db, void *arg)
{
    review_ctx *c = arg;
    ss_db_result res;
    ss_db_val k[] = {SS_DB_I(c->project_id), SS_DB_I(c->reviewer_id)};
    int rc = ss_db_exec(db, &q_review_lock, k, 2, &res, c->a);
    if (rc) return rc;
    long long old = 0;
    if (res.nrows == 0) {
        ss_db_val p[] = {SS_DB_I(c->project_id), SS_DB_I(c->reviewer_id), SS_DB_I(c->score), SS_DB_S(c->comment)};
        rc = ss_db_exec(db, &q_review_insert, p, 4, NULL, c->a);
        c->created = 1;
    } else {
        old = ss_db_int(res.rows[0][0]);
        ss_db_val p[] = {SS_DB_I(c->score), SS_DB_S(c->comment), SS_DB_I(c->project_id), SS_DB_I(c->reviewer_id)};
        rc = ss_db_exec(db, &q_review_update, p, 4, NULL, c->a);
        c->created = 0;
    }
    if (rc) return rc;
    ss_db_val u[] = {SS_DB_I(c->score), SS_DB_I(old), SS_DB_I(c->created), SS_DB_I(c->project_id)};
    return ss_db_exec(db, &q_review_sum, u, 4, NULL, c->a);
}

int ss_store_review_put(ss_db *db, ss_arena *a, long long project_id, long long reviewer_id, int score,
                        const char *comment, int *created)
{
    review_ctx c = {a, project_id, reviewer_id, score, 0, comment};
    int rc = ss_db_tx(db, review_tx, &c);
    if (rc == SS_OK) *created = c.created;
    return rc;
}
