/* Cryptographic helpers over OpenSSL: randomness and hex. Field encryption (AES-256-GCM)
 * and keyed hashes join here. */
#ifndef SS_UTIL_CRYPTO_H
#define SS_UTIL_CRYPTO_H

#include <stddef.h>

/* Writes 2*nbytes hex digits and a NUL into out (2*nbytes+1 bytes) from a CSPRNG.
 * Returns 0, or -1 if the generator failed (out untouched). */
int ss_random_hex(char *out, size_t nbytes);
/* Decodes 2*n hex digits into out[n]. Returns 0, or -1 on a bad digit or length. */
int ss_hex_decode(const char *hex, unsigned char *out, size_t n);
/* Compares in time independent of the contents. Returns 1 if equal. */
int ss_const_eq(const void *a, const void *b, size_t n);

#endif
