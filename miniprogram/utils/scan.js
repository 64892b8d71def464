// One scanner for the codes people meet: the web console's sign-in code ("sanshe:login:<ticket>"),
// an organization's invitation ("sanshe:invite:<code>"), and an activity's check-in code.
const api = require('./api');
const { messageFor } = require('./errors');
const checkin = require('./checkin');

const ROLES = { leader: '负责人', social_worker: '社工', member: '成员' };

// text -> {kind: 'login', ticket} | {kind: 'invite', code} | {kind: 'checkin', token} | {kind: 'unknown'}
function classify(text) {
  const s = String(text || '').trim();
  let m = /^sanshe:login:([0-9A-Za-z_-]{6,64})$/.exec(s);
  if (m) return { kind: 'login', ticket: m[1] };
  m = /^sanshe:invite:([0-9A-Za-z_-]{6,64})$/.exec(s);
  if (m) return { kind: 'invite', code: m[1] };
  const token = checkin.tokenFrom(s);
  if (token && /^\d+\.\d+\./.test(token)) return { kind: 'checkin', token };
  return { kind: 'unknown' };
}

function ask(title, content, confirmText) {
  return new Promise((resolve) => {
    wx.showModal({ title, content, confirmText: confirmText || '确定', success: (r) => resolve(!!(r && r.confirm)) });
  });
}

// The web console's sign-in: the person confirms, then the console is signed in as them.
function confirmLogin(ticket) {
  return ask('网页版登录确认', '确认在电脑上登录“三社联动”管理后台吗？如果不是您本人操作，请点取消。', '确认登录').then((yes) => {
    if (!yes) return { ok: false, code: 'cancelled', message: '已取消登录。' };
    return api.post('/api/v1/auth/qr-tickets/' + ticket + '/confirm').then(
      () => ({ ok: true, message: '已确认，网页版正在登录。' }),
      (err) => ({ ok: false, code: err.code, message: messageFor(err) })
    );
  });
}

function acceptInvite(code) {
  return api.post('/api/v1/invites/' + code + '/accept').then(
    (r) => ({ ok: true, reply: r, message: '已加入组织（' + (ROLES[r.role] || r.role) + '）。' }),
    (err) => ({ ok: false, code: err.code, message: messageFor(err) })
  );
}

// Scan and act on what was scanned; resolves {ok, message, kind}.
function scanAny() {
  return checkin.scanCode().then(
    (text) => {
      const c = classify(text);
      const done = (r) => Object.assign({ kind: c.kind }, r);
      if (c.kind === 'login') return confirmLogin(c.ticket).then(done);
      if (c.kind === 'invite') return acceptInvite(c.code).then(done);
      if (c.kind === 'checkin') return done({ ok: false, message: '这是活动签到码，请在“签到”页扫码签到或签退。' });
      return done({ ok: false, message: '无法识别这个二维码。' });
    },
    (err) => ({ ok: false, kind: 'none', code: err.code, message: messageFor(err) })
  );
}

module.exports = { classify, confirmLogin, acceptInvite, scanAny };
