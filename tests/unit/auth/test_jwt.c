/* Unit tests for session tokens (auth/jwt.h), against the header's contract and RFC 8725:
 * a sign/verify round trip, then one defect at a time in otherwise valid tokens made with
 * libjwt or by hand (alg none, other HMACs, tampering, each claim missing or wrong). The
 * whole group runs twice: without a memo, then with one, where every token is verified
 * twice (a valid one the second time from the memo) and must get the same answer; then the
 * memo's own cases (expiry after it was memoized, a byte off, threads). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth/jwt.h"
#include "http/errors.h"

#define NOW ((time_t)1795222800)   /* 2026-11-21T01:00:00Z */
#define TTL 7200
#define SID "0123456789abcdef0123456789abcdef"
#define ISS "sanshe"
#define AUD "sanshe-miniprogram"

static const unsigned char key_a[] = "test-key-A-0123456789-0123456789-abcdef";
static const unsigned char key_b[] = "test-key-B-0123456789-0123456789-abcdef";
#define KEYLEN (sizeof key_a - 1)

static ss_jwt_keys keys = {key_a, KEYLEN, ISS, AUD, NULL};   /* .memo set for the second run */

/* How ss_jwt_sign writes sub (JSON string or integer), found in group setup so that the
 * hand-made tokens differ from real ones only in the claim a test varies. */
static int sub_is_string;

/* Claims of a hand-made token. Pointers left NULL and flags in `omit` drop a claim. */
enum { OMIT_SUB = 1, OMIT_IAT = 2, OMIT_EXP = 4 };
typedef struct {
    const char *iss, *aud, *sid;
    long long sub;
    const char *sub_raw;     /* if set, sub is this JSON string instead of the number */
    long iat, exp;
    int omit;
    const char *pad;         /* extra "pad" claim, to make long tokens */
    jwt_alg_t alg;
    const unsigned char *key;
    size_t keylen;
} tok;

static tok valid_tok(void)
{
    tok t = {ISS, AUD, SID, 42, NULL, (long)NOW, (long)NOW + TTL, 0, NULL, JWT_ALG_HS256, key_a, KEYLEN};
    return t;
}

/* Builds and signs a token with libjwt. Returns malloc'd text; free() it. */
static char *make_token(const tok *t)
{
    jwt_t *j = NULL;
    assert_int_equal(jwt_new(&j), 0);
    if (t->iss) assert_int_equal(jwt_add_grant(j, "iss", t->iss), 0);
    if (t->aud) assert_int_equal(jwt_add_grant(j, "aud", t->aud), 0);
    if (t->sid) assert_int_equal(jwt_add_grant(j, "sid", t->sid), 0);
    if (!(t->omit & OMIT_SUB)) {
        if (t->sub_raw) {
            assert_int_equal(jwt_add_grant(j, "sub", t->sub_raw), 0);
        } else if (sub_is_string) {
            char buf[32];
            snprintf(buf, sizeof buf, "%lld", t->sub);
            assert_int_equal(jwt_add_grant(j, "sub", buf), 0);
        } else {
            assert_int_equal(jwt_add_grant_int(j, "sub", (long)t->sub), 0);
        }
    }
    if (!(t->omit & OMIT_IAT)) assert_int_equal(jwt_add_grant_int(j, "iat", t->iat), 0);
    if (!(t->omit & OMIT_EXP)) assert_int_equal(jwt_add_grant_int(j, "exp", t->exp), 0);
    if (t->pad) assert_int_equal(jwt_add_grant(j, "pad", t->pad), 0);
    assert_int_equal(jwt_set_alg(j, t->alg, t->key, (int)t->keylen), 0);
    char *s = jwt_encode_str(j);
    assert_non_null(s);
    jwt_free(j);
    return s;
}

static char *b64url(const void *data, size_t n)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const unsigned char *p = data;
    char *out = malloc(n * 4 / 3 + 4);
    size_t o = 0, i = 0;
    for (; i + 2 < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = abc[v >> 6 & 63];
        out[o++] = abc[v & 63];
    }
    if (n - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
    } else if (n - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        out[o++] = abc[v >> 18 & 63];
        out[o++] = abc[v >> 12 & 63];
        out[o++] = abc[v >> 6 & 63];
    }
    out[o] = '\0';
    return out;
}

/* The JSON payload of valid_tok(), written by hand. */
static void valid_payload(char *out, size_t n)
{
    if (sub_is_string)
        snprintf(out, n, "{\"aud\":\"%s\",\"exp\":%ld,\"iat\":%ld,\"iss\":\"%s\",\"sid\":\"%s\",\"sub\":\"42\"}", AUD,
                 (long)NOW + TTL, (long)NOW, ISS, SID);
    else
        snprintf(out, n, "{\"aud\":\"%s\",\"exp\":%ld,\"iat\":%ld,\"iss\":\"%s\",\"sid\":\"%s\",\"sub\":42}", AUD,
                 (long)NOW + TTL, (long)NOW, ISS, SID);
}

/* Builds header.payload.sig from raw JSON; sig is given raw (already base64url) or, when
 * NULL, is the HS256 HMAC of the first two segments under key_a. Returns malloc'd text. */
static char *hand_token(const char *header_json, const char *payload_json, const char *sig)
{
    char *h = b64url(header_json, strlen(header_json));
    char *p = b64url(payload_json, strlen(payload_json));
    size_t n = strlen(h) + strlen(p) + 2 + 128;
    char *out = malloc(n);
    snprintf(out, n, "%s.%s", h, p);
    if (sig) {
        strcat(out, ".");
        strcat(out, sig);
    } else {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned maclen = 0;
        assert_non_null(HMAC(EVP_sha256(), key_a, (int)KEYLEN, (const unsigned char *)out, strlen(out), mac, &maclen));
        char *m = b64url(mac, maclen);
        strcat(out, ".");
        strcat(out, m);
        free(m);
    }
    free(h);
    free(p);
    return out;
}

/* With a memo, each token is verified twice: the second answer must be the first's. */
static void expect_ok(const char *token, time_t now)
{
    for (int round = 0; round < (keys.memo ? 2 : 1); round++) {
        ss_jwt_claims c;
        memset(&c, 0, sizeof c);
        int rc = ss_jwt_verify(&keys, token, now, &c);
        if (rc != 0) fail_msg("refused a valid token (%d, round %d): %s", rc, round, token);
    }
}

static void expect_refused(const char *token, time_t now)
{
    for (int round = 0; round < (keys.memo ? 2 : 1); round++) {
        ss_jwt_claims c;
        memset(&c, 0, sizeof c);
        int rc = ss_jwt_verify(&keys, token, now, &c);
        if (rc != SS_EUNAUTH) fail_msg("got %d, want SS_EUNAUTH (round %d) for: %s", rc, round, token);
    }
}

/* Makes a token from t, expects it refused at NOW, frees it. */
static void refuse_tok(const tok *t)
{
    char *s = make_token(t);
    expect_refused(s, NOW);
    free(s);
}

static int group_setup(void **state)
{
    (void)state;
    char *s = NULL;
    jwt_t *j = NULL;
    if (ss_jwt_sign(&keys, 42, SID, NOW, TTL, &s) != 0 || !s) return -1;
    if (jwt_decode(&j, s, key_a, (int)KEYLEN) != 0) {
        free(s);
        return -1;
    }
    sub_is_string = jwt_get_grant(j, "sub") != NULL;
    jwt_free(j);
    free(s);
    return 0;
}

static void test_sign_verify_round_trip(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(ss_jwt_sign(&keys, 123456789012LL, SID, NOW, TTL, &s), 0);
    assert_non_null(s);
    assert_true(strlen(s) < SS_JWT_MAX_LEN);
    ss_jwt_claims c;
    memset(&c, 0, sizeof c);
    assert_int_equal(ss_jwt_verify(&keys, s, NOW, &c), 0);
    assert_true(c.user_id == 123456789012LL);
    assert_string_equal(c.sid, SID);
    assert_int_equal(c.iat, NOW);
    assert_int_equal(c.exp, NOW + TTL);
    expect_ok(s, NOW + TTL - 1);
    expect_refused(s, NOW + TTL + 1);
    expect_refused(s, NOW + 10 * TTL);
    free(s);
}

static void test_signed_token_shape(void **state)
{
    (void)state;
    char *s = NULL;
    jwt_t *j = NULL;
    assert_int_equal(ss_jwt_sign(&keys, 7, SID, NOW, TTL, &s), 0);
    assert_int_equal(jwt_decode(&j, s, key_a, (int)KEYLEN), 0);
    assert_int_equal(jwt_get_alg(j), JWT_ALG_HS256);
    assert_string_equal(jwt_get_grant(j, "iss"), ISS);
    assert_string_equal(jwt_get_grant(j, "aud"), AUD);
    assert_string_equal(jwt_get_grant(j, "sid"), SID);
    assert_int_equal(jwt_get_grant_int(j, "iat"), (long)NOW);
    assert_int_equal(jwt_get_grant_int(j, "exp"), (long)NOW + TTL);
    jwt_free(j);
    /* Not verifiable under another key. */
    j = NULL;
    assert_int_not_equal(jwt_decode(&j, s, key_b, (int)KEYLEN), 0);
    free(s);
}

static void test_hand_made_baseline_accepted(void **state)
{
    (void)state;
    tok t = valid_tok();
    char *s = make_token(&t);
    ss_jwt_claims c;
    memset(&c, 0, sizeof c);
    assert_int_equal(ss_jwt_verify(&keys, s, NOW, &c), 0);
    assert_int_equal(c.user_id, 42);
    assert_string_equal(c.sid, SID);
    assert_int_equal(c.exp, NOW + TTL);
    free(s);
    /* The hand-built HS256 path is right too, so its refusals below mean something. */
    char payload[512];
    valid_payload(payload, sizeof payload);
    s = hand_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, NULL);
    expect_ok(s, NOW);
    free(s);
}

/* "alg" is case-sensitive (RFC 7515): "Hs256" and "hs256", HMAC-SHA256 under the right key,
 * are refused (libjwt 1.10 takes them for HS256; found by fuzz_jwt). */
static void test_alg_case(void **state)
{
    (void)state;
    const char *algs[] = {"Hs256", "hs256", "HS256 ", "hS256"};
    char payload[512], header[64];
    valid_payload(payload, sizeof payload);
    for (size_t i = 0; i < sizeof algs / sizeof algs[0]; i++) {
        snprintf(header, sizeof header, "{\"alg\":\"%s\",\"typ\":\"JWT\"}", algs[i]);
        char *s = hand_token(header, payload, NULL);
        expect_refused(s, NOW);
        free(s);
    }
}

/* iat, exp and sub are JSON integers: a real or a string is refused, not read as 0 (libjwt
 * 1.10 reads them so; fuzz_jwt found "iat": 17952999.0 accepted as issued at 0). */
static void test_claims_not_integers(void **state)
{
    (void)state;
    char exp[32], iat[32];
    snprintf(exp, sizeof exp, "%ld", (long)NOW + TTL);
    snprintf(iat, sizeof iat, "%ld", (long)NOW);
    struct { const char *exp, *iat_fmt, *sub; } bad[] = {
        {exp, "%s.0", "42"}, {exp, "\"%s\"", "42"}, {exp, "%s.5e0", "42"}, {exp, "[%s]", "42"},
        {NULL, "%s", "42"},   /* exp as a real */
        {exp, "%s", "42.0"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char e[40], t[40], payload[512];
        snprintf(e, sizeof e, bad[i].exp ? "%s" : "%s.0", exp);
        snprintf(t, sizeof t, bad[i].iat_fmt, iat);
        snprintf(payload, sizeof payload, "{\"aud\":\"%s\",\"exp\":%s,\"iat\":%s,\"iss\":\"%s\",\"sid\":\"%s\",\"sub\":%s}",
                 AUD, e, t, ISS, SID, bad[i].sub);
        char *s = hand_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, NULL);
        expect_refused(s, NOW);
        free(s);
    }
}

static void test_expired(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.iat = (long)NOW - 100;
    t.exp = (long)NOW - 1;
    refuse_tok(&t);
    t.exp = (long)NOW - 86400;
    refuse_tok(&t);
    t.exp = (long)NOW + 1;   /* control */
    char *s = make_token(&t);
    expect_ok(s, NOW);
    expect_refused(s, NOW + 2);
    free(s);
}

static void test_missing_exp(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.omit = OMIT_EXP;
    refuse_tok(&t);
}

static void test_wrong_key(void **state)
{
    (void)state;
    ss_jwt_keys other = keys;
    other.key = key_b;
    other.memo = NULL;   /* a memo serves one set of keys */
    char *s = NULL;
    assert_int_equal(ss_jwt_sign(&other, 42, SID, NOW, TTL, &s), 0);
    expect_refused(s, NOW);
    free(s);
    tok t = valid_tok();
    t.key = key_b;
    refuse_tok(&t);
    /* A key that is a prefix of the right one. */
    t.key = key_a;
    t.keylen = KEYLEN - 1;
    refuse_tok(&t);
}

static void test_wrong_audience(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.aud = "sanshe-admin";
    refuse_tok(&t);
    t.aud = "";
    refuse_tok(&t);
    t.aud = AUD "x";
    refuse_tok(&t);
    t.aud = NULL;
    refuse_tok(&t);
}

static void test_wrong_issuer(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.iss = "someone-else";
    refuse_tok(&t);
    t.iss = "sansh";
    refuse_tok(&t);
    t.iss = NULL;
    refuse_tok(&t);
}

static void test_alg_none(void **state)
{
    (void)state;
    char payload[512];
    valid_payload(payload, sizeof payload);
    char *s = hand_token("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, "");
    expect_refused(s, NOW);
    free(s);
    s = hand_token("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, "c2lnbmF0dXJlLWdhcmJhZ2UtZ2FyYmFnZQ");
    expect_refused(s, NOW);
    free(s);
    /* Even with a correct HS256 MAC attached, a header that says none is refused. */
    s = hand_token("{\"alg\":\"none\",\"typ\":\"JWT\"}", payload, NULL);
    expect_refused(s, NOW);
    free(s);
    s = hand_token("{\"alg\":\"None\",\"typ\":\"JWT\"}", payload, "");
    expect_refused(s, NOW);
    free(s);
    /* No alg at all. */
    s = hand_token("{\"typ\":\"JWT\"}", payload, NULL);
    expect_refused(s, NOW);
    free(s);
}

static void test_other_hmac_algs(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.alg = JWT_ALG_HS512;
    refuse_tok(&t);
    t.alg = JWT_ALG_HS384;
    refuse_tok(&t);
}

/* Returns a copy of token with one character of segment seg (0..2) changed. */
static char *flip(const char *token, int seg)
{
    char *s = strdup(token);
    char *start = s;
    for (int i = 0; i < seg; i++) start = strchr(start, '.') + 1;
    char *end = strchr(start, '.');
    size_t len = end ? (size_t)(end - start) : strlen(start);
    char *c = start + len / 2;   /* the middle: never a last character with spare bits */
    *c = *c == 'A' ? 'B' : 'A';
    return s;
}

static void test_tampered(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(ss_jwt_sign(&keys, 42, SID, NOW, TTL, &s), 0);
    expect_ok(s, NOW);
    for (int seg = 0; seg < 3; seg++) {
        char *bad = flip(s, seg);
        assert_string_not_equal(bad, s);
        expect_refused(bad, NOW);
        free(bad);
    }
    /* Signature removed, truncated or extended. */
    char *cut = strdup(s);
    *(strrchr(cut, '.') + 1) = '\0';
    expect_refused(cut, NOW);
    *strrchr(cut, '.') = '\0';
    expect_refused(cut, NOW);
    free(cut);
    cut = strdup(s);
    cut[strlen(cut) - 2] = '\0';
    expect_refused(cut, NOW);
    free(cut);
    size_t n = strlen(s);
    char *longer = malloc(n + 4);
    memcpy(longer, s, n);
    memcpy(longer + n, "AAA", 4);
    expect_refused(longer, NOW);
    memcpy(longer + n, ".AA", 4);
    expect_refused(longer, NOW);
    free(longer);
    free(s);
}

static void test_issued_in_future(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.iat = (long)NOW + 3600;
    t.exp = (long)NOW + 3600 + TTL;
    refuse_tok(&t);
    t.iat = (long)NOW + SS_JWT_LEEWAY_S + 5;
    t.exp = t.iat + TTL;
    refuse_tok(&t);
    /* Within the allowed skew: accepted. */
    t.iat = (long)NOW + SS_JWT_LEEWAY_S / 2;
    t.exp = t.iat + TTL;
    char *s = make_token(&t);
    expect_ok(s, NOW);
    free(s);
}

static void test_bad_sid(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.sid = NULL;
    refuse_tok(&t);
    t.sid = "";
    refuse_tok(&t);
    t.sid = "0123456789abcdef0123456789abcde";     /* 31 */
    refuse_tok(&t);
    t.sid = "0123456789abcdef0123456789abcdef0";   /* 33 */
    refuse_tok(&t);
    t.sid = "0123456789abcdef0123456789abcdeg";    /* not hex */
    refuse_tok(&t);
    t.sid = "0123456789abcdef/123456789abcdef";
    refuse_tok(&t);
    t.sid = "0123456789abcdef 123456789abcdef";
    refuse_tok(&t);
}

static void test_bad_sub(void **state)
{
    (void)state;
    tok t = valid_tok();
    t.omit = OMIT_SUB;
    refuse_tok(&t);
    t.omit = 0;
    t.sub = 0;
    refuse_tok(&t);
    t.sub = -1;
    refuse_tok(&t);
    t.sub = -42;
    refuse_tok(&t);
    t.sub = 42;
    t.sub_raw = "abc";
    refuse_tok(&t);
    t.sub_raw = "";
    refuse_tok(&t);
    t.sub_raw = "42abc";
    refuse_tok(&t);
    t.sub_raw = "-42";
    refuse_tok(&t);
}

static void test_too_long(void **state)
{
    (void)state;
    char pad[SS_JWT_MAX_LEN + 1];
    tok t = valid_tok();
    /* Control: an unknown claim under the limit is fine. */
    memset(pad, 'p', 1000);
    pad[1000] = '\0';
    t.pad = pad;
    char *s = make_token(&t);
    assert_true(strlen(s) < SS_JWT_MAX_LEN);
    expect_ok(s, NOW);
    free(s);
    /* Valid in every way but its length. */
    memset(pad, 'p', SS_JWT_MAX_LEN);
    pad[SS_JWT_MAX_LEN] = '\0';
    s = make_token(&t);
    assert_true(strlen(s) > SS_JWT_MAX_LEN);
    expect_refused(s, NOW);
    free(s);
}

static void test_malformed(void **state)
{
    (void)state;
    const char *bad[] = {
        "", "a", "a.b", "...", "..", ".", "a.b.c", "a.b.c.d", "!!!.???.***",
        "eyJhbGciOiJIUzI1NiJ9", "eyJhbGciOiJIUzI1NiJ9..", "Bearer x.y.z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) expect_refused(bad[i], NOW);
    /* A header and payload that are not JSON objects, correctly signed. */
    char *s = hand_token("[\"HS256\"]", "{}", NULL);
    expect_refused(s, NOW);
    free(s);
    s = hand_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "not json", NULL);
    expect_refused(s, NOW);
    free(s);
    s = hand_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", "[1,2]", NULL);
    expect_refused(s, NOW);
    free(s);
}

/* ---------------------------------------------------------------- the memo's own cases */
static int memo_setup(void **state)
{
    if (group_setup(state)) return -1;
    keys.memo = ss_jwt_memo_create();
    return keys.memo ? 0 : -1;
}

static int memo_teardown(void **state)
{
    (void)state;
    ss_jwt_memo_free(keys.memo);
    keys.memo = NULL;
    return 0;
}

/* The second verification of a token comes from the memo, with the same claims. */
static void test_memo_hit_same_claims(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(ss_jwt_sign(&keys, 777, SID, NOW, TTL, &s), 0);
    unsigned long before = ss_jwt_memo_hits(keys.memo);
    ss_jwt_claims a, b;
    assert_int_equal(ss_jwt_verify(&keys, s, NOW, &a), 0);
    assert_int_equal(ss_jwt_memo_hits(keys.memo), before);
    assert_int_equal(ss_jwt_verify(&keys, s, NOW + 1, &b), 0);
    assert_int_equal(ss_jwt_memo_hits(keys.memo), before + 1);
    assert_true(b.user_id == 777 && a.user_id == 777);
    assert_string_equal(b.sid, SID);
    assert_int_equal(b.iat, a.iat);
    assert_int_equal(b.exp, a.exp);
    free(s);
}

/* A memoized token still expires, and one issued "in the future" is still refused then. */
static void test_memo_times_checked_again(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(ss_jwt_sign(&keys, 778, SID, NOW, TTL, &s), 0);
    expect_ok(s, NOW);
    expect_refused(s, NOW + TTL);
    expect_refused(s, NOW + TTL + 1);
    expect_refused(s, NOW - SS_JWT_LEEWAY_S - 1);
    expect_ok(s, NOW + TTL - 1);
    free(s);
}

/* A token one byte off a memoized one, or a prefix of it, is verified in full and refused. */
static void test_memo_byte_off(void **state)
{
    (void)state;
    char *s = NULL;
    assert_int_equal(ss_jwt_sign(&keys, 779, SID, NOW, TTL, &s), 0);
    expect_ok(s, NOW);
    size_t n = strlen(s);
    size_t at[] = {0, n / 3, n / 2, n - 2, n - 1};
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        char *t = strdup(s);
        t[at[i]] = t[at[i]] == 'A' ? 'B' : 'A';
        expect_refused(t, NOW);
        free(t);
    }
    char *t = strndup(s, n - 1);
    expect_refused(t, NOW);
    free(t);
    expect_ok(s, NOW);
    free(s);
}

/* Half as many people as slots, each verified twice: the second round comes from the memo for
 * at least 90 % of them (sets of 4 keep collisions rare; one slot per token would give ~60 %). */
static void test_memo_holds_many(void **state)
{
    (void)state;
    enum { N = SS_JWT_MEMO_SLOTS / 2 };
    static char *t[N];
    for (int i = 0; i < N; i++) assert_int_equal(ss_jwt_sign(&keys, 5000 + i, SID, NOW, TTL, &t[i]), 0);
    ss_jwt_claims c;
    for (int i = 0; i < N; i++) assert_int_equal(ss_jwt_verify(&keys, t[i], NOW, &c), 0);
    unsigned long before = ss_jwt_memo_hits(keys.memo);
    for (int i = 0; i < N; i++) {
        assert_int_equal(ss_jwt_verify(&keys, t[i], NOW, &c), 0);
        assert_true(c.user_id == 5000 + i);
    }
    unsigned long hits = ss_jwt_memo_hits(keys.memo) - before;
    if (hits < N * 9 / 10) fail_msg("%lu of %d from the memo", hits, N);
    for (int i = 0; i < N; i++) free(t[i]);
}

/* Threads verifying valid and tampered tokens that share slots get each answer right. */
#define MT_TOKENS 64
#define MT_THREADS 8
static char *mt_tokens[MT_TOKENS];
static int mt_wrong;

static void *mt_worker(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (int i = 0; i < 20000; i++) {
        int k = (int)(rand_r(&seed) % MT_TOKENS);
        ss_jwt_claims c;
        int rc = ss_jwt_verify(&keys, mt_tokens[k], NOW, &c);
        int want_ok = k % 2 == 0;
        if (want_ok ? (rc != 0 || c.user_id != 1000 + k) : rc != SS_EUNAUTH) __atomic_add_fetch(&mt_wrong, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void test_memo_threads(void **state)
{
    (void)state;
    for (int k = 0; k < MT_TOKENS; k++) {
        assert_int_equal(ss_jwt_sign(&keys, 1000 + k, SID, NOW, TTL, &mt_tokens[k]), 0);
        if (k % 2) {   /* odd ones: the signature's last character changed */
            size_t n = strlen(mt_tokens[k]);
            mt_tokens[k][n - 2] = mt_tokens[k][n - 2] == 'x' ? 'y' : 'x';
        }
    }
    pthread_t t[MT_THREADS];
    unsigned long before = ss_jwt_memo_hits(keys.memo);
    for (int i = 0; i < MT_THREADS; i++) assert_int_equal(pthread_create(&t[i], NULL, mt_worker, (void *)(uintptr_t)(i + 1)), 0);
    for (int i = 0; i < MT_THREADS; i++) pthread_join(t[i], NULL);
    assert_int_equal(mt_wrong, 0);
    assert_true(ss_jwt_memo_hits(keys.memo) > before);   /* the valid ones came from the memo */
    for (int k = 0; k < MT_TOKENS; k++) free(mt_tokens[k]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sign_verify_round_trip),
        cmocka_unit_test(test_signed_token_shape),
        cmocka_unit_test(test_hand_made_baseline_accepted),
        cmocka_unit_test(test_claims_not_integers),
        cmocka_unit_test(test_alg_case),
        cmocka_unit_test(test_expired),
        cmocka_unit_test(test_missing_exp),
        cmocka_unit_test(test_wrong_key),
        cmocka_unit_test(test_wrong_audience),
        cmocka_unit_test(test_wrong_issuer),
        cmocka_unit_test(test_alg_none),
        cmocka_unit_test(test_other_hmac_algs),
        cmocka_unit_test(test_tampered),
        cmocka_unit_test(test_issued_in_future),
        cmocka_unit_test(test_bad_sid),
        cmocka_unit_test(test_bad_sub),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_malformed),
    };
    const struct CMUnitTest memo_tests[] = {
        cmocka_unit_test(test_memo_hit_same_claims),
        cmocka_unit_test(test_memo_times_checked_again),
        cmocka_unit_test(test_memo_byte_off),
        cmocka_unit_test(test_memo_holds_many),
        cmocka_unit_test(test_memo_threads),
    };
    int failed = cmocka_run_group_tests_name("without a memo", tests, group_setup, NULL);
    failed += cmocka_run_group_tests_name("with a memo", tests, memo_setup, memo_teardown);
    failed += cmocka_run_group_tests_name("the memo", memo_tests, memo_setup, memo_teardown);
    return failed;
}
