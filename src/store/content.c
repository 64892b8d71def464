/* Content safety rows (see content.h). */
#include "store/content.h"

#include <stdio.h>
#include <string.h>

#include "util/status.h"

static ss_sql q_openid = SS_SQL("SELECT openid FROM users WHERE id = ?");
/* The objects whose text can be held: each table's content_status is set to 'review' on hold
 * and to 'visible' or 'rejected' on a decision. A nickname is different (see hold_kind). */
#define HOLDABLE(table)                                                                                          \
    SS_SQL("UPDATE " table " SET content_status = 'review' WHERE id = ?"),                                    \
        SS_SQL("UPDATE " table " SET content_status = ? WHERE id = ?")
typedef struct {
    const char *type;
    ss_sql hold, show;
} hold_kind;
static hold_kind kinds[] = {
    {"activity", HOLDABLE("activities")},
    {"org", HOLDABLE("organizations")},
    {"need", HOLDABLE("needs")},
    {"consultation_comment", HOLDABLE("consultation_comments")},
    {"rating", HOLDABLE("activity_ratings")},
    {"contest_project", HOLDABLE("contest_projects")},
    {"service_project", HOLDABLE("service_projects")},
    {"resource", HOLDABLE("resources")},
    {"consultation", HOLDABLE("consultations")},
    {"community", HOLDABLE("communities")},
    {"contest", HOLDABLE("contests")},
};
/* A new nickname waits in users.nickname_pending (ss_store_user_profile_set put it there) while
 * the old one stays shown; pass makes it the nickname, reject drops it. Older items of the same
 * user's nickname are superseded by a new one: they go, undecided. */
static ss_sql q_nickname_supersede = SS_SQL(
    "DELETE FROM content_reviews WHERE object_type = 'nickname' AND object_id = ? AND status = 'pending'");
static ss_sql q_nickname_pass = SS_SQL(
    "UPDATE users SET nickname = nickname_pending, nickname_pending = NULL "
    "WHERE id = ? AND nickname_pending IS NOT NULL");
static ss_sql q_nickname_reject = SS_SQL("UPDATE users SET nickname_pending = NULL WHERE id = ?");

static hold_kind *kind_of(const char *type)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kinds[i].type, type) == 0) return &kinds[i];
    return NULL;
}

static ss_sql q_insert = SS_SQL(
    "INSERT INTO content_reviews (object_type, object_id, community_id, reason, status, created_by, created_at) "
    "VALUES (?, ?, ?, ?, 'pending', ?, UTC_TIMESTAMP())");
#define REVIEW_COLS                                                                                                \
    "r.id, r.object_type, r.object_id, r.community_id, r.reason, r.status, r.created_by, "                      \
    "UNIX_TIMESTAMP(r.created_at), r.decided_by, COALESCE(UNIX_TIMESTAMP(r.decided_at), 0), "                    \
    "COALESCE((SELECT a.title FROM activities a WHERE r.object_type = 'activity' AND a.id = r.object_id), "      \
    "(SELECT o.name FROM organizations o WHERE r.object_type = 'org' AND o.id = r.object_id), "                 \
    "(SELECT n.title FROM needs n WHERE r.object_type = 'need' AND n.id = r.object_id), "                         \
    "(SELECT LEFT(k.body, 100) FROM consultation_comments k WHERE r.object_type = 'consultation_comment' "          \
    "AND k.id = r.object_id), "                                                                                   \
    "(SELECT LEFT(t.comment, 100) FROM activity_ratings t WHERE r.object_type = 'rating' AND t.id = r.object_id), " \
    "(SELECT COALESCE(u.nickname_pending, u.nickname) FROM users u WHERE r.object_type = 'nickname' "             \
    "AND u.id = r.object_id), "                                                                                   \
    "(SELECT p.title FROM contest_projects p WHERE r.object_type = 'contest_project' AND p.id = r.object_id), "    \
    "(SELECT s.title FROM service_projects s WHERE r.object_type = 'service_project' AND s.id = r.object_id), "    \
    "(SELECT x.provider FROM resources x WHERE r.object_type = 'resource' AND x.id = r.object_id), "               \
    "(SELECT c.title FROM consultations c WHERE r.object_type = 'consultation' AND c.id = r.object_id), "          \
    "(SELECT m.name FROM communities m WHERE r.object_type = 'community' AND m.id = r.object_id), "               \
    "(SELECT e.title FROM contests e WHERE r.object_type = 'contest' AND e.id = r.object_id))"
/* community list as a comma-separated string: FIND_IN_SET keeps the statement prepared once */
static ss_sql q_list = SS_SQL(
    "SELECT " REVIEW_COLS " FROM content_reviews r WHERE r.status = ? "
    "AND (? = '' OR FIND_IN_SET(r.community_id, ?) > 0) AND r.id > ? ORDER BY r.id LIMIT ?");
static ss_sql q_get = SS_SQL("SELECT " REVIEW_COLS " FROM content_reviews r WHERE r.id = ?");
static ss_sql q_lock = SS_SQL("SELECT status, object_type, object_id FROM content_reviews WHERE id = ? FOR UPDATE");
static ss_sql q_decide = SS_SQL(
    "UPDATE content_reviews SET status = ?, decided_by = ?, decided_at = UTC_TIMESTAMP() WHERE id = ?");
/* another held text of the same object still waiting keeps it hidden */
static ss_sql q_others = SS_SQL(
    "SELECT COUNT(*) FROM content_reviews WHERE object_type = ? AND object_id = ? AND status = 'pending' AND id <> ?");

int ss_store_user_openid(ss_db *db, ss_arena *a, long long user_id, const char **openid)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id)};
    int rc = ss_db_exec(db, &q_openid, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *openid = res.rows[0][0];
    return SS_OK;
}

int ss_store_content_hold(ss_db *db, ss_arena *a, const char *object_type, long long object_id,
                          long long community_id, const char *reason, long long created_by, long long *review_id)
{
    ss_db_result res;
    ss_db_val ph[] = {SS_DB_I(object_id)};
    int rc;
    if (strcmp(object_type, "nickname") == 0) {
        rc = ss_db_exec(db, &q_nickname_supersede, ph, 1, NULL, a);
    } else {
        hold_kind *k = kind_of(object_type);
        if (!k) return SS_EINVALID;
        rc = ss_db_exec(db, &k->hold, ph, 1, NULL, a);
    }
    if (rc) return rc;
    ss_db_val p[] = {SS_DB_S(object_type), SS_DB_I(object_id), SS_DB_I(community_id), SS_DB_S(reason),
                     SS_DB_I(created_by)};
    if ((rc = ss_db_exec(db, &q_insert, p, 5, &res, a))) return rc;
    if (review_id) *review_id = (long long)res.insert_id;
    return SS_OK;
}

int ss_store_content_nickname_settled(ss_db *db, ss_arena *a, long long user_id)
{
    ss_db_val p[] = {SS_DB_I(user_id)};
    return ss_db_exec(db, &q_nickname_supersede, p, 1, NULL, a);
}

static ss_content_review review_from_row(char **r)
{
    return (ss_content_review){.id = ss_db_int(r[0]),
                               .object_type = r[1],
                               .object_id = ss_db_int(r[2]),
                               .community_id = ss_db_int(r[3]),
                               .reason = r[4],
                               .status = r[5],
                               .created_by = ss_db_int(r[6]),
                               .created_at = (time_t)ss_db_int(r[7]),
                               .decided_by = r[8] ? ss_db_int(r[8]) : 0,
                               .decided_at = (time_t)ss_db_int(r[9]),
                               .title = r[10]};
}

int ss_store_content_reviews(ss_db *db, ss_arena *a, const char *status, const long long *community_ids, int ncommunities,
                             long long after_id, int limit, ss_content_review **out, int *n)
{
    ss_db_result res;
    const char *set = ss_db_id_set(a, community_ids, ncommunities);
    if (ncommunities > 0 && !*set) return SS_EINVALID;
    ss_db_val p[] = {SS_DB_S(status), SS_DB_T(set), SS_DB_T(set), SS_DB_I(after_id), SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_list, p, 5, &res, a);
    if (rc) return rc;
    ss_content_review *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = review_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_content_review_get(ss_db *db, ss_arena *a, long long id, ss_content_review *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = review_from_row(res.rows[0]);
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long id, by;
    int pass;
} decide_ctx;

static int decide_tx(ss_db *db, void *arg)
{
    decide_ctx *c = arg;
    ss_db_result res, others;
    ss_db_val p[] = {SS_DB_I(c->id)};
    int rc = ss_db_exec(db, &q_lock, p, 1, &res, c->a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], "pending") != 0) return SS_ECONFLICT;
    const char *type = res.rows[0][1];
    long long object_id = ss_db_int(res.rows[0][2]);
    ss_db_val pd[] = {SS_DB_S(c->pass ? "passed" : "rejected"), SS_DB_I(c->by), SS_DB_I(c->id)};
    if ((rc = ss_db_exec(db, &q_decide, pd, 3, NULL, c->a))) return rc;
    ss_db_val po[] = {SS_DB_S(type), SS_DB_I(object_id), SS_DB_I(c->id)};
    if ((rc = ss_db_exec(db, &q_others, po, 3, &others, c->a))) return rc;
    if (c->pass && ss_db_int(others.rows[0][0]) > 0) return SS_OK;   /* still hidden by another text */
    ss_db_val pu[] = {SS_DB_I(object_id)};
    if (strcmp(type, "nickname") == 0)
        return ss_db_exec(db, c->pass ? &q_nickname_pass : &q_nickname_reject, pu, 1, NULL, c->a);
    hold_kind *k = kind_of(type);
    if (!k) return SS_EINVALID;
    ss_db_val ps[] = {SS_DB_S(c->pass ? "visible" : "rejected"), SS_DB_I(object_id)};
    return ss_db_exec(db, &k->show, ps, 2, NULL, c->a);
}

int ss_store_content_decide(ss_db *db, ss_arena *a, long long id, int pass, long long decided_by)
{
    decide_ctx c = {a, id, decided_by, pass};
    return ss_db_tx(db, decide_tx, &c);
}
