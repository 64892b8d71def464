// A resident registers as a volunteer (checked on the device, then by the server), checks
// in and out by scanning the code the org's leader shows, and sees the service record.
const { render, text, waitFor, idle, tap, type } = require('../support/pages');
const { installWx } = require('../support/wx');
const stack = require('../support/stack');
const { shot } = require('../support/shots');
const config = require('../../utils/config');

let world;

beforeAll(async () => {
  stack.requireStack();
  config.baseUrl = stack.URL;
  world = await stack.makeWorld('vol');
});

function fill(page, form) {
  Object.keys(form).forEach((k) => type(page, '#' + k, form[k]));
}

test('the form is checked on the device first, then by the server', async () => {
  const wx = installWx('mp-form-' + stack.RUN);
  const page = render('volunteer');
  await page.instance.onLoad();
  const id = stack.newIdNumber();
  const wrongCheck = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
  fill(page, { real_name: '王小明', phone: '12345678901', id_number: wrongCheck, skills: '急救' });
  tap(page, '#submit');
  await waitFor('the device to refuse', () => text(page, '#err-id_number'));
  expect(text(page, '#err-id_number')).toMatch(/身份证号不正确/);
  expect(text(page, '#err-phone')).toBe('请填写11位大陆手机号');
  expect(text(page, '#err-real_name')).toBeNull();
  shot(page, 'volunteer-device-check', '志愿者登记');
  expect(wx.$.requests.filter((r) => r.method === 'PUT')).toEqual([]); // nothing was sent

  // another account already holds this ID number: the server says so, in Chinese
  const other = await stack.login('mp-form-other-' + stack.RUN);
  await stack.want(200, 'PUT', '/api/v1/me/volunteer', other, { real_name: '王小明', phone: stack.newPhone(), id_number: id, skills: [] });
  fill(page, { phone: stack.newPhone(), id_number: id });
  tap(page, '#submit');
  await waitFor('the server to refuse', () => wx.$.modals.length === 1);
  await idle();
  expect(wx.$.requests.filter((r) => r.method === 'PUT').map((r) => r.statusCode)).toEqual([409]);
  expect(wx.$.modals[0].content).toBe('该身份证号已被其他微信账号登记，如有疑问请联系社区。');
  expect(text(page, '#registered')).toBeNull();
});

test('register, check in and out with the leader\'s code, see the service record', async () => {
  const wx = installWx('mp-vol-' + stack.RUN);
  // not yet a volunteer: the check-in page says to register first
  const checkin = render('checkin');
  wx.$.scan = await stack.checkinCode(world.leader, world.activity);
  tap(checkin, '#check-in');
  await waitFor('a refusal', () => text(checkin, '#result'));
  expect(text(checkin, '#result')).toBe('请先完成志愿者实名登记，再签到。');
  expect(wx.$.modals[0].title).toBe('需要实名登记');

  // register
  const form = render('volunteer');
  await form.instance.onLoad();
  fill(form, { real_name: '李小红', phone: stack.newPhone(), id_number: stack.newIdNumber().toLowerCase(), skills: '急救，摄影' });
  tap(form, '#submit');
  await waitFor('the registration', () => text(form, '#registered'));
  await idle();
  shot(form, 'volunteer-registered', '志愿者登记');
  expect(text(form, '#registered')).toMatch(/已登记.*李\*.*\*{4}.*\*{11}/);
  const me = await stack.want(200, 'GET', '/api/v1/me', wx.getStorageSync(config.tokenKey));
  expect(me.volunteer.status).toBe('registered');
  expect(me.volunteer.skills).toEqual(['急救', '摄影']);

  // sign up, then scan: outside the area first (about 1 km north), then at the venue
  const detail = render('activity');
  await detail.instance.onLoad({ id: String(world.activity) });
  tap(detail, '#sign-up');
  await waitFor('the sign-up', () => text(detail, '#mine'));
  await idle();
  wx.$.scan = await stack.checkinCode(world.leader, world.activity);
  wx.$.location = { latitude: stack.VENUE.lat + 0.009, longitude: stack.VENUE.lng };
  const page = render('checkin');
  tap(page, '#check-in');
  await waitFor('the geofence refusal', () => text(page, '#result'));
  await idle();
  shot(page, 'checkin-outside', '扫码签到');
  expect(text(page, '#result')).toBe('您距离活动地点（玉林社区活动中心）约 1.0 公里，需在 200 米范围内才能签到，请走近后重试。');

  wx.$.location = { latitude: stack.VENUE.lat + 0.0005, longitude: stack.VENUE.lng }; // ~56 m away
  wx.$.scan = await stack.checkinCode(world.leader, world.activity);
  tap(page, '#check-in');
  await waitFor('the check-in', () => /成功/.test(text(page, '#result') || ''));
  await idle();
  expect(text(page, '#result')).toBe('签到成功');
  shot(page, 'checkin-ok', '扫码签到');
  const sent = wx.$.requests.filter((r) => r.url.endsWith('/api/v1/checkins'));
  expect(sent.map((r) => r.statusCode)).toEqual([403, 422, 201]);
  expect(sent[2].data).toEqual({ token: wx.$.scan, lat: stack.VENUE.lat + 0.0005, lng: stack.VENUE.lng });

  // a text that is no check-in code is explained without asking the server
  wx.$.scan = '欢迎光临';
  tap(page, '#check-out');
  await waitFor('the explanation', () => /不是活动签到码/.test(text(page, '#result') || ''));

  // check out with the current code
  wx.$.scan = await stack.checkinCode(world.leader, world.activity, 'checkout');
  tap(page, '#check-out');
  await waitFor('the check-out', () => /签退成功/.test(text(page, '#result') || ''));
  await idle();
  const out = wx.$.requests.filter((r) => r.url.endsWith('/api/v1/checkouts'));
  expect(out.map((r) => r.statusCode)).toEqual([200]);
  expect(text(page, '#result')).toBe('签退成功，本次记录服务时长 ' + out[0].reply.minutes + ' 分钟');

  // the service record: the activity and the total, as the API keeps them
  const records = render('records');
  await records.instance.onShow();
  const api = await stack.want(200, 'GET', '/api/v1/me/service-records', wx.getStorageSync(config.tokenKey));
  expect(api.items.map((r) => r.activity_id)).toEqual([world.activity]);
  expect(text(records, '.record')).toMatch('社区清洁日' + world.t);
  expect(text(records, '.record')).toMatch(world.t); // the org's name ends with the run tag too
  shot(records, 'records', '服务记录');
  expect(text(records, '#total')).toBe(require('../../utils/format').formatMinutes(api.total_minutes));
});

test('without location permission the check-in page says how to allow it', async () => {
  const wx = installWx('mp-noloc-' + stack.RUN);
  wx.$.scan = await stack.checkinCode(world.leader, world.activity);
  wx.$.locationFail = 'getLocation:fail auth deny';
  const page = render('checkin');
  tap(page, '#check-in');
  await waitFor('the explanation', () => text(page, '#result'));
  expect(text(page, '#result')).toMatch(/允许小程序使用您的位置信息/);
  expect(wx.$.requests).toEqual([]);
});
