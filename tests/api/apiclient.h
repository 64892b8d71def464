/* A small libcurl client for the API tests: one request at a time (api_request), many at once
 * (api_parallel, over curl_multi), sign-in (api_login) and an assertion of the error shape.
 * The stack's address comes from SANSHE_TEST_URL (default http://127.0.0.1:18080). */
#pragma once

#include <jansson.h>
#include <stddef.h>

typedef struct api_response {
    long status;              /* HTTP status; 0 when the transfer itself failed */
    int curl_code;            /* CURLcode of the transfer (0: ok) */
    char *body;               /* always NUL-terminated, possibly empty */
    size_t body_len;
    json_t *json;             /* the parsed body, NULL if empty or not JSON */
    /* selected headers of the final reply, NULL when absent */
    char *request_id;         /* X-Request-Id */
    char *content_type;       /* Content-Type */
    char *allow;              /* Allow */
    char *www_authenticate;   /* WWW-Authenticate */
    char *retry_after;        /* Retry-After */
    int request_id_count;     /* how many X-Request-Id lines the final reply had */
} api_response;

/* One request, fully described. body may hold any bytes (body_len of them); body == NULL sends
 * none. headers is a NULL-terminated list of "Name: value" lines or NULL; a body goes out as
 * application/json unless headers name a Content-Type ("Content-Type:" alone removes it). */
typedef struct api_call {
    const char *method;
    const char *path;         /* appended to the base URL verbatim (no dot-segment squashing) */
    const char *token;        /* sent as "Authorization: Bearer <token>" when not NULL */
    const char *body;
    size_t body_len;
    const char *const *headers;
} api_call;

/* The base URL without a trailing slash (static storage). */
const char *api_base_url(void);

/* Sends method path with an optional bearer token and an optional NUL-terminated body, then
 * the extra header lines, ending with NULL. Never returns NULL; free with api_free. */
api_response *api_request(const char *method, const char *path, const char *token, const char *body, ...)
    __attribute__((sentinel));

/* Sends one fully described call. Never returns NULL; free with api_free. */
api_response *api_send(const api_call *call);

/* Sends n calls with at most max_parallel in flight. Returns a malloc'd array of n responses in
 * the order of calls; free it with api_free_all. */
api_response **api_parallel(const api_call *calls, size_t n, int max_parallel);

void api_free(api_response *r);                    /* accepts NULL */
void api_free_all(api_response **rs, size_t n);    /* accepts NULL */

/* Signs in as the fake WeChat user openid (code "test:<openid>"). Returns the token (malloc'd,
 * the caller frees) and, when user_id is not NULL, the user's id; NULL on any failure. */
char *api_login(const char *openid, long long *user_id);

/* A member of the response's JSON by dotted path ("error.code", "user.id"), or NULL. */
json_t *api_json_get(const api_response *r, const char *dotted);
/* The same as a string, or NULL when absent or not a string. */
const char *api_json_str(const api_response *r, const char *dotted);

/* 1 if r has the contract's error shape: {"error": {"code": code, "message": non-empty string}}
 * (code NULL: any non-empty string); else 0 and a reason in why. */
int api_error_shape_ok(const api_response *r, const char *code, char *why, size_t why_len);

/* cmocka assertion: r->status == status and r has the error shape with code (NULL: any code). */
void api_assert_error_at(const api_response *r, long status, const char *code, const char *file, int line);
#define assert_api_error(r, status, code) api_assert_error_at((r), (status), (code), __FILE__, __LINE__)

/* cmocka assertion: r->status == status, with the body shown on failure. */
void api_assert_status_at(const api_response *r, long status, const char *file, int line);
#define assert_api_status(r, status) api_assert_status_at((r), (status), __FILE__, __LINE__)
