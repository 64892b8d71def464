// The stack under test and the set-up a test needs there, made through the API itself (as
// the C API tests do): an administrator granted with `./sanshe ctl grant`, a community, a
// filed organization with its leader, a published activity, a contest with approved
// projects. Nothing here fakes the server.
const path = require('path');
const { execFileSync } = require('child_process');
const { realRequest } = require('./wx');
const { idCheckChar } = require('../../utils/validate');

const URL_ = process.env.SANSHE_TEST_URL || '';
const STATE = process.env.SANSHE_TEST_STATE || '';
const ROOT = process.env.SANSHE_ROOT || path.resolve(__dirname, '../../..');

function requireStack() {
  if (!URL_) throw new Error('SANSHE_TEST_URL is not set: these tests run against a live stack (tests/run-all sets it)');
  if (!STATE) throw new Error('SANSHE_TEST_STATE is not set: it names the stack state folder (for ./sanshe ctl grant)');
}

// A run-unique suffix, so the tests can run again on the same stack.
const RUN = Date.now().toString(36) + process.pid.toString(36) + Math.floor(Math.random() * 1296).toString(36);

function call(method, p, token, body, headers) {
  return new Promise((resolve, reject) => {
    const header = Object.assign({ 'Accept-Language': 'zh-CN' }, headers || {});
    if (token) header.Authorization = 'Bearer ' + token;
    realRequest({
      url: URL_ + p,
      method,
      data: body,
      header,
      success: (r) => resolve(r),
      fail: (e) => reject(new Error(method + ' ' + p + ': ' + e.errMsg)),
    });
  });
}

// call() that insists on one status and returns the body.
async function want(status, method, p, token, body, headers) {
  const r = await call(method, p, token, body, headers);
  if (r.statusCode !== status) {
    throw new Error(method + ' ' + p + ' -> ' + r.statusCode + ' (wanted ' + status + '): ' + JSON.stringify(r.data));
  }
  return r.data;
}

async function login(openid) {
  return (await want(200, 'POST', '/api/v1/auth/wx-login', null, { code: 'test:' + openid })).token;
}

function grant(openid, role) {
  execFileSync(path.join(ROOT, 'sanshe'), ['ctl', 'grant', openid, role], {
    env: Object.assign({}, process.env, { SANSHE_STATE: STATE }),
    stdio: 'pipe',
  });
}

function iso(offsetS) {
  return new Date(Date.now() + offsetS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// A valid resident ID number nobody else used: region 510104, a birth date in the 1980s,
// a random sequence, the GB 11643 check character.
function newIdNumber() {
  const y = 1980 + Math.floor(Math.random() * 10);
  const m = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const d = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  const seq = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first = '510104' + y + m + d + seq;
  return first + idCheckChar(first);
}

function newPhone() {
  return '139' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
}

const VENUE = { name: '玉林社区活动中心', lat: 30.6598, lng: 104.0633, radius_m: 200 };

// An administrator, a community, a filed organization with its leader, one published
// activity under way now (check-in open) at VENUE.
async function makeWorld(tag) {
  requireStack();
  const t = tag + RUN;
  const admin = 'mp-admin-' + t;
  const leaderId = 'mp-leader-' + t;
  grant(admin, 'admin');
  const adm = await login(admin);
  const leader = await login(leaderId);
  const community = (await want(201, 'POST', '/api/v1/communities', adm,
    { name: '小程序测试社区' + t, street: '玉林街道', district: '武侯区', kind: 'urban' })).id;
  const org = (await want(201, 'POST', '/api/v1/orgs', leader,
    { name: '小程序测试互助会' + t, community_id: community, kind: 'association', summary: '邻里互助' })).id;
  await want(200, 'POST', '/api/v1/orgs/' + org + '/approve', adm);
  const activity = await makeActivity(leader, org, '社区清洁日' + t, { capacity: 5 });
  return { t, adm, leader, community, org, activity };
}

async function makeActivity(leader, org, title, over) {
  const body = Object.assign({
    title,
    description: '一起打扫社区公共区域。',
    category: 'culture',
    starts_at: iso(-600),
    ends_at: iso(7200),
    capacity: 5,
    location: VENUE,
  }, over || {});
  const id = (await want(201, 'POST', '/api/v1/orgs/' + org + '/activities', leader, body)).id;
  await want(200, 'POST', '/api/v1/activities/' + id + '/publish', leader);
  return id;
}

// A contest open for voting now with `n` approved projects of the world's organization.
async function makeContest(world, n, votesPerDay) {
  const contest = (await want(201, 'POST', '/api/v1/contests', world.adm, {
    title: '微公益创投' + world.t,
    community_id: world.community,
    budget_cents: 500000,
    votes_per_user_per_day: votesPerDay,
    submit_until: iso(3600),
    vote_from: iso(-60),
    vote_until: iso(86400),
  })).id;
  const projects = [];
  for (let i = 0; i < n; i++) {
    const p = (await want(201, 'POST', '/api/v1/contests/' + contest + '/projects', world.leader, {
      org_id: world.org, title: '项目' + (i + 1) + world.t, summary: '为独居老人送餐', budget_cents: 200000 + i * 100000,
    })).id;
    await want(200, 'POST', '/api/v1/contest-projects/' + p + '/approve', world.adm);
    projects.push(p);
  }
  return { contest, projects };
}

// The activity's current check-in code, fetched as the org's leader (what the venue screen shows).
async function checkinCode(leader, activity, purpose) {
  const q = purpose ? '?purpose=' + purpose : '';
  return (await want(200, 'GET', '/api/v1/activities/' + activity + '/checkin-code' + q, leader)).token;
}

module.exports = {
  URL: URL_, STATE, ROOT, RUN, requireStack, call, want, login, grant, iso,
  newIdNumber, newPhone, makeWorld, makeActivity, makeContest, checkinCode, VENUE,
};
