/* The one error convention: functions return int, 0 on success, a negative ss_err on
 * failure. This file is also the one place that maps errors to HTTP statuses and to the
 * contract's error codes and messages (English and Chinese). */
#ifndef SS_HTTP_ERRORS_H
#define SS_HTTP_ERRORS_H

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
} ss_err;

typedef struct ss_error_def {
    const char *code;    /* contract code, snake_case */
    int status;          /* HTTP status */
    const char *en;      /* message in English */
    const char *zh;      /* message in Chinese */
} ss_error_def;

/* Returns the definition of a contract code, or NULL if unknown. */
const ss_error_def *ss_error_find(const char *code);
/* Returns the generic definition of an ss_err (never NULL: unknown values map to internal). */
const ss_error_def *ss_error_for(int err);
/* Returns the ss_err that carries an HTTP status (for handlers that set a specific code). */
int ss_error_from_status(int status);
/* Returns a short name of an ss_err for logs. */
const char *ss_strerror(int err);

#endif
