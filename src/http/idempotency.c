/* The Idempotency-Key mechanism (see idempotency.h). */
#include "http/idempotency.h"

#include <stdio.h>
#include <string.h>

#include "http/errors.h"
#include "store/idempotency.h"
#include "util/crypto.h"
#include "util/log.h"

#define RECORD_LIFETIME_S (24 * 3600)

int ss_idem_key_valid(const char *k)
{
    size_t n = strlen(k);
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((k[i] >= '0' && k[i] <= '9') || (k[i] >= 'a' && k[i] <= 'z') || (k[i] >= 'A' && k[i] <= 'Z') ||
              k[i] == '-' || k[i] == '_' || k[i] == '.' || k[i] == ':'))
            return 0;
    return 1;
}

/* Sets the reply from rec (same body) or the 409 (another body). Returns 1 or the error. */
static int replay(ss_req *req, const ss_idem_record *rec)
{
    if (strcmp(rec->body_hash, req->idem_body) != 0) return ss_reply_error(req, "idempotency_key_reused");
    req->err_code = NULL;
    req->err_fields = NULL;
    req->headers_len = 0;
    ss_reply_raw(req, rec->status, rec->content_type, rec->reply, rec->reply_len);
    ss_reply_header(req, "Idempotent-Replayed", "true");
    return 1;
}

int ss_idem_begin(ss_req *req)
{
    const char *key = ss_req_header(req, "HTTP_IDEMPOTENCY_KEY");
    if (!key || strcmp(req->method, "POST") != 0 || req->caller.user_id <= 0) return SS_OK;
    if (!ss_idem_key_valid(key)) {
        json_t *f = json_object();
        json_object_set_new(f, "Idempotency-Key",
                            json_string(req->zh ? "须为 1 至 64 个字符：字母、数字或 - _ . :"
                                                : "1 to 64 characters: letters, digits, - _ . :"));
        req->err_fields = ss_req_own(req, f);
        return SS_EBADREQ;
    }
    char scope_src[600];
    snprintf(scope_src, sizeof scope_src, "%s %.580s", req->method, req->path);
    ss_sha256_hex(scope_src, strlen(scope_src), req->idem_scope);
    ss_sha256_hex(req->body ? req->body : "", req->body_len, req->idem_body);
    req->idem_key = key;

    /* now and then (one second in 256), forget records older than a day: bounded work */
    if ((req->now & 255) == 0 && ss_store_idem_purge(req->db, req->now - RECORD_LIFETIME_S) != SS_OK)
        SS_WARN("idempotency", "msg=\"purge failed\"");

    ss_idem_record rec;
    int rc = ss_store_idem_get(req->db, req->arena, req->caller.user_id, req->idem_scope, key, &rec);
    if (rc == SS_ENOTFOUND) return SS_OK;
    if (rc) return rc;
    return replay(req, &rec);
}

int ss_idem_store(ss_req *req)
{
    if (!req->idem_key || req->idem_own) return SS_OK;   /* idem_own: stored with the effect */
    ss_idem_record rec = {.status = req->status,
                          .content_type = req->reply_type,
                          .reply = req->reply_body,
                          .reply_len = req->reply_len};
    memcpy(rec.body_hash, req->idem_body, sizeof rec.body_hash);
    return ss_store_idem_put(req->db, req->caller.user_id, req->idem_scope, req->idem_key, &rec, req->now);
}

void ss_idem_ref_of(const ss_req *req, ss_idem_ref *out)
{
    *out = (ss_idem_ref){0};
    if (!req->idem_key) return;
    *out = (ss_idem_ref){req->caller.user_id, req->idem_scope, req->idem_key, req->idem_body, SS_JSON_TYPE};
}

int ss_idem_recover(ss_req *req, int rc)
{
    if (!req->idem_key) return rc;
    ss_idem_record rec;
    if (ss_store_idem_get(req->db, req->arena, req->caller.user_id, req->idem_scope, req->idem_key, &rec) != SS_OK)
        return rc;
    int r = replay(req, &rec);
    return r == 1 ? SS_OK : r;
}
