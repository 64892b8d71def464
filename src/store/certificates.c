/* Certificates (see certificates.h). */
#include "store/certificates.h"

#include "domain/person.h"
#include "util/crypto.h"
#include "util/status.h"

static ss_sql q_lines = SS_SQL(
    "SELECT a.id, UNIX_TIMESTAMP(a.starts_at), a.title, o.name, SUM(r.minutes), MAX(r.id) "
    "FROM service_records r JOIN activities a ON a.id = r.activity_id JOIN organizations o ON o.id = a.org_id "
    "WHERE r.user_id = ? AND (? = 0 OR a.org_id = ?) AND (? = 0 OR a.starts_at >= FROM_UNIXTIME(?)) "
    "AND (? = 0 OR a.starts_at < FROM_UNIXTIME(?)) AND r.id <= ? "
    "GROUP BY a.id, a.starts_at, a.title, o.name ORDER BY a.starts_at, a.id");
static ss_sql q_issuer = SS_SQL(
    "SELECT o.name, (SELECT u.nickname FROM org_members m JOIN users u ON u.id = m.user_id "
    "WHERE m.org_id = o.id AND m.role = 'leader' LIMIT 1) FROM organizations o WHERE o.id = ? AND o.status = 'filed'");
static ss_sql q_insert = SS_SQL(
    "INSERT INTO service_certificates (number, user_id, org_id, period_from, period_to, last_record_id, "
    "total_minutes, issued_by, in_charge, verify_url, issued_at) VALUES (?, ?, ?, IF(? = 0, NULL, FROM_UNIXTIME(?)), "
    "IF(? = 0, NULL, FROM_UNIXTIME(?)), ?, ?, ?, ?, ?, FROM_UNIXTIME(?))");
static ss_sql q_get = SS_SQL(
    "SELECT c.number, c.user_id, COALESCE(c.org_id, 0), COALESCE(UNIX_TIMESTAMP(c.period_from), 0), "
    "COALESCE(UNIX_TIMESTAMP(c.period_to), 0), c.last_record_id, c.total_minutes, c.issued_by, c.in_charge, "
    "c.verify_url, UNIX_TIMESTAMP(c.issued_at), v.number, v.status, v.real_name_enc, v.id_number_enc "
    "FROM service_certificates c JOIN volunteers v ON v.user_id = c.user_id WHERE c.number = ?");

int ss_store_certificate_lines(ss_db *db, ss_arena *a, const ss_certificate *c, ss_certificate_line **out, int *n,
                               long *total, long long *last)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(c->user_id), SS_DB_I(c->org_id), SS_DB_I(c->org_id),
                     SS_DB_I(c->from),    SS_DB_I(c->from),   SS_DB_I(c->to),
                     SS_DB_I(c->to),      SS_DB_I(c->last_record_id)};
    int rc = ss_db_exec(db, &q_lines, p, 8, &res, a);
    if (rc) return rc;
    ss_certificate_line *lines = ss_arena_calloc(a, (size_t)(res.nrows + 1) * sizeof *lines);
    long sum = 0;
    long long max = 0;
    for (int i = 0; i < res.nrows; i++) {
        char **r = res.rows[i];
        lines[i] = (ss_certificate_line){.activity_id = ss_db_int(r[0]), .starts_at = (time_t)ss_db_int(r[1]),
                                         .title = r[2], .org_name = r[3], .minutes = (long)ss_db_int(r[4])};
        sum += lines[i].minutes;
        if (ss_db_int(r[5]) > max) max = ss_db_int(r[5]);
    }
    *out = lines;
    *n = res.nrows;
    *total = sum;
    *last = max;
    return SS_OK;
}

int ss_store_certificate_issuer(ss_db *db, ss_arena *a, long long org_id, const char **name, const char **in_charge)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(org_id)};
    int rc = ss_db_exec(db, &q_issuer, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    *name = res.rows[0][0];
    *in_charge = res.rows[0][1];
    return SS_OK;
}

int ss_store_certificate_create(ss_db *db, ss_arena *a, ss_certificate *c)
{
    int rc = SS_ECONFLICT;
    /* a repeat of a random number is refused by the primary key: draw again */
    for (int attempt = 0; attempt < 4 && rc == SS_ECONFLICT; attempt++) {
        unsigned char rnd[8];
        if (ss_random_bytes(rnd, sizeof rnd)) return SS_EINTERNAL;
        long long number = ss_certificate_number_from(rnd);
        ss_db_val p[] = {SS_DB_I(number),           SS_DB_I(c->user_id),
                         c->org_id ? SS_DB_I(c->org_id) : SS_DB_NUL,
                         SS_DB_I(c->from),          SS_DB_I(c->from),
                         SS_DB_I(c->to),            SS_DB_I(c->to),
                         SS_DB_I(c->last_record_id), SS_DB_I(c->total_minutes),
                         SS_DB_S(c->issued_by),     SS_DB_S(c->in_charge),
                         SS_DB_S(c->verify_url),    SS_DB_I(c->issued_at)};
        rc = ss_db_exec(db, &q_insert, p, 13, NULL, a);
        if (rc == SS_OK) c->number = number;
    }
    return rc;
}

int ss_store_certificate_get(ss_db *db, ss_arena *a, long long number, ss_certificate *out)
{
    ss_db_result res;
    ss_db_val p[] = {SS_DB_I(number)};
    int rc = ss_db_exec(db, &q_get, p, 1, &res, a);
    if (rc) return rc;
    if (res.nrows == 0) return SS_ENOTFOUND;
    char **r = res.rows[0];
    *out = (ss_certificate){.number = ss_db_int(r[0]), .user_id = ss_db_int(r[1]), .org_id = ss_db_int(r[2]),
                            .from = (time_t)ss_db_int(r[3]), .to = (time_t)ss_db_int(r[4]),
                            .last_record_id = ss_db_int(r[5]), .total_minutes = (long)ss_db_int(r[6]),
                            .issued_by = r[7], .in_charge = r[8], .verify_url = r[9],
                            .issued_at = (time_t)ss_db_int(r[10]), .volunteer_number = r[11],
                            .volunteer_status = r[12], .real_name_enc = r[13], .id_number_enc = r[14]};
    return SS_OK;
}
