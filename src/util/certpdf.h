/* The service-record certificate (志愿服务记录证明) as an A4 PDF in Chinese, drawn with cairo
 * and pango (fonts-noto-cjk), with a QR code (libqrencode) of its verification URL. What goes
 * where is in util/cert_layout.h; this module only draws what it is given. */
#ifndef SS_UTIL_CERTPDF_H
#define SS_UTIL_CERTPDF_H

#include <stddef.h>

typedef struct ss_cert_row {
    const char *date;       /* YYYY-MM-DD */
    const char *title, *org_name;
    long minutes;
} ss_cert_row;

typedef struct ss_cert_doc {
    const char *name;                   /* the volunteer's real name */
    const char *id_number_masked;       /* 110***********123X */
    const char *volunteer_number;
    const char *period;                 /* "2026-01-01 至 2026-11-29" or NULL: all records */
    long total_minutes;
    const ss_cert_row *rows;
    int nrows;
    const char *issuer, *in_charge, *handler, *contact;   /* NULL: the layout's defaults */
    const char *number;                 /* the certificate number */
    const char *issued_on;              /* YYYY-MM-DD */
    const char *verify_url;             /* encoded in the QR code */
} ss_cert_doc;

/* Renders doc. Returns 0 and a malloc'd PDF in *out (caller frees) of *len bytes, or -1. */
int ss_cert_pdf_render(const ss_cert_doc *doc, char **out, size_t *len);

#endif
