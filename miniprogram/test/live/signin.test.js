// Signing in through the real API: wx.login's code goes to POST /api/v1/auth/wx-login; the
// token is kept in storage; a 401 later signs in again once, silently.
const { render, text, waitFor, tap } = require('../support/pages');
const { installWx } = require('../support/wx');
const stack = require('../support/stack');
const { shot } = require('../support/shots');
const config = require('../../utils/config');

beforeAll(() => {
  stack.requireStack();
  config.baseUrl = stack.URL;
});

test('tapping 微信一键登录 signs in and keeps a token that the API accepts', async () => {
  const wx = installWx('mp-signin-' + stack.RUN);
  const page = render('login');
  page.instance.onLoad({ next: encodeURIComponent('/pages/me/me') });
  tap(page, '#sign-in');
  await waitFor('the page to move on after sign-in', () => wx.$.navigations.length === 1);
  expect(wx.$.navigations[0]).toEqual({ kind: 'reLaunch', url: '/pages/me/me' });
  const token = wx.getStorageSync(config.tokenKey);
  expect(token).toMatch(/\S{20,}/);
  const me = await stack.want(200, 'GET', '/api/v1/me', token);
  expect(me.id).toBe(wx.getStorageSync(config.userKey).id);
  // the page says who is signed in
  expect(text(page, '#signed-in')).toMatch(/已登录/);
});

test('a dead token is replaced by one silent sign-in, and the page never notices', async () => {
  const wx = installWx('mp-relogin-' + stack.RUN);
  const first = await stack.login(wx.$.openid);
  await stack.want(204, 'POST', '/api/v1/auth/logout', first); // the token is dead from now on
  wx.setStorageSync(config.tokenKey, first);
  const page = render('me');
  await page.instance.onShow();
  expect(text(page, '#profile')).toMatch(/尚未登记为志愿者/);
  const meCalls = wx.$.requests.filter((r) => r.url.endsWith('/api/v1/me'));
  expect(meCalls.map((r) => r.statusCode)).toEqual([401, 200]);
  expect(wx.$.logins).toBe(1);
  expect(wx.getStorageSync(config.tokenKey)).not.toBe(first);
});

test('when WeChat refuses the code, the person reads why in Chinese, and nothing loops', async () => {
  const wx = installWx('invalid'); // the fake WeChat answers errcode 40029 for the code test:invalid
  const page = render('login');
  page.instance.onLoad({});
  tap(page, '#sign-in');
  const shown = await waitFor('an error on the page', () => text(page, '#error'));
  expect(shown).toBe('微信登录凭证无效，请重试。');
  shot(page, 'login-refused', '登录');
  expect(wx.$.logins).toBe(1);
  expect(wx.$.requests.length).toBe(1);
  expect(wx.$.requests[0].statusCode).toBe(401);
  expect(wx.$.navigations).toEqual([]);
});
