/* Service-record certificates (志愿服务记录证明) in MariaDB. A certificate freezes what it
 * certifies: the ledger rows up to last_record_id in its period (and organization), so the PDF
 * drawn again later says the same, and verification shows what the paper says. Its number is
 * random (16 digits) under a unique key: it never repeats and reveals no count. */
#ifndef SS_STORE_CERTIFICATES_H
#define SS_STORE_CERTIFICATES_H

#include <time.h>

#include "store/db.h"

typedef struct ss_certificate {
    long long number, user_id, org_id;   /* org_id 0: every organization */
    time_t from, to;                      /* 0: open */
    long long last_record_id;
    long total_minutes;
    const char *issued_by, *in_charge;
    const char *verify_url;               /* the origin ("https://host") of the verification URL */
    time_t issued_at;
    /* the volunteer, for verification and the PDF */
    const char *volunteer_number, *volunteer_status, *real_name_enc, *id_number_enc;
} ss_certificate;

/* One line of a certificate: an activity and the minutes credited for it. */
typedef struct ss_certificate_line {
    long long activity_id;
    time_t starts_at;
    const char *title, *org_name;
    long minutes;
} ss_certificate_line;

/* The lines of c->user_id's ledger within c's organization and period and up to record id
 * c->last_record_id (INT64_MAX when issuing), oldest first; *total their sum, *last the highest
 * record id (0: none). */
int ss_store_certificate_lines(ss_db *db, ss_arena *a, const ss_certificate *c, ss_certificate_line **out, int *n,
                               long *total, long long *last);
/* The org's name and its leader's nickname (*in_charge NULL if none). SS_ENOTFOUND: no filed org. */
int ss_store_certificate_issuer(ss_db *db, ss_arena *a, long long org_id, const char **name, const char **in_charge);
/* Stores c under a fresh random number (set in c->number). */
int ss_store_certificate_create(ss_db *db, ss_arena *a, ss_certificate *c);
/* Loads certificate number with its volunteer. SS_ENOTFOUND. */
int ss_store_certificate_get(ss_db *db, ss_arena *a, long long number, ss_certificate *out);

#endif
