/* Session tokens: HS256 JWTs carrying iss, aud, exp, iat, sub (user id) and sid (the Redis
 * session id). libjwt 1.10 signs and checks the signature; it takes `alg` from the token
 * header and checks no claims, so the verifier pins HS256 and checks every claim itself.
 * RFC 8725 is the checklist. */
#ifndef SS_AUTH_JWT_H
#define SS_AUTH_JWT_H

#include <stddef.h>
#include <time.h>

#include "cache/cache.h"         /* SS_SID_LEN: the session a token names lives in Redis */

#define SS_JWT_MAX_LEN 2048      /* longer tokens are refused before parsing */
#define SS_JWT_LEEWAY_S 60       /* clock skew allowed on iat */

typedef struct ss_jwt_memo ss_jwt_memo;

typedef struct ss_jwt_keys {
    const unsigned char *key;    /* HMAC key (borrowed) */
    size_t keylen;               /* >= 32 */
    const char *issuer;
    const char *audience;
    ss_jwt_memo *memo;           /* tokens these keys verified (borrowed), or NULL: see ss_jwt_memo_create */
} ss_jwt_keys;

typedef struct ss_jwt_claims {
    long long user_id;           /* sub */
    char sid[SS_SID_LEN + 1];
    time_t iat, exp;
} ss_jwt_claims;

/* Signs a token for user_id and sid valid from now for ttl seconds.
 * Returns 0 and *out (malloc'd, caller frees with free()), or SS_EINTERNAL. */
int ss_jwt_sign(const ss_jwt_keys *k, long long user_id, const char *sid, time_t now, int ttl, char **out);
/* Verifies token at time now. Returns 0 and fills *out, or SS_EUNAUTH for anything wrong:
 * malformed, alg other than HS256 (none included), bad signature, wrong iss or aud,
 * expired, issued in the future, missing or malformed sub or sid. */
int ss_jwt_verify(const ss_jwt_keys *k, const char *token, time_t now, ss_jwt_claims *out);

/* A memo of tokens verified with one ss_jwt_keys, shared by a process's threads: a token seen
 * before, byte for byte (compared in constant time), gives its claims without libjwt's parse
 * and HMAC; its times are checked again at each use. SS_JWT_MEMO_SLOTS slots in sets of 4, a
 * token in one of its set's (a newcomer to a full set evicts one), tokens up to
 * SS_JWT_MEMO_TOKEN_MAX bytes.
 * Revocation is not its business: the session named by sid is looked up on every request.
 * A memo serves one ss_jwt_keys: a token it holds was verified with that key, iss and aud.
 * Returns NULL when out of memory (verification then works without it). */
#define SS_JWT_MEMO_SLOTS 4096
#define SS_JWT_MEMO_TOKEN_MAX 384
ss_jwt_memo *ss_jwt_memo_create(void);
void ss_jwt_memo_free(ss_jwt_memo *m);
/* How many verifications the memo answered. */
unsigned long ss_jwt_memo_hits(ss_jwt_memo *m);

#endif
