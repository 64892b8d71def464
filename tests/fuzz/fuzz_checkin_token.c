/* libFuzzer target: the check-in code verifier (both purposes) and the personal volunteer code
 * verifier. Nothing but a code we made may verify. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/checkin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                      17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *tok = malloc(size + 1);
    if (!tok) return 0;
    memcpy(tok, data, size);
    tok[size] = '\0';
    const time_t now = 1795300000;
    long long id = -1;
    ss_token_status st = ss_checkin_token_verify(key, sizeof key, tok, now, 30, &id);
    if (st == SS_TOKEN_OK) {
        /* it verified: it must be exactly what we would have made for that id now or 30 s ago */
        char a[SS_CHECKIN_TOKEN_MAX], b[SS_CHECKIN_TOKEN_MAX];
        time_t e;
        ss_checkin_token_make(key, sizeof key, id, now, 30, a, &e);
        ss_checkin_token_make(key, sizeof key, id, now - 30, 30, b, &e);
        if (id <= 0 || (strcmp(a, tok) != 0 && strcmp(b, tok) != 0)) __builtin_trap();
    } else if (st != SS_TOKEN_INVALID && st != SS_TOKEN_EXPIRED) {
        __builtin_trap();
    }
    if (ss_checkin_token_verify_for(key, sizeof key, SS_CODE_CHECKOUT, tok, now, 30, &id) == SS_TOKEN_OK) {
        char a[SS_CHECKIN_TOKEN_MAX], b[SS_CHECKIN_TOKEN_MAX];
        time_t e;
        ss_checkin_token_make_for(key, sizeof key, SS_CODE_CHECKOUT, id, now, 30, a, &e);
        ss_checkin_token_make_for(key, sizeof key, SS_CODE_CHECKOUT, id, now - 30, 30, b, &e);
        if (id <= 0 || (strcmp(a, tok) != 0 && strcmp(b, tok) != 0)) __builtin_trap();
    }
    long long uid = -1;
    long nonce = -1;
    if (ss_volunteer_token_verify(key, sizeof key, tok, &uid, &nonce)) {
        char v[SS_CHECKIN_TOKEN_MAX];
        ss_volunteer_token_make(key, sizeof key, uid, nonce, v);
        if (uid <= 0 || nonce < 0 || strcmp(v, tok) != 0) __builtin_trap();
    }
    free(tok);
    return 0;
}
