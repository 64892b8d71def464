/* Dashboard counts (see stats.h). Every query is grouped by community and joined to the matching
 * communities, so the work grows with the district's organizations, not with its check-ins. */
#include "store/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/status.h"

#define MATCH "(? IS NULL OR c.district = ?) AND (? IS NULL OR c.street = ?) AND (? = 0 OR c.id = ?)"
static ss_sql q_communities = SS_SQL(
    "SELECT c.id, c.name, c.street, c.district, c.kind FROM communities c WHERE " MATCH " ORDER BY c.id LIMIT ?");
static ss_sql q_orgs = SS_SQL(
    "SELECT o.community_id, o.stage, COUNT(*) FROM communities c JOIN organizations o ON o.community_id = c.id "
    "AND o.status = 'filed' WHERE " MATCH " GROUP BY o.community_id, o.stage");
static ss_sql q_social_workers = SS_SQL(
    "SELECT o.community_id, COUNT(DISTINCT m.user_id) FROM communities c "
    "JOIN organizations o ON o.community_id = c.id AND o.status = 'filed' "
    "JOIN org_members m ON m.org_id = o.id AND m.role = 'social_worker' WHERE " MATCH " GROUP BY o.community_id");
/* one summary row per community and year (sql/033_stats.sql) */
static ss_sql q_year = SS_SQL(
    "SELECT s.community_id, s.orgs_active, s.activities_held, s.minutes, s.rating_sum, s.rating_count, "
    "s.volunteers_active FROM communities c JOIN stats_community_year s ON s.community_id = c.id AND s.year = ? "
    "WHERE " MATCH);
static ss_sql q_projects = SS_SQL(
    "SELECT p.community_id, p.kind, p.status, COUNT(*) FROM communities c "
    "JOIN service_projects p ON p.community_id = c.id AND p.starts_on >= ? AND p.starts_on < ? "
    "WHERE " MATCH " GROUP BY p.community_id, p.kind, p.status");
static ss_sql q_needs = SS_SQL(
    "SELECT n.community_id, n.status, COUNT(*) FROM communities c "
    "JOIN needs n ON n.community_id = c.id AND n.created_at >= ? AND n.created_at < ? "
    "WHERE " MATCH " GROUP BY n.community_id, n.status");

static int index_of(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

static ss_stats_row *find(ss_stats_row *rows, int n, long long id)
{
    int lo = 0, hi = n - 1;   /* rows are by id */
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (rows[mid].community_id == id) return &rows[mid];
        if (rows[mid].community_id < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return NULL;
}

/* Runs q with the match parameters after `lead` leading ones. */
static int run(ss_db *db, ss_arena *a, ss_sql *q, const ss_stats_filter *f, const ss_db_val *lead, int nlead,
               ss_db_result *res)
{
    ss_db_val p[10];
    int k = 0;
    for (int i = 0; i < nlead; i++) p[k++] = lead[i];
    p[k++] = SS_DB_S(f->district);
    p[k++] = SS_DB_S(f->district);
    p[k++] = SS_DB_S(f->street);
    p[k++] = SS_DB_S(f->street);
    p[k++] = SS_DB_I(f->community_id);
    p[k++] = SS_DB_I(f->community_id);
    return ss_db_exec(db, q, p, k, res, a);
}

int ss_store_stats(ss_db *db, ss_arena *a, const ss_stats_filter *f, int max, ss_stats_row **out, int *n)
{
    static const char *const stages[] = {"startup", "growing", "mature", NULL};
    static const char *const kinds[] = {"purchase", "micro_venture", "self_funded", NULL};
    static const char *const pstates[] = {"proposed", "approved", "in_progress", "completed", "evaluated", NULL};
    static const char *const nstates[] = {"open", "accepted", "declined", "resolved", NULL};
    ss_db_result res;
    ss_db_val lim[] = {SS_DB_I(max)};
    ss_db_val p[10];
    int k = 0, rc;
    p[k++] = SS_DB_S(f->district);
    p[k++] = SS_DB_S(f->district);
    p[k++] = SS_DB_S(f->street);
    p[k++] = SS_DB_S(f->street);
    p[k++] = SS_DB_I(f->community_id);
    p[k++] = SS_DB_I(f->community_id);
    p[k++] = lim[0];
    if ((rc = ss_db_exec(db, &q_communities, p, k, &res, a))) return rc;
    int nrows = res.nrows;
    ss_stats_row *rows = ss_arena_calloc(a, (size_t)(nrows + 1) * sizeof *rows);
    for (int i = 0; i < nrows; i++) {
        char **r = res.rows[i];
        rows[i].community_id = ss_db_int(r[0]);
        rows[i].name = r[1];
        rows[i].street = r[2];
        rows[i].district = r[3];
        rows[i].kind = r[4];
        if (strcmp(r[4], "rural") == 0) rows[i].counts.rural = 1;
        else rows[i].counts.urban = 1;
    }
    ss_stats_row *row;
    if ((rc = run(db, a, &q_orgs, f, NULL, 0, &res))) return rc;
    for (int i = 0; i < res.nrows; i++) {
        int s = index_of(stages, res.rows[i][1]);
        if ((row = find(rows, nrows, ss_db_int(res.rows[i][0]))) && s >= 0)
            row->counts.orgs_by_stage[s] = ss_db_int(res.rows[i][2]);
    }
    if ((rc = run(db, a, &q_social_workers, f, NULL, 0, &res))) return rc;
    for (int i = 0; i < res.nrows; i++)
        if ((row = find(rows, nrows, ss_db_int(res.rows[i][0])))) row->counts.social_workers = ss_db_int(res.rows[i][1]);
    ss_db_val year[] = {SS_DB_I(f->year)};
    if ((rc = run(db, a, &q_year, f, year, 1, &res))) return rc;
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        if (!(row = find(rows, nrows, ss_db_int(r[0])))) continue;
        row->counts.orgs_active = ss_db_int(r[1]);
        row->counts.activities_held = ss_db_int(r[2]);
        row->counts.service_minutes = ss_db_int(r[3]);
        row->counts.rating_sum = ss_db_int(r[4]);
        row->counts.rating_count = ss_db_int(r[5]);
        row->counts.volunteers_active = ss_db_int(r[6]);
    }
    /* the Shanghai calendar year: needs' created_at is UTC, projects' dates are local */
    char d0[32], d1[32], t0[48], t1[48];
    snprintf(d0, sizeof d0, "%04d-01-01", f->year);
    snprintf(d1, sizeof d1, "%04d-01-01", f->year + 1);
    snprintf(t0, sizeof t0, "%04d-12-31 16:00:00", f->year - 1);
    snprintf(t1, sizeof t1, "%04d-12-31 16:00:00", f->year);
    ss_db_val dates[] = {SS_DB_T(d0), SS_DB_T(d1)};
    if ((rc = run(db, a, &q_projects, f, dates, 2, &res))) return rc;
    for (int i = 0; i < res.nrows; i++) {
        int kk = index_of(kinds, res.rows[i][1]), s = index_of(pstates, res.rows[i][2]);
        if ((row = find(rows, nrows, ss_db_int(res.rows[i][0]))) && kk >= 0 && s >= 0)
            row->counts.projects[kk][s] = ss_db_int(res.rows[i][3]);
    }
    ss_db_val times[] = {SS_DB_T(t0), SS_DB_T(t1)};
    if ((rc = run(db, a, &q_needs, f, times, 2, &res))) return rc;
    for (int i = 0; i < res.nrows; i++) {
        int s = index_of(nstates, res.rows[i][1]);
        if ((row = find(rows, nrows, ss_db_int(res.rows[i][0]))) && s >= 0)
            row->counts.needs[s] = ss_db_int(res.rows[i][2]);
    }
    *out = rows;
    *n = nrows;
    return SS_OK;
}
