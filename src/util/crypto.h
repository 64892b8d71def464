/* Cryptographic helpers over OpenSSL: randomness, hex, base64url, HMAC-SHA256, and field
 * encryption of personal data (AES-256-GCM with a key id, so keys can rotate). */
#ifndef SS_UTIL_CRYPTO_H
#define SS_UTIL_CRYPTO_H

#include <stddef.h>

#include "util/arena.h"
#include "util/config.h"

/* Writes 2*nbytes hex digits and a NUL into out (2*nbytes+1 bytes) from a CSPRNG.
 * Returns 0, or -1 if the generator failed (out untouched). nbytes <= 64. */
int ss_random_hex(char *out, size_t nbytes);
/* Fills buf with n bytes from a CSPRNG. Returns 0 or -1. */
int ss_random_bytes(unsigned char *buf, size_t n);
/* Decodes 2*n hex digits into out[n]. Returns 0, or -1 on a bad digit or length. */
int ss_hex_decode(const char *hex, unsigned char *out, size_t n);
/* Compares in time independent of the contents. Returns 1 if equal. */
int ss_const_eq(const void *a, const void *b, size_t n);

/* base64url without padding. encode: returns the length written (out holds 4*ceil(n/3)+1),
 * or -1 if outcap is too small. decode: returns 0 and *outlen, or -1 on bad input or room. */
int ss_b64url_encode(const unsigned char *in, size_t n, char *out, size_t outcap);
int ss_b64url_decode(const char *in, size_t inlen, unsigned char *out, size_t outcap, size_t *outlen);

/* SHA-256 of msg as 64 lowercase hex digits and a NUL into out. */
void ss_sha256_hex(const void *msg, size_t len, char out[65]);
void ss_hmac_sha256(const unsigned char *key, size_t keylen, const void *msg, size_t len, unsigned char out[32]);

#define SS_FIELD_MAX_RETIRED 8

typedef struct ss_field_keys {
    int current_id;
    unsigned char current[32];
    int nretired;
    int retired_id[SS_FIELD_MAX_RETIRED];
    unsigned char retired[SS_FIELD_MAX_RETIRED][32];
    unsigned char hash_key[32];
} ss_field_keys;

/* Reads field_key, field_key_id, field_keys_retired ("id:hex,id:hex") and hash_key.
 * Returns 0, or -1 with a message in err. */
int ss_field_keys_load(ss_field_keys *k, const ss_config *cfg, char *err, size_t errlen);

/* Encrypts plain under the current key with `label` (the column name) as associated data,
 * so a ciphertext cannot be moved to another column. *out (arena) is
 * "v1.<key id>.<base64url(iv || ciphertext || tag)>". Returns 0 or -1. */
int ss_field_encrypt(const ss_field_keys *k, ss_arena *a, const char *label, const char *plain, char **out);
/* Decrypts what ss_field_encrypt wrote, with whichever key its id names. Returns 0 and
 * *out (arena), or -1 if the key is unknown or the data or label does not authenticate. */
int ss_field_decrypt(const ss_field_keys *k, ss_arena *a, const char *label, const char *enc, char **out);
/* Keyed hash of a value for lookups without decryption: 64 hex digits into out[65]. */
void ss_field_hash(const ss_field_keys *k, const char *value, char *out);

#endif
