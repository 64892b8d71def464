/* QR codes as SVG, drawn from libqrencode's module matrix (for the check-in code shown on a
 * leader's phone or a projector). */
#ifndef SS_UTIL_QRSVG_H
#define SS_UTIL_QRSVG_H

#include <stddef.h>

/* Encodes text (error correction level M, a 4-module quiet zone) as a standalone SVG.
 * Returns a malloc'd string (caller frees) and its length in *len, or NULL on failure. */
char *ss_qr_svg(const char *text, size_t *len);

#endif
