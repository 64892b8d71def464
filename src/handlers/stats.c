/* The dashboards (三社联动 numbers) for a year: per community and summed, every figure with its
 * target from the policy documents and whether it is met (src/domain/stats.c), as JSON or CSV.
 * Admins see every community; a community admin sees the communities they administer. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "domain/stats.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "store/stats.h"

#define MAX_COMMUNITIES 5000

static json_t *figure(long long value, long long target, int met)
{
    return json_pack("{s:I, s:I, s:b}", "value", (json_int_t)value, "target", (json_int_t)target, "met", met);
}

static json_t *by_state(const long long n[SS_PSTATES])
{
    return json_pack("{s:I, s:I, s:I, s:I, s:I}", "proposed", (json_int_t)n[0], "approved", (json_int_t)n[1],
                     "in_progress", (json_int_t)n[2], "completed", (json_int_t)n[3], "evaluated", (json_int_t)n[4]);
}

/* Sets the figures of c into v (an object); returns v. */
static json_t *view_figures(const ss_stats_counts *c, json_t *v)
{
    ss_stats_figures f;
    ss_stats_compute(c, &f);
    json_t *orgs = figure(f.orgs_filed, f.orgs_target, f.orgs_met);
    json_object_set_new(orgs, "by_stage", json_pack("{s:I, s:I, s:I}", "startup", (json_int_t)c->orgs_by_stage[0],
                                                    "growing", (json_int_t)c->orgs_by_stage[1], "mature",
                                                    (json_int_t)c->orgs_by_stage[2]));
    json_object_set_new(v, "orgs_filed", orgs);
    json_object_set_new(v, "orgs_target", json_integer(f.orgs_target));
    json_object_set_new(v, "social_workers", figure(c->social_workers, f.social_workers_target, f.social_workers_met));
    json_object_set_new(v, "activity_rate",
                        json_pack("{s:f, s:I, s:I, s:f, s:b}", "value", f.activity_rate, "active_orgs",
                                  (json_int_t)c->orgs_active, "filed_orgs", (json_int_t)f.orgs_filed, "target",
                                  SS_ACTIVITY_RATE_TARGET, "met", f.activity_rate_met));
    json_object_set_new(v, "activities_held", json_pack("{s:I}", "value", (json_int_t)c->activities_held));
    json_object_set_new(v, "volunteers_active", json_pack("{s:I}", "value", (json_int_t)c->volunteers_active));
    json_object_set_new(v, "service_hours",
                        json_pack("{s:f, s:I}", "value", f.service_hours, "minutes", (json_int_t)c->service_minutes));
    json_object_set_new(v, "projects",
                        json_pack("{s:{s:o, s:o, s:o}, s:o, s:o}", "by_kind", "purchase", by_state(c->projects[0]),
                                  "micro_venture", by_state(c->projects[1]), "self_funded", by_state(c->projects[2]),
                                  "professional", figure(f.professional_projects, f.professional_target,
                                                         f.professional_met),
                                  "micro_venture", figure(f.micro_projects, f.micro_target, f.micro_met)));
    json_object_set_new(v, "needs",
                        json_pack("{s:I, s:I, s:I, s:I, s:I}", "raised",
                                  (json_int_t)(c->needs[0] + c->needs[1] + c->needs[2] + c->needs[3]), "open",
                                  (json_int_t)(c->needs[0] + c->needs[1]), "accepted", (json_int_t)c->needs[1],
                                  "declined", (json_int_t)c->needs[2], "resolved", (json_int_t)c->needs[3]));
    json_object_set_new(v, "satisfaction",
                        json_pack("{s:o, s:I, s:n, s:n}", "value",
                                  f.has_satisfaction ? json_real(f.satisfaction) : json_null(), "ratings",
                                  (json_int_t)c->rating_count, "target", "met"));
    return v;
}

static json_t *view_row(const ss_stats_row *r)
{
    json_t *v = json_pack("{s:I, s:s, s:s, s:s, s:s}", "community_id", (json_int_t)r->community_id, "name", r->name,
                          "street", r->street, "district", r->district, "kind", r->kind);
    return view_figures(&r->counts, v);
}

/* One CSV field: quoted when needed; a leading = + - @ is defused (spreadsheet formulas). */
static void csv_field(ss_arena *a, char **buf, size_t *len, size_t *cap, const char *s, int last)
{
    size_t need = 2 * strlen(s) + 8;
    if (*len + need >= *cap) {
        size_t ncap = (*cap + need) * 2;
        char *nb = ss_arena_alloc(a, ncap);
        memcpy(nb, *buf, *len);
        *buf = nb;
        *cap = ncap;
    }
    char *o = *buf + *len;
    int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@';
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (formula && (s[1] >= '0' && s[1] <= '9')) formula = 0, quote = strpbrk(s, ",\"\r\n") != NULL;   /* -1 */
    if (quote) *o++ = '"';
    if (formula) *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '"') *o++ = '"';
        *o++ = *p;
    }
    if (quote) *o++ = '"';
    *o++ = last ? '\n' : ',';
    *len = (size_t)(o - *buf);
}

static const char *const csv_header[] = {
    "community_id", "name", "street", "district", "kind", "year", "orgs_filed", "orgs_startup", "orgs_growing",
    "orgs_mature", "orgs_target", "orgs_met", "social_workers", "social_workers_target", "social_workers_met",
    "activity_rate", "active_orgs", "activity_rate_target", "activity_rate_met", "activities_held",
    "volunteers_active", "service_hours", "professional_projects", "professional_target", "professional_met",
    "micro_venture_projects", "micro_venture_target", "micro_venture_met", "needs_raised", "needs_open",
    "needs_resolved", "satisfaction", "ratings", NULL};

static void csv_row(ss_arena *a, char **buf, size_t *len, size_t *cap, const char *id, const char *name,
                    const char *street, const char *district, const char *kind, int year, const ss_stats_counts *c)
{
    ss_stats_figures f;
    ss_stats_compute(c, &f);
    char v[32][40];
    int k = 0;
#define I(x) snprintf(v[k++], sizeof v[0], "%lld", (long long)(x))
#define B(x) snprintf(v[k++], sizeof v[0], "%s", (x) ? "true" : "false")
    I(year);
    I(f.orgs_filed); I(c->orgs_by_stage[0]); I(c->orgs_by_stage[1]); I(c->orgs_by_stage[2]); I(f.orgs_target);
    B(f.orgs_met);
    I(c->social_workers); I(f.social_workers_target); B(f.social_workers_met);
    snprintf(v[k++], sizeof v[0], "%.4f", f.activity_rate); I(c->orgs_active);
    snprintf(v[k++], sizeof v[0], "%.1f", SS_ACTIVITY_RATE_TARGET); B(f.activity_rate_met);
    I(c->activities_held); I(c->volunteers_active); snprintf(v[k++], sizeof v[0], "%.1f", f.service_hours);
    I(f.professional_projects); I(f.professional_target); B(f.professional_met);
    I(f.micro_projects); I(f.micro_target); B(f.micro_met);
    I(c->needs[0] + c->needs[1] + c->needs[2] + c->needs[3]); I(c->needs[0] + c->needs[1]); I(c->needs[3]);
    if (f.has_satisfaction) snprintf(v[k++], sizeof v[0], "%.2f", f.satisfaction);
    else v[k++][0] = '\0';
    I(c->rating_count);
#undef I
#undef B
    const char *lead[] = {id, name, street, district, kind};
    for (int i = 0; i < 5; i++) csv_field(a, buf, len, cap, lead[i], 0);
    for (int i = 0; i < k; i++) csv_field(a, buf, len, cap, v[i], i == k - 1);
}

static int current_year(time_t now)
{
    time_t t = now + 8 * 3600;   /* Asia/Shanghai, no DST */
    struct tm tm;
    gmtime_r(&t, &tm);
    return tm.tm_year + 1900;
}

/* Reads ?year= and ?format=json|csv. */
static int read_query(ss_req *req, int *year, int *csv)
{
    long long y;
    const char *format;
    int rc;
    if ((rc = ss_req_query_int(req, "year", 2000, 2037, current_year(req->now), &y)) ||
        (rc = ss_req_query_str(req, "format", &format)))
        return rc;
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0)
        return ss_reply_invalid(req, json_pack("{s:s}", "format", "must be json or csv"));
    *year = (int)y;
    *csv = format && strcmp(format, "csv") == 0;
    return SS_OK;
}

static int reply(ss_req *req, ss_stats_row *rows, int n, int year, int csv, const ss_stats_filter *f, int single)
{
    ss_stats_counts total = {0};
    for (int i = 0; i < n; i++) ss_stats_add(&total, &rows[i].counts);
    if (csv) {
        size_t cap = 4096, len = 0;
        char *buf = ss_arena_alloc(req->arena, cap);
        for (int i = 0; csv_header[i]; i++) csv_field(req->arena, &buf, &len, &cap, csv_header[i], !csv_header[i + 1]);
        for (int i = 0; i < n; i++) {
            char id[24];
            snprintf(id, sizeof id, "%lld", rows[i].community_id);
            csv_row(req->arena, &buf, &len, &cap, id, rows[i].name, rows[i].street, rows[i].district, rows[i].kind,
                    year, &rows[i].counts);
        }
        if (!single)
            csv_row(req->arena, &buf, &len, &cap, "total", "", f->street ? f->street : "",
                    f->district ? f->district : "", "", year, &total);
        ss_reply_header(req, "Content-Disposition", "attachment; filename=\"sanshe-stats.csv\"");
        return ss_reply_raw(req, 200, "text/csv; charset=utf-8", buf, len);
    }
    if (single) {
        json_t *v = view_row(&rows[0]);
        json_object_set_new(v, "year", json_integer(year));
        return ss_reply_json(req, 200, v);
    }
    json_t *arr = json_array(), *sum = view_figures(&total, json_object());
    int met_orgs = 0, met_sw = 0, met_rate = 0;
    for (int i = 0; i < n; i++) {
        ss_stats_figures fi;
        ss_stats_compute(&rows[i].counts, &fi);
        met_orgs += fi.orgs_met, met_sw += fi.social_workers_met, met_rate += fi.activity_rate_met;
        json_array_append_new(arr, view_row(&rows[i]));
    }
    json_object_set_new(sum, "communities", json_integer(n));
    json_object_set_new(sum, "communities_meeting",
                        json_pack("{s:i, s:i, s:i}", "orgs_filed", met_orgs, "social_workers", met_sw,
                                  "activity_rate", met_rate));
    return ss_reply_json(req, 200,
                         json_pack("{s:i, s:o, s:o, s:o, s:o}", "year", year, "district",
                                   f->district ? json_string(f->district) : json_null(), "street",
                                   f->street ? json_string(f->street) : json_null(), "communities", arr, "total", sum));
}

/* ?year&format -> one community's figures (admin, or that community's admin) */
static int stats_community(ss_req *req)
{
    int year, csv, n, rc;
    long long id = ss_req_param(req, 0);
    ss_stats_row *rows;
    if ((rc = read_query(req, &year, &csv))) return rc;
    ss_stats_filter f = {.community_id = id, .year = year};
    if ((rc = ss_store_stats(req->db, req->arena, &f, 1, &rows, &n))) return rc;
    if (n == 0) return SS_ENOTFOUND;
    if (!ss_policy_is_community_admin(&req->caller, id)) return SS_EFORBIDDEN;
    return reply(req, rows, n, year, csv, &f, 1);
}

/* ?district&street&year&format -> every matching community the caller may see, and the sum */
static int stats_area(ss_req *req)
{
    int year, csv, n, rc;
    ss_stats_row *rows;
    ss_stats_filter f = {0};
    if ((rc = read_query(req, &year, &csv)) || (rc = ss_req_query_str(req, "district", &f.district)) ||
        (rc = ss_req_query_str(req, "street", &f.street)))
        return rc;
    if (f.district && !*f.district) f.district = NULL;
    if (f.street && !*f.street) f.street = NULL;
    f.year = year;
    if ((rc = ss_store_stats(req->db, req->arena, &f, MAX_COMMUNITIES, &rows, &n))) return rc;
    if (!req->caller.user.is_admin) {   /* a community admin: their own communities only */
        int k = 0;
        for (int i = 0; i < n; i++)
            if (ss_policy_is_community_admin(&req->caller, rows[i].community_id)) rows[k++] = rows[i];
        n = k;
    }
    return reply(req, rows, n, year, csv, &f, 0);
}

static const ss_route routes[] = {
    {"GET", "/api/v1/stats/communities/{id}", stats_community, SS_ACCESS_APPROVER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/stats", stats_area, SS_ACCESS_APPROVER, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
};
const ss_route_table ss_stats_routes = {routes, sizeof routes / sizeof routes[0]};
