/* The API tests' HTTP client (see apiclient.h): libcurl easy handles, driven one at a time or
 * through curl_multi, with the reply's body, JSON and a few headers collected per transfer. */
#include "apiclient.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>
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
    char **all[] = {&r->request_id, &r->content_type, &r->allow, &r->www_authenticate, &r->retry_after,
                    &r->idempotent_replayed, &r->cors_origin};
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
        {"idempotent-replayed", offsetof(api_response, idempotent_replayed)},
        {"access-control-allow-origin", offsetof(api_response, cors_origin)},
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

/* A transfer of c to the server at base (NULL: api_base_url()). */
static transfer *transfer_create(const api_call *c, const char *base)
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
    const char *path = c->path ? c->path : "/";
    if (!base) base = api_base_url();
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
    transfer *t = transfer_create(call, NULL);
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
            live[next] = transfer_create(&calls[next], NULL);
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

/* ---------------------------------------------------------------- the run and the stack */

const char *api_run_tag(void)
{
    static char tag[40];
    if (!tag[0]) snprintf(tag, sizeof tag, "%lx%x", (unsigned long)time(NULL), (unsigned)getpid());
    return tag;
}

const char *api_tagged_openid(const char *what, char *buf, size_t len)
{
    snprintf(buf, len, "%s_%s", what, api_run_tag());
    return buf;
}

char *api_login_tagged(const char *what, char *openid, size_t openid_len, long long *user_id)
{
    api_tagged_openid(what, openid, openid_len);
    char *token = api_login(openid, user_id);
    if (!token) print_error("sign-in failed for %s\n", openid);
    return token;
}

void api_login_user(api_user *u, const char *what)
{
    u->token = api_login_tagged(what, u->openid, sizeof u->openid, &u->id);
    assert_non_null(u->token);
}

static int is_repo(const char *dir)
{
    char p[PATH_MAX + 32], q[PATH_MAX + 32];
    snprintf(p, sizeof p, "%s/sanshe", dir);
    snprintf(q, sizeof q, "%s/configure.ac", dir);
    return access(p, X_OK) == 0 && access(q, R_OK) == 0;
}

int api_find_root(char *root, size_t len)
{
    const char *env = getenv("SANSHE_ROOT");
    char buf[PATH_MAX];
    root[0] = '\0';
    if (env && *env) snprintf(root, len, "%s", env);
    else if (getcwd(buf, sizeof buf) && is_repo(buf)) snprintf(root, len, "%s", buf);
    else {
        ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
        buf[n > 0 ? n : 0] = '\0';
        for (char *slash; (slash = strrchr(buf, '/')) != NULL && slash != buf;) {
            *slash = '\0';
            if (is_repo(buf)) {
                snprintf(root, len, "%s", buf);
                break;
            }
        }
    }
    return root[0] && is_repo(root) && !strchr(root, '\'');
}

int api_stack_setup(char *root, size_t root_len, const char **state)
{
    *state = getenv("SANSHE_TEST_STATE");
    if (!*state || !**state || strchr(*state, '\'')) {
        print_error("SANSHE_TEST_STATE must name the stack's state folder (for sanshe ctl grant)\n");
        return -1;
    }
    if (!api_find_root(root, root_len)) {
        print_error("cannot find the repository (set SANSHE_ROOT to the folder holding ./sanshe)\n");
        return -1;
    }
    api_response *r = api_request("GET", "/healthz", NULL, NULL, NULL);
    long status = r->status;
    api_free(r);
    if (status != 200) {
        print_error("GET %s/healthz failed: is the stack up? (SANSHE_TEST_URL)\n", api_base_url());
        return -1;
    }
    return 0;
}

/* "SANSHE_STATE='<state>' '<root>/sanshe' ctl <args><tail>" into cmd. */
static void ctl_command(char *cmd, size_t len, const char *root, const char *state, const char *args,
                        const char *tail)
{
    snprintf(cmd, len, "SANSHE_STATE='%s' '%s/sanshe' ctl %s%s", state, root, args, tail);
}

int api_ctl(const char *root, const char *state, const char *fmt, ...)
{
    char cmd[2 * PATH_MAX + 600], args[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    ctl_command(cmd, sizeof cmd, root, state, args, " >/dev/null");
    int rc = system(cmd);
    if (rc != 0) print_error("failed (%d): %s\n", rc, cmd);
    return rc;
}

int api_sanshe_up(const char *root, const char *state, const char *env)
{
    char cmd[3 * PATH_MAX + 600];
    snprintf(cmd, sizeof cmd, "%s SANSHE_STATE='%s' '%s/sanshe' up >>'%s/log/test-sanshe-up.log' 2>&1 </dev/null",
             env ? env : "", state, root, state);
    int rc = system(cmd);
    if (rc != 0) {
        print_error("failed (%d): %s\n", rc, cmd);
        return -1;
    }
    for (int i = 0; i < 200; i++) {
        api_response *r = api_request("GET", "/healthz", NULL, NULL, NULL);
        long st = r->status;
        api_free(r);
        if (st == 200) return 0;
        usleep(100000);
    }
    print_error("/healthz is not 200 20 s after: %s\n", cmd);
    return -1;
}

int api_grant(const char *root, const char *state, const char *openid, const char *role, long long community)
{
    char extra[32] = "";
    if (community) snprintf(extra, sizeof extra, " %lld", community);
    return api_ctl(root, state, "grant %s %s%s", openid, role, extra);
}

long long api_metric(const char *state, const char *name)
{
    if (api_is_cluster(state)) return -1;
    api_response *r = api_request("GET", "/metrics", NULL, NULL, NULL);
    if (r->status != 200) fail_msg("GET /metrics: %ld", r->status);
    long long v = -1;
    size_t n = strlen(name);
    for (const char *l = r->body; l && *l;) {
        if (strncmp(l, name, n) == 0 && l[n] == ' ') v = atoll(l + n + 1);
        const char *nl = strchr(l, '\n');
        l = nl ? nl + 1 : NULL;
    }
    api_free(r);
    if (v < 0) fail_msg("no %s in /metrics", name);
    return v;
}

int api_is_cluster(const char *state)
{
    char galera[PATH_MAX + 16];
    snprintf(galera, sizeof galera, "%s/galera", state);
    return access(galera, F_OK) == 0;
}

/* One run of the mariadb client on the statement in path: what it printed (malloc'd, NULL if it
 * could not be run), its exit status in *status. */
static char *sql_run_once(const char *state, const char *path, int *status)
{
    char cmd[PATH_MAX * 2 + 128], text[1024];
    snprintf(cmd, sizeof cmd, "mariadb --socket='%s/mysql/run/mysqld.sock' -uroot -N -B sanshe <'%s' 2>&1", state,
             path);
    FILE *out = popen(cmd, "r");
    if (!out) return NULL;
    size_t len = 0, cap = 256;
    char *buf = malloc(cap);
    if (!buf) abort();
    buf[0] = '\0';
    while (fgets(text, sizeof text, out)) {
        size_t n = strlen(text);
        while (len + n + 1 > cap) {
            cap *= 2;
            if (!(buf = realloc(buf, cap))) abort();
        }
        memcpy(buf + len, text, n + 1);
        len += n;
    }
    *status = pclose(out);
    return buf;
}

char *api_sql(const char *state, int *status, const char *fmt, ...)
{
    char sql[4096], path[PATH_MAX + 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    /* On a cluster the statement waits until its node has applied every write the app committed
     * through another node (the app's connections may still be on node 2 just after a failover
     * test), as the app's own connections do. */
    int cluster = api_is_cluster(state);
    /* the statement goes through a file, so no quoting of it reaches the shell */
    snprintf(path, sizeof path, "%s/sql.%d.tmp", state, (int)getpid());
    FILE *f = fopen(path, "w");
    if (!f) return NULL;
    if (cluster) fputs("SET SESSION wsrep_sync_wait = 15;\n", f);
    fputs(sql, f);
    fclose(f);
    /* A deadlock, or on a cluster a certification conflict with a write applied from another
     * node (also error 1213), is retried as every client of Galera must; so is a lock wait
     * timeout. Any other failure is returned at once. */
    char *buf = NULL;
    int st = -1;
    for (int attempt = 0; attempt < 6; attempt++) {
        if (attempt) usleep(200000 * (useconds_t)attempt);
        free(buf);
        buf = sql_run_once(state, path, &st);
        if (!buf || st == 0 || (!strstr(buf, "ERROR 1213") && !strstr(buf, "ERROR 1205"))) break;
    }
    unlink(path);
    if (status) *status = st;
    return buf;
}

long long api_sql_count(const char *state, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    int st = -1;
    char *out = api_sql(state, &st, "%s", sql);
    if (!out || st != 0) fail_msg("sql failed: %s: %s", sql, out ? out : "(not run)");
    char *end;
    long long n = strtoll(out, &end, 10);
    if (end == out) fail_msg("sql printed no number: %s: %s", sql, out);
    free(out);
    return n;
}

void api_sql_exec(const char *state, const char *fmt, ...)
{
    char sql[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    int st = -1;
    char *out = api_sql(state, &st, "%s", sql);
    if (!out || st != 0) fail_msg("sql failed: %s: %s", sql, out ? out : "(not run)");
    free(out);
}

/* ---------------------------------------------------------------- the fake WeChat server */

const char *api_fake_url(const char *state)
{
    static char url[256], of[PATH_MAX];
    if (url[0] && strcmp(of, state) == 0) return url;
    char conf[PATH_MAX + 32], line[512];
    snprintf(conf, sizeof conf, "%s/sanshe.conf", state);
    FILE *f = fopen(conf, "r");
    if (!f) return NULL;
    url[0] = '\0';
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "wx_base_url = %255s", url) == 1) break;
    fclose(f);
    snprintf(of, sizeof of, "%s", state);
    return url[0] ? url : NULL;
}

json_t *api_fake(const char *state, const char *method, const char *path, const char *body)
{
    const char *base = api_fake_url(state);
    if (!base) return NULL;
    api_call c = {.method = method, .path = path, .body = body, .body_len = body ? strlen(body) : 0};
    transfer *t = transfer_create(&c, base);
    api_response *r = transfer_finish(t, curl_easy_perform(t->easy));
    json_t *j = json_incref(r->json);
    api_free(r);
    return j;
}

api_recount api_ctl_recount(const char *root, const char *state, long long contest)
{
    api_recount rc = {-1, 0, -1, -1, -1, NULL};
    char cmd[2 * PATH_MAX + 600], args[64], text[512], head[64];
    size_t len = 0, cap = 1;
    rc.output = xstrndup("", 0);
    snprintf(args, sizeof args, "recount %lld", contest);
    ctl_command(cmd, sizeof cmd, root, state, args, " 2>&1");
    snprintf(head, sizeof head, "contest %lld: ", contest);
    FILE *out = popen(cmd, "r");
    if (!out) return rc;
    while (fgets(text, sizeof text, out)) {
        if (strncmp(text, head, strlen(head)) == 0)
            rc.found = sscanf(text + strlen(head), "%d projects, %lld votes, drift: %lld", &rc.projects, &rc.votes,
                              &rc.drift) == 3;
        size_t n = strlen(text);
        if (len + n + 1 > cap) {
            while (len + n + 1 > cap) cap *= 2;
            char *nb = realloc(rc.output, cap);
            if (!nb) abort();
            rc.output = nb;
        }
        memcpy(rc.output + len, text, n + 1);
        len += n;
    }
    rc.status = pclose(out);
    return rc;
}

/* ---------------------------------------------------------------- times (RFC 3339) */

void api_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

void api_fmt_time(time_t t, char *out, size_t len)
{
    time_t shifted = t + 8 * 3600;
    struct tm tm;
    gmtime_r(&shifted, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

void api_fmt_utc(time_t t, char *out, size_t len)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

time_t api_parse_time(const char *s)
{
    struct tm tm = {0};
    int oh = 0, om = 0, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                     &tm.tm_sec, &n) != 6)
        return -1;
    if ((s[n] == '+' || s[n] == '-') ? sscanf(s + n + 1, "%2d:%2d", &oh, &om) != 2 : s[n] != 'Z') return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return timegm(&tm) - (oh * 3600L + om * 60L) * (s[n] == '-' ? -1 : 1);
}

/* ---------------------------------------------------------------- short-lived replies and checks */

static api_response *kept[API_KEEP];
static unsigned nkept;

api_response *api_keep(api_response *r)
{
    unsigned i = nkept++ % API_KEEP;
    api_free(kept[i]);
    return kept[i] = r;
}

void api_keep_free(void)
{
    for (unsigned i = 0; i < API_KEEP; i++) {
        api_free(kept[i]);
        kept[i] = NULL;
    }
}

api_response *api_req(const char *method, const char *token, const char *body, const char *fmt, ...)
{
    char path[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(path, sizeof path, fmt, ap);
    va_end(ap);
    return api_keep(api_request(method, path, token, body, NULL));
}

const char *api_json_text(json_t *j)
{
    static char *texts[API_KEEP];
    static unsigned n;
    unsigned i = n++ % API_KEEP;
    assert_non_null(j);
    free(texts[i]);
    texts[i] = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    return texts[i];
}

api_response *api_want_at(long status, api_response *r, const char *file, int line)
{
    api_assert_status_at(r, status, file, line);
    return r;
}

json_t *api_need_at(const api_response *r, const char *path, json_type type, const char *file, int line)
{
    json_t *x = api_json_get(r, path);
    if (x && json_typeof(x) == type) return x;
    print_error("expected JSON type %d at \"%s\" in reply %ld: %.400s\n", (int)type, path, r->status, r->body);
    _fail(file, line);
    return NULL;
}

void api_field_error_at(const api_response *r, long status, const char *field, const char *file, int line)
{
    api_assert_error_at(r, status, status == 400 ? "bad_request" : "validation_failed", file, line);
    if (json_is_string(json_object_get(api_json_get(r, "error.fields"), field))) return;
    print_error("expected error.fields[\"%s\"] in: %.400s\n", field, r->body);
    _fail(file, line);
}

int api_is_error(const api_response *r, long status, const char *code)
{
    return r->status == status && api_error_shape_ok(r, code, NULL, 0);
}

size_t api_replayed_header(char *b, size_t size, size_t n, void *replayed)
{
    static const char name[] = "Idempotent-Replayed:";
    size_t len = size * n, skip = sizeof name - 1;
    if (len >= skip && strncasecmp(b, name, skip) == 0) {
        while (skip < len && b[skip] == ' ') skip++;
        *(int *)replayed = len - skip >= 4 && strncasecmp(b + skip, "true", 4) == 0 ? 1 : 2;
    }
    return len;
}
