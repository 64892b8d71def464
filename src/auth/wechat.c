/* WeChat code2Session client and reply parser (see wechat.h). */
#include "auth/wechat.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "util/status.h"
#include "util/log.h"

#define WX_REPLY_MAX 16384   /* code2Session replies are ~200 bytes; anything bigger is garbage */

static int copy_field(json_t *obj, const char *name, char *dst, int required)
{
    json_t *v = json_object_get(obj, name);
    if (!v) {
        if (required) return -1;
        dst[0] = '\0';
        return 0;
    }
    if (!json_is_string(v)) return -1;
    size_t n = json_string_length(v);
    if ((required && n == 0) || n > SS_WX_FIELD_MAX || memchr(json_string_value(v), '\0', n)) return -1;
    memcpy(dst, json_string_value(v), n + 1);
    return 0;
}

int ss_wx_parse_reply(const char *body, size_t len, ss_wx_session *out, const char **err_code)
{
    json_t *root = NULL;
    int rc = SS_EUNAVAIL;
    *err_code = "unavailable";
    if (!body || len == 0 || len > WX_REPLY_MAX) goto out;
    root = json_loadb(body, len, JSON_REJECT_DUPLICATES, NULL);
    if (!json_is_object(root)) goto out;

    json_t *ec = json_object_get(root, "errcode");
    if (ec && !json_is_integer(ec)) goto out;
    json_int_t errcode = ec ? json_integer_value(ec) : 0;
    switch (errcode) {
    case 0: break;
    case 40029:   /* invalid code */
    case 40163:   /* code been used */
        rc = SS_EUNAUTH;
        *err_code = "wx_code_invalid";
        goto out;
    case 45011:   /* minute quota */
        rc = SS_ELIMIT;
        *err_code = "wx_rate_limited";
        goto out;
    case 40226:   /* high-risk user */
        rc = SS_EFORBIDDEN;
        *err_code = "wx_user_blocked";
        goto out;
    default:      /* -1 busy, or our own misconfiguration (40013 appid, 40125 secret, ...) */
        SS_WARN("wechat", "msg=\"code2Session error\" errcode=%lld", (long long)errcode);
        goto out;
    }
    ss_wx_session s;
    if (copy_field(root, "openid", s.openid, 1) || copy_field(root, "session_key", s.session_key, 1) ||
        copy_field(root, "unionid", s.unionid, 0))
        goto out;
    *out = s;
    *err_code = NULL;
    rc = SS_OK;
out:
    json_decref(root);
    return rc;
}

typedef struct {
    char buf[WX_REPLY_MAX + 1];
    size_t len;
    int overflow;
} reply_buf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    reply_buf *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > WX_REPLY_MAX) {
        b->overflow = 1;
        return 0;   /* aborts the transfer */
    }
    memcpy(b->buf + b->len, ptr, n);
    b->len += n;
    return n;
}

static _Thread_local CURL *tl_curl;

void ss_wx_thread_cleanup(void)
{
    curl_easy_cleanup(tl_curl);
    tl_curl = NULL;
}

/* The bulkhead: at most max_inflight workers wait on WeChat at once. Another caller waits up
 * to SLOT_WAIT_MS for a slot (a healthy WeChat answers in milliseconds) and then answers 503,
 * so a hanging WeChat holds only its slots, never the whole pool. */
#define SLOT_WAIT_MS 100
static pthread_mutex_t slot_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slot_cv;
static pthread_once_t slot_once = PTHREAD_ONCE_INIT;
static int inflight;

static void slot_init(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&slot_cv, &attr);
    pthread_condattr_destroy(&attr);
}

static int slot_take(int max)
{
    struct timespec deadline;
    int ok = 1;
    pthread_once(&slot_once, slot_init);
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += SLOT_WAIT_MS * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&slot_mu);
    while (inflight >= max && ok)
        if (pthread_cond_timedwait(&slot_cv, &slot_mu, &deadline) == ETIMEDOUT && inflight >= max) ok = 0;
    if (ok) inflight++;
    pthread_mutex_unlock(&slot_mu);
    return ok;
}

static void slot_give(void)
{
    pthread_mutex_lock(&slot_mu);
    inflight--;
    pthread_cond_signal(&slot_cv);
    pthread_mutex_unlock(&slot_mu);
}

int ss_wx_code2session(const ss_wx_cfg *cfg, const char *code, ss_wx_session *out, const char **err_code)
{
    char *e_appid = NULL, *e_secret = NULL, *e_code = NULL, *url = NULL;
    reply_buf *reply = NULL;
    int rc = SS_EUNAVAIL;
    *err_code = "unavailable";
    if (!slot_take(cfg->max_inflight > 0 ? cfg->max_inflight : 1)) {
        SS_WARN("wechat", "msg=\"too many calls waiting on WeChat; refusing\" max=%d", cfg->max_inflight);
        return SS_EUNAVAIL;
    }

    if (!tl_curl && !(tl_curl = curl_easy_init())) goto out;
    CURL *c = tl_curl;
    curl_easy_reset(c);
    e_appid = curl_easy_escape(c, cfg->appid, 0);
    e_secret = curl_easy_escape(c, cfg->secret, 0);
    e_code = curl_easy_escape(c, code, 0);
    if (!e_appid || !e_secret || !e_code) goto out;
    size_t base_len = strlen(cfg->base_url);
    while (base_len > 0 && cfg->base_url[base_len - 1] == '/') base_len--;
    size_t n = base_len + strlen(e_appid) + strlen(e_secret) + strlen(e_code) + 100;
    url = malloc(n);
    reply = malloc(sizeof *reply);
    if (!url || !reply) goto out;
    reply->len = 0;
    reply->overflow = 0;
    snprintf(url, n, "%.*s/sns/jscode2session?appid=%s&secret=%s&js_code=%s&grant_type=authorization_code",
             (int)base_len, cfg->base_url, e_appid, e_secret, e_code);

    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);            /* threads: no SIGALRM for DNS timeouts */
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "sanshe/0.1");

    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != 200) {
        /* the URL holds the secret: log the curl error, never the URL */
        SS_WARN("wechat", "msg=\"code2Session unreachable\" curl=\"%s\" http_status=%ld overflow=%d",
                curl_easy_strerror(cc), status, reply->overflow);
        goto out;
    }
    rc = ss_wx_parse_reply(reply->buf, reply->len, out, err_code);
out:
    slot_give();
    curl_free(e_appid);
    curl_free(e_secret);
    curl_free(e_code);
    free(url);
    free(reply);
    return rc;
}
