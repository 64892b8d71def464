/* Request helpers and reply builders (see request.h). */
#include "http/request.h"

#include <errno.h>
#include <fcgiapp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/errors.h"
#include "util/log.h"
#include "util/timefmt.h"

static void decref(void *p) { json_decref(p); }
static void free_cb(void *p) { free(p); }

json_t *ss_req_own(ss_req *req, json_t *json)
{
    if (json) ss_arena_on_reset(req->arena, decref, json);
    return json;
}

const char *ss_req_header(const ss_req *req, const char *param)
{
    return req->envp ? FCGX_GetParam(param, req->envp) : NULL;
}

json_t *ss_req_json(ss_req *req, int *rc)
{
    json_error_t err;
    *rc = SS_EBADREQ;
    if (!req->body || req->body_len == 0) return NULL;
    json_t *root = json_loadb(req->body, req->body_len, JSON_REJECT_DUPLICATES, &err);
    if (!root) return NULL;
    ss_arena_on_reset(req->arena, decref, root);
    if (!json_is_object(root)) return NULL;
    *rc = SS_OK;
    return root;
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

const char *ss_req_query(ss_req *req, const char *name)
{
    size_t nlen = strlen(name);
    const char *p = req->query;
    while (p && *p) {
        const char *amp = strchr(p, '&');
        size_t len = amp ? (size_t)(amp - p) : strlen(p);
        if (len > nlen && strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
            const char *v = p + nlen + 1;
            size_t vlen = len - nlen - 1;
            char *out = ss_arena_alloc(req->arena, vlen + 1), *o = out;
            for (size_t i = 0; i < vlen; i++) {
                if (v[i] == '+') {
                    *o++ = ' ';
                } else if (v[i] == '%') {
                    int hi = i + 2 < vlen ? hexval(v[i + 1]) : -1;
                    int lo = hi >= 0 ? hexval(v[i + 2]) : -1;
                    if (lo < 0 || (hi == 0 && lo == 0)) return NULL;   /* bad escape or NUL */
                    *o++ = (char)(hi << 4 | lo);
                    i += 2;
                } else {
                    *o++ = v[i];
                }
            }
            *o = '\0';
            return out;
        }
        p = amp ? amp + 1 : NULL;
    }
    return NULL;
}

static int bad_query(ss_req *req, const char *name, const char *why)
{
    json_t *fields = json_pack("{s:s}", name, why);
    ss_reply_invalid(req, fields);
    req->err_code = "bad_request";
    return SS_EBADREQ;
}

/* Returns 1 if name= appears in the query string, decodable or not. */
static int query_present(const ss_req *req, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = req->query; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && p[n] == '=') return 1;
    return 0;
}

int ss_req_query_str(ss_req *req, const char *name, const char **out)
{
    *out = ss_req_query(req, name);
    if (!*out && query_present(req, name)) return bad_query(req, name, "is not correctly percent-encoded");
    return SS_OK;
}

int ss_req_query_int(ss_req *req, const char *name, long long min, long long max, long long def, long long *out)
{
    const char *v;
    int rc = ss_req_query_str(req, name, &v);
    if (rc) return rc;
    if (!v) {
        *out = def;
        return SS_OK;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || errno) return bad_query(req, name, "must be an integer");
    if (x < min || x > max)
        return bad_query(req, name, ss_arena_sprintf(req->arena, "must be between %lld and %lld", min, max));
    *out = x;
    return SS_OK;
}

int ss_req_query_enum(ss_req *req, const char *name, const char *const *allowed, const char **out)
{
    const char *v;
    int rc = ss_req_query_str(req, name, &v);
    if (rc) return rc;
    *out = NULL;
    if (!v) return SS_OK;
    for (const char *const *a = allowed; *a; a++)
        if (strcmp(*a, v) == 0) {
            *out = *a;
            return SS_OK;
        }
    char why[256] = "must be one of:";
    size_t n = strlen(why);
    for (const char *const *a = allowed; *a && n < sizeof why - 2; a++)
        n += (size_t)snprintf(why + n, sizeof why - n, "%s %s", a == allowed ? "" : ",", *a);
    return bad_query(req, name, ss_arena_strndup(req->arena, why, strlen(why)));
}

int ss_req_limit(ss_req *req, int *limit)
{
    long long l;
    int rc = ss_req_query_int(req, "limit", 1, 100, 20, &l);
    if (rc == SS_OK) *limit = (int)l;
    return rc;
}

int ss_reply_list(ss_req *req, json_t *items, const char *next_cursor)
{
    return ss_reply_json(req, 200, json_pack("{s:o, s:s?}", "items", items, "next_cursor", next_cursor));
}

long long ss_req_param(const ss_req *req, int i)
{
    return (i >= 0 && i < req->match.nparams) ? req->match.params[i] : 0;
}

int ss_reply_raw(ss_req *req, int status, const char *content_type, const char *body, size_t len)
{
    req->status = status;
    req->reply_type = content_type;
    req->reply_body = body;
    req->reply_len = len;
    return SS_OK;
}

void ss_req_forget_user(ss_req *req, long long user_id)
{
    for (int i = 0; i < req->nforget; i++)
        if (req->forget_users[i] == user_id) return;
    int full = req->nforget == (int)(sizeof req->forget_users / sizeof req->forget_users[0]);
    if (full) ss_req_forget_flush(req);   /* early rather than never: the generation check still holds */
    req->forget_users[req->nforget++] = user_id;
}

void ss_req_touch_public(ss_req *req) { req->touched_public = 1; }

int ss_req_commit_each(ss_req *req)
{
    int rc = ss_db_scope_leave(req->db);
    if (rc) SS_ERROR("http", "msg=\"commit_each after a write\" path=\"%s\"", req->path);
    return rc;
}

int ss_req_commit_own(ss_req *req)
{
    int rc = ss_req_commit_each(req);
    if (rc == SS_OK) req->idem_own = 1;
    return rc;
}

void ss_req_commit_at_end(ss_req *req)
{
    req->idem_own = 0;
    ss_db_scope_begin(req->db);
}

void ss_req_forget_flush(ss_req *req)
{
    for (int i = 0; i < req->nforget; i++)
        if (ss_caller_forget(req->cache, req->forget_users[i]) != SS_OK)
            SS_WARN("http", "msg=\"could not drop a user snapshot: it expires by itself\" user=%lld",
                    req->forget_users[i]);
    req->nforget = 0;
}

int ss_json_strict = SS_JSON_STRICT_DEFAULT;

/* A NULL body (a json_pack misuse upstream) or one json_dumps refuses is a bug in this
 * request's handler: it answers 500 for this request only, never aborts the process (the
 * misuse itself is logged by jsoncheck.h). Reals are written with 12 significant digits,
 * so a coordinate rounded to 6 decimals reads 30.6598, not 30.659800000000001. */
const char *ss_json_text(ss_req *req, json_t *body, size_t *len)
{
    if (!body) {
        SS_ERROR("http", "msg=\"json_misuse: reply body is NULL\"");
        if (ss_json_strict) abort();
        return NULL;
    }
    char *text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
    json_decref(body);
    if (!text) {
        SS_ERROR("http", "msg=\"json_misuse: reply body could not be written\"");
        return NULL;
    }
    ss_arena_on_reset(req->arena, free_cb, text);
    *len = strlen(text);
    return text;
}

int ss_reply_json(ss_req *req, int status, json_t *body)
{
    size_t len = 0;
    const char *text = ss_json_text(req, body, &len);
    if (!text) return SS_EINTERNAL;
    return ss_reply_raw(req, status, SS_JSON_TYPE, text, len);
}

int ss_reply_empty(ss_req *req, int status)
{
    return ss_reply_raw(req, status, NULL, "", 0);
}

int ss_reply_error(ss_req *req, const char *code)
{
    const ss_error_def *d = ss_error_find(code);
    if (!d) return SS_EINTERNAL;
    req->err_code = d->code;
    return ss_error_from_status(d->status);
}

int ss_reply_error_status(ss_req *req, const char *code, int status)
{
    const ss_error_def *d = ss_error_find_status(code, status);
    if (!d) return SS_EINTERNAL;
    req->err_code = d->code;
    return ss_error_from_status(status);
}

int ss_reply_invalid(ss_req *req, json_t *fields)
{
    req->err_fields = fields;   /* an earlier map stays owned by the arena */
    ss_arena_on_reset(req->arena, decref, fields);
    req->err_code = "validation_failed";
    return SS_EINVALID;
}

void ss_reply_header(ss_req *req, const char *name, const char *value)
{
    size_t room = sizeof req->headers - req->headers_len;
    int n = snprintf(req->headers + req->headers_len, room, "%s: %s\r\n", name, value);
    if (n > 0 && (size_t)n < room) req->headers_len += (size_t)n;
    else req->headers[req->headers_len] = '\0';
}

void ss_reply_render_error(ss_req *req, int rc)
{
    /* the code with the status rc stands for (a code may have two), else the code's default */
    const ss_error_def *d = req->err_code ? ss_error_find_status(req->err_code, ss_error_for(rc)->status) : NULL;
    if (!d && req->err_code) d = ss_error_find(req->err_code);
    if (!d) d = ss_error_for(rc);
    json_t *err = json_pack("{s:s, s:s}", "code", d->code, "message", req->zh ? d->zh : d->en);
    if (!err) ss_fatal_oom(0);
    if (req->err_fields && json_object_size(req->err_fields) > 0) {
        if (req->zh) {   /* field reasons follow Accept-Language like the message */
            json_t *zh = json_object(), *why;
            const char *name;
            char buf[512];
            json_object_foreach(req->err_fields, name, why) {
                const char *en = json_string_value(why);
                json_object_set_new(zh, name, en ? json_string(ss_field_reason_zh(en, buf, sizeof buf)) : json_incref(why));
            }
            json_object_set_new(err, "fields", zh);
        } else {
            json_object_set(err, "fields", req->err_fields);
        }
    }
    if (ss_reply_json(req, d->status, json_pack("{s:o}", "error", err)) != SS_OK) {
        static const char fallback[] = "{\"error\":{\"code\":\"internal\",\"message\":\"Something went wrong on our side.\"}}";
        ss_reply_raw(req, 500, "application/json; charset=utf-8", fallback, sizeof fallback - 1);
    }
}

json_t *ss_json_time(time_t t)
{
    char buf[SS_TIME_RFC3339_LEN];
    ss_time_format(t, buf);
    return json_string(buf);
}
