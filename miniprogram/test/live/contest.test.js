// Voting in a contest: one Idempotency-Key per tap; when the reply is lost the retry reuses
// it and the server counts the vote once; votes left today; results.
const { render, text, waitFor, idle, tap } = require('../support/pages');
const { installWx } = require('../support/wx');
const stack = require('../support/stack');
const { shot } = require('../support/shots');
const config = require('../../utils/config');

let world;
let contest;

beforeAll(async () => {
  stack.requireStack();
  config.baseUrl = stack.URL;
  world = await stack.makeWorld('vote');
  contest = await stack.makeContest(world, 2, 2);
});

async function serverCounts() {
  const r = await stack.want(200, 'GET', '/api/v1/contests/' + contest.contest + '/projects');
  const m = {};
  r.items.forEach((p) => (m[p.id] = p.vote_count));
  return m;
}

test('a vote whose reply was lost is retried with the same key and counted once', async () => {
  const wx = installWx('mp-voter-' + stack.RUN);
  await require('../../utils/api').ensureSignedIn(); // what app.js does at launch
  const list = render('contests');
  await list.instance.onShow();
  expect(text(list)).toMatch('微公益创投' + world.t);

  const page = render('contest');
  await page.instance.onLoad({ id: String(contest.contest) });
  const [p1, p2] = contest.projects;
  expect(text(page, '#count-' + p1)).toBe('0 票');

  // the first tap reaches the server, but its reply is lost on the way back
  wx.$.loseNextReplies = 1;
  tap(page, '#vote-' + p1);
  await waitFor('the network error', () => /网络异常/.test(text(page, '#message') || ''));
  await idle();
  expect(text(page, '#vote-' + p1)).toBe('重试');
  shot(page, 'contest-retry', '创投项目');
  expect(wx.$.requests.filter((r) => /\/votes$/.test(r.url)).map((r) => [r.statusCode, r.lost])).toEqual([[201, true]]);
  expect((await serverCounts())[p1]).toBe(1); // the server did count it

  // the retry carries the same key: replayed, not counted again
  tap(page, '#vote-' + p1);
  await waitFor('the vote to go through', () => /投票成功/.test(text(page, '#message') || ''));
  await idle();
  const votes = wx.$.requests.filter((r) => r.method === 'POST' && /\/votes$/.test(r.url));
  expect(votes.length).toBe(2);
  expect(votes[0].lost).toBe(true);
  expect(votes[0].header['Idempotency-Key']).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
  expect(votes[1].header['Idempotency-Key']).toBe(votes[0].header['Idempotency-Key']);
  expect(votes.map((r) => r.statusCode)).toEqual([201, 201]);
  expect(votes[1].replyHeader['idempotent-replayed']).toBe('true'); // the first reply, replayed
  expect(text(page, '#votes-left')).toBe('今天还剩 1 票');
  shot(page, 'contest-voted', '创投项目');
  expect(text(page, '#count-' + p1)).toBe('1 票');
  expect((await serverCounts())[p1]).toBe(1);

  // a new tap is a new vote with a new key
  tap(page, '#vote-' + p2);
  await waitFor('the second vote', () => text(page, '#votes-left') === '今天还剩 0 票');
  await idle();
  const again = wx.$.requests.filter((r) => r.method === 'POST' && /\/votes$/.test(r.url));
  expect(again.length).toBe(3);
  expect(again[2].header['Idempotency-Key']).not.toBe(votes[0].header['Idempotency-Key']);

  // the daily limit is explained
  tap(page, '#vote-' + p1);
  await waitFor('the limit', () => /票数已用完/.test(text(page, '#message') || ''));
  await idle();
  expect(text(page, '#vote-' + p1)).toBe('投票'); // the server answered: nothing to retry
  expect(await serverCounts()).toEqual({ [p1]: 1, [p2]: 1 });
});

test('the results rank the projects by votes with funding', async () => {
  const wx = installWx('mp-voter2-' + stack.RUN);
  const page = render('contest');
  await page.instance.onLoad({ id: String(contest.contest) });
  const p2 = contest.projects[1];
  tap(page, '#vote-' + p2);
  await waitFor('the vote', () => /投票成功/.test(text(page, '#message') || ''));
  await idle();
  tap(page, '#tab-results');
  await waitFor('the results', () => text(page, '#results-summary'));
  await idle();
  const ranked = page.querySelectorAll('.result').map((n) => n.dom.textContent.replace(/\s+/g, ' ').trim());
  shot(page, 'contest-results', '评选结果');
  const api = await stack.want(200, 'GET', '/api/v1/contests/' + contest.contest + '/results');
  expect(api.items[0].id).toBe(p2);
  expect(ranked.length).toBe(2);
  expect(ranked[0]).toMatch(new RegExp('^第1名 项目2' + world.t + ' ?' + (api.items[0].funded ? '获资助' : '未获资助') + ' ?2 票'));
  expect(ranked[1]).toMatch(/^第2名 项目1.*1 票/);
  expect(wx.$.logins).toBe(1);
});
