/* WeChat stable access token and subscribe messages (see wxmsg.h). */
#include "auth/wxmsg.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/status.h"

#define REPLY_MAX 8192
#define TOKEN_MARGIN_S 300   /* refresh this long before expiry */

int ss_wx_parse_token(const char *body, size_t len, time_t now, ss_wx_token *out, long *errcode)
{
    json_t *root = body && len && len <= REPLY_MAX ? json_loadb(body, len, 0, NULL) : NULL;
    int rc = SS_EUNAVAIL;
    *errcode = 0;
    if (!json_is_object(root)) goto out;
    json_t *ec = json_object_get(root, "errcode"), *tok = json_object_get(root, "access_token"),
           *exp = json_object_get(root, "expires_in");
    if (json_is_integer(ec) && json_integer_value(ec) != 0) {
        *errcode = (long)json_integer_value(ec);
        goto out;
    }
    if (!json_is_string(tok) || !json_is_integer(exp) || json_string_length(tok) == 0 ||
        json_string_length(tok) > SS_WX_TOKEN_MAX || json_integer_value(exp) <= 0)
        goto out;
    memcpy(out->value, json_string_value(tok), json_string_length(tok) + 1);
    out->expires_at = now + (time_t)json_integer_value(exp);
    rc = SS_OK;
out:
    json_decref(root);
    return rc;
}

int ss_wx_parse_errcode(const char *body, size_t len, long *errcode)
{
    json_t *root = body && len && len <= REPLY_MAX ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *ec = json_object_get(root, "errcode");
    int rc = json_is_integer(ec) ? 0 : -1;
    if (rc == 0) *errcode = (long)json_integer_value(ec);
    json_decref(root);
    return rc;
}

typedef struct {
    char buf[REPLY_MAX + 1];
    size_t len;
} reply_buf;

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    reply_buf *b = userdata;
    size_t n = size * nmemb;
    if (b->len + n > REPLY_MAX) return 0;
    memcpy(b->buf + b->len, ptr, n);
    b->len += n;
    return n;
}

/* POSTs body (JSON) to base + path; the reply into *reply. Returns 0 on HTTP 200, else SS_EUNAVAIL. */
static int post_json(const ss_wx_cfg *cfg, const char *path, const char *query_token, const char *body,
                     reply_buf *reply)
{
    CURL *c = curl_easy_init();
    struct curl_slist *hdr = NULL;
    char *url = NULL, *etok = NULL;
    int rc = SS_EUNAVAIL;
    if (!c) return rc;
    if (query_token && !(etok = curl_easy_escape(c, query_token, 0))) goto out;
    size_t n = strlen(cfg->base_url) + strlen(path) + (etok ? strlen(etok) + 16 : 0) + 1;
    url = malloc(n);
    if (!url) goto out;
    snprintf(url, n, "%s%s%s%s", cfg->base_url, path, etok ? "?access_token=" : "", etok ? etok : "");
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    reply->len = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, cfg->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
    CURLcode cc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != 200) {
        SS_WARN("wechat", "msg=\"call failed\" path=%s curl=%d status=%ld", path, (int)cc, status);
        goto out;
    }
    reply->buf[reply->len] = '\0';
    rc = SS_OK;
out:
    curl_slist_free_all(hdr);
    curl_free(etok);
    free(url);
    curl_easy_cleanup(c);
    return rc;
}

int ss_wx_token_refresh(const ss_wx_cfg *cfg, ss_wx_token *tok, time_t now, int force)
{
    if (!force && tok->expires_at && now < tok->expires_at - TOKEN_MARGIN_S) return SS_OK;
    json_t *req = json_pack("{s:s, s:s, s:s, s:b}", "grant_type", "client_credential", "appid", cfg->appid, "secret",
                            cfg->secret, "force_refresh", force);
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    reply_buf *reply = malloc(sizeof *reply);
    int rc = SS_EUNAVAIL;
    long errcode = 0;
    if (body && reply && (rc = post_json(cfg, "/cgi-bin/stable_token", NULL, body, reply)) == SS_OK) {
        ss_wx_token fresh;
        rc = ss_wx_parse_token(reply->buf, reply->len, now, &fresh, &errcode);
        if (rc == SS_OK) *tok = fresh;
        else SS_WARN("wechat", "msg=\"stable_token refused\" errcode=%ld", errcode);
    }
    free(body);
    free(reply);
    return rc;
}

int ss_wx_subscribe_send(const ss_wx_cfg *cfg, const char *token, const char *touser, const char *template_id,
                         const char *page, const char *data_json, long *errcode)
{
    json_t *data = json_loads(data_json, 0, NULL);
    json_t *req = json_pack("{s:s, s:s, s:s, s:o, s:s}", "touser", touser, "template_id", template_id, "page",
                            page ? page : "", "data", data ? data : json_object(), "miniprogram_state", "formal");
    char *body = json_dumps(req, JSON_COMPACT);
    json_decref(req);
    reply_buf *reply = malloc(sizeof *reply);
    int rc = SS_EUNAVAIL;
    if (body && reply && (rc = post_json(cfg, "/cgi-bin/message/subscribe/send", token, body, reply)) == SS_OK &&
        ss_wx_parse_errcode(reply->buf, reply->len, errcode) != 0)
        rc = SS_EUNAVAIL;
    free(body);
    free(reply);
    return rc;
}

int ss_wx_parse_sec_check(const char *body, size_t len, long *errcode, ss_wx_sec *suggest)
{
    json_t *root = body && len && len <= REPLY_MAX ? json_loadb(body, len, 0, NULL) : NULL;
    json_t *ec = json_object_get(root, "errcode");
    const char *s = json_string_value(json_object_get(json_object_get(root, "result"), "suggest"));
    int rc = -1;
    if (!json_is_integer(ec)) goto out;
    *errcode = (long)json_integer_value(ec);
    if (*errcode != 0) {
        rc = 0;
        goto out;
    }
    if (!s) goto out;
    if (strcmp(s, "pass") == 0) *suggest = SS_WX_SEC_PASS;
    else if (strcmp(s, "review") == 0) *suggest = SS_WX_SEC_REVIEW;
    else if (strcmp(s, "risky") == 0) *suggest = SS_WX_SEC_RISKY;
    else goto out;
    rc = 0;
out:
    json_decref(root);
    return rc;
}

int ss_wx_msg_sec_check(const ss_wx_cfg *cfg, const char *token, const char *openid, int scene, const char *content,
                        long *errcode, ss_wx_sec *suggest)
{
    json_t *req = json_pack("{s:s, s:i, s:i, s:s}", "content", content, "version", 2, "scene", scene, "openid",
                            openid ? openid : "");
    char *body = req ? json_dumps(req, JSON_COMPACT) : NULL;
    json_decref(req);
    reply_buf *reply = malloc(sizeof *reply);
    int rc = SS_EUNAVAIL;
    if (body && reply && (rc = post_json(cfg, "/wxa/msg_sec_check", token, body, reply)) == SS_OK &&
        ss_wx_parse_sec_check(reply->buf, reply->len, errcode, suggest) != 0)
        rc = SS_EUNAVAIL;
    free(body);
    free(reply);
    return rc;
}
