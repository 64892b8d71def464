/* HS256 session tokens over libjwt 1.10 (see jwt.h). libjwt verifies the signature with the
 * algorithm named in the token's own header and skips verification for "none", so after
 * jwt_decode we require HS256 and check every claim here (RFC 8725 sections 2.1, 3.1, 3.9). */
#include "auth/jwt.h"

#include <errno.h>
#include <jwt.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/status.h"

int ss_jwt_sign(const ss_jwt_keys *k, long long user_id, const char *sid, time_t now, int ttl, char **out)
{
    jwt_t *jwt = NULL;
    char *tok = NULL;
    int rc = SS_EINTERNAL;
    if (jwt_new(&jwt) != 0) goto out;
    if (jwt_add_grant(jwt, "iss", k->issuer) || jwt_add_grant(jwt, "aud", k->audience) ||
        jwt_add_grant_int(jwt, "sub", user_id) || jwt_add_grant(jwt, "sid", sid) ||
        jwt_add_grant_int(jwt, "iat", (long)now) || jwt_add_grant_int(jwt, "exp", (long)(now + ttl)))
        goto out;
    if (jwt_set_alg(jwt, JWT_ALG_HS256, k->key, (int)k->keylen) != 0) goto out;
    tok = jwt_encode_str(jwt);
    if (!tok) goto out;
    *out = tok;
    rc = SS_OK;
out:
    jwt_free(jwt);
    return rc;
}

static int is_sid(const char *s)
{
    if (!s || strlen(s) != SS_SID_LEN) return 0;
    for (const char *p = s; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f'))) return 0;
    return 1;
}

/* ---------------------------------------------------------------- the memo */
#define MEMO_WAYS 4                              /* a token sits in one of its set's 4 slots */
#define MEMO_SETS (SS_JWT_MEMO_SLOTS / MEMO_WAYS)
#define MEMO_STRIPES 64                          /* locks, each over every 64th set */

typedef struct {
    size_t len;           /* 0: empty */
    char token[SS_JWT_MEMO_TOKEN_MAX];
    ss_jwt_claims claims;
} memo_slot;

struct ss_jwt_memo {
    unsigned long hits;
    pthread_mutex_t locks[MEMO_STRIPES];
    memo_slot slots[SS_JWT_MEMO_SLOTS];
};

ss_jwt_memo *ss_jwt_memo_create(void)
{
    ss_jwt_memo *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    for (int i = 0; i < MEMO_STRIPES; i++) pthread_mutex_init(&m->locks[i], NULL);
    return m;
}

void ss_jwt_memo_free(ss_jwt_memo *m)
{
    if (!m) return;
    for (int i = 0; i < MEMO_STRIPES; i++) pthread_mutex_destroy(&m->locks[i]);
    OPENSSL_cleanse(m->slots, sizeof m->slots);
    free(m);
}

unsigned long ss_jwt_memo_hits(ss_jwt_memo *m)
{
    return m ? __atomic_load_n(&m->hits, __ATOMIC_RELAXED) : 0;
}

/* FNV-1a: the set a token may sit in (a collision only evicts) */
static size_t memo_set(const char *token, size_t len, uint64_t *hash)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)token[i]) * 1099511628211ULL;
    *hash = h;
    return (size_t)(h ^ (h >> 32)) % MEMO_SETS;
}

/* 1 with *out when token was verified before and its times still hold at now */
static int memo_get(ss_jwt_memo *m, const char *token, size_t len, time_t now, ss_jwt_claims *out)
{
    if (!m || len > SS_JWT_MEMO_TOKEN_MAX) return 0;
    uint64_t h;
    size_t set = memo_set(token, len, &h);
    int hit = 0;
    pthread_mutex_t *lock = &m->locks[set % MEMO_STRIPES];
    pthread_mutex_lock(lock);
    for (int w = 0; w < MEMO_WAYS && !hit; w++) {
        memo_slot *s = &m->slots[set * MEMO_WAYS + (size_t)w];
        if (s->len == len && CRYPTO_memcmp(s->token, token, len) == 0) {
            *out = s->claims;
            hit = 1;
        }
    }
    pthread_mutex_unlock(lock);
    if (!hit || out->exp <= now || out->iat > now + SS_JWT_LEEWAY_S) return 0;
    __atomic_add_fetch(&m->hits, 1, __ATOMIC_RELAXED);
    return 1;
}

/* Into an empty way of its set, else over the way the hash's high bits pick. */
static void memo_put(ss_jwt_memo *m, const char *token, size_t len, const ss_jwt_claims *c)
{
    if (!m || len > SS_JWT_MEMO_TOKEN_MAX) return;
    uint64_t h;
    size_t set = memo_set(token, len, &h);
    pthread_mutex_t *lock = &m->locks[set % MEMO_STRIPES];
    pthread_mutex_lock(lock);
    memo_slot *s = &m->slots[set * MEMO_WAYS + (size_t)(h >> 60) % MEMO_WAYS];
    for (int w = 0; w < MEMO_WAYS; w++)
        if (m->slots[set * MEMO_WAYS + (size_t)w].len == 0) {
            s = &m->slots[set * MEMO_WAYS + (size_t)w];
            break;
        }
    memcpy(s->token, token, len);
    s->len = len;
    s->claims = *c;
    pthread_mutex_unlock(lock);
}

/* ---------------------------------------------------------------- verification */
/* Claim name as a JSON integer into *out: 1, or 0 when it is missing or another JSON type.
 * (libjwt 1.10's jwt_get_grant_int reads a real or a string as 0 and says nothing: a token
 * signed with "iat": 17952999.0 was taken as issued at 0; found by fuzz_jwt.) */
static int grant_integer(jwt_t *jwt, const char *name, long long *out)
{
    char *text = jwt_get_grants_json(jwt, name);   /* the claim's own JSON text */
    if (!text) return 0;
    const char *digits = text + (text[0] == '-');
    size_t n = strlen(digits);
    int ok = n > 0 && strspn(digits, "0123456789") == n;
    if (ok) {
        errno = 0;
        *out = strtoll(text, NULL, 10);
        ok = errno == 0;   /* beyond long long: refused */
    }
    free(text);
    return ok;
}

int ss_jwt_verify(const ss_jwt_keys *k, const char *token, time_t now, ss_jwt_claims *out)
{
    jwt_t *jwt = NULL;
    int rc = SS_EUNAUTH;
    if (!token) return SS_EUNAUTH;
    size_t len = strnlen(token, SS_JWT_MAX_LEN + 1);
    if (len == 0 || len > SS_JWT_MAX_LEN) return SS_EUNAUTH;
    if (memo_get(k->memo, token, len, now, out)) return SS_OK;
    /* exactly three non-empty segments: an empty signature is how "none" tokens look */
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.') || d1 == token || d2 == d1 + 1 || d2[1] == '\0') return SS_EUNAUTH;

    if (jwt_decode(&jwt, token, k->key, (int)k->keylen) != 0 || !jwt) goto out;
    /* pin the algorithm, as written: libjwt 1.10 also takes "Hs256" or "hs256" for HS256,
     * and RFC 7515 makes "alg" case-sensitive (found by fuzz_jwt) */
    const char *alg = jwt_get_header(jwt, "alg");
    if (jwt_get_alg(jwt) != JWT_ALG_HS256 || !alg || strcmp(alg, "HS256") != 0) goto out;

    const char *iss = jwt_get_grant(jwt, "iss");
    const char *aud = jwt_get_grant(jwt, "aud");
    const char *sid = jwt_get_grant(jwt, "sid");
    long long sub, exp, iat;
    if (!grant_integer(jwt, "sub", &sub) || !grant_integer(jwt, "exp", &exp) || !grant_integer(jwt, "iat", &iat))
        goto out;
    if (!iss || strcmp(iss, k->issuer) != 0) goto out;
    if (!aud || strcmp(aud, k->audience) != 0) goto out;
    if (sub <= 0 || !is_sid(sid)) goto out;
    if (exp <= now || iat > now + SS_JWT_LEEWAY_S || exp <= iat) goto out;

    out->user_id = sub;
    memcpy(out->sid, sid, SS_SID_LEN + 1);
    out->iat = iat;
    out->exp = exp;
    memo_put(k->memo, token, len, out);
    rc = SS_OK;
out:
    jwt_free(jwt);
    return rc;
}
