/* A small libcurl client for the API tests: one request at a time (api_request), many at once
 * (api_parallel, over curl_multi), sign-in (api_login) and an assertion of the error shape,
 * then the helpers the test binaries share: the run tag, the repository and `sanshe ctl`, RFC 3339
 * times, short-lived replies and JSON checks. The stack's address comes from SANSHE_TEST_URL (default http://127.0.0.1:18080). */
#pragma once

#include <jansson.h>
#include <stddef.h>
#include <time.h>

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
    char *idempotent_replayed;/* Idempotent-Replayed */
    char *cors_origin;        /* Access-Control-Allow-Origin */
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

/* ================================================================ shared test helpers */

/* ---------------------------------------------------------------- the run and the stack */

/* This run's tag, "<hex time><hex pid>", made at the first call and the same after: put into
 * openids and names, it makes them new to the database. */
const char *api_run_tag(void);

/* "<what>_<run tag>" into buf (fake WeChat accepts [A-Za-z0-9_-]{1,64}); returns buf. */
const char *api_tagged_openid(const char *what, char *buf, size_t len);

/* Signs in as "<what>_<run tag>" (written to openid) with api_login: returns the token (malloc'd)
 * and sets *user_id when not NULL; on failure prints "sign-in failed for <openid>", returns NULL. */
char *api_login_tagged(const char *what, char *openid, size_t openid_len, long long *user_id);

/* A signed-in user as most tests keep one. */
typedef struct api_user {
    char openid[80];
    char *token;    /* malloc'd */
    long long id;
} api_user;

/* api_login_tagged into u; a cmocka failure when the sign-in fails. */
void api_login_user(api_user *u, const char *what);

/* The repository: SANSHE_ROOT, else the current folder, else the nearest parent of this binary
 * (/proc/self/exe), one holding an executable ./sanshe and ./configure.ac. Writes it to root;
 * returns 1 when found and free of single quotes (it goes into shell commands), else 0. */
int api_find_root(char *root, size_t len);

/* The group setup of a test that uses `sanshe ctl`: *state = SANSHE_TEST_STATE (set, without single
 * quotes), root by api_find_root, and GET /healthz answering 200. Returns 0, or prints what is
 * wrong and returns -1. */
int api_stack_setup(char *root, size_t root_len, const char **state);

/* Runs `SANSHE_STATE='<state>' '<root>/sanshe' ctl <args>` (args from fmt...) with its stdout
 * discarded; returns system()'s status (0: success), printing the command when it is not 0. */
int api_ctl(const char *root, const char *state, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Runs `<env> SANSHE_STATE='<state>' '<root>/sanshe' up` (env: "NAME=value ..." or "", no single
 * quotes) with its output appended to <state>/log/test-sanshe-up.log, then waits up to 20 s for
 * GET /healthz to answer 200. The SANSHE_PORT, SANSHE_WX_PORT and SANSHE_DEMO of this process
 * are passed on. Restarts the app when the config it writes changes (tests use it to run the
 * app with other limits, then again with env "" to restore the defaults). Returns 0 when up. */
int api_sanshe_up(const char *root, const char *state, const char *env);

/* `sanshe ctl grant <openid> <role> [community]` (community 0: none), as api_ctl. */
int api_grant(const char *root, const char *state, const char *openid, const char *role, long long community);

/* Runs one SQL statement as MariaDB's root on the stack in state (database sanshe) and returns
 * what it printed, tab-separated rows without column names (malloc'd; NULL if it could not be
 * run). *status gets the client's exit status (0: success) when status is not NULL. */
char *api_sql(const char *state, int *status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* api_sql for a statement that prints one number (a COUNT): that number; a cmocka failure
 * (showing what the client printed) when it cannot be run. */
long long api_sql_count(const char *state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* api_sql for a statement whose output does not matter: a cmocka failure when it fails. */
void api_sql_exec(const char *state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---------------------------------------------------------------- the stack's fake WeChat server */

/* The fake WeChat server's base URL: wx_base_url of <state>/sanshe.conf (static storage), or
 * NULL when the file cannot be read or names none. */
const char *api_fake_url(const char *state);
/* A sample of the app's /metrics, name with its labels (`sanshe_batches_total{kind="votes"}`):
 * its value, a cmocka failure if absent; -1 on a cluster, whose two app hosts answer /metrics
 * in turn, each with its own counters. A restart of the app sets counters to 0. */
long long api_metric(const char *state, const char *name);
/* 1 if the stack in state is a cluster (`sanshe up --cluster`: Galera nodes, two app hosts). */
int api_is_cluster(const char *state);

/* method path on the fake WeChat server of the stack in state (body: JSON text, or NULL for
 * none), e.g. POST /__fake/config or GET /__fake/messages?touser=... Returns the reply's JSON
 * (a new reference: json_decref it) whatever its status, or NULL when the fake could not be
 * reached or did not answer JSON. */
json_t *api_fake(const char *state, const char *method, const char *path, const char *body);

/* `sanshe ctl recount <contest>`, stdout and stderr together. */
typedef struct api_recount {
    int status;           /* pclose's status, -1 when it could not be run */
    int found;            /* its last "contest <contest>: P projects, V votes, drift: D" line parsed */
    int projects;         /* P, V, D from that line; -1 when absent */
    long long votes, drift;
    char *output;         /* everything it printed, NUL-terminated, malloc'd: free it */
} api_recount;
api_recount api_ctl_recount(const char *root, const char *state, long long contest);

/* ---------------------------------------------------------------- times (RFC 3339) */

/* t as "YYYY-MM-DDTHH:MM:SS+08:00", China time, as clients send it. */
/* Sleeps ms milliseconds (resumed after a signal). */
void api_sleep_ms(long ms);
void api_fmt_time(time_t t, char *out, size_t len);
/* t as "YYYY-MM-DDTHH:MM:SSZ" (for query strings). */
void api_fmt_utc(time_t t, char *out, size_t len);
/* Parses "YYYY-MM-DDTHH:MM:SS(Z|±hh:mm)"; -1 if it is not that (or s is NULL). */
time_t api_parse_time(const char *s);

/* ---------------------------------------------------------------- short-lived replies and checks */

#define API_KEEP 8   /* replies of api_keep / api_req and texts of api_json_text live this many calls */

/* The reply stays valid for API_KEEP more api_keep calls, then is freed; api_keep_free frees them all. */
api_response *api_keep(api_response *r);
void api_keep_free(void);

/* api_keep(api_request(method, path, token, body)) with the path formatted from fmt...
 * (under 1024 bytes); body is JSON text or NULL. */
api_response *api_req(const char *method, const char *token, const char *body, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The compact JSON text of j, which it takes over (j must not be NULL: a cmocka failure);
 * valid for API_KEEP more calls. */
const char *api_json_text(json_t *j);

/* cmocka assertion that r has status; returns r. */
api_response *api_want_at(long status, api_response *r, const char *file, int line);

/* cmocka assertion that the member at dotted path has type; returns it. */
json_t *api_need_at(const api_response *r, const char *path, json_type type, const char *file, int line);
#define api_jint(r, path) ((long long)json_integer_value(api_need_at((r), (path), JSON_INTEGER, __FILE__, __LINE__)))
#define api_jstr(r, path) json_string_value(api_need_at((r), (path), JSON_STRING, __FILE__, __LINE__))
#define api_jarr(r, path) api_need_at((r), (path), JSON_ARRAY, __FILE__, __LINE__)
#define api_jnull(r, path) api_need_at((r), (path), JSON_NULL, __FILE__, __LINE__)
/* A member of a JSON object as a long long / string (0 / NULL when absent). */
#define api_mint(obj, key) ((long long)json_integer_value(json_object_get((obj), (key))))
#define api_mstr(obj, key) json_string_value(json_object_get((obj), (key)))

/* cmocka assertion: status 400 (bad_request) or 422 (validation_failed) with a string at
 * error.fields[field] (field taken whole, dots included). */
void api_field_error_at(const api_response *r, long status, const char *field, const char *file, int line);

/* 1 when r has status and the error shape with code (NULL: any), else 0; asserts nothing. */
int api_is_error(const api_response *r, long status, const char *code);

/* CURLOPT_HEADERFUNCTION for a raw libcurl transfer whose HEADERDATA is an int: sets it to 1 on
 * "Idempotent-Replayed: true", 2 on another value; leaves it alone on other headers. */
size_t api_replayed_header(char *b, size_t size, size_t n, void *replayed);
