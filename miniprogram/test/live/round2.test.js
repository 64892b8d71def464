// The pages built on the newer part of the API contract (round 2). Each group runs only when
// the stack serves that API (test/support/caps.js asks it); otherwise it is skipped, never faked.
const fs = require('fs');
const { render, text, waitFor, idle, tap, type } = require('../support/pages');
const { installWx } = require('../support/wx');
const stack = require('../support/stack');
const config = require('../../utils/config');
const { shot } = require('../support/shots');

const caps = JSON.parse(process.env.SANSHE_MP_CAPS || '{}');
const when = (ok) => (ok ? describe : describe.skip);

let world;
beforeAll(async () => {
  stack.requireStack();
  config.baseUrl = stack.URL;
  world = await stack.makeWorld('r2');
});

async function volunteer(openid) {
  const wx = installWx(openid);
  const tok = await stack.login(openid);
  wx.setStorageSync(config.tokenKey, tok);
  await stack.want(200, 'PUT', '/api/v1/me/volunteer', tok,
    { real_name: '赵志愿', phone: stack.newPhone(), id_number: stack.newIdNumber(), skills: [] });
  return { wx, tok };
}

when(caps.qrLogin)('scanning the web console\'s sign-in code', () => {
  test('confirming signs the console in as the person who scanned', async () => {
    const wx = installWx('mp-qr-' + stack.RUN);
    await require('../../utils/api').ensureSignedIn();
    const ticket = (await stack.want(201, 'POST', '/api/v1/auth/qr-tickets')).ticket;
    wx.$.scan = 'sanshe:login:' + ticket;
    wx.$.modalConfirm = true;
    const page = render('scan');
    tap(page, '#scan');
    await waitFor('the confirmation', () => text(page, '#result'));
    await idle();
    expect(wx.$.modals[0].title).toBe('网页版登录确认');
    expect(text(page, '#result')).toBe('已确认，网页版正在登录。');
    shot(page, 'scan-console-login', '扫一扫');
    const poll = await stack.want(200, 'GET', '/api/v1/auth/qr-tickets/' + ticket);
    expect(poll.status).toBe('confirmed');
    expect(poll.user.id).toBe(wx.getStorageSync(config.userKey).id);
    // the same code again: already used, said in Chinese
    tap(page, '#scan');
    await waitFor('the refusal', () => /刷新/.test(text(page, '#result') || ''));
    await idle();
  });
  test('cancelling leaves the console waiting', async () => {
    const wx = installWx('mp-qr2-' + stack.RUN);
    await require('../../utils/api').ensureSignedIn();
    const ticket = (await stack.want(201, 'POST', '/api/v1/auth/qr-tickets')).ticket;
    wx.$.scan = 'sanshe:login:' + ticket;
    const page = render('scan');
    tap(page, '#scan');
    await waitFor('the answer', () => text(page, '#result'));
    await idle();
    expect(text(page, '#result')).toBe('已取消登录。');
    expect((await stack.want(200, 'GET', '/api/v1/auth/qr-tickets/' + ticket)).status).toBe('waiting');
  });
});

when(caps.invites && caps.orgInvites)('accepting an organization\'s invitation', () => {
  test('the scanned invitation makes the person a member, once', async () => {
    const wx = installWx('mp-inv-' + stack.RUN);
    const invite = await stack.want(201, 'POST', '/api/v1/orgs/' + world.org + '/invites', world.leader, { role: 'member' });
    wx.$.scan = 'sanshe:invite:' + invite.code;
    const page = render('scan');
    tap(page, '#scan');
    await waitFor('the answer', () => text(page, '#result'));
    await idle();
    expect(text(page, '#result')).toBe('已加入组织（成员）。');
    shot(page, 'scan-invite', '扫一扫');
    const me = await stack.want(200, 'GET', '/api/v1/me', wx.getStorageSync(config.tokenKey));
    expect(me.orgs.map((o) => o.id)).toContain(world.org);
    // someone else with the same (now used) code
    installWx('mp-inv2-' + stack.RUN).$.scan = 'sanshe:invite:' + invite.code;
    const again = render('scan');
    tap(again, '#scan');
    await waitFor('the refusal', () => text(again, '#result'));
    await idle();
    expect(text(again, '#result')).toBe('邀请已失效（已使用或超过7天），请联系组织负责人重新邀请。');
  });
});

when(caps.notifications && caps.subscriptions)('notifications and WeChat reminders', () => {
  test('a waitlist promotion reaches the inbox; a tap marks it read; allowing reminders is reported', async () => {
    const act = await stack.makeActivity(world.leader, world.org, '通知测试活动' + world.t, { capacity: 1 });
    const ann = await stack.login('mp-n-ann-' + stack.RUN);
    await stack.want(201, 'POST', '/api/v1/activities/' + act + '/signups', ann);
    const wx = installWx('mp-n-bob-' + stack.RUN);
    // Bob signs up from the page: asked for reminders inside the tap, accepts one of three
    wx.$.subscribeAnswer = { tpl_activity_reminder: 'accept' };
    const detail = render('activity');
    await detail.instance.onLoad({ id: String(act) });
    tap(detail, '#sign-up');
    await waitFor('the waitlist', () => text(detail, '#mine'));
    await idle();
    expect(wx.$.subscribeAsks).toEqual([config.subscribeTemplates.slice(0, 3)]);
    const subs = wx.$.requests.filter((r) => r.url.endsWith('/api/v1/me/subscriptions'));
    expect(subs.map((r) => [r.statusCode, r.data])).toEqual([[201, { template_id: 'tpl_activity_reminder', activity_id: act }]]);
    // Ann leaves: Bob moves up and is told
    await stack.want(204, 'DELETE', '/api/v1/activities/' + act + '/signups/me', ann);
    const page = render('notifications');
    await waitFor('the notice', async () => {
      await page.instance.onShow();
      return page.querySelectorAll('.notice').length > 0;
    });
    await idle();
    expect(page.querySelectorAll('.unread').length).toBe(1);
    shot(page, 'notifications', '消息通知');
    tap(page, '.notice');
    await waitFor('read', () => page.querySelectorAll('.unread').length === 0);
    await idle();
    const unread = await stack.want(200, 'GET', '/api/v1/me/notifications?unread=1', wx.getStorageSync(config.tokenKey));
    expect(unread.items).toEqual([]);
  });
});

when(caps.certificates)('the service certificate', () => {
  test('requesting a certificate downloads its PDF with the token and opens it', async () => {
    const { wx } = await volunteer('mp-cert-' + stack.RUN);
    const page = render('certificate');
    tap(page, '#create');
    await waitFor('the PDF to open', () => wx.$.opened.length === 1);
    await idle();
    expect(text(page, '#cert')).toMatch(/证明编号/);
    shot(page, 'certificate', '志愿服务记录证明');
    const d = wx.$.downloads[0];
    expect(d.statusCode).toBe(200);
    expect(d.header.Authorization).toBe('Bearer ' + wx.getStorageSync(config.tokenKey));
    expect(fs.readFileSync(d.tempFilePath).slice(0, 5).toString()).toBe('%PDF-');
    expect(wx.$.opened[0]).toEqual({ filePath: d.tempFilePath, fileType: 'pdf' });
  });
});

when(caps.volunteerCode)('the personal volunteer code', () => {
  test('is shown as a QR image downloaded with the token', async () => {
    const { wx } = await volunteer('mp-code-' + stack.RUN);
    const page = render('code');
    await page.instance.onShow();
    expect(text(page, '#code')).toMatch(/志愿者编号/);
    expect(fs.readFileSync(wx.$.downloads[0].tempFilePath, 'utf8')).toMatch(/<svg/);
  });
});

when(caps.correctionRequests)('asking for a correction', () => {
  test('checked on the device, then refused by the server while the activity runs', async () => {
    const { wx } = await volunteer('mp-corr-' + stack.RUN);
    const page = render('correction');
    page.instance.onLoad({ activity_id: String(world.activity), title: encodeURIComponent('社区清洁日') });
    type(page, '#minutes', '0');
    tap(page, '#submit');
    await waitFor('the device check', () => text(page, '#err-minutes'));
    expect(text(page, '#err-reason')).toBe('请写明申请更正的理由');
    expect(wx.$.requests).toEqual([]);
    type(page, '#minutes', '30');
    type(page, '#reason', '签退时手机没电');
    tap(page, '#submit');
    await waitFor('the answer', () => text(page, '#error'));
    await idle();
    expect(text(page, '#error')).toBe('活动结束后才能申请更正服务时长。');
    shot(page, 'correction-refused', '申请更正');
  });
});
