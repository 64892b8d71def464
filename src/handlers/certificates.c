/* Service-record certificates (志愿服务记录证明, MCA order 67): a volunteer asks for one
 * (POST /api/v1/me/service-certificates), downloads its PDF, and anyone holding its number
 * verifies it (GET /api/v1/certificates/{number}), seeing only the masked name, the volunteer
 * number, the total, the issuer and the date. */
#include <openssl/crypto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/person.h"
#include "handlers/handlers.h"
#include "http/errors.h"
#include "http/request.h"
#include "http/validate.h"
#include "store/certificates.h"
#include "store/volunteers.h"
#include "util/cert_layout.h"
#include "util/certpdf.h"
#include "util/timefmt.h"

/* The origin verification URLs name: the configured public_url (production: set it, so no Host
 * header chooses what a certificate's QR code points at), else "<scheme>://<host>" of this
 * request, or "" when the Host header is not a plain host[:port]. */
static const char *origin(ss_req *req)
{
    if (req->app->cfg->public_url && *req->app->cfg->public_url) return req->app->cfg->public_url;
    const char *host = ss_req_header(req, "HTTP_HOST"), *scheme = ss_req_header(req, "REQUEST_SCHEME");
    if (!host || !*host || strlen(host) > 200 || strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                              "0123456789.-:[]") != strlen(host))
        return "";
    if (!scheme || (strcmp(scheme, "https") != 0 && strcmp(scheme, "http") != 0)) scheme = "http";
    return ss_arena_sprintf(req->arena, "%s://%s", scheme, host);
}

static json_t *number_json(long long number)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", number);
    return json_string(s);
}

/* {from?, to?, org_id?} -> 201 {number, pdf_url, verify_url, total_minutes}: the caller's service
 * records (of org_id's activities, starting in [from, to)) certified as they stand now. A
 * volunteer with no records gets a valid certificate of 0 hours. */
static int certificate_create(ss_req *req)
{
    int rc, has_from = 0, has_to = 0;
    ss_v v;
    if ((rc = ss_v_body(&v, req, NULL))) return rc;
    ss_certificate c = {.user_id = req->caller.user_id, .issued_at = req->now, .last_record_id = INT64_MAX};
    c.from = ss_v_time(&v, "from", 0, &has_from);
    c.to = ss_v_time(&v, "to", 0, &has_to);
    c.org_id = ss_v_int(&v, "org_id", 0, 1, INT64_MAX, 0, NULL);
    if (has_from && has_to && c.from && c.to && c.to <= c.from) ss_v_fail(&v, "to", "must be after from");
    if ((rc = ss_v_finish(&v))) return rc;
    c.issued_by = CERT_ISSUER_PLATFORM;
    if (c.org_id) {
        rc = ss_store_certificate_issuer(req->db, req->arena, c.org_id, &c.issued_by, &c.in_charge);
        if (rc == SS_ENOTFOUND) {
            ss_v_init(&v, req, NULL);
            ss_v_fail(&v, "org_id", req->zh ? "没有这个已备案组织" : "no such filed organization");
            return ss_v_finish(&v);
        }
        if (rc) return rc;
    }
    ss_certificate_line *lines;
    int n;
    long long last;
    if ((rc = ss_store_certificate_lines(req->db, req->arena, &c, &lines, &n, &c.total_minutes, &last))) return rc;
    c.last_record_id = last;
    const char *base = origin(req);
    c.verify_url = base;   /* the origin; the URL is it and the path that names the number */
    if ((rc = ss_store_certificate_create(req->db, req->arena, &c))) return rc;
    char path[96];
    snprintf(path, sizeof path, "/api/v1/certificates/%lld", c.number);
    return ss_reply_json(req, 201,
                         json_pack("{s:o, s:s, s:s, s:I}", "number", number_json(c.number), "pdf_url",
                                   ss_arena_sprintf(req->arena, "%s/pdf", path), "verify_url",
                                   ss_arena_sprintf(req->arena, "%s%s", base, path), "total_minutes",
                                   (json_int_t)c.total_minutes));
}

/* -> {number, masked_name (null once the volunteer erased their data), volunteer_number,
 * total_minutes, issued_by, issued_at, valid: true}; unknown -> 404 */
static int certificate_verify(ss_req *req)
{
    ss_certificate c;
    int rc = ss_store_certificate_get(req->db, req->arena, ss_req_param(req, 0), &c);
    if (rc) return rc;
    json_t *masked = json_null();
    char *name = NULL, m[256];
    if (c.real_name_enc && ss_field_decrypt(&req->app->fields, req->arena, "real_name", c.real_name_enc, &name) == 0) {
        ss_mask_name(name, m, sizeof m);
        OPENSSL_cleanse(name, strlen(name));
        masked = json_string(m);
    }
    return ss_reply_json(req, 200,
                         json_pack("{s:o, s:o, s:s, s:I, s:s, s:o, s:b}", "number", number_json(c.number),
                                   "masked_name", masked, "volunteer_number", c.volunteer_number, "total_minutes",
                                   (json_int_t)c.total_minutes, "issued_by", c.issued_by, "issued_at",
                                   ss_json_time(c.issued_at), "valid", 1));
}

static void free_cb(void *p) { free(p); }

static void day_of(time_t t, char out[SS_TIME_RFC3339_LEN])
{
    ss_time_format(t, out);
    out[10] = '\0';
}

/* -> application/pdf: the certificate, for the volunteer it certifies (or an admin); anyone else
 * 404. Drawn again from the frozen ledger rows each time. */
static int certificate_pdf(ss_req *req)
{
    ss_certificate c;
    int rc = ss_store_certificate_get(req->db, req->arena, ss_req_param(req, 0), &c);
    if (rc) return rc;
    if (c.user_id != req->caller.user_id && !req->caller.user.is_admin) return SS_ENOTFOUND;
    if (!c.real_name_enc) return SS_EGONE;   /* erased: the certificate stands, its paper names nobody */
    ss_certificate_line *lines;
    int n;
    long total;
    long long last;
    if ((rc = ss_store_certificate_lines(req->db, req->arena, &c, &lines, &n, &total, &last))) return rc;
    char *name = NULL, *idno = NULL, id_m[24] = "****";
    if (ss_field_decrypt(&req->app->fields, req->arena, "real_name", c.real_name_enc, &name)) return SS_EINTERNAL;
    if (c.id_number_enc && ss_field_decrypt(&req->app->fields, req->arena, "id_number", c.id_number_enc, &idno) == 0) {
        ss_mask_id_number(idno, id_m, sizeof id_m);
        OPENSSL_cleanse(idno, strlen(idno));
    }
    ss_cert_row *rows = ss_arena_calloc(req->arena, (size_t)(n + 1) * sizeof *rows);
    for (int i = 0; i < n; i++) {
        char *d = ss_arena_alloc(req->arena, SS_TIME_RFC3339_LEN);
        day_of(lines[i].starts_at, d);
        rows[i] = (ss_cert_row){d, lines[i].title, lines[i].org_name, lines[i].minutes};
    }
    char issued[SS_TIME_RFC3339_LEN], from[SS_TIME_RFC3339_LEN], to[SS_TIME_RFC3339_LEN], number[24];
    day_of(c.issued_at, issued);
    snprintf(number, sizeof number, "%lld", c.number);
    const char *period = NULL;
    if (c.from || c.to) {
        if (c.from) day_of(c.from, from);
        if (c.to) day_of(c.to, to);
        period = ss_arena_sprintf(req->arena, "%s 至 %s", c.from ? from : "—", c.to ? to : "—");
    }
    ss_cert_doc doc = {.name = name, .id_number_masked = id_m, .volunteer_number = c.volunteer_number,
                       .period = period, .total_minutes = c.total_minutes, .rows = rows, .nrows = n,
                       .issuer = c.issued_by, .in_charge = c.in_charge, .number = number, .issued_on = issued,
                       .verify_url = ss_arena_sprintf(req->arena, "%s/api/v1/certificates/%lld", c.verify_url,
                                                       c.number)};
    char *pdf;
    size_t len;
    rc = ss_cert_pdf_render(&doc, &pdf, &len);
    OPENSSL_cleanse(name, strlen(name));
    if (rc) return SS_EINTERNAL;
    ss_arena_on_reset(req->arena, free_cb, pdf);
    return ss_reply_raw(req, 200, "application/pdf", pdf, len);
}

static const ss_route routes[] = {
    {"POST", "/api/v1/me/service-certificates", certificate_create, SS_ACCESS_VOLUNTEER, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
    {"GET", "/api/v1/certificates/{number}", certificate_verify, SS_ACCESS_PUBLIC, SS_SUBJECT_NONE, SS_RULE_VISIBLE},
    {"GET", "/api/v1/certificates/{number}/pdf", certificate_pdf, SS_ACCESS_SIGNED_IN, SS_SUBJECT_NONE,
     SS_RULE_VISIBLE},
};
const ss_route_table ss_certificate_routes = {routes, sizeof routes / sizeof routes[0]};
