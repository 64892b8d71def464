/* libFuzzer target: the session-token verifier (libjwt 1.10 under it, HS256 pinned, claims
 * checked by hand). The input's shape picks what is fuzzed, so that an input costs one
 * verification (the round trip: one signing and two):
 *   two dots or more, "h.p.s": verified as it is (forged, malformed, "none" or other-algorithm
 *          tokens). Nothing signed with another key verifies, except by finding the HMAC.
 *   one dot, "h.p": the harness signs "h.p" with the key, as a holder of the key would, and
 *          verifies "h.p.<HMAC-SHA256>": this reaches the algorithm pin and the claim checks
 *          with any header and payload, which a forged signature never does.
 *   no dot: the round trip: a token signed for a user id and a sid taken from the input
 *          verifies (when the id is positive), and the same token with one character changed
 *          (at a place the input picks) does not.
 * Whatever verifies must carry what ss_jwt_verify promises, checked again here from the
 * token's own text: alg HS256, our iss and aud, a positive integer sub, a 32-hex-digit sid,
 * exp after now and after iat, iat not after now + leeway.
 * The HMAC key is set up once (LLVMFuzzerInitialize); each input only copies the keyed state.
 * The verifier has a memo of the tokens it verified (as in the app): a token one character off
 * one it holds, the round trip's second token, must still be verified in full and refused. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "auth/jwt.h"
#include "http/errors.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NOW ((time_t)1795300000)

static const unsigned char key[] = "fuzz-key-fuzz-key-fuzz-key-fuzz-key!";
static ss_jwt_keys keys = {key, sizeof key - 1, "sanshe", "sanshe-miniprogram", NULL};   /* + a memo */
static EVP_MAC_CTX *keyed;   /* HMAC-SHA256 with key, ready for data */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (!mac) __builtin_trap();
    keyed = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, "SHA256", 0),
                           OSSL_PARAM_construct_end()};
    if (!keyed || !EVP_MAC_init(keyed, key, sizeof key - 1, params)) __builtin_trap();
    if (!(keys.memo = ss_jwt_memo_create())) __builtin_trap();
    return 0;
}

/* base64url without padding of in[0..n) into out (4 * ceil(n / 3) + 1 bytes); its length. */
static size_t b64url(const unsigned char *in, size_t n, char *out)
{
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    while (len > 0 && out[len - 1] == '=') len--;
    out[len] = '\0';
    for (int i = 0; i < len; i++) out[i] = out[i] == '+' ? '-' : out[i] == '/' ? '_' : out[i];
    return (size_t)len;
}

/* Strict base64url (no padding, no other characters) of s[0..n) as a NUL-terminated malloc'd
 * string, or NULL. */
static char *unb64url(const char *s, size_t n)
{
    if (n % 4 == 1) return NULL;
    char *t = malloc(n + 4), *out = malloc(n + 4);
    if (!t || !out) goto fail;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) goto fail;
        t[i] = c;
    }
    size_t m = n;
    while (m % 4) t[m++] = '=';
    int len = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)t, (int)m);
    if (len < 0) goto fail;
    len -= (int)(m - n);   /* EVP_DecodeBlock counts the padding as zero bytes */
    out[len] = '\0';
    free(t);
    return out;
fail:
    free(t);
    free(out);
    return NULL;
}

static json_t *segment_json(const char *s, size_t n)
{
    char *text = unb64url(s, n);
    json_t *j = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return j;
}

static int is_hex_sid(const char *s)
{
    if (!s || strlen(s) != SS_SID_LEN) return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f'))) return 0;
    return 1;
}

/* tok verified into c at now: what it says must be what the verifier promises. A header or
 * payload this strict decoder cannot read was read by libjwt's more lenient one: only the
 * claims ss_jwt_verify returned are checked then. */
static void check_verified(const char *tok, const ss_jwt_claims *c, time_t now)
{
    if (c->user_id <= 0 || !is_hex_sid(c->sid) || c->exp <= now || c->exp <= c->iat ||
        c->iat > now + SS_JWT_LEEWAY_S)
        __builtin_trap();
    const char *d1 = strchr(tok, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.')) __builtin_trap();
    json_t *h = segment_json(tok, (size_t)(d1 - tok)), *p = segment_json(d1 + 1, (size_t)(d2 - d1 - 1));
    if (h && !(json_is_string(json_object_get(h, "alg")) &&
               strcmp(json_string_value(json_object_get(h, "alg")), "HS256") == 0))
        __builtin_trap();
    if (p) {
        json_t *iss = json_object_get(p, "iss"), *aud = json_object_get(p, "aud"), *sub = json_object_get(p, "sub"),
               *sid = json_object_get(p, "sid"), *exp = json_object_get(p, "exp"), *iat = json_object_get(p, "iat");
        if (!json_is_string(iss) || strcmp(json_string_value(iss), keys.issuer) != 0) __builtin_trap();
        if (!json_is_string(aud) || strcmp(json_string_value(aud), keys.audience) != 0) __builtin_trap();
        if (!json_is_integer(sub) || json_integer_value(sub) != c->user_id) __builtin_trap();
        if (!json_is_string(sid) || strcmp(json_string_value(sid), c->sid) != 0) __builtin_trap();
        if (!json_is_integer(exp) || json_integer_value(exp) != c->exp) __builtin_trap();
        if (!json_is_integer(iat) || json_integer_value(iat) != c->iat) __builtin_trap();
    }
    json_decref(h);
    json_decref(p);
}

static void verify_as_is(const char *tok)
{
    ss_jwt_claims c;
    if (ss_jwt_verify(&keys, tok, NOW, &c) == SS_OK) check_verified(tok, &c, NOW);
}

/* "h.p" -> "h.p.<base64url HMAC-SHA256(key, "h.p")>", verified */
static void verify_signed_here(const char *hp, size_t n)
{
    unsigned char sig[EVP_MAX_MD_SIZE];
    size_t siglen = 0;
    EVP_MAC_CTX *m = EVP_MAC_CTX_dup(keyed);
    if (!m || !EVP_MAC_update(m, (const unsigned char *)hp, n) || !EVP_MAC_final(m, sig, &siglen, sizeof sig))
        __builtin_trap();
    EVP_MAC_CTX_free(m);
    char *tok = malloc(n + 1 + 4 * ((siglen + 2) / 3) + 1);
    if (!tok) return;
    memcpy(tok, hp, n);
    tok[n] = '.';
    b64url(sig, siglen, tok + n + 1);
    verify_as_is(tok);
    free(tok);
}

/* The round trip for a user id and sid from data. */
static void round_trip(const uint8_t *data, size_t size)
{
    long long uid = 0;
    for (size_t i = 0; i < size && i < 8; i++) uid = (long long)((unsigned long long)uid << 8 | data[i]);
    char sid[SS_SID_LEN + 1];
    for (int i = 0; i < SS_SID_LEN; i++) sid[i] = "0123456789abcdef"[size ? data[i % size] & 15 : 0];
    sid[SS_SID_LEN] = '\0';
    char *tok = NULL;
    if (ss_jwt_sign(&keys, uid, sid, NOW, 60, &tok) != SS_OK) __builtin_trap();
    ss_jwt_claims c;
    int rc = ss_jwt_verify(&keys, tok, NOW + 10, &c);
    if ((rc == SS_OK) != (uid > 0)) __builtin_trap();
    if (rc == SS_OK) {
        check_verified(tok, &c, NOW + 10);
        if (c.user_id != uid || strcmp(c.sid, sid) != 0 || c.iat != NOW || c.exp != NOW + 60) __builtin_trap();
        /* libjwt compares the signature as text over the token's own text: any change refuses */
        size_t n = strlen(tok), at = size ? data[size - 1] * 31u % n : 0;
        tok[at] = tok[at] == 'A' ? 'B' : 'A';
        if (ss_jwt_verify(&keys, tok, NOW + 10, &c) == SS_OK) __builtin_trap();
    }
    free(tok);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > SS_JWT_MAX_LEN + 16) return 0;   /* longer tokens are refused before parsing */
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t dots = 0;
    for (size_t i = 0; i < size; i++) dots += data[i] == '.';
    if (dots >= 2) verify_as_is(text);
    else if (dots == 1) verify_signed_here(text, strlen(text));
    else round_trip(data, size);
    free(text);
    return 0;
}
