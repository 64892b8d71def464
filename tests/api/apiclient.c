/* The API tests' HTTP client (see apiclient.h): libcurl easy handles, driven one at a time or
 * through curl_multi, with the reply's body, JSON and a few headers collected per transfer. */
#include "apiclient.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <setjmp.h>
#include <cmocka.h>
#include <curl/curl.h>

#define MAX_EXTRA_HEADERS 32
#define BODY_SHOWN 300   /* how much of a body a failed assertion prints */

/* ---------------------------------------------------------------- setup */

static int curl_ready;

static void api_global_init(void)
{
    if (!curl_ready) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        curl_ready = 1;
    }
}

const char *api_base_url(void)
{
    static char url[512];
    if (!url[0]) {
        const char *env = getenv("SANSHE_TEST_URL");
        snprintf(url, sizeof url, "%s", env && *env ? env : "http://127.0.0.1:18080");
        size_t n = strlen(url);
        while (n > 0 && url[n - 1] == '/') url[--n] = '\0';
    }
    return url;
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "apiclient: out of memory\n");
        abort();
    }
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

/* ---------------------------------------------------------------- one transfer */

typedef struct transfer {
    CURL *easy;
    struct curl_slist *hdrs;
    char *url;
    api_response *resp;
    size_t cap;               /* of resp->body */
} transfer;

static size_t on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    api_response *r = t->resp;
    size_t n = size * nmemb;
    if (r->body_len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 1024;
        while (r->body_len + n + 1 > cap) cap *= 2;
        char *nb = realloc(r->body, cap);
        if (!nb) return 0;
        r->body = nb;
        t->cap = cap;
    }
    memcpy(r->body + r->body_len, ptr, n);
    r->body_len += n;
    r->body[r->body_len] = '\0';
    return n;
}

static void clear_headers(api_response *r)
{
    char **all[] = {&r->request_id, &r->content_type, &r->allow, &r->www_authenticate, &r->retry_after};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}

/* Keeps the headers of the last reply only (a 100 Continue comes first, for instance). */
static size_t on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
    transfer *t = ud;
    api_response *r = t->resp;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
        clear_headers(r);
        r->request_id_count = 0;
        return n;
    }
    static const struct {
        const char *name;
        size_t off;
    } wanted[] = {
        {"x-request-id", offsetof(api_response, request_id)},
        {"content-type", offsetof(api_response, content_type)},
        {"allow", offsetof(api_response, allow)},
        {"www-authenticate", offsetof(api_response, www_authenticate)},
        {"retry-after", offsetof(api_response, retry_after)},
    };
    const char *colon = memchr(ptr, ':', n);
    if (!colon) return n;
    size_t name_len = (size_t)(colon - ptr);
    for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++) {
        if (strlen(wanted[i].name) != name_len || strncasecmp(ptr, wanted[i].name, name_len) != 0) continue;
        const char *v = colon + 1, *end = ptr + n;
        while (v < end && (*v == ' ' || *v == '\t')) v++;
        while (end > v && isspace((unsigned char)end[-1])) end--;
        if (i == 0) r->request_id_count++;
        char **slot = (char **)((char *)r + wanted[i].off);
        free(*slot);
        *slot = xstrndup(v, (size_t)(end - v));
        break;
    }
    return n;
}

static int names_header(const char *line, const char *name)
{
    size_t n = strlen(name);
    return strncasecmp(line, name, n) == 0 && (line[n] == ':' || line[n] == ';');
}

static transfer *transfer_create(const api_call *c)
{
    api_global_init();
    transfer *t = xmalloc(sizeof *t);
    memset(t, 0, sizeof *t);
    t->resp = xmalloc(sizeof *t->resp);
    memset(t->resp, 0, sizeof *t->resp);
    t->resp->body = xstrndup("", 0);
    t->cap = 1;
    t->easy = curl_easy_init();
    if (!t->easy) {
        fprintf(stderr, "apiclient: curl_easy_init failed\n");
        abort();
    }
    const char *base = api_base_url(), *path = c->path ? c->path : "/";
    size_t ulen = strlen(base) + strlen(path) + 1;
    t->url = xmalloc(ulen);
    snprintf(t->url, ulen, "%s%s", base, path);

    int has_ct = 0;
    for (size_t i = 0; c->headers && c->headers[i] && i < MAX_EXTRA_HEADERS; i++) {
        if (names_header(c->headers[i], "Content-Type")) has_ct = 1;
        t->hdrs = curl_slist_append(t->hdrs, c->headers[i]);
    }
    if (c->body && !has_ct) t->hdrs = curl_slist_append(t->hdrs, "Content-Type: application/json");
    t->hdrs = curl_slist_append(t->hdrs, "Expect:");   /* no 100-continue round trip */
    if (c->token) {
        size_t n = strlen(c->token) + 32;
        char *h = xmalloc(n);
        snprintf(h, n, "Authorization: Bearer %s", c->token);
        t->hdrs = curl_slist_append(t->hdrs, h);
        free(h);
    }

    CURL *e = t->easy;
    curl_easy_setopt(e, CURLOPT_URL, t->url);
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, 5L);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->hdrs);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t);
    curl_easy_setopt(e, CURLOPT_USERAGENT, "sanshe-api-test/1");
    const char *method = c->method ? c->method : "GET";
    if (c->body) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)c->body_len);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, c->body);
        if (strcmp(method, "POST") != 0) curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    } else if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    }
    return t;
}

/* Fills in status and JSON, frees the transfer and returns its response. */
static api_response *transfer_finish(transfer *t, CURLcode cc)
{
    api_response *r = t->resp;
    r->curl_code = (int)cc;
    if (cc == CURLE_OK) curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r->status);
    if (r->body_len > 0) r->json = json_loadb(r->body, r->body_len, 0, NULL);
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->hdrs);
    free(t->url);
    free(t);
    return r;
}

api_response *api_send(const api_call *call)
{
    transfer *t = transfer_create(call);
    CURLcode cc = curl_easy_perform(t->easy);
    return transfer_finish(t, cc);
}

api_response *api_request(const char *method, const char *path, const char *token, const char *body, ...)
{
    const char *hdrs[MAX_EXTRA_HEADERS + 1];
    size_t n = 0;
    va_list ap;
    va_start(ap, body);
    for (const char *h; (h = va_arg(ap, const char *)) != NULL;)
        if (n < MAX_EXTRA_HEADERS) hdrs[n++] = h;
    va_end(ap);
    hdrs[n] = NULL;
    api_call c = {method, path, token, body, body ? strlen(body) : 0, hdrs};
    return api_send(&c);
}

api_response **api_parallel(const api_call *calls, size_t n, int max_parallel)
{
    api_global_init();
    api_response **out = xmalloc(n * sizeof *out);
    transfer **live = xmalloc(n * sizeof *live);
    memset(out, 0, n * sizeof *out);
    if (max_parallel < 1) max_parallel = 1;
    CURLM *m = curl_multi_init();
    curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)max_parallel);
    size_t next = 0, done = 0;
    int in_flight = 0;
    while (done < n) {
        while (next < n && in_flight < max_parallel) {
            live[next] = transfer_create(&calls[next]);
            curl_easy_setopt(live[next]->easy, CURLOPT_PRIVATE, (void *)(uintptr_t)next);
            curl_multi_add_handle(m, live[next]->easy);
            next++;
            in_flight++;
        }
        int running = 0;
        curl_multi_perform(m, &running);
        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(m, &left)) != NULL) {
            if (msg->msg != CURLMSG_DONE) continue;
            void *priv = NULL;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
            size_t i = (size_t)(uintptr_t)priv;
            CURLcode cc = msg->data.result;
            curl_multi_remove_handle(m, msg->easy_handle);
            out[i] = transfer_finish(live[i], cc);
            in_flight--;
            done++;
        }
        if (done < n) curl_multi_poll(m, NULL, 0, 100, NULL);
    }
    curl_multi_cleanup(m);
    free(live);
    return out;
}

void api_free(api_response *r)
{
    if (!r) return;
    clear_headers(r);
    json_decref(r->json);
    free(r->body);
    free(r);
}

void api_free_all(api_response **rs, size_t n)
{
    if (!rs) return;
    for (size_t i = 0; i < n; i++) api_free(rs[i]);
    free(rs);
}

/* ---------------------------------------------------------------- helpers */

char *api_login(const char *openid, long long *user_id)
{
    json_t *b = json_pack("{s:s+}", "code", "test:", openid);
    char *body = b ? json_dumps(b, JSON_COMPACT) : NULL;
    json_decref(b);
    if (!body) return NULL;
    api_response *r = api_request("POST", "/api/v1/auth/wx-login", NULL, body, NULL);
    free(body);
    char *token = NULL;
    const char *tok = api_json_str(r, "token");
    json_t *id = api_json_get(r, "user.id");
    if (r->status == 200 && tok && json_is_integer(id)) {
        token = xstrndup(tok, strlen(tok));
        if (user_id) *user_id = (long long)json_integer_value(id);
    }
    api_free(r);
    return token;
}

json_t *api_json_get(const api_response *r, const char *dotted)
{
    if (!r || !r->json) return NULL;
    json_t *cur = r->json;
    const char *p = dotted;
    while (cur && *p) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (!json_is_object(cur)) return NULL;
        cur = json_object_getn(cur, p, len);
        p += len;
        if (*p == '.') p++;
    }
    return cur;
}

const char *api_json_str(const api_response *r, const char *dotted)
{
    return json_string_value(api_json_get(r, dotted));
}

int api_error_shape_ok(const api_response *r, const char *code, char *why, size_t why_len)
{
    const char *reason = NULL;
    json_t *err = api_json_get(r, "error");
    const char *c = api_json_str(r, "error.code"), *msg = api_json_str(r, "error.message");
    if (!r->json) reason = "body is not JSON";
    else if (!json_is_object(r->json)) reason = "body is not a JSON object";
    else if (!json_is_object(err)) reason = "no \"error\" object";
    else if (!c || !*c) reason = "error.code is not a non-empty string";
    else if (!msg || !*msg) reason = "error.message is not a non-empty string";
    else if (code && strcmp(c, code) != 0) reason = "error.code differs";
    if (!reason) return 1;
    if (why && why_len) snprintf(why, why_len, "%s (expected code %s, got %s)", reason, code ? code : "(any)",
                                 c ? c : "(none)");
    return 0;
}

static void show(const api_response *r)
{
    print_error("  reply: status %ld, curl %d, content-type %s, body (%zu bytes): %.*s\n", r->status, r->curl_code,
                r->content_type ? r->content_type : "-", r->body_len,
                (int)(r->body_len < BODY_SHOWN ? r->body_len : BODY_SHOWN), r->body);
}

void api_assert_status_at(const api_response *r, long status, const char *file, int line)
{
    if (r && r->status == status) return;
    print_error("expected status %ld\n", status);
    if (r) show(r);
    _fail(file, line);
}

void api_assert_error_at(const api_response *r, long status, const char *code, const char *file, int line)
{
    char why[200];
    if (r && r->status == status && api_error_shape_ok(r, code, why, sizeof why)) return;
    if (r && r->status != status) snprintf(why, sizeof why, "status differs");
    print_error("expected error %ld %s: %s\n", status, code ? code : "(any code)", r ? why : "no reply");
    if (r) show(r);
    _fail(file, line);
}
