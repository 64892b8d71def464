/* WeChat server APIs the sender program calls (libcurl, JSON over POST): the stable access
 * token (POST {base}/cgi-bin/stable_token, the same token for every caller of the account
 * until it expires, so several processes may each fetch it) and subscribe messages
 * (POST {base}/cgi-bin/message/subscribe/send). Replies are parsed by pure functions. */
#ifndef SS_AUTH_WXMSG_H
#define SS_AUTH_WXMSG_H

#include <stddef.h>
#include <time.h>

#include "auth/wechat.h"

#define SS_WX_TOKEN_MAX 512

typedef struct ss_wx_token {
    char value[SS_WX_TOKEN_MAX + 1];
    time_t expires_at;            /* 0: none yet */
} ss_wx_token;

/* Parses a stable_token reply at now. Returns 0 and fills *out; SS_EUNAVAIL with *errcode set
 * (0 when the body is not a token reply at all). */
int ss_wx_parse_token(const char *body, size_t len, time_t now, ss_wx_token *out, long *errcode);
/* Parses an errcode reply ({"errcode": 0, "errmsg": "ok"}). Returns 0 and *errcode, or -1 for
 * a body that is not one. */
int ss_wx_parse_errcode(const char *body, size_t len, long *errcode);

/* Keeps *tok fresh: fetches a token when there is none, it expires within 5 minutes, or force
 * (WeChat said the one we used is invalid). Returns 0, or SS_EUNAVAIL. */
int ss_wx_token_refresh(const ss_wx_cfg *cfg, ss_wx_token *tok, time_t now, int force);

/* Sends one subscribe message: touser (openid), template_id, page (may be NULL) and data
 * (JSON object text: {"thing1": {"value": ...}, ...}). Returns 0 with *errcode (0: accepted;
 * 43101: the person has no grant left, their choice, not our error; 40001/42001: the token is
 * invalid or expired), or SS_EUNAVAIL when WeChat could not be reached or answered garbage. */
int ss_wx_subscribe_send(const ss_wx_cfg *cfg, const char *token, const char *touser, const char *template_id,
                         const char *page, const char *data_json, long *errcode);

/* msgSecCheck v2 suggestions. */
typedef enum { SS_WX_SEC_PASS = 0, SS_WX_SEC_REVIEW = 1, SS_WX_SEC_RISKY = 2 } ss_wx_sec;

/* Parses a msg_sec_check reply ({"errcode": 0, "result": {"suggest": "pass"|"review"|"risky",
 * "label": n}}). Returns 0 with *errcode 0 and *suggest; 0 with *errcode set (not 0) when WeChat
 * refused the call; -1 for a body that is not one (or an unknown suggestion). */
int ss_wx_parse_sec_check(const char *body, size_t len, long *errcode, ss_wx_sec *suggest);

/* Checks text people typed (POST {base}/wxa/msg_sec_check, version 2): scene 1..4 (1 profile,
 * 2 comment, 3 forum, 4 social log), openid of the author. Returns 0 with *errcode (0: *suggest
 * is WeChat's answer; 40001/42001: the token is invalid or expired), or SS_EUNAVAIL when WeChat
 * could not be reached or answered garbage. */
int ss_wx_msg_sec_check(const ss_wx_cfg *cfg, const char *token, const char *openid, int scene, const char *content,
                        long *errcode, ss_wx_sec *suggest);

#endif
