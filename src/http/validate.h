/* Request-body validation: one ss_v per body collects every problem, so a client learns
 * all bad fields at once. A value of the wrong JSON type makes the request 400
 * bad_request; a value of the right type that breaks a rule makes it 422
 * validation_failed. Both carry "fields": {"name": "why"}. Unknown fields are ignored,
 * so read-only or unknown properties can never be mass-assigned. */
#ifndef SS_HTTP_VALIDATE_H
#define SS_HTTP_VALIDATE_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "http/request.h"

typedef struct ss_v {
    ss_req *req;
    json_t *obj;      /* the object being read (borrowed) */
    json_t *fields;   /* problems found */
    const char *prefix;
    int bad_type;
    struct ss_v *parent;   /* for nested objects: wrong types count for the whole body */
} ss_v;

/* Starts validating obj (a JSON object owned by the request). */
void ss_v_init(ss_v *v, ss_req *req, json_t *obj);
/* Parses the request body as a JSON object and starts validating it. Returns 0 and sets
 * *body (may be NULL when not needed), or SS_EBADREQ for a body that is not a JSON object. */
int ss_v_body(ss_v *v, ss_req *req, json_t **body);
/* Each reader returns the value, or the default/NULL if absent or bad (noting why).
 * *present (may be NULL) tells whether the field was given at all. Lengths count
 * characters (UTF-8 code points), not bytes; control characters are refused. Strings are
 * trimmed of white space at both ends (ASCII, U+00A0, U+3000) before their length is
 * checked, and returned trimmed (an arena copy); empty after trimming fails "must not be
 * empty" when min_chars > 0. */
const char *ss_v_string(ss_v *v, const char *name, int required, size_t min_chars, size_t max_chars);
long long ss_v_int(ss_v *v, const char *name, int required, long long min, long long max, long long def,
                   int *present);
double ss_v_number(ss_v *v, const char *name, int required, double min, double max, int *present);
int ss_v_bool(ss_v *v, const char *name, int def);
/* RFC 3339 with offset. */
time_t ss_v_time(ss_v *v, const char *name, int required, int *present);
/* One of the NULL-terminated allowed values. */
const char *ss_v_enum(ss_v *v, const char *name, int required, const char *const *allowed);
/* A nested object: validate it with another ss_v whose field names get "name." prefixed. */
json_t *ss_v_object(ss_v *v, const char *name, int required);
void ss_v_nested(ss_v *child, ss_v *parent, json_t *obj, const char *name);
/* Records a rule broken across fields (e.g. ends_at before starts_at). */
void ss_v_fail(ss_v *v, const char *name, const char *why);
/* Returns 0 if all was well; else sets the error reply and returns SS_EBADREQ or SS_EINVALID. */
int ss_v_finish(ss_v *v);

/* Counts UTF-8 code points; returns -1 for invalid UTF-8 or control characters. */
long ss_utf8_chars(const char *s, size_t len);

#endif
