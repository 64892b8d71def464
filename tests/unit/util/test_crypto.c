/* Unit tests for util/crypto.c: base64url against a reference encoder, HMAC-SHA256
 * (RFC 4231), field encryption with key rotation, keyed hashes, random hex, hex, const_eq. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/arena.h"
#include "util/config.h"
#include "util/crypto.h"

#define KEY_A "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define KEY_B "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
#define KEY_C "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
#define HASH1 "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
#define HASH2 "A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEB0"

static const char B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Reference base64url without padding, written bit by bit apart from the code under test. */
static void ref_b64url(const unsigned char *in, size_t n, char *out)
{
    size_t o = 0, bits = 0;
    unsigned acc = 0;
    for (size_t i = 0; i < n; i++) {
        acc = (acc << 8) | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = B64URL[(acc >> bits) & 63];
        }
    }
    if (bits > 0) out[o++] = B64URL[(acc << (6 - bits)) & 63];
    out[o] = '\0';
}

static void hex_of(const unsigned char *in, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) sprintf(out + 2 * i, "%02x", in[i]);
}

/* Decodes a NUL-terminated string with plenty of room; returns the status. */
static int dec(const char *s, unsigned char *out, size_t *outlen)
{
    return ss_b64url_decode(s, strlen(s), out, 64, outlen);
}

static void b64_known(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } v[] = {{"", ""}, {"f", "Zg"}, {"fo", "Zm8"}, {"foo", "Zm9v"}, {"foob", "Zm9vYg"},
             {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}, {"\xfb\xff", "-_8"}, {"\xff\xff\xff", "____"},
             {"\xfb\xef\xbe", "----"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char enc[32];
        unsigned char raw[64];
        size_t n = strlen(v[i].in), got = 99;
        assert_int_equal(ss_b64url_encode((const unsigned char *)v[i].in, n, enc, sizeof enc), (int)strlen(v[i].out));
        assert_string_equal(enc, v[i].out);
        assert_int_equal(dec(v[i].out, raw, &got), 0);
        assert_int_equal(got, n);
        assert_memory_equal(raw, v[i].in, n);
    }
}

static void b64_round_trip(void **state)
{
    (void)state;
    unsigned char in[40], raw[64];
    char enc[64], want[64];
    uint32_t x = 2463534242u;
    for (size_t n = 0; n <= 40; n++) {
        for (size_t i = 0; i < n; i++) {   /* xorshift: every byte value, high bits included */
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            in[i] = (unsigned char)x;
        }
        ref_b64url(in, n, want);
        int len = ss_b64url_encode(in, n, enc, 4 * ((n + 2) / 3) + 1);   /* the documented room */
        assert_int_equal(len, (int)strlen(want));
        assert_string_equal(enc, want);
        assert_int_equal(len, (int)((n * 4 + 2) / 3));
        size_t got = 999;
        assert_int_equal(ss_b64url_decode(enc, (size_t)len, raw, sizeof raw, &got), 0);
        assert_int_equal(got, n);
        assert_memory_equal(raw, in, n);
    }
    /* all 256 byte values */
    unsigned char all[256], back[258];
    char big[400];
    for (int i = 0; i < 256; i++) all[i] = (unsigned char)i;
    int len = ss_b64url_encode(all, sizeof all, big, sizeof big);
    assert_int_equal(len, 342);
    size_t got;
    assert_int_equal(ss_b64url_decode(big, (size_t)len, back, sizeof back, &got), 0);
    assert_int_equal(got, 256);
    assert_memory_equal(back, all, 256);
}

static void b64_encode_room(void **state)
{
    (void)state;
    char out[16];
    memset(out, '#', sizeof out);
    assert_int_equal(ss_b64url_encode((const unsigned char *)"foo", 3, out, 4), -1);   /* needs 5 */
    assert_int_equal(out[0], '#');
    assert_int_equal(ss_b64url_encode((const unsigned char *)"foo", 3, out, 5), 4);
    assert_string_equal(out, "Zm9v");
}

static void b64_decode_refused(void **state)
{
    (void)state;
    unsigned char raw[64];
    size_t got = 77;
    assert_int_equal(dec("Zm9v+A", raw, &got), -1);   /* standard alphabet */
    assert_int_equal(dec("Zm9v/A", raw, &got), -1);
    assert_int_equal(dec("Zg==", raw, &got), -1);     /* padding */
    assert_int_equal(dec("Zm8=", raw, &got), -1);
    assert_int_equal(dec("Z", raw, &got), -1);        /* length % 4 == 1 */
    assert_int_equal(dec("Zm9vZ", raw, &got), -1);
    assert_int_equal(dec("Zm9vY", raw, &got), -1);
    assert_int_equal(dec("Zm.v", raw, &got), -1);     /* not in the alphabet */
    assert_int_equal(dec("Zm*v", raw, &got), -1);
    assert_int_equal(dec("Zm9\x80", raw, &got), -1);
    assert_int_equal(dec("Zm\xc3\xa9", raw, &got), -1);
    assert_int_equal(dec("Zm 9", raw, &got), -1);
    assert_int_equal(dec("Zm9v\tZm8", raw, &got), -1);
    assert_int_equal(got, 77);
    /* an embedded NUL inside the given length is not base64 either */
    assert_int_equal(ss_b64url_decode("Zm\0v", 4, raw, sizeof raw, &got), -1);
}

/* Whitespace is not in the alphabet, wherever it is; OpenSSL's decoder would skip it. */
static void b64_decode_whitespace_refused(void **state)
{
    (void)state;
    unsigned char raw[64];
    size_t got = 77;
    assert_int_equal(dec("    Zm9v", raw, &got), -1);
    assert_int_equal(dec("    Zg", raw, &got), -1);
    assert_int_equal(dec("Zm9v    ", raw, &got), -1);
    assert_int_equal(dec("Zm9v\n\n\n\n", raw, &got), -1);
    assert_int_equal(dec("\r\n\r\nZm9v", raw, &got), -1);
    assert_int_equal(got, 77);
}

/* Each byte string has one encoding: unused low bits of the last character must be zero. */
static void b64_decode_canonical_only(void **state)
{
    (void)state;
    unsigned char raw[64];
    size_t got = 77;
    assert_int_equal(dec("Zg", raw, &got), 0);
    assert_int_equal(dec("Zh", raw, &got), -1);
    assert_int_equal(dec("Zm8", raw, &got), 0);
    assert_int_equal(dec("Zm9", raw, &got), -1);
    assert_int_equal(dec("-_8", raw, &got), 0);
    assert_int_equal(dec("-_9", raw, &got), -1);
}

static void b64_decode_room(void **state)
{
    (void)state;
    unsigned char raw[16];
    size_t got = 77;
    memset(raw, 0xee, sizeof raw);
    /* 8 characters decode to 6 bytes: 5 is too little and nothing may be written */
    assert_int_equal(ss_b64url_decode("Zm9vYmFy", 8, raw, 5, &got), -1);
    assert_int_equal(got, 77);
    for (size_t i = 0; i < sizeof raw; i++) assert_int_equal(raw[i], 0xee);
    assert_int_equal(ss_b64url_decode("Zm9vYmFy", 8, raw, 6, &got), 0);
    assert_int_equal(got, 6);
    assert_memory_equal(raw, "foobar", 6);
    for (size_t i = 6; i < sizeof raw; i++) assert_int_equal(raw[i], 0xee);
    /* a partial group: whatever it needs as scratch, it stays within outcap */
    memset(raw, 0xee, sizeof raw);
    size_t cap = 0;
    while (ss_b64url_decode("Zm9vYg", 6, raw, cap, &got) != 0) {
        for (size_t i = 0; i < sizeof raw; i++) assert_int_equal(raw[i], 0xee);
        assert_true(++cap <= 6);
    }
    assert_int_equal(got, 4);
    assert_memory_equal(raw, "foob", 4);
    for (size_t i = cap; i < sizeof raw; i++) assert_int_equal(raw[i], 0xee);
    /* only inlen characters are read */
    assert_int_equal(ss_b64url_decode("Zm9v!!!!", 4, raw, sizeof raw, &got), 0);
    assert_int_equal(got, 3);
}

static void hmac_rfc4231(void **state)
{
    (void)state;
    unsigned char mac[32];
    char hex[65];
    /* test case 2 */
    ss_hmac_sha256((const unsigned char *)"Jefe", 4, "what do ya want for nothing?", 28, mac);
    hex_of(mac, 32, hex);
    assert_string_equal(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* test case 1 */
    unsigned char key[20];
    memset(key, 0x0b, sizeof key);
    ss_hmac_sha256(key, sizeof key, "Hi There", 8, mac);
    hex_of(mac, 32, hex);
    assert_string_equal(hex, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    /* test case 6: a key longer than the block size */
    unsigned char longkey[131];
    memset(longkey, 0xaa, sizeof longkey);
    const char *msg = "Test Using Larger Than Block-Size Key - Hash Key First";
    ss_hmac_sha256(longkey, sizeof longkey, msg, strlen(msg), mac);
    hex_of(mac, 32, hex);
    assert_string_equal(hex, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

/* Builds a config from defaults plus the given keys and loads it into *k. Returns the
 * status of ss_field_keys_load; err receives its message. */
static int load_keys(ss_field_keys *k, const char *field_key, const char *id, const char *retired,
                     const char *hash_key, char *err, size_t errlen)
{
    ss_config cfg;
    char e[256];
    ss_config_defaults(&cfg);
    assert_int_equal(ss_config_set(&cfg, "field_key", field_key, e, sizeof e), 0);
    assert_int_equal(ss_config_set(&cfg, "field_key_id", id, e, sizeof e), 0);
    assert_int_equal(ss_config_set(&cfg, "field_keys_retired", retired, e, sizeof e), 0);
    assert_int_equal(ss_config_set(&cfg, "hash_key", hash_key, e, sizeof e), 0);
    err[0] = '\0';
    int rc = ss_field_keys_load(k, &cfg, err, errlen);
    ss_config_dispose(&cfg);
    return rc;
}

static void keys(ss_field_keys *k, const char *field_key, const char *id, const char *retired)
{
    char err[256];
    if (load_keys(k, field_key, id, retired, HASH1, err, sizeof err) != 0) fail_msg("keys refused: %s", err);
}

static void field_round_trip(void **state)
{
    (void)state;
    ss_field_keys k;
    keys(&k, KEY_A, "1", "");
    ss_arena *a = ss_arena_create(4096);
    const char *plains[] = {"张三丰", "阿卜杜·热合曼", "11010519491231002X", "13812345678", "", "x"};
    for (size_t i = 0; i < sizeof plains / sizeof plains[0]; i++) {
        char *enc = NULL, *dec_out = NULL;
        assert_int_equal(ss_field_encrypt(&k, a, "real_name", plains[i], &enc), 0);
        assert_non_null(enc);
        assert_memory_equal(enc, "v1.1.", 5);
        const char *body = enc + 5;
        assert_int_equal(strspn(body, B64URL), strlen(body));
        assert_int_equal(strlen(body), ((12 + strlen(plains[i]) + 16) * 4 + 2) / 3);   /* iv + data + tag */
        if (strlen(plains[i]) >= 4) assert_null(strstr(enc, plains[i]));
        assert_int_equal(ss_field_decrypt(&k, a, "real_name", enc, &dec_out), 0);
        assert_string_equal(dec_out, plains[i]);
    }
    ss_arena_free(a);
}

static void field_limits(void **state)
{
    (void)state;
    ss_field_keys k;
    keys(&k, KEY_A, "1", "");
    ss_arena *a = ss_arena_create(4096);
    char big[1026], *enc, *out;
    /* whatever encrypts must decrypt, right up to the 1024-byte limit */
    for (size_t n = 1000; n <= 1024; n++) {
        memset(big, 'a', n);
        big[n] = '\0';
        assert_int_equal(ss_field_encrypt(&k, a, "note", big, &enc), 0);
        if (ss_field_decrypt(&k, a, "note", enc, &out) != 0) fail_msg("%zu bytes encrypt but do not decrypt", n);
        assert_string_equal(out, big);
    }
    memset(big, 'a', 1025);
    big[1025] = '\0';
    assert_int_equal(ss_field_encrypt(&k, a, "note", big, &enc), -1);
    ss_arena_free(a);
}

static void field_random_iv(void **state)
{
    (void)state;
    ss_field_keys k;
    keys(&k, KEY_A, "7", "");
    ss_arena *a = ss_arena_create(4096);
    char *e1, *e2, *p1, *p2;
    assert_int_equal(ss_field_encrypt(&k, a, "phone", "13812345678", &e1), 0);
    assert_int_equal(ss_field_encrypt(&k, a, "phone", "13812345678", &e2), 0);
    assert_memory_equal(e1, "v1.7.", 5);
    assert_memory_equal(e2, "v1.7.", 5);
    assert_string_not_equal(e1, e2);
    assert_memory_not_equal(e1 + 5, e2 + 5, 16);   /* the IV itself differs */
    assert_int_equal(ss_field_decrypt(&k, a, "phone", e1, &p1), 0);
    assert_int_equal(ss_field_decrypt(&k, a, "phone", e2, &p2), 0);
    assert_string_equal(p1, "13812345678");
    assert_string_equal(p2, "13812345678");
    ss_arena_free(a);
}

static void field_refused(void **state)
{
    (void)state;
    ss_field_keys k, other;
    keys(&k, KEY_A, "1", "");
    keys(&other, KEY_B, "1", "");
    ss_arena *a = ss_arena_create(4096);
    char *enc, *out = NULL, bad[256];
    assert_int_equal(ss_field_encrypt(&k, a, "real_name", "张三丰", &enc), 0);

    /* moved to another column */
    assert_int_equal(ss_field_decrypt(&k, a, "phone", enc, &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "real_nam", enc, &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "", enc, &out), -1);
    /* same id, different key */
    assert_int_equal(ss_field_decrypt(&other, a, "real_name", enc, &out), -1);

    /* any changed character of IV, ciphertext or tag (the last one's low bits carry nothing) */
    size_t n = strlen(enc);
    for (size_t i = 5; i + 1 < n; i++) {
        strcpy(bad, enc);
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        if (ss_field_decrypt(&k, a, "real_name", bad, &out) != -1) fail_msg("tampered at %zu accepted", i);
    }
    /* truncated, extended, emptied, bad prefix */
    snprintf(bad, sizeof bad, "%.*s", (int)n - 4, enc);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    snprintf(bad, sizeof bad, "%sAAAA", enc);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", "v1.1.", &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", "v1.1.AAAA", &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", "", &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", NULL, &out), -1);
    snprintf(bad, sizeof bad, "v2%s", enc + 2);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    snprintf(bad, sizeof bad, "v1.1%s", enc + 5);   /* separator missing */
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", "张三丰", &out), -1);   /* plaintext */

    /* unknown key ids */
    snprintf(bad, sizeof bad, "v1.9.%s", enc + 5);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    snprintf(bad, sizeof bad, "v1.0.%s", enc + 5);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    snprintf(bad, sizeof bad, "v1..%s", enc + 5);
    assert_int_equal(ss_field_decrypt(&k, a, "real_name", bad, &out), -1);
    assert_null(out);
    ss_arena_free(a);
}

static void field_rotation(void **state)
{
    (void)state;
    ss_field_keys old, now, later;
    keys(&old, KEY_A, "1", "");
    ss_arena *a = ss_arena_create(4096);
    char *e1, *e2, *e3, *out;
    assert_int_equal(ss_field_encrypt(&old, a, "id_number", "11010519491231002X", &e1), 0);

    keys(&now, KEY_B, "2", "1:" KEY_A);
    assert_int_equal(now.current_id, 2);
    assert_int_equal(now.nretired, 1);
    assert_int_equal(ss_field_decrypt(&now, a, "id_number", e1, &out), 0);   /* retired still reads */
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(ss_field_encrypt(&now, a, "id_number", "11010519491231002X", &e2), 0);
    assert_memory_equal(e2, "v1.2.", 5);                                    /* new data: new key */
    assert_int_equal(ss_field_decrypt(&now, a, "id_number", e2, &out), 0);
    assert_int_equal(ss_field_decrypt(&old, a, "id_number", e2, &out), -1); /* old config: unknown id */

    /* a second rotation keeps both older keys, upper-case hex too */
    keys(&later, KEY_C, "3", "1:" KEY_A ",2:" "FFEEDDCCBBAA99887766554433221100FFEEDDCCBBAA99887766554433221100");
    assert_int_equal(later.nretired, 2);
    assert_int_equal(ss_field_encrypt(&later, a, "id_number", "x y", &e3), 0);
    assert_memory_equal(e3, "v1.3.", 5);
    assert_int_equal(ss_field_decrypt(&later, a, "id_number", e1, &out), 0);
    assert_string_equal(out, "11010519491231002X");
    assert_int_equal(ss_field_decrypt(&later, a, "id_number", e2, &out), 0);
    assert_int_equal(ss_field_decrypt(&later, a, "id_number", e3, &out), 0);
    assert_string_equal(out, "x y");

    /* the key, not just the id, must match: id 1 bound to the wrong key reads nothing */
    ss_field_keys wrong;
    keys(&wrong, KEY_B, "2", "1:" KEY_C);
    assert_int_equal(ss_field_decrypt(&wrong, a, "id_number", e1, &out), -1);
    ss_arena_free(a);
}

static void keys_refused(void **state)
{
    (void)state;
    static const char *bad[] = {
        "1:" KEY_A,                   /* the current id */
        "x:" KEY_A,
        ":" KEY_A,
        "0:" KEY_A,
        "256:" KEY_A,
        "-2:" KEY_A,
        "2" KEY_A,                    /* no colon */
        "2:",
        "2:0011",                     /* short */
        "2:" KEY_A "0",               /* 65 digits */
        "2:" "00112233445566778899aabbccddeeff00112233445566778899aabbccddeefg",
        "2:" KEY_A ";3:" KEY_B,
        "2:" KEY_A " 3:" KEY_B,
        "2:" KEY_A ",3:",
        "2:" KEY_A ",,3:" KEY_B,
        ",",
        "2:" KEY_A ",3:" KEY_B ",4:" KEY_A ",5:" KEY_A ",6:" KEY_A ",7:" KEY_A ",8:" KEY_A ",9:" KEY_A
        ",10:" KEY_A,                 /* nine: more than SS_FIELD_MAX_RETIRED */
    };
    ss_field_keys k;
    char err[256];
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (load_keys(&k, KEY_B, "1", bad[i], HASH1, err, sizeof err) != -1) fail_msg("accepted: \"%s\"", bad[i]);
        assert_true(err[0] != '\0');
    }
    /* eight is the limit, and it is allowed */
    assert_int_equal(load_keys(&k, KEY_B, "1",
                               "2:" KEY_A ",3:" KEY_A ",4:" KEY_A ",5:" KEY_A ",6:" KEY_A ",7:" KEY_A ",8:" KEY_A
                               ",9:" KEY_A,
                               HASH1, err, sizeof err),
                     0);
    assert_int_equal(k.nretired, SS_FIELD_MAX_RETIRED);
    /* the main keys themselves */
    assert_int_equal(load_keys(&k, "", "1", "", HASH1, err, sizeof err), -1);
    assert_int_equal(load_keys(&k, KEY_A "0", "1", "", HASH1, err, sizeof err), -1);
    assert_int_equal(load_keys(&k, KEY_A, "1", "", "", err, sizeof err), -1);
    assert_int_equal(load_keys(&k, KEY_A, "1", "", "zz" KEY_A, err, sizeof err), -1);
    assert_true(err[0] != '\0');
}

/* Two retired keys under one id would leave the second unreachable: data under it unreadable. */
static void keys_duplicate_id_refused(void **state)
{
    (void)state;
    ss_field_keys k;
    char err[256];
    assert_int_equal(load_keys(&k, KEY_C, "3", "1:" KEY_A ",1:" KEY_B, HASH1, err, sizeof err), -1);
}

static void field_hash(void **state)
{
    (void)state;
    ss_field_keys k1, k2;
    char err[256], h1[65], h2[65], h3[65];
    assert_int_equal(load_keys(&k1, KEY_A, "1", "", HASH1, err, sizeof err), 0);
    assert_int_equal(load_keys(&k2, KEY_A, "1", "", HASH2, err, sizeof err), 0);
    ss_field_hash(&k1, "11010519491231002X", h1);
    ss_field_hash(&k1, "11010519491231002X", h2);
    assert_string_equal(h1, h2);                                   /* deterministic */
    assert_int_equal(strlen(h1), 64);
    assert_int_equal(strspn(h1, "0123456789abcdef"), 64);
    ss_field_hash(&k2, "11010519491231002X", h3);
    assert_string_not_equal(h1, h3);                               /* depends on hash_key */
    ss_field_hash(&k1, "11010519491231002x", h3);
    assert_string_not_equal(h1, h3);                               /* callers canonicalise first */
    /* it is HMAC-SHA256 under hash_key, and not under the field key */
    unsigned char hk[32], mac[32];
    char want[65];
    assert_int_equal(ss_hex_decode(HASH1, hk, 32), 0);
    ss_hmac_sha256(hk, 32, "11010519491231002X", 18, mac);
    hex_of(mac, 32, want);
    assert_string_equal(h1, want);
    ss_field_hash(&k1, "", h3);
    assert_int_equal(strlen(h3), 64);
}

static void random_hex(void **state)
{
    (void)state;
    char out[130], prev[130] = "";
    const size_t sizes[] = {0, 1, 16, 32, 64};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        memset(out, '#', sizeof out);
        assert_int_equal(ss_random_hex(out, sizes[i]), 0);
        assert_int_equal(strlen(out), 2 * sizes[i]);
        assert_int_equal(strspn(out, "0123456789abcdef"), 2 * sizes[i]);
    }
    assert_int_equal(ss_random_hex(prev, 16), 0);
    assert_int_equal(ss_random_hex(out, 16), 0);
    assert_string_not_equal(out, prev);
    /* over the limit: refused, out untouched */
    memset(out, '#', sizeof out);
    assert_int_equal(ss_random_hex(out, 65), -1);
    assert_int_equal(out[0], '#');
    /* every digit turns up in a long enough run */
    char many[129];
    int seen[16] = {0}, kinds = 0;
    for (int r = 0; r < 8; r++) {
        assert_int_equal(ss_random_hex(many, 64), 0);
        for (int i = 0; i < 128; i++) {
            int d = many[i] <= '9' ? many[i] - '0' : many[i] - 'a' + 10;
            if (!seen[d]++) kinds++;
        }
    }
    assert_int_equal(kinds, 16);
}

static void hex_decode(void **state)
{
    (void)state;
    unsigned char out[4];
    assert_int_equal(ss_hex_decode("00aBfF7e", out, 4), 0);
    assert_memory_equal(out, "\x00\xab\xff\x7e", 4);
    assert_int_equal(ss_hex_decode("00aBfF7", out, 4), -1);
    assert_int_equal(ss_hex_decode("00aBfF7e0", out, 4), -1);
    assert_int_equal(ss_hex_decode("00aBfF7g", out, 4), -1);
    assert_int_equal(ss_hex_decode("00aB fF7", out, 4), -1);
    assert_int_equal(ss_hex_decode("", out, 0), 0);
}

static void const_eq(void **state)
{
    (void)state;
    assert_true(ss_const_eq("abcdef", "abcdef", 6));
    assert_false(ss_const_eq("abcdef", "abcdeg", 6));
    assert_false(ss_const_eq("abcdef", "bbcdef", 6));
    assert_true(ss_const_eq("abcdef", "abcxyz", 3));   /* only n bytes */
    assert_true(ss_const_eq("a", "b", 0));
    assert_false(ss_const_eq("\x00\x01", "\x00\x81", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(b64_known),
        cmocka_unit_test(b64_round_trip),
        cmocka_unit_test(b64_encode_room),
        cmocka_unit_test(b64_decode_refused),
        cmocka_unit_test(b64_decode_whitespace_refused),
        cmocka_unit_test(b64_decode_canonical_only),
        cmocka_unit_test(b64_decode_room),
        cmocka_unit_test(hmac_rfc4231),
        cmocka_unit_test(field_round_trip),
        cmocka_unit_test(field_limits),
        cmocka_unit_test(field_random_iv),
        cmocka_unit_test(field_refused),
        cmocka_unit_test(field_rotation),
        cmocka_unit_test(keys_refused),
        cmocka_unit_test(keys_duplicate_id_refused),
        cmocka_unit_test(field_hash),
        cmocka_unit_test(random_hex),
        cmocka_unit_test(hex_decode),
        cmocka_unit_test(const_eq),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
