/* WeChat code2Session client (GET {base}/sns/jscode2session) over libcurl, with short
 * connect and total timeouts. The reply parser is separate and pure, so it is unit tested
 * and fuzzed. session_key stays on the server and is never logged. */
#ifndef SS_AUTH_WECHAT_H
#define SS_AUTH_WECHAT_H

#include <stddef.h>

#define SS_WX_FIELD_MAX 128

typedef struct ss_wx_session {
    char openid[SS_WX_FIELD_MAX + 1];
    char unionid[SS_WX_FIELD_MAX + 1];      /* "" when WeChat sent none */
    char session_key[SS_WX_FIELD_MAX + 1];
} ss_wx_session;

typedef struct ss_wx_cfg {
    const char *base_url;                   /* "https://api.weixin.qq.com", no trailing slash needed */
    const char *appid;
    const char *secret;
    long connect_timeout_ms;
    long timeout_ms;
    int max_inflight;                       /* a slow WeChat may hold at most this many workers */
} ss_wx_cfg;

/* Parses a code2Session reply body. Returns 0 and fills *out; or a negative ss_err with
 * *err_code set to the contract code:
 *   40029 / 40163 (invalid or used code) -> SS_EUNAUTH, "wx_code_invalid"
 *   45011 (rate limited)                 -> SS_ELIMIT, "wx_rate_limited"
 *   40226 (high-risk user)               -> SS_EFORBIDDEN, "wx_user_blocked"
 *   -1 (busy), any other errcode, a body that is not JSON or lacks openid/session_key,
 *   or fields too long                   -> SS_EUNAVAIL, "unavailable"
 * *out is untouched on failure. */
int ss_wx_parse_reply(const char *body, size_t len, ss_wx_session *out, const char **err_code);

/* Exchanges a wx.login code. Same returns as ss_wx_parse_reply; unreachable, timed out or
 * non-200 -> SS_EUNAVAIL "unavailable". When max_inflight calls are already waiting on
 * WeChat and none finishes within 100 ms, answers SS_EUNAVAIL, so a hanging WeChat cannot
 * take every worker. Uses one curl handle per thread (kept for
 * connection reuse); call ss_wx_thread_cleanup() when a thread ends. */
int ss_wx_code2session(const ss_wx_cfg *cfg, const char *code, ss_wx_session *out, const char **err_code);
void ss_wx_thread_cleanup(void);

#endif
