/* Request-body validation (see validate.h). */
#include "http/validate.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "http/errors.h"
#include "http/request.h"
#include "util/timefmt.h"

static void decref(void *p) { json_decref(p); }

void ss_v_init(ss_v *v, ss_req *req, json_t *obj)
{
    memset(v, 0, sizeof *v);
    v->req = req;
    v->obj = obj;
    v->fields = json_object();
    ss_arena_on_reset(req->arena, decref, v->fields);
}

int ss_v_body(ss_v *v, ss_req *req, json_t **body)
{
    int rc;
    json_t *obj = ss_req_json(req, &rc);
    if (!obj) return rc;
    ss_v_init(v, req, obj);
    if (body) *body = obj;
    return SS_OK;
}

void ss_v_nested(ss_v *child, ss_v *parent, json_t *obj, const char *name)
{
    memset(child, 0, sizeof *child);
    child->req = parent->req;
    child->obj = obj;
    child->fields = parent->fields;   /* shared: problems land in the parent's map */
    child->prefix = ss_arena_sprintf(parent->req->arena, "%s%s.", parent->prefix ? parent->prefix : "", name);
    child->parent = parent;
}

void ss_v_fail(ss_v *v, const char *name, const char *why)
{
    const char *key = v->prefix ? ss_arena_sprintf(v->req->arena, "%s%s", v->prefix, name) : name;
    if (!json_object_get(v->fields, key)) json_object_set_new(v->fields, key, json_string(why));
}

static void wrong_type(ss_v *v, const char *name, const char *expected)
{
    for (ss_v *p = v; p; p = p->parent) p->bad_type = 1;
    ss_v_fail(v, name, ss_arena_sprintf(v->req->arena, "must be %s", expected));
}

/* Returns the value, or NULL if absent or null (noting "required" if it was). */
static json_t *get(ss_v *v, const char *name, int required)
{
    json_t *x = v->obj ? json_object_get(v->obj, name) : NULL;
    if (x && json_is_null(x)) x = NULL;
    if (!x && required) ss_v_fail(v, name, "required");
    return x;
}

long ss_utf8_chars(const char *s, size_t len)
{
    long n = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t k;
        if (c < 0x80) {
            if (c < 0x20 && c != '\n' && c != '\t') return -1;
            if (c == 0x7f) return -1;
            k = 1;
        } else if ((c & 0xe0) == 0xc0) k = 2;
        else if ((c & 0xf0) == 0xe0) k = 3;
        else if ((c & 0xf8) == 0xf0) k = 4;
        else return -1;
        if (i + k > len) return -1;
        for (size_t j = 1; j < k; j++)
            if (((unsigned char)s[i + j] & 0xc0) != 0x80) return -1;
        i += k;
        n++;
    }
    return n;
}

/* Length in bytes of the white space (ASCII, U+00A0, U+3000 ideographic space) at s. */
static size_t space_at(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    if (len >= 1 && (u[0] == ' ' || u[0] == '\t' || u[0] == '\n' || u[0] == '\r')) return 1;
    if (len >= 2 && u[0] == 0xc2 && u[1] == 0xa0) return 2;
    if (len >= 3 && u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80) return 3;
    return 0;
}

/* Length in bytes of the white space ending s[0..len). */
static size_t space_before(const char *s, size_t len)
{
    if (len >= 1 && space_at(s + len - 1, 1)) return 1;
    if (len >= 2 && space_at(s + len - 2, 2) == 2) return 2;
    if (len >= 3 && space_at(s + len - 3, 3) == 3) return 3;
    return 0;
}

const char *ss_v_string(ss_v *v, const char *name, int required, size_t min_chars, size_t max_chars)
{
    json_t *x = get(v, name, required);
    if (!x) return NULL;
    if (!json_is_string(x)) {
        wrong_type(v, name, "a string");
        return NULL;
    }
    const char *s = json_string_value(x);
    size_t len = json_string_length(x);
    if (strlen(s) != len) {
        ss_v_fail(v, name, "must not contain control characters");
        return NULL;
    }
    /* Text people type is trimmed (API "Text"); what is left is checked and stored. */
    for (size_t k; (k = space_at(s, len)) > 0;) s += k, len -= k;
    for (size_t k; (k = space_before(s, len)) > 0;) len -= k;
    long n = ss_utf8_chars(s, len);
    if (n < 0) {
        ss_v_fail(v, name, "must not contain control characters");
        return NULL;
    }
    if (n == 0 && min_chars > 0) {   /* empty, or nothing but white space */
        ss_v_fail(v, name, "must not be empty");
        return NULL;
    }
    if ((size_t)n < min_chars || (size_t)n > max_chars) {
        ss_v_fail(v, name, min_chars == max_chars
                               ? ss_arena_sprintf(v->req->arena, "must be exactly %zu characters", min_chars)
                               : ss_arena_sprintf(v->req->arena, "must be %zu to %zu characters", min_chars, max_chars));
        return NULL;
    }
    return ss_arena_strndup(v->req->arena, s, len);
}

long long ss_v_int(ss_v *v, const char *name, int required, long long min, long long max, long long def,
                   int *present)
{
    json_t *x = get(v, name, required);
    if (present) *present = x != NULL;
    if (!x) return def;
    if (!json_is_integer(x)) {
        wrong_type(v, name, "an integer");
        return def;
    }
    long long n = json_integer_value(x);
    if (n < min || n > max) {
        ss_v_fail(v, name, ss_arena_sprintf(v->req->arena, "must be between %lld and %lld", min, max));
        return def;
    }
    return n;
}

double ss_v_number(ss_v *v, const char *name, int required, double min, double max, int *present)
{
    json_t *x = get(v, name, required);
    if (present) *present = x != NULL;
    if (!x) return 0;
    if (!json_is_number(x)) {
        wrong_type(v, name, "a number");
        return 0;
    }
    double d = json_number_value(x);
    if (!isfinite(d) || d < min || d > max) {
        ss_v_fail(v, name, ss_arena_sprintf(v->req->arena, "must be between %g and %g", min, max));
        return 0;
    }
    return d;
}

int ss_v_bool(ss_v *v, const char *name, int def)
{
    json_t *x = get(v, name, 0);
    if (!x) return def;
    if (!json_is_boolean(x)) {
        wrong_type(v, name, "true or false");
        return def;
    }
    return json_is_true(x);
}

time_t ss_v_time(ss_v *v, const char *name, int required, int *present)
{
    json_t *x = get(v, name, required);
    if (present) *present = x != NULL;
    if (!x) return 0;
    if (!json_is_string(x)) {
        wrong_type(v, name, "an RFC 3339 date-time string");
        return 0;
    }
    time_t t;
    if (ss_time_parse(json_string_value(x), &t) != 0) {
        ss_v_fail(v, name, "must be an RFC 3339 date-time with offset, e.g. 2026-11-21T09:00:00+08:00");
        if (present) *present = 0;
        return 0;
    }
    if (!ss_time_storable(t)) {   /* the store cannot hold it (it would be NULL there: a 500) */
        ss_v_fail(v, name, "must be between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z");
        if (present) *present = 0;
        return 0;
    }
    return t;
}

const char *ss_v_enum(ss_v *v, const char *name, int required, const char *const *allowed)
{
    json_t *x = get(v, name, required);
    if (!x) return NULL;
    if (!json_is_string(x)) {
        wrong_type(v, name, "a string");
        return NULL;
    }
    for (const char *const *a = allowed; *a; a++)
        if (strcmp(*a, json_string_value(x)) == 0) return *a;
    size_t n = 0;
    for (const char *const *a = allowed; *a; a++) n += strlen(*a) + 2;
    char *list = ss_arena_alloc(v->req->arena, n + 1), *p = list;
    for (const char *const *a = allowed; *a; a++) p += sprintf(p, "%s%s", p == list ? "" : ", ", *a);
    ss_v_fail(v, name, ss_arena_sprintf(v->req->arena, "must be one of: %s", list));
    return NULL;
}

json_t *ss_v_object(ss_v *v, const char *name, int required)
{
    json_t *x = get(v, name, required);
    if (!x) return NULL;
    if (!json_is_object(x)) {
        wrong_type(v, name, "an object");
        return NULL;
    }
    return x;
}

int ss_v_finish(ss_v *v)
{
    if (json_object_size(v->fields) == 0) return SS_OK;
    json_incref(v->fields);   /* the reply holds its own reference */
    int rc = ss_reply_invalid(v->req, v->fields);
    if (v->bad_type) {
        v->req->err_code = "bad_request";
        return SS_EBADREQ;
    }
    return rc;
}
