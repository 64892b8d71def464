/* libFuzzer target: what a certificate and an offline attendance batch take from outside.
 * The input is split at NUL bytes: the first piece is checked as a personal volunteer code
 * (a forged or mangled code must be refused, and a code made for the user it names must be
 * accepted), the second as an offline scan time; the rest become the certificate's texts (the
 * volunteer's name, activity titles and organization names, any bytes, invalid UTF-8 included)
 * and its rows, and the PDF must render: never a crash, a hang or a leak. Rendering takes about
 * a second under ASan (pango lays out CJK text), so only inputs that start with '%' are
 * rendered: the codes and times are fuzzed at full speed, the renderer at its own pace.
 * Most of a render is cairo embedding a subset of the Noto CJK fonts, which reads each font's
 * whole CFF table (about 15 MB) every time; LLVMFuzzerInitialize renders one certificate first,
 * so fontconfig's and pango's process-wide caches are filled once, not in the first inputs (an
 * input that grows them looks like a leak to libFuzzer, which then runs it again to check). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/checkin.h"
#include "util/certpdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define MAX_PIECES 12

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    static const char warm[] = "%\0\0张三 Wang Fang 0123456789\0 2026-01-01 至 2026-11-29\0社区清洁 Cleaning\0长者陪伴\0"
                               "邻里互助 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ\0";
    LLVMFuzzerTestOneInput((const uint8_t *)warm, sizeof warm - 1);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char key[32] = "fuzz-key-fuzz-key-fuzz-key-fuzz";
    if (size > 8192) return 0;
    char *buf = malloc(size + 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    const char *piece[MAX_PIECES];
    int n = 0;
    for (size_t i = 0; i <= size && n < MAX_PIECES; i++) {
        piece[n++] = buf + i;
        i += strlen(buf + i);
    }
    for (int i = n; i < MAX_PIECES; i++) piece[i] = "";

    /* the personal code: whatever verifies must round-trip to the same text */
    long long uid = 0;
    long nonce = 0;
    if (ss_volunteer_token_verify(key, sizeof key, piece[0], &uid, &nonce)) {
        char again[SS_CHECKIN_TOKEN_MAX];
        ss_volunteer_token_make(key, sizeof key, uid, nonce, again);
        if (strcmp(again, piece[0]) != 0) __builtin_trap();   /* two texts for one code */
    }
    /* the scan time: judged without overflow for any value */
    time_t at = (time_t)strtoll(piece[1], NULL, 10);
    int t = ss_offline_time_check(at, 1795300000);
    if (t < 0 || t > 2) __builtin_trap();

    if (size == 0 || data[0] != '%') {
        free(buf);
        return 0;
    }
    ss_cert_row rows[4];
    int nrows = (int)(size % 5);
    for (int i = 0; i < nrows; i++)
        rows[i] = (ss_cert_row){.date = "2026-11-29", .title = piece[4 + i], .org_name = piece[8 + (i % 4)],
                                .minutes = (long)(size * 37 % 100000)};
    ss_cert_doc doc = {.name = piece[2],
                       .id_number_masked = "110***********123X",
                       .volunteer_number = "VHQKRDK36V31",
                       .period = size % 2 ? piece[3] : NULL,
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
