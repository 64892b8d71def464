/* Cryptographic helpers (see crypto.h). */
#include "util/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ss_random_hex(char *out, size_t nbytes)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char buf[64];
    if (nbytes > sizeof buf || RAND_bytes(buf, (int)nbytes) != 1) return -1;
    for (size_t i = 0; i < nbytes; i++) {
        out[2 * i] = hex[buf[i] >> 4];
        out[2 * i + 1] = hex[buf[i] & 15];
    }
    out[2 * nbytes] = '\0';
    OPENSSL_cleanse(buf, sizeof buf);
    return 0;
}

int ss_random_bytes(unsigned char *buf, size_t n)
{
    return RAND_bytes(buf, (int)n) == 1 ? 0 : -1;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int ss_hex_decode(const char *hex, unsigned char *out, size_t n)
{
    if (strlen(hex) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

int ss_const_eq(const void *a, const void *b, size_t n)
{
    return CRYPTO_memcmp(a, b, n) == 0;
}

/* base64url over OpenSSL's base64: translate the two differing characters and the padding. */
int ss_b64url_encode(const unsigned char *in, size_t n, char *out, size_t outcap)
{
    size_t padded = 4 * ((n + 2) / 3);
    if (outcap < padded + 1) return -1;
    int len = EVP_EncodeBlock((unsigned char *)out, in, (int)n);
    while (len > 0 && out[len - 1] == '=') len--;
    for (int i = 0; i < len; i++) {
        if (out[i] == '+') out[i] = '-';
        else if (out[i] == '/') out[i] = '_';
    }
    out[len] = '\0';
    return len;
}

/* Value of a base64url character, or -1: EVP_DecodeBlock would skip whitespace, so the
 * alphabet is checked here. */
static int b64url_val(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    return c == '-' ? 62 : c == '_' ? 63 : -1;
}

int ss_b64url_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap, size_t *outlen)
{
    if (inlen % 4 == 1 || inlen > 8192) return -1;
    size_t pad = (4 - inlen % 4) % 4, padded = inlen + pad;
    if (outcap < padded / 4 * 3) return -1;
    char tmp[8196];
    for (size_t i = 0; i < inlen; i++) {
        char c = in[i];
        if (b64url_val(c) < 0) return -1;   /* also '+', '/', '=' and whitespace */
        tmp[i] = c == '-' ? '+' : c == '_' ? '/' : c;
    }
    /* one spelling per value: the bits after the last whole byte must be zero */
    if (pad && (b64url_val(in[inlen - 1]) & (pad == 2 ? 0x0f : 0x03))) return -1;
    memset(tmp + inlen, '=', pad);
    int n = EVP_DecodeBlock(out, (const unsigned char *)tmp, (int)padded);
    if (n < 0) return -1;
    *outlen = (size_t)n - pad;   /* EVP_DecodeBlock counts the padding as zero bytes */
    return 0;
}

void ss_sha256_hex(const void *msg, size_t len, char out[65])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];
    unsigned int n = 32;
    EVP_Digest(msg, len, md, &n, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[64] = '\0';
}

void ss_hmac_sha256(const unsigned char *key, size_t keylen, const void *msg, size_t len, unsigned char out[32])
{
    unsigned int n = 32;
    HMAC(EVP_sha256(), key, (int)keylen, msg, len, out, &n);
}

int ss_field_keys_load(ss_field_keys *k, const ss_config *cfg, char *err, size_t errlen)
{
    memset(k, 0, sizeof *k);
    k->current_id = cfg->field_key_id;
    if (ss_hex_decode(cfg->field_key, k->current, 32) || ss_hex_decode(cfg->hash_key, k->hash_key, 32)) {
        snprintf(err, errlen, "field_key and hash_key must be 64 hex digits");
        return -1;
    }
    const char *p = cfg->field_keys_retired;
    while (p && *p) {
        char *end;
        long id = strtol(p, &end, 10);
        if (end == p || *end != ':' || id < 1 || id > 255 || id == k->current_id ||
            k->nretired == SS_FIELD_MAX_RETIRED) {
            snprintf(err, errlen, "field_keys_retired: expected id:hex,id:hex (ids 1..255, not the current id)");
            return -1;
        }
        char hex[65];
        if (strlen(end + 1) < 64) {
            snprintf(err, errlen, "field_keys_retired: a key is not 64 hex digits");
            return -1;
        }
        memcpy(hex, end + 1, 64);
        hex[64] = '\0';
        if (ss_hex_decode(hex, k->retired[k->nretired], 32) != 0 || (end[65] != ',' && end[65] != '\0')) {
            snprintf(err, errlen, "field_keys_retired: a key is not 64 hex digits");
            return -1;
        }
        for (int i = 0; i < k->nretired; i++) {
            if (k->retired_id[i] == id) {
                snprintf(err, errlen, "field_keys_retired: id %ld appears twice", id);
                return -1;
            }
        }
        k->retired_id[k->nretired++] = (int)id;
        p = end[65] == ',' ? end + 66 : end + 65;
    }
    return 0;
}

#define IV_LEN 12
#define TAG_LEN 16
#define FIELD_MAX 1024

int ss_field_encrypt(const ss_field_keys *k, ss_arena *a, const char *label, const char *plain, char **out)
{
    size_t n = strlen(plain);
    if (n > FIELD_MAX) return -1;
    unsigned char buf[IV_LEN + FIELD_MAX + TAG_LEN];
    int len = 0, fin = 0, rc = -1;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || RAND_bytes(buf, IV_LEN) != 1) goto out;
    if (EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, k->current, buf) != 1) goto out;
    if (EVP_EncryptUpdate(ctx, NULL, &len, (const unsigned char *)label, (int)strlen(label)) != 1) goto out;
    if (EVP_EncryptUpdate(ctx, buf + IV_LEN, &len, (const unsigned char *)plain, (int)n) != 1) goto out;
    if (EVP_EncryptFinal_ex(ctx, buf + IV_LEN + len, &fin) != 1) goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, TAG_LEN, buf + IV_LEN + len + fin) != 1) goto out;
    size_t total = IV_LEN + (size_t)len + (size_t)fin + TAG_LEN;
    size_t cap = total * 4 / 3 + 32;
    char *s = ss_arena_alloc(a, cap);
    int head = snprintf(s, cap, "v1.%d.", k->current_id);
    if (ss_b64url_encode(buf, total, s + head, cap - (size_t)head) < 0) goto out;
    *out = s;
    rc = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

static const unsigned char *key_for(const ss_field_keys *k, int id)
{
    if (id == k->current_id) return k->current;
    for (int i = 0; i < k->nretired; i++)
        if (k->retired_id[i] == id) return k->retired[i];
    return NULL;
}

int ss_field_decrypt(const ss_field_keys *k, ss_arena *a, const char *label, const char *enc, char **out)
{
    unsigned char buf[IV_LEN + FIELD_MAX + TAG_LEN + 2];   /* + the decoder's scratch for a partial group */
    size_t blen;
    int len = 0, fin = 0, rc = -1;
    char *end;
    if (!enc || strncmp(enc, "v1.", 3) != 0) return -1;
    long id = strtol(enc + 3, &end, 10);
    const unsigned char *key = key_for(k, (int)id);
    if (!key || *end != '.') return -1;
    if (ss_b64url_decode(end + 1, strlen(end + 1), buf, sizeof buf, &blen) != 0 || blen < IV_LEN + TAG_LEN)
        return -1;
    size_t clen = blen - IV_LEN - TAG_LEN;
    char *plain = ss_arena_alloc(a, clen + 1);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (!ctx || EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, key, buf) != 1) goto out;
    if (EVP_DecryptUpdate(ctx, NULL, &len, (const unsigned char *)label, (int)strlen(label)) != 1) goto out;
    if (EVP_DecryptUpdate(ctx, (unsigned char *)plain, &len, buf + IV_LEN, (int)clen) != 1) goto out;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, TAG_LEN, buf + IV_LEN + clen) != 1) goto out;
    if (EVP_DecryptFinal_ex(ctx, (unsigned char *)plain + len, &fin) != 1) goto out;   /* tag check */
    plain[len + fin] = '\0';
    *out = plain;
    rc = 0;
out:
    EVP_CIPHER_CTX_free(ctx);
    OPENSSL_cleanse(buf, sizeof buf);
    return rc;
}

void ss_field_hash(const ss_field_keys *k, const char *value, char *out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[32];
    ss_hmac_sha256(k->hash_key, sizeof k->hash_key, value, strlen(value), mac);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[mac[i] >> 4];
        out[2 * i + 1] = hex[mac[i] & 15];
    }
    out[64] = '\0';
}
