/* The certificate PDF (see certpdf.h); positions, fonts and labels come from cert_layout.h. */
#include "util/certpdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cert_layout.h"

typedef struct {
    char *buf;
    size_t len, cap;
    int failed;
} sink;

static cairo_status_t write_cb(void *closure, const unsigned char *data, unsigned int length)
{
    sink *s = closure;
    if (s->len + length > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 65536;
        while (cap < s->len + length) cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b) {
            s->failed = 1;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, length);
    s->len += length;
    return CAIRO_STATUS_SUCCESS;
}

/* Draws text with font at (x, y) (top left); max_w > 0 cuts it with an ellipsis. Returns its height. */
static double text(cairo_t *cr, const char *font, double x, double y, double max_w, const char *s)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    if (max_w > 0) {
        pango_layout_set_width(l, (int)(max_w * PANGO_SCALE));
        pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
    }
    pango_layout_set_text(l, s ? s : "", -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    pango_font_description_free(fd);
    g_object_unref(l);
    return h;
}

/* Wraps text within width; returns its height. */
static double paragraph(cairo_t *cr, const char *font, double x, double y, double width, const char *s)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, s, -1);
    cairo_move_to(cr, x, y);
    pango_cairo_show_layout(cr, l);
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    pango_font_description_free(fd);
    g_object_unref(l);
    return h;
}

static void centred(cairo_t *cr, const char *font, double y, const char *s)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, fd);
    pango_layout_set_text(l, s, -1);
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    cairo_move_to(cr, (CERT_PAGE_W - w) / 2, y);
    pango_cairo_show_layout(cr, l);
    pango_font_description_free(fd);
    g_object_unref(l);
}

/* The QR code of url as filled squares, size points wide at (x, y). Returns 0 or -1. */
static int qr(cairo_t *cr, const char *url, double x, double y, double size)
{
    QRcode *q = QRcode_encodeString(url, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    if (!q) return -1;
    int quiet = 4, n = q->width + 2 * quiet;
    double m = size / n;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_rectangle(cr, x, y, size, size);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    for (int r = 0; r < q->width; r++)
        for (int c = 0; c < q->width; c++)
            if (q->data[r * q->width + c] & 1) cairo_rectangle(cr, x + (c + quiet) * m, y + (r + quiet) * m, m, m);
    cairo_fill(cr);
    QRcode_free(q);
    return 0;
}

static void rule(cairo_t *cr, double y)
{
    cairo_set_line_width(cr, 0.6);
    cairo_move_to(cr, CERT_MARGIN, y);
    cairo_line_to(cr, CERT_PAGE_W - CERT_MARGIN, y);
    cairo_stroke(cr);
}

static double table_head(cairo_t *cr, double y)
{
    const double x = CERT_MARGIN;
    text(cr, CERT_FONT_TABLE, x + CERT_COL_DATE, y, 0, CERT_HEAD_DATE);
    text(cr, CERT_FONT_TABLE, x + CERT_COL_TITLE, y, 0, CERT_HEAD_TITLE);
    text(cr, CERT_FONT_TABLE, x + CERT_COL_ORG, y, 0, CERT_HEAD_ORG);
    text(cr, CERT_FONT_TABLE, x + CERT_COL_MINUTES, y, 0, CERT_HEAD_MINUTES);
    rule(cr, y + CERT_ROW_H - 2);
    return y + CERT_ROW_H;
}

int ss_cert_pdf_render(const ss_cert_doc *d, char **out, size_t *len)
{
    sink s = {0};
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(write_cb, &s, CERT_PAGE_W, CERT_PAGE_H);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, CERT_TITLE);
    cairo_t *cr = cairo_create(surface);
    const double x = CERT_MARGIN, w = CERT_PAGE_W - 2 * CERT_MARGIN;
    char line[256], hours[32];
    int rc = 0;

    cairo_set_source_rgb(cr, 0, 0, 0);
    centred(cr, CERT_FONT_TITLE, CERT_TITLE_Y, CERT_TITLE);
    double y = CERT_FIELDS_Y;
    snprintf(hours, sizeof hours, "%ld.%ld", d->total_minutes / 60, (d->total_minutes % 60) * 10 / 60);
    const char *labels[] = {CERT_LABEL_NAME, CERT_LABEL_ID_TYPE, CERT_LABEL_ID_NUMBER, CERT_LABEL_VOLUNTEER_NUMBER,
                            CERT_LABEL_PERIOD, CERT_LABEL_TOTAL};
    snprintf(line, sizeof line, CERT_TOTAL_FORMAT, hours, d->total_minutes);
    const char *values[] = {d->name, CERT_ID_TYPE, d->id_number_masked, d->volunteer_number,
                            d->period ? d->period : CERT_PERIOD_ALL, line};
    for (int i = 0; i < 6; i++, y += CERT_LINE_H) {
        text(cr, CERT_FONT_BODY, x, y, 0, labels[i]);
        text(cr, CERT_FONT_BODY, x + CERT_VALUE_X, y, w - CERT_VALUE_X, values[i]);
    }
    y = table_head(cr, y + CERT_TABLE_GAP);
    if (d->nrows == 0) {
        text(cr, CERT_FONT_TABLE, x, y, 0, CERT_NO_RECORDS);
        y += CERT_ROW_H;
    }
    for (int i = 0; i < d->nrows; i++) {
        if (y + CERT_ROW_H > CERT_FOOT_Y - 8) {   /* a new page for the rest of the table */
            cairo_show_page(cr);
            y = table_head(cr, CERT_MARGIN);
        }
        const ss_cert_row *r = &d->rows[i];
        char minutes[24];
        snprintf(minutes, sizeof minutes, "%ld", r->minutes);
        text(cr, CERT_FONT_TABLE, x + CERT_COL_DATE, y, 0, r->date);
        text(cr, CERT_FONT_TABLE, x + CERT_COL_TITLE, y, CERT_TITLE_MAX_W, r->title);
        text(cr, CERT_FONT_TABLE, x + CERT_COL_ORG, y, CERT_ORG_MAX_W, r->org_name);
        text(cr, CERT_FONT_TABLE, x + CERT_COL_MINUTES, y, 0, minutes);
        y += CERT_ROW_H;
    }
    rule(cr, y + 2);

    double fy = CERT_FOOT_Y - 44;
    paragraph(cr, CERT_FONT_SMALL, x, fy, w, CERT_STATEMENT);
    fy = CERT_FOOT_Y;
    const char *flabels[] = {CERT_LABEL_ISSUER, CERT_LABEL_IN_CHARGE, CERT_LABEL_HANDLER, CERT_LABEL_CONTACT,
                             CERT_LABEL_NUMBER, CERT_LABEL_ISSUED};
    const char *fvalues[] = {d->issuer ? d->issuer : CERT_ISSUER_PLATFORM, d->in_charge ? d->in_charge : "—",
                             d->handler ? d->handler : CERT_HANDLER_DEFAULT,
                             d->contact ? d->contact : CERT_CONTACT_DEFAULT, d->number, d->issued_on};
    for (int i = 0; i < 6; i++, fy += CERT_LINE_H) {
        text(cr, CERT_FONT_BODY, x, fy, 0, flabels[i]);
        text(cr, CERT_FONT_BODY, x + 84, fy, CERT_QR_X - x - 96, fvalues[i]);
    }
    if (qr(cr, d->verify_url, CERT_QR_X, CERT_QR_Y, CERT_QR_SIZE) != 0) rc = -1;
    text(cr, CERT_FONT_SMALL, CERT_QR_X + CERT_QR_SIZE / 2 - 18, CERT_QR_Y + CERT_QR_SIZE + 2, 0, CERT_QR_CAPTION);

    cairo_show_page(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS || s.failed) rc = -1;
    cairo_surface_destroy(surface);
    if (rc) {
        free(s.buf);
        return -1;
    }
    *out = s.buf;
    *len = s.len;
    return 0;
}
