/* libFuzzer target: the certificate PDF with any texts people could have typed. The input is
 * split at NUL bytes into the volunteer's name, the period, and activity titles and
 * organization names (any bytes, invalid UTF-8 included) for up to four rows; the PDF must
 * render, start with "%PDF-", and never crash, hang or leak. Slow by nature (about a second
 * an input under ASan): its figures in SECURITY.md are runs, not 10^7. Most of a render is
 * cairo embedding a subset of the Noto CJK fonts, which reads each font's whole CFF table
 * (about 15 MB) every time; LLVMFuzzerInitialize renders one certificate first, so
 * fontconfig's and pango's process-wide caches are filled once, not in the first inputs (an
 * input that grows them looks like a leak to libFuzzer, which then runs it again to check). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/certpdf.h"
#include "pieces.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_PIECES 12

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char warm[] = "张三 Wang Fang 0123456789\0 2026-01-01 至 2026-11-29\0社区清洁 Cleaning\0长者陪伴\0"
                               "邻里互助 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\0";
    LLVMFuzzerTestOneInput((const uint8_t *)warm, sizeof warm - 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf;
    const char *piece[MAX_PIECES];
    if (fuzz_pieces(data, size, &buf, piece, MAX_PIECES)) return 0;

    ss_cert_row rows[4];
    int nrows = (int)(size % 5);
    for (int i = 0; i < nrows; i++)
        rows[i] = (ss_cert_row){.date = "2026-11-29", .title = piece[2 + i], .org_name = piece[6 + (i % 4)],
                                .minutes = (long)(size * 37 % 100000)};
    ss_cert_doc doc = {.name = piece[0],
                       .id_number_masked = "110***********123X",
                       .volunteer_number = "VHQKRDK36V31",
                       .period = size % 2 ? piece[1] : NULL,
                       .total_minutes = (long)(size * 53 % 1000000),
                       .rows = rows,
                       .nrows = nrows,
                       .number = "1234567890123456",
                       .issued_on = "2026-11-29",
                       .verify_url = "https://sanshe.example.cn/api/v1/certificates/1234567890123456"};
    char *pdf = NULL;
    size_t len = 0;
    if (ss_cert_pdf_render(&doc, &pdf, &len) == 0) {
        if (len < 5 || memcmp(pdf, "%PDF-", 5) != 0) __builtin_trap();
        free(pdf);
    }
    free(buf);
    return 0;
}
