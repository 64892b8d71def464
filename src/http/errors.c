/* Error codes of the API contract and their HTTP statuses and messages (see errors.h).
 * Add a contract code here, and only here. */
#include "http/errors.h"

#include <string.h>

static const ss_error_def defs[] = {
    /* generic codes, one per ss_err */
    {"bad_request", 400, "The request is malformed.", "请求格式错误。"},
    {"unauthorized", 401, "Sign-in required, or the token is invalid or expired.", "请先登录，或登录已失效。"},
    {"forbidden", 403, "You are not allowed to do this.", "您无权进行此操作。"},
    {"not_found", 404, "Not found.", "未找到。"},
    {"method_not_allowed", 405, "This method is not allowed here.", "不支持该请求方法。"},
    {"conflict", 409, "The request conflicts with the current state.", "请求与当前状态冲突。"},
    {"gone", 410, "This is no longer available.", "已失效。"},
    {"payload_too_large", 413, "The request body is too large.", "请求内容过大。"},
    {"validation_failed", 422, "Some fields are invalid.", "部分字段不符合要求。"},
    {"rate_limited", 429, "Too many requests; please slow down.", "请求过于频繁，请稍后再试。"},
    {"unavailable", 503, "The service is temporarily unavailable; please retry.", "服务暂时不可用，请稍后重试。"},
    {"internal", 500, "Something went wrong on our side.", "服务器内部错误。"},
    /* specific codes of the contract */
    {"wx_code_invalid", 401, "The WeChat login code is invalid or already used.", "微信登录凭证无效或已使用。"},
    {"wx_rate_limited", 429, "WeChat sign-in is rate limited; please retry later.", "微信登录过于频繁，请稍后再试。"},
    {"wx_user_blocked", 403, "WeChat flagged this account as high risk.", "该微信账号存在风险，已被限制登录。"},
    {"unsupported_media_type", 415, "The body must be application/json.", "请求内容须为 JSON。"},
    {"signup_closed", 409, "Sign-ups for this activity are closed.", "该活动已截止报名。"},
    {"content_risky", 422, "The text was refused by the content check; please change it.", "内容未通过安全检测，请修改后重试。"},
    {"org_not_filed", 409, "The organization has not been approved yet.", "该组织尚未通过备案。"},
    {"invalid_state", 409, "This is not possible in the object's current state.", "当前状态下无法进行此操作。"},
    {"already_exists", 409, "This already exists.", "该记录已存在。"},
    {"id_number_taken", 409, "This ID number is already registered by another account.", "该身份证号已被其他账号注册。"},
    {"volunteer_required", 403, "Register as a volunteer first.", "请先完成志愿者实名登记。"},
    {"checkin_code_invalid", 400, "This check-in code is not valid.", "签到码无效。"},
    {"checkin_code_expired", 410, "This check-in code has expired; scan the current one.", "签到码已过期，请扫描最新的签到码。"},
    {"outside_geofence", 422, "You are outside the activity's check-in area.", "您不在活动签到范围内。"},
    {"not_signed_up", 403, "You have not signed up for this activity.", "您尚未报名该活动。"},
    {"checkin_closed", 409, "Check-in is not open for this activity now.", "该活动当前不在签到时间内。"},
    {"vote_limit_reached", 429, "You have used all of today's votes in this contest.", "您今天在本次评选中的投票次数已用完。"},
    {"idempotency_key_reused", 409, "This Idempotency-Key was already used for a different request.", "该幂等键已用于另一个请求。"},
    {"voting_closed", 409, "Voting is not open for this contest now.", "当前不在投票时间内。"},
    {"submission_closed", 409, "Project submission for this contest has closed.", "本次创投项目申报已截止。"},
    {"not_checked_in", 409, "Check in before checking out.", "请先签到再签退。"},
    {"self_credit_forbidden", 403, "Nobody may credit or approve service time for themselves.",
     "不能为自己记录或审批志愿服务时长。"},
    {"second_person_required", 403, "A correction is decided by someone other than who proposed it.",
     "时长更正须由提出人以外的另一人审批。"},
    {"not_a_participant", 409, "This person neither signed up for nor checked in to the activity.",
     "此人未报名也未签到该活动。"},
    {"minutes_over_cap", 422, "Credited and proposed minutes would exceed the activity's length.",
     "已记录与待审的时长将超过活动时长上限。"},
    {"identity_locked", 409, "The real name and ID number cannot be changed after registration.",
     "实名登记后姓名和身份证号不可更改。"},
    {"volunteer_code_invalid", 400, "This volunteer code is not valid.", "志愿者码无效。"},
    {"batch_too_large", 413, "Too many items in one batch.", "单次上传的记录过多。"},
    {"cannot_remove_self", 409, "The leader cannot remove themself; transfer the leadership first.",
     "负责人不能移除自己，请先移交负责人身份。"},
    {"invite_expired", 410, "This invitation has been used or has expired.", "该邀请已被使用或已过期。"},
    {"already_member", 409, "You already belong to this organization.", "您已是该组织的成员。"},
    {"capacity_below_confirmed", 409, "The capacity cannot be below the number of confirmed sign-ups.",
     "活动名额不能少于已确认报名的人数。"},
    {"ticket_expired", 410, "This sign-in QR code has expired or was already used; show a new one.",
     "该登录二维码已过期或已使用，请刷新二维码。"},
    {"ticket_used", 409, "This sign-in QR code was already confirmed.", "该登录二维码已被确认。"},
    {"activity_not_ended", 409, "The activity has not ended yet.", "活动尚未结束。"},
    {"already_rated", 409, "You have already rated this activity.", "您已评价过该活动。"},
    {"already_voted", 409, "You have already voted in this consultation.", "您已在本次协商中投过票。"},
    {"not_a_resident_here", 403, "Only residents of this community may take part.", "仅本社区居民可以参与。"},
    {"not_a_reviewer", 403, "Only the contest's reviewers may review its projects.", "仅本次创投的评审专家可以评审。"},
    {"review_closed", 409, "Reviews can no longer be changed: voting has ended.", "投票已结束，评审不能再修改。"},
};
#define NDEFS (sizeof defs / sizeof defs[0])

/* A code the contract gives another status on some routes (API.md): not_a_participant is 409 for a
 * service-time correction (defs above, where it is the default) and 403 for a rating. Reached only
 * through ss_error_find_status / ss_reply_error_status, so the default never changes. */
static const ss_error_def variants[] = {
    {"not_a_participant", 403, "Only people who took part in the activity may do this.", "仅参加过该活动的人可以进行此操作。"},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

const ss_error_def *ss_error_find(const char *code)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (strcmp(defs[i].code, code) == 0) return &defs[i];
    return NULL;
}

const ss_error_def *ss_error_find_status(const char *code, int status)
{
    for (size_t i = 0; i < NDEFS; i++)
        if (defs[i].status == status && strcmp(defs[i].code, code) == 0) return &defs[i];
    for (size_t i = 0; i < NVARIANTS; i++)
        if (variants[i].status == status && strcmp(variants[i].code, code) == 0) return &variants[i];
    return NULL;
}

const ss_error_def *ss_error_for(int err)
{
    switch (err) {
    case SS_EBADREQ: return &defs[0];
    case SS_EUNAUTH: return &defs[1];
    case SS_EFORBIDDEN: return &defs[2];
    case SS_ENOTFOUND: return &defs[3];
    case SS_EMETHOD: return &defs[4];
    case SS_ECONFLICT: return &defs[5];
    case SS_EGONE: return &defs[6];
    case SS_ETOOBIG: return &defs[7];
    case SS_EINVALID: return &defs[8];
    case SS_ELIMIT: return &defs[9];
    case SS_EUNAVAIL:
    case SS_EDEADLOCK:
    case SS_ELOCKWAIT: return &defs[10]; /* retries exhausted: the caller may retry */
    default: return &defs[11];
    }
}

int ss_error_from_status(int status)
{
    switch (status) {
    case 400: return SS_EBADREQ;
    case 401: return SS_EUNAUTH;
    case 403: return SS_EFORBIDDEN;
    case 404: return SS_ENOTFOUND;
    case 405: return SS_EMETHOD;
    case 409: return SS_ECONFLICT;
    case 410: return SS_EGONE;
    case 413: return SS_ETOOBIG;
    case 415: return SS_EBADREQ;
    case 422: return SS_EINVALID;
    case 429: return SS_ELIMIT;
    case 503: return SS_EUNAVAIL;
    default: return SS_EINTERNAL;
    }
}

const char *ss_strerror(int err)
{
    if (err == SS_OK) return "ok";
    if (err == SS_EDEADLOCK) return "deadlock";
    if (err == SS_ELOCKWAIT) return "lock_wait_timeout";
    return ss_error_for(err)->code;
}
