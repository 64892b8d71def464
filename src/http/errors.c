/* Error codes of the API contract and their HTTP statuses and messages (see errors.h).
 * Add a contract code here, and only here. */
#include "http/errors.h"

#include <stdio.h>
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
    {"name_taken", 409, "An organization of this community already has this name.", "本社区已有同名组织。"},
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

/* A code the contract gives another status on some routes (openapi.yaml): not_a_participant is 409 for a
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

/* Reasons inside error.fields, in Chinese. Exact reasons first, then patterns with numbers
 * or lists in them (the numbers and lists are kept). A reason missing here falls back to a
 * generic Chinese sentence with the English after it, so a reply is never English only;
 * tests/unit/http/test_errors checks every reason the handlers use is in this table. */
static const struct { const char *en, *zh; } reasons[] = {
    {"required", "必填。"},
    {"must be a string", "必须是字符串。"},
    {"must be an integer", "必须是整数。"},
    {"must be a number", "必须是数字。"},
    {"must be true or false", "必须是 true 或 false。"},
    {"must be an object", "必须是对象。"},
    {"must be an RFC 3339 date-time string", "必须是 RFC 3339 格式的日期时间字符串。"},
    {"must be an RFC 3339 date-time with offset, e.g. 2026-11-21T09:00:00+08:00",
     "必须是带时区偏移的 RFC 3339 日期时间，例如 2026-11-21T09:00:00+08:00。"},
    {"must be an RFC 3339 date-time between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z",
     "必须是 1970-01-01T00:00:00Z 至 2037-12-31T23:59:59Z 之间的 RFC 3339 日期时间。"},
    {"must be between 1970-01-01T00:00:00Z and 2037-12-31T23:59:59Z",
     "必须在 1970-01-01T00:00:00Z 至 2037-12-31T23:59:59Z 之间。"},
    {"must not contain control characters", "不能包含控制字符。"},
    {"must not be empty", "不能为空（首尾空白不计）。"},
    {"is not correctly percent-encoded", "百分号编码不正确。"},
    {"not a cursor", "不是有效的分页游标。"},
    {"no such community", "社区不存在。"},
    {"no such organization", "组织不存在。"},
    {"no such user", "用户不存在。"},
    {"this contest is for organizations of another community", "本次创投仅限其他社区的组织参加。"},
    {"must be an array of strings", "必须是字符串数组。"},
    {"at most 20 skills", "最多 20 项技能。"},
    {"each skill is 1 to 20 characters", "每项技能为 1 至 20 个字符。"},
    {"2 to 30 letters, as on the ID card", "2 至 30 个字，与身份证一致。"},
    {"must be a mainland mobile number (11 digits, 1[3-9]...)", "必须是中国大陆手机号（11 位，以 13–19 开头）。"},
    {"must be an 18-digit resident ID number with a valid birth date and check digit",
     "必须是 18 位居民身份证号，出生日期和校验位须有效。"},
    {"a correction changes something: not 0", "更正的分钟数不能为 0。"},
    {"this person neither signed up for nor checked in to the activity", "此人既未报名也未签到该活动。"},
    {"would make the person's minutes for this activity negative", "会使此人在该活动的服务时长为负。"},
    {"1 to 64 characters: letters, digits, - _ . :", "1 至 64 个字符：字母、数字及 - _ . :。"},
    {"required: the code from wx.login, 1 to 128 characters", "必填：wx.login 返回的 code，1 至 128 个字符。"},
    {"must be no more than 24 hours in the past", "不能早于 24 小时前。"},
    {"must be after starts_at", "必须晚于 starts_at。"},
    {"must be in the future", "必须是将来的时间。"},
    {"an activity lasts at most 31 days", "活动最长 31 天。"},
    {"must be in the future and no later than ends_at", "必须是将来的时间，且不晚于 ends_at。"},
    {"must be after vote_from", "必须晚于 vote_from。"},
    {"must be no later than vote_until", "不能晚于 vote_until。"},
    {"2 to 10 options", "须有 2 至 10 个选项。"},
    {"at most 20 needs", "最多 20 项需求。"},
    {"before starts_on", "早于 starts_on。"},
    {"must be an array of need ids", "必须是需求 id 的数组。"},
    {"must be before 2038", "必须早于 2038 年。"},
    {"must differ", "不能相同。"},
    {"no such need", "需求不存在。"},
    {"no such need in this community", "本社区没有该需求。"},
    {"no such project of this organization", "本组织没有该项目。"},
    {"no such resource in the project's community", "项目所在社区没有该资源。"},
    {"refused by the content check", "未通过内容安全检测，请修改。"},
};

const char *ss_field_reason_zh(const char *en, char *buf, size_t len)
{
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (strcmp(reasons[i].en, en) == 0) return reasons[i].zh;
    long long a, b;
    char tail;
    if (sscanf(en, "must be between %lld and %lld%c", &a, &b, &tail) == 2) {
        snprintf(buf, len, "必须在 %lld 至 %lld 之间。", a, b);
        return buf;
    }
    double x, y;
    if (sscanf(en, "must be between %lg and %lg%c", &x, &y, &tail) == 2) {
        snprintf(buf, len, "必须在 %g 至 %g 之间。", x, y);
        return buf;
    }
    if (sscanf(en, "must be %lld to %lld characters%c", &a, &b, &tail) == 2) {
        snprintf(buf, len, "长度须为 %lld 至 %lld 个字符。", a, b);
        return buf;
    }
    if (sscanf(en, "must be exactly %lld characters%c", &a, &tail) == 1) {
        snprintf(buf, len, "长度须为 %lld 个字符。", a);
        return buf;
    }
    if (strncmp(en, "must be one of: ", 16) == 0) {
        snprintf(buf, len, "必须是以下之一：%s。", en + 16);
        return buf;
    }
    snprintf(buf, len, "不符合要求（%s）。", en);
    return buf;
}
