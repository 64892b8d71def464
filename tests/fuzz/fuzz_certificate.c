/* libFuzzer target: what a certificate and an offline attendance batch take from outside,
 * at full speed. The input is split at NUL bytes: the first piece is checked as a personal
 * volunteer code (a forged or mangled code must be refused, and a code made for the user it
 * names must be accepted), the second as an offline scan time. The PDF that carries people's
 * texts is fuzzed by fuzz_certificate_pdf, at the renderer's own pace (about a second an
 * input under ASan: pango lays out CJK text). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/checkin.h"
#include "pieces.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PIECES 12

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char key[32] = "fuzz-key-fuzz-key-fuzz-key-fuzz";
    char *buf;
    const char *piece[MAX_PIECES];
    if (fuzz_pieces(data, size, &buf, piece, MAX_PIECES)) return 0;

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

    free(buf);
    return 0;
}
