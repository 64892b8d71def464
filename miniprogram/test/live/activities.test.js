// Activities near me, an activity's detail, signing up and cancelling, my sign-ups with the
// waitlist position: a resident's walk through the pages against the live API.
const { render, text, waitFor, idle, tap } = require('../support/pages');
const { installWx } = require('../support/wx');
const stack = require('../support/stack');
const { shot } = require('../support/shots');
const config = require('../../utils/config');

let world;
let full; // an activity with one seat

beforeAll(async () => {
  stack.requireStack();
  config.baseUrl = stack.URL;
  world = await stack.makeWorld('act');
  full = await stack.makeActivity(world.leader, world.org, '一个名额的讲座' + world.t, { capacity: 1, category: 'consultation' });
});

function titles(page) {
  return page.querySelectorAll('.activity .title').map((n) => n.dom.textContent.trim());
}

test('the list filters by community, category and dates, nearest first with the distance', async () => {
  const wx = installWx('mp-list-' + stack.RUN);
  const page = render('activities');
  await page.instance.onLoad();
  // the community picker offers the new community; choosing it lists its activities only
  const idx = page.data.communities.findIndex((c) => c.id === world.community);
  expect(idx).toBeGreaterThan(0);
  page.querySelector('#community').dispatchEvent('change', { detail: { value: String(idx) } });
  await waitFor('the community filter', () => titles(page).length === 2);
  expect(titles(page).sort()).toEqual(['一个名额的讲座' + world.t, '社区清洁日' + world.t].sort());
  expect(text(page)).toMatch(/距您 0 米/); // the double stands at the venue
  shot(page, 'activities-list', '附近活动');
  // category: only the talk is a consultation
  const cat = page.data.categories.findIndex((c) => c.value === 'consultation');
  page.querySelector('#category').dispatchEvent('change', { detail: { value: String(cat) } });
  await waitFor('the category filter', () => titles(page).length === 1);
  expect(titles(page)).toEqual(['一个名额的讲座' + world.t]);
  // dates: nothing of this community starts from tomorrow on
  const tomorrow = new Date(Date.now() + 8 * 3600e3 + 86400e3).toISOString().slice(0, 10);
  page.querySelector('#from').dispatchEvent('change', { detail: { value: tomorrow } });
  await waitFor('the date filter', () => text(page, '#empty'));
  await idle();
  expect(text(page, '#empty')).toBe('暂无符合条件的活动');
  // every request the list made was answered by the API
  expect(wx.$.requests.filter((r) => /\/api\/v1\/activities\?/.test(r.url)).every((r) => r.statusCode === 200)).toBe(true);
});

test('sign up, queue on the waitlist, see the position, cancel and move up', async () => {
  // Ann takes the only seat
  const ann = installWx('mp-ann-' + stack.RUN);
  let page = render('activity');
  await page.instance.onLoad({ id: String(full) });
  expect(text(page, '#title')).toBe('一个名额的讲座' + world.t);
  tap(page, '#sign-up');
  await waitFor('Ann to be signed up', () => text(page, '#mine'));
  await idle();
  expect(text(page, '#mine')).toBe('我的报名：已报名');
  expect(text(page, '#seats')).toMatch(/已报 1 \/ 1，剩余 0/);

  // Bob gets on the waitlist, and his sign-ups page shows his place
  const bob = installWx('mp-bob-' + stack.RUN);
  page = render('activity');
  await page.instance.onLoad({ id: String(full) });
  expect(text(page, '#sign-up')).toBe('报名候补');
  tap(page, '#sign-up');
  await waitFor('Bob to be waitlisted', () => text(page, '#mine'));
  await idle();
  expect(text(page, '#mine')).toBe('我的报名：候补第 1 位');
  shot(page, 'activity-waitlisted', '活动详情');
  let mine = render('signups');
  await mine.instance.onShow();
  expect(text(mine, '.signup')).toMatch('一个名额的讲座' + world.t);
  expect(text(mine, '.signup .status')).toBe('候补第 1 位');
  shot(mine, 'signups-waitlist', '我的报名');

  // Ann cancels from the detail page
  installWx(ann);
  page = render('activity');
  await page.instance.onLoad({ id: String(full) });
  tap(page, '#cancel');
  await waitFor('Ann to be out', () => !text(page, '#mine') && text(page, '#sign-up'));
  await idle();
  expect(ann.$.requests.some((r) => r.method === 'DELETE' && r.statusCode === 204)).toBe(true);

  // Bob is confirmed now
  installWx(bob);
  mine = render('signups');
  await mine.instance.onShow();
  expect(text(mine, '.signup .status')).toBe('已报名');
  expect(bob.$.logins).toBe(1);
});
