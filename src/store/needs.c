/* Needs, service projects and resources (see needs.h). */
#include "store/needs.h"

#include <string.h>

#include "util/status.h"

#define NEED_COLS "n.id, n.community_id, n.raised_by, n.support_count, n.category, n.title, n.description, " \
                  "n.status, n.triage_note, UNIX_TIMESTAMP(n.created_at), n.content_status"
static ss_sql q_need_insert = SS_SQL(
    "INSERT INTO needs (community_id, category, title, description, raised_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_need_get = SS_SQL("SELECT " NEED_COLS " FROM needs n WHERE n.id = ?");
static ss_sql q_need_list_support = SS_SQL(
    "SELECT " NEED_COLS " FROM needs n WHERE (? = 0 OR n.community_id = ?) AND (? IS NULL OR n.status = ?) "
    "AND n.content_status = 'visible' AND (? = 0 OR n.support_count < ? OR (n.support_count = ? AND n.id < ?)) "
    "ORDER BY n.support_count DESC, n.id DESC LIMIT ?");
static ss_sql q_need_list_new = SS_SQL(
    "SELECT " NEED_COLS " FROM needs n WHERE (? = 0 OR n.community_id = ?) AND (? IS NULL OR n.status = ?) "
    "AND n.content_status = 'visible' AND (? = 0 OR n.id < ?) ORDER BY n.id DESC LIMIT ?");
static ss_sql q_need_support = SS_SQL(
    "INSERT IGNORE INTO need_supports (need_id, user_id, created_at) VALUES (?, ?, UTC_TIMESTAMP())");
static ss_sql q_need_bump = SS_SQL("UPDATE needs SET support_count = support_count + 1 WHERE id = ?");
static ss_sql q_need_count = SS_SQL("SELECT support_count FROM needs WHERE id = ?");
static ss_sql q_need_lock = SS_SQL("SELECT status FROM needs WHERE id = ? FOR UPDATE");
static ss_sql q_need_triage = SS_SQL(
    "UPDATE needs SET status = ?, triage_note = ?, triaged_by = ?, triaged_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_need_projects = SS_SQL("SELECT project_id FROM project_needs WHERE need_id = ? ORDER BY project_id LIMIT 100");
static ss_sql q_staff = SS_SQL(
    "SELECT 1 FROM org_members m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = ? AND o.community_id = ? "
    "AND o.status = 'filed' AND m.role IN ('leader', 'social_worker') LIMIT 1");

#define SP_COLS "p.id, p.org_id, p.community_id, p.budget_cents, p.proposed_by, o.name, p.title, p.summary, p.kind, " \
                "p.status, DATE_FORMAT(p.starts_on, '%Y-%m-%d'), DATE_FORMAT(p.ends_on, '%Y-%m-%d'), p.report, "   \
                "p.score, UNIX_TIMESTAMP(p.created_at), p.content_status"
static ss_sql q_sp_insert = SS_SQL(
    "INSERT INTO service_projects (org_id, community_id, title, summary, kind, budget_cents, starts_on, ends_on, "
    "proposed_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP(), UTC_TIMESTAMP())");
static ss_sql q_sp_need_check = SS_SQL("SELECT community_id FROM needs WHERE id = ? LOCK IN SHARE MODE");
static ss_sql q_sp_need_link = SS_SQL("INSERT IGNORE INTO project_needs (project_id, need_id) VALUES (?, ?)");
static ss_sql q_sp_get = SS_SQL(
    "SELECT " SP_COLS " FROM service_projects p JOIN organizations o ON o.id = p.org_id WHERE p.id = ?");
static ss_sql q_sp_list = SS_SQL(
    "SELECT " SP_COLS " FROM service_projects p JOIN organizations o ON o.id = p.org_id "
    "WHERE (? = 0 OR p.community_id = ?) AND (? IS NULL OR p.status = ?) AND p.id < ? "
    "AND p.content_status = 'visible' ORDER BY p.id DESC LIMIT ?");
static ss_sql q_sp_lock = SS_SQL("SELECT status FROM service_projects WHERE id = ? FOR UPDATE");
static ss_sql q_sp_move = SS_SQL(
    "UPDATE service_projects SET status = ?, score = COALESCE(?, score), report = COALESCE(?, report), "
    "updated_at = UTC_TIMESTAMP() WHERE id = ?");
static ss_sql q_sp_needs = SS_SQL("SELECT need_id FROM project_needs WHERE project_id = ? ORDER BY need_id");
static ss_sql q_sp_acts = SS_SQL(
    "SELECT activity_id FROM activity_projects WHERE project_id = ? ORDER BY activity_id LIMIT 500");
static ss_sql q_act_link = SS_SQL(
    "INSERT INTO activity_projects (activity_id, project_id, linked_by, linked_at) VALUES (?, ?, ?, UTC_TIMESTAMP()) "
    "ON DUPLICATE KEY UPDATE project_id = VALUES(project_id), linked_by = VALUES(linked_by), "
    "linked_at = VALUES(linked_at)");

#define RES_COLS "r.id, r.community_id, r.quantity, r.created_by, r.kind, r.provider, r.description, " \
                 "UNIX_TIMESTAMP(r.created_at), r.content_status"
static ss_sql q_res_insert = SS_SQL(
    "INSERT INTO resources (community_id, kind, provider, description, quantity, created_by, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())");
static ss_sql q_res_get = SS_SQL("SELECT " RES_COLS ", NULL FROM resources r WHERE r.id = ?");
static ss_sql q_res_list = SS_SQL(
    "SELECT " RES_COLS ", NULL FROM resources r WHERE (? = 0 OR r.community_id = ?) AND (? IS NULL OR r.kind = ?) "
    "AND r.id < ? AND r.content_status = 'visible' ORDER BY r.id DESC LIMIT ?");
static ss_sql q_res_match = SS_SQL(
    "INSERT INTO project_resources (project_id, resource_id, note, matched_by, matched_at) "
    "VALUES (?, ?, ?, ?, UTC_TIMESTAMP()) ON DUPLICATE KEY UPDATE note = VALUES(note)");
static ss_sql q_sp_res = SS_SQL(
    "SELECT " RES_COLS ", pr.note FROM project_resources pr JOIN resources r ON r.id = pr.resource_id "
    "WHERE pr.project_id = ? AND r.content_status = 'visible' ORDER BY r.id");

static ss_need need_from_row(char **r)
{
    return (ss_need){.id = ss_db_int(r[0]), .community_id = ss_db_int(r[1]), .raised_by = ss_db_int(r[2]),
                     .support_count = ss_db_int(r[3]), .category = r[4], .title = r[5], .description = r[6],
                     .status = r[7], .triage_note = r[8], .created_at = (time_t)ss_db_int(r[9]),
                     .content_status = r[10]};
}

int ss_store_need_create(ss_db *db, ss_arena *a, const ss_need *n, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(n->community_id), SS_DB_S(n->category), SS_DB_S(n->title), SS_DB_S(n->description),
                     SS_DB_I(n->raised_by)};
    int rc = ss_db_exec(db, &q_need_insert, p, 5, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

int ss_store_need_get(ss_db *db, ss_arena *a, long long id, ss_need *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_need_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = need_from_row(res.rows[0]);
    return SS_OK;
}

int ss_store_need_list(ss_db *db, ss_arena *a, const ss_need_filter *f, ss_need **out, int *n)
{
    ss_db_result res;
    int rc;
    if (f->by_support) {
        ss_db_val p[] = {SS_DB_I(f->community_id), SS_DB_I(f->community_id), SS_DB_S(f->status), SS_DB_S(f->status),
                         SS_DB_I(f->after_id),     SS_DB_I(f->after_support), SS_DB_I(f->after_support),
                         SS_DB_I(f->after_id),     SS_DB_I(f->limit)};
        rc = ss_db_exec(db, &q_need_list_support, p, 9, &res, a);
    } else {
        ss_db_val p[] = {SS_DB_I(f->community_id), SS_DB_I(f->community_id), SS_DB_S(f->status), SS_DB_S(f->status),
                         SS_DB_I(f->after_id),     SS_DB_I(f->after_id),     SS_DB_I(f->limit)};
        rc = ss_db_exec(db, &q_need_list_new, p, 7, &res, a);
    }
    if (rc) return rc;
    ss_need *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = need_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

typedef struct {
    ss_arena *a;
    long long need_id, user_id, count;
} support_ctx;

/* The supporter row is the truth: only the transaction that inserted it moves the count. */
static int support_tx(ss_db *db, void *arg)
{
    support_ctx *c = arg;
    ss_db_result res;
    ss_db_val id[] = {SS_DB_I(c->need_id)};
    ss_db_val p[] = {SS_DB_I(c->need_id), SS_DB_I(c->user_id)};
    int rc = ss_db_exec(db, &q_need_support, p, 2, &res, c->a);
    if (rc) return rc;
    if (res.affected == 1 && (rc = ss_db_exec(db, &q_need_bump, id, 1, NULL, c->a))) return rc;
    if ((rc = ss_db_exec(db, &q_need_count, id, 1, &res, c->a))) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    c->count = ss_db_int(res.rows[0][0]);
    return SS_OK;
}

int ss_store_need_support(ss_db *db, ss_arena *a, long long need_id, long long user_id, long long *count)
{
    ss_need n;
    int rc = ss_store_need_get(db, a, need_id, &n);
    if (rc) return rc;
    support_ctx c = {a, need_id, user_id, 0};
    if ((rc = ss_db_tx(db, support_tx, &c))) return rc;
    *count = c.count;
    return SS_OK;
}

int ss_store_need_triage(ss_db *db, ss_arena *a, long long id, const char *status, const char *note,
                         long long by_user, int (*ok)(const char *from, const char *to), const char **from)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_need_lock, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *from = res.rows[0][0];
    if (!ok(*from, status)) return SS_ECONFLICT;
    ss_db_val u[] = {SS_DB_S(status), SS_DB_S(note), SS_DB_I(by_user), SS_DB_I(id)};
    return ss_db_exec(db, &q_need_triage, u, 4, NULL, a);
}

static int id_column(ss_db *db, ss_arena *a, ss_sql *q, long long id, long long **ids, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, q, p, 1, &res, a);
    if (rc) return rc;
    long long *out = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *out);
    for (int i = 0; i < res.nrows; i++) out[i] = ss_db_int(res.rows[i][0]);
    *ids = out;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_need_projects(ss_db *db, ss_arena *a, long long need_id, long long **ids, int *n)
{
    return id_column(db, a, &q_need_projects, need_id, ids, n);
}

int ss_store_is_community_staff(ss_db *db, ss_arena *a, long long user_id, long long community_id, int *yes)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(user_id), SS_DB_I(community_id)};
    int rc = ss_db_exec(db, &q_staff, p, 2, &res, a);
    if (rc == SS_OK) *yes = res.nrows > 0;
    return rc;
}

static ss_service_project sp_from_row(char **r)
{
    return (ss_service_project){.id = ss_db_int(r[0]), .org_id = ss_db_int(r[1]), .community_id = ss_db_int(r[2]),
                                .budget_cents = ss_db_int(r[3]), .proposed_by = ss_db_int(r[4]), .org_name = r[5],
                                .title = r[6], .summary = r[7], .kind = r[8], .status = r[9], .starts_on = r[10],
                                .ends_on = r[11], .report = r[12], .score = r[13] ? (int)ss_db_int(r[13]) : -1,
                                .created_at = (time_t)ss_db_int(r[14]), .content_status = r[15]};
}

int ss_store_sproject_create(ss_db *db, ss_arena *a, const ss_service_project *sp, const long long *need_ids,
                             int nneeds, long long *id, long long *bad_need)
{
    ss_db_result res;
    for (int i = 0; i < nneeds; i++) {
        ss_db_val q[] = {SS_DB_I(need_ids[i])};
        int rc = ss_db_exec(db, &q_sp_need_check, q, 1, &res, a);
        if (rc) return rc;
        if (res.nrows == 0 || ss_db_int(res.rows[0][0]) != sp->community_id) {
            *bad_need = need_ids[i];
            return SS_EINVALID;
        }
    }
    ss_db_val p[] = {SS_DB_I(sp->org_id),       SS_DB_I(sp->community_id), SS_DB_S(sp->title),
                     SS_DB_S(sp->summary),      SS_DB_S(sp->kind),         SS_DB_I(sp->budget_cents),
                     SS_DB_S(sp->starts_on),    SS_DB_S(sp->ends_on),      SS_DB_I(sp->proposed_by)};
    int rc = ss_db_exec(db, &q_sp_insert, p, 9, &res, a);
    if (rc) return rc;
    long long pid = (long long)res.insert_id;
    for (int i = 0; i < nneeds; i++) {
        ss_db_val l[] = {SS_DB_I(pid), SS_DB_I(need_ids[i])};
        if ((rc = ss_db_exec(db, &q_sp_need_link, l, 2, NULL, a))) return rc;
    }
    *id = pid;
    return SS_OK;
}

int ss_store_sproject_get(ss_db *db, ss_arena *a, long long id, ss_service_project *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_sp_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = sp_from_row(res.rows[0]);
    return SS_OK;
}

int ss_store_sproject_list(ss_db *db, ss_arena *a, long long community_id, const char *status, long long before,
                           int limit, ss_service_project **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(community_id), SS_DB_I(community_id), SS_DB_S(status), SS_DB_S(status),
                     SS_DB_I(before),       SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_sp_list, p, 6, &res, a);
    if (rc) return rc;
    ss_service_project *items = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *items);
    for (int i = 0; i < res.nrows; i++) items[i] = sp_from_row(res.rows[i]);
    *out = items;
    *n = res.nrows;
    return SS_OK;
}

int ss_store_sproject_transition(ss_db *db, ss_arena *a, long long id, const char *from, const char *to, int score,
                                 const char *report)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_sp_lock, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    if (strcmp(res.rows[0][0], from) != 0) return SS_ECONFLICT;
    ss_db_val u[] = {SS_DB_S(to), score >= 0 ? SS_DB_I(score) : SS_DB_NUL, SS_DB_S(report), SS_DB_I(id)};
    return ss_db_exec(db, &q_sp_move, u, 4, NULL, a);
}

int ss_store_sproject_links(ss_db *db, ss_arena *a, long long id, long long **needs, int *nneeds,
                            long long **activities, int *nactivities)
{
    int rc = id_column(db, a, &q_sp_needs, id, needs, nneeds);
    return rc ? rc : id_column(db, a, &q_sp_acts, id, activities, nactivities);
}

int ss_store_activity_link_project(ss_db *db, ss_arena *a, long long activity_id, long long project_id,
                                   long long by_user)
{
    ss_db_val p[] = {SS_DB_I(activity_id), SS_DB_I(project_id), SS_DB_I(by_user)};
    return ss_db_exec(db, &q_act_link, p, 3, NULL, a);
}

static ss_resource res_from_row(char **r)
{
    return (ss_resource){.id = ss_db_int(r[0]), .community_id = ss_db_int(r[1]), .quantity = ss_db_int(r[2]),
                         .created_by = ss_db_int(r[3]), .kind = r[4], .provider = r[5], .description = r[6],
                         .created_at = (time_t)ss_db_int(r[7]), .content_status = r[8], .note = r[9]};
}

int ss_store_resource_create(ss_db *db, ss_arena *a, const ss_resource *r, long long *id)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(r->community_id), SS_DB_S(r->kind),     SS_DB_S(r->provider),
                     SS_DB_S(r->description),  SS_DB_I(r->quantity), SS_DB_I(r->created_by)};
    int rc = ss_db_exec(db, &q_res_insert, p, 6, &res, a);
    if (rc == SS_OK) *id = (long long)res.insert_id;
    return rc;
}

int ss_store_resource_get(ss_db *db, ss_arena *a, long long id, ss_resource *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(id)};
    int rc = ss_db_exec(db, &q_res_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *out = res_from_row(res.rows[0]);
    return SS_OK;
}

static int res_rows(ss_db_result *res, ss_arena *a, ss_resource **out, int *n)
{
    ss_resource *items = ss_arena_calloc(a, (size_t)(res->nrows + 1) * sizeof *items);
    for (int i = 0; i < res->nrows; i++) items[i] = res_from_row(res->rows[i]);
    *out = items;
    *n = res->nrows;
    return SS_OK;
}

int ss_store_resource_list(ss_db *db, ss_arena *a, long long community_id, const char *kind, long long before,
                           int limit, ss_resource **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(community_id), SS_DB_I(community_id), SS_DB_S(kind), SS_DB_S(kind),
                     SS_DB_I(before),       SS_DB_I(limit)};
    int rc = ss_db_exec(db, &q_res_list, p, 6, &res, a);
    return rc ? rc : res_rows(&res, a, out, n);
}

int ss_store_resource_match(ss_db *db, ss_arena *a, long long project_id, long long resource_id, const char *note,
                            long long by_user, int *created)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(project_id), SS_DB_I(resource_id), SS_DB_S(note), SS_DB_I(by_user)};
    int rc = ss_db_exec(db, &q_res_match, p, 4, &res, a);
    if (rc == SS_OK) *created = res.affected == 1;
    return rc;
}

int ss_store_sproject_resources(ss_db *db, ss_arena *a, long long project_id, ss_resource **out, int *n)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(project_id)};
    int rc = ss_db_exec(db, &q_sp_res, p, 1, &res, a);
    return rc ? rc : res_rows(&res, a, out, n);
}
