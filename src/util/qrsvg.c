/* QR code to SVG (see qrsvg.h): one <path> of unit squares, scaled by the viewBox. */
#include "util/qrsvg.h"

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUIET 4

char *ss_qr_svg(const char *text, size_t *len)
{
    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!qr) return NULL;
    int w = qr->width, size = w + 2 * QUIET;
    size_t cap = 512 + (size_t)w * (size_t)w * 24;
    char *svg = malloc(cap);
    if (!svg) {
        QRcode_free(qr);
        return NULL;
    }
    size_t n = (size_t)snprintf(svg, cap,
                                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
                                "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
                                "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
                                size, size, size * 8, size * 8, size, size);
    for (int y = 0; y < w; y++)
        for (int x = 0; x < w; x++)
            if (qr->data[y * w + x] & 1)   /* bit 0: a dark module */
                n += (size_t)snprintf(svg + n, cap - n, "M%d %dh1v1h-1z", x + QUIET, y + QUIET);
    n += (size_t)snprintf(svg + n, cap - n, "\"/></svg>\n");
    QRcode_free(qr);
    *len = n;
    return svg;
}
