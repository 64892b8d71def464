/* The one place that maps ss_err (util/status.h) to HTTP statuses and to the contract's
 * error codes and messages (English and Chinese). */
#ifndef SS_HTTP_ERRORS_H
#define SS_HTTP_ERRORS_H

#include <stddef.h>

#include "util/status.h"

typedef struct ss_error_def {
    const char *code;    /* contract code, snake_case */
    int status;          /* HTTP status */
    const char *en;      /* message in English */
    const char *zh;      /* message in Chinese */
} ss_error_def;

/* Returns the definition of a contract code, or NULL if unknown. */
const ss_error_def *ss_error_find(const char *code);
/* Returns the definition of code with that HTTP status (a code may have a second status on some
 * routes, see errors.c), or NULL. */
const ss_error_def *ss_error_find_status(const char *code, int status);
/* Returns the generic definition of an ss_err (never NULL: unknown values map to internal). */
const ss_error_def *ss_error_for(int err);
/* Returns the ss_err that carries an HTTP status (for handlers that set a specific code). */
int ss_error_from_status(int status);
/* The Chinese of a reason inside error.fields (the English the handlers write): a fixed
 * string, or one written into buf (len bytes) for reasons with numbers or lists. */
const char *ss_field_reason_zh(const char *en, char *buf, size_t len);
/* Returns a short name of an ss_err for logs. */
const char *ss_strerror(int err);

#endif
