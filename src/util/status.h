/* The one error convention of every layer: functions return int, 0 on success, a negative
 * ss_err on failure; a failing call leaves its outputs untouched. It lives in util/ so that
 * store/, cache/ and auth/ return these codes without knowing HTTP; http/errors.c is the one
 * place that maps them to statuses, contract codes and messages. */
#ifndef SS_UTIL_STATUS_H
#define SS_UTIL_STATUS_H

typedef enum {
    SS_OK = 0,
    SS_EBADREQ = -1,     /* 400 bad_request: malformed JSON, wrong types */
    SS_EUNAUTH = -2,     /* 401 unauthorized */
    SS_EFORBIDDEN = -3,  /* 403 forbidden */
    SS_ENOTFOUND = -4,   /* 404 not_found */
    SS_EMETHOD = -5,     /* 405 method_not_allowed */
    SS_ECONFLICT = -6,   /* 409 conflict */
    SS_EGONE = -7,       /* 410 gone */
    SS_ETOOBIG = -8,     /* 413 payload_too_large */
    SS_EINVALID = -9,    /* 422 validation_failed */
    SS_ELIMIT = -10,     /* 429 rate_limited */
    SS_EUNAVAIL = -11,   /* 503 unavailable: a dependency is down or unreachable */
    SS_EDEADLOCK = -12,  /* transaction lost a deadlock / certification: retry it */
    SS_EINTERNAL = -13,  /* 500 internal: a bug, never the caller's fault */
    SS_ELOCKWAIT = -14,  /* 503: a row lock was not granted in time (not retried: it already waited) */
} ss_err;

#endif
