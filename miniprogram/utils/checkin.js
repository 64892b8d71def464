// Check-in and check-out on the spot: scan the venue's rotating QR code (wx.scanCode), read
// the position (wx.getLocation), send both; every failure comes back as a sentence saying
// what happened and what to do.
const api = require('./api');
const { ApiError, messageFor } = require('./errors');
const { distanceM, formatDistance } = require('./geo');

// The check-in token inside a scanned text: the token itself ("<activity>.<window>.<sig>"),
// or a link carrying it as ?token=.
function tokenFrom(text) {
  const s = String(text || '').trim();
  const m = s.match(/[?&]token=([^&#]+)/);
  const t = m ? decodeURIComponent(m[1]) : s;
  return /^[A-Za-z0-9._:=-]{1,200}$/.test(t) ? t : '';
}

// The activity a token names ("<activity>.<window>.<signature>"), or 0.
function activityIdOf(token) {
  const m = /^(\d+)\./.exec(token);
  return m ? Number(m[1]) : 0;
}

function scanCode() {
  return new Promise((resolve, reject) => {
    wx.scanCode({
      onlyFromCamera: true,
      scanType: ['qrCode'],
      success: (r) => resolve(r.result),
      fail: (e) => {
        const cancelled = e && /cancel/.test(e.errMsg || '');
        reject(new ApiError(0, cancelled ? 'scan_cancelled' : 'scan_failed',
          cancelled ? '已取消扫码。' : '没有识别到二维码，请对准现场的签到码重新扫描。'));
      },
    });
  });
}

function getLocation() {
  return new Promise((resolve, reject) => {
    wx.getLocation({
      type: 'gcj02', // the coordinates Chinese maps (and the activity's venue) use
      isHighAccuracy: true,
      success: (r) => resolve({ lat: r.latitude, lng: r.longitude, accuracy: r.accuracy }),
      fail: (e) => {
        const denied = e && /auth|deny|denied/.test(e.errMsg || '');
        reject(new ApiError(0, denied ? 'location_denied' : 'location_failed',
          denied ? '签到需要确认您在活动现场，请在“设置”中允许小程序使用您的位置信息后重试。'
            : '获取位置失败，请打开手机定位（GPS）后重试。'));
      },
    });
  });
}

// The sentence for an outside_geofence refusal: how far the person is from the venue.
function outsideMessage(activity, here, action) {
  const loc = activity.location;
  const d = distanceM(here.lat, here.lng, loc.lat, loc.lng);
  return '您距离活动地点（' + loc.name + '）约 ' + formatDistance(d) + '，需在 ' + loc.radius_m +
    ' 米范围内才能' + action + '，请走近后重试。';
}

// One check-in (kind 'checkin') or check-out ('checkout') from a scanned text and a
// position. Resolves {ok: true, reply, message} or {ok: false, code, message}; never rejects.
function submit(kind, scanned, here) {
  const action = kind === 'checkin' ? '签到' : '签退';
  const token = tokenFrom(scanned);
  if (!token) {
    return Promise.resolve({ ok: false, code: 'not_a_checkin_code', message: '这不是活动签到码，请扫描活动现场屏幕上的签到二维码。' });
  }
  const path = kind === 'checkin' ? '/api/v1/checkins' : '/api/v1/checkouts';
  return api.post(path, { token, lat: here.lat, lng: here.lng }).then(
    (reply) => ({
      ok: true,
      reply,
      message: kind === 'checkin' ? '签到成功' : '签退成功，本次记录服务时长 ' + reply.minutes + ' 分钟',
    }),
    (err) => {
      if (err.code !== 'outside_geofence' || !activityIdOf(token)) return { ok: false, code: err.code, message: messageFor(err) };
      return api.get('/api/v1/activities/' + activityIdOf(token), null, { auth: false }).then(
        (a) => ({ ok: false, code: err.code, message: outsideMessage(a, here, action) }),
        () => ({ ok: false, code: err.code, message: messageFor(err) })
      );
    }
  );
}

// The whole flow behind the button: scan, locate, submit.
function scanAndSubmit(kind) {
  let scanned;
  return scanCode()
    .then((text) => {
      scanned = text;
      return getLocation();
    })
    .then((here) => submit(kind, scanned, here))
    .catch((err) => ({ ok: false, code: err.code, message: messageFor(err) }));
}

module.exports = { tokenFrom, activityIdOf, scanCode, getLocation, submit, scanAndSubmit, outsideMessage };
