// Turning API errors into plain Chinese for people. The API's error shape is
// {"error": {"code", "message", "fields"?}}; api.js asks for Chinese (Accept-Language: zh-CN),
// so `message` is usually already right; codes that need more than the server says
// (what to do next) get their own text here.

const FIELD_LABELS = {
  real_name: '姓名',
  phone: '手机号',
  id_number: '身份证号',
  skills: '技能',
  token: '签到码',
  lat: '位置',
  lng: '位置',
  project_id: '项目',
  minutes: '时长',
  reason: '理由',
  title: '标题',
  description: '描述',
  body: '内容',
  score: '评分',
  comment: '评价',
  option: '选项',
};

const ADVICE = {
  unauthorized: '登录已失效，请重新登录。',
  checkin_code_expired: '签到码已过期，请重新扫描现场屏幕上最新的二维码。',
  checkin_code_invalid: '这不是有效的签到码，请扫描活动现场的签到二维码。',
  checkin_closed: '现在不在签到时间内（活动开始前30分钟至结束）。',
  not_signed_up: '您尚未报名该活动，请先报名后再签到。',
  volunteer_required: '请先完成志愿者实名登记，再签到。',
  not_checked_in: '您还没有签到，请先签到再签退。',
  vote_limit_reached: '您今天在本次评选中的票数已用完，明天再来吧。',
  voting_closed: '当前不在投票时间内。',
  signup_closed: '该活动已截止报名。',
  id_number_taken: '该身份证号已被其他微信账号登记，如有疑问请联系社区。',
  wx_code_invalid: '微信登录凭证无效，请重试。',
  wx_rate_limited: '微信登录过于频繁，请稍后再试。',
  wx_user_blocked: '该微信账号存在风险，已被限制登录。',
  rate_limited: '操作太频繁了，请稍后再试。',
  unavailable: '服务暂时不可用，请稍后重试。',
  network: '网络连接失败，请检查网络后重试。',
  idempotency_key_reused: '这次操作与之前的请求冲突，请刷新后重试。',
  identity_locked: '实名登记后不能修改姓名和身份证号；如需更正，请联系社区管理员。',
  activity_not_ended: '活动结束后才能申请更正服务时长。',
  not_a_participant: '您没有参加这个活动，不能进行此操作。',
  minutes_over_cap: '申请的时长超过了活动的时长上限。',
  ticket_expired: '登录二维码已过期，请在网页上刷新二维码后重新扫描。',
  ticket_used: '这个登录二维码已经使用过了，请在网页上刷新后重新扫描。',
  invite_expired: '邀请已失效（已使用或超过7天），请联系组织负责人重新邀请。',
  already_member: '您已经是该组织的成员。',
  already_rated: '您已经评价过这个活动了。',
  already_voted: '您已经投过票了，每人只能投一次。',
  not_a_resident_here: '只有本社区的居民可以参与这项协商；请先在“我的”中设置所在社区。',
  content_risky: '内容未通过安全检查，请修改后再提交。',
};

class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code);
    this.name = 'ApiError';
    this.serverMessage = message || '';
    this.status = status;
    this.code = code;
    this.fields = fields || null;
  }
}

// An ApiError from a wx.request reply (statusCode, data) that is not 2xx.
function fromReply(statusCode, data) {
  const e = data && typeof data === 'object' && data.error ? data.error : {};
  return new ApiError(statusCode, e.code || 'http_' + statusCode, e.message || '', e.fields);
}

function networkError(errMsg) {
  const err = new ApiError(0, 'network', ADVICE.network);
  err.detail = errMsg || '';
  return err;
}

// Chinese text to show for err: advice for known codes, else the server's message,
// with field reasons named in Chinese.
function messageFor(err) {
  if (!err) return '';
  if (!(err instanceof ApiError)) return '出错了，请稍后重试。';
  const fallback = err.status >= 500 ? ADVICE.unavailable : '出错了，请稍后重试。';
  let text = ADVICE[err.code] || err.serverMessage || fallback;
  if (err.fields) {
    const parts = Object.keys(err.fields).map((k) => (FIELD_LABELS[k] || k) + '：' + err.fields[k]);
    if (parts.length) text += '\n' + parts.join('\n');
  }
  return text;
}

module.exports = { ApiError, fromReply, networkError, messageFor, ADVICE, FIELD_LABELS };
