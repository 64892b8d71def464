/* HS256 session tokens over libjwt 1.10 (see jwt.h). libjwt verifies the signature with the
 * algorithm named in the token's own header and skips verification for "none", so after
 * jwt_decode we require HS256 and check every claim here (RFC 8725 sections 2.1, 3.1, 3.9). */
#include "auth/jwt.h"

#include <errno.h>
#include <jwt.h>
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

int ss_jwt_verify(const ss_jwt_keys *k, const char *token, time_t now, ss_jwt_claims *out)
{
    jwt_t *jwt = NULL;
    int rc = SS_EUNAUTH;
    if (!token) return SS_EUNAUTH;
    size_t len = strnlen(token, SS_JWT_MAX_LEN + 1);
    if (len == 0 || len > SS_JWT_MAX_LEN) return SS_EUNAUTH;
    /* exactly three non-empty segments: an empty signature is how "none" tokens look */
    const char *d1 = strchr(token, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
    if (!d1 || !d2 || strchr(d2 + 1, '.') || d1 == token || d2 == d1 + 1 || d2[1] == '\0') return SS_EUNAUTH;

    if (jwt_decode(&jwt, token, k->key, (int)k->keylen) != 0 || !jwt) goto out;
    if (jwt_get_alg(jwt) != JWT_ALG_HS256) goto out;     /* pin the algorithm */

    const char *iss = jwt_get_grant(jwt, "iss");
    const char *aud = jwt_get_grant(jwt, "aud");
    const char *sid = jwt_get_grant(jwt, "sid");
    errno = 0;
    long long sub = jwt_get_grant_int(jwt, "sub");
    if (errno) goto out;
    errno = 0;
    long exp = jwt_get_grant_int(jwt, "exp");
    if (errno) goto out;
    errno = 0;
    long iat = jwt_get_grant_int(jwt, "iat");
    if (errno) goto out;
    if (!iss || strcmp(iss, k->issuer) != 0) goto out;
    if (!aud || strcmp(aud, k->audience) != 0) goto out;
    if (sub <= 0 || !is_sid(sid)) goto out;
    if (exp <= now || iat > now + SS_JWT_LEEWAY_S || exp <= iat) goto out;

    out->user_id = sub;
    memcpy(out->sid, sid, SS_SID_LEN + 1);
    out->iat = iat;
    out->exp = exp;
    rc = SS_OK;
out:
    jwt_free(jwt);
    return rc;
}
