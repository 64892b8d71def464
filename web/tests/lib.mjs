// What the browser tests share: the stack they run against, API calls for setting the scene
// (never instead of the page under test), Debian's Chromium driven by playwright-core, a
// screenshot per test under the state folder, and a watch on every request the console
// makes (none may leave its own origin).
//   SANSHE_TEST_URL    the stack, e.g. http://127.0.0.1:18080
//   SANSHE_TEST_STATE  its state folder: screenshots go to <state>/screenshots/web/
//   SANSHE_ROOT        the repository (for `sanshe ctl grant`)
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before } from 'node:test'
import { chromium } from 'playwright-core'

export const BASE = (process.env.SANSHE_TEST_URL || 'http://127.0.0.1:8080').replace(/\/$/, '')
export const STATE = process.env.SANSHE_TEST_STATE || ''
export const ROOT = process.env.SANSHE_ROOT || join(import.meta.dirname || new URL('.', import.meta.url).pathname, '../..')
export const SHOTS = join(STATE || tmpdir(), 'screenshots', 'web')
export const RUN = `${Date.now().toString(36)}${process.pid.toString(36)}` // unique names per run

// ---------------------------------------------------------------- the API, for the scene
export async function api(method, path, token, body, headers = {}) {
  const h = { Accept: 'application/json', ...headers }
  if (token) h.Authorization = `Bearer ${token}`
  if (body !== undefined) h['Content-Type'] = 'application/json'
  const res = await fetch(BASE + path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await res.text()
  let json = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    json = null
  }
  return { status: res.status, body: json, text }
}

// ok(reply, status): the reply's body, or an error naming what came back instead
export function ok(r, status) {
  if (r.status !== status) throw new Error(`expected ${status}, got ${r.status}: ${r.text.slice(0, 300)}`)
  return r.body
}

// A person signed in through the fake WeChat server: {openid, code, token, id}; with `role`,
// granted that role (in `community`, for a community role) by `sanshe ctl grant`.
export async function person(tag, role, community) {
  const openid = `web-${tag}-${RUN}`
  const out = ok(await api('POST', '/api/v1/auth/wx-login', null, { code: `test:${openid}` }), 200)
  if (role) grant(openid, role, community)
  return { openid, code: `test:${openid}`, token: out.token, id: out.user.id }
}

// `sanshe ctl grant <openid> <role> [community]` against the stack under test
export function grant(openid, role, community) {
  const args = ['ctl', 'grant', openid, role]
  if (community) args.push(String(community))
  execFileSync(join(ROOT, 'sanshe'), args, { env: stackEnv(), stdio: 'pipe' })
}

// The stack's own commands on the stack under test (its state folder, its ports).
function stackEnv() {
  const conf = readFileSync(join(STATE, 'sanshe.conf'), 'utf8')
  const wx = (conf.match(/^wx_base_url = http:\/\/[^:]+:(\d+)/m) || [])[1]
  return { ...process.env, SANSHE_STATE: STATE, SANSHE_PORT: new URL(BASE).port, SANSHE_WX_PORT: wx }
}

// Stops the stack's MariaDB (as an outage would) and waits until its socket is gone.
export async function stopMariadb() {
  const pid = Number(readFileSync(join(STATE, 'mysql/run/mariadbd.pid'), 'utf8'))
  process.kill(pid, 'SIGTERM')
  const sock = join(STATE, 'mysql/run/mysqld.sock')
  for (let i = 0; i < 300 && existsSync(sock); i++) await new Promise((r) => setTimeout(r, 100))
  await new Promise((r) => setTimeout(r, 300))
}

// `sanshe up` again: starts what stopped.
export function stackUp() {
  execFileSync(join(ROOT, 'sanshe'), ['up'], { env: stackEnv(), stdio: 'pipe' })
}

// The demo data (sql/demo/, each file applied once) on the stack under test: `sanshe up`
// with SANSHE_DEMO=1 (the test stack starts without it). Returns at once if it is there.
export function loadDemo() {
  execFileSync(join(ROOT, 'sanshe'), ['up'], { env: { ...stackEnv(), SANSHE_DEMO: '1' }, stdio: 'pipe' })
}

// A valid resident ID number (GB 11643 check character), different each call.
let idSeq = 0
export function idNumber() {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const seq = String((Date.now() + idSeq++ * 7919) % 1000).padStart(3, '0')
  const region = 110100 + Math.floor(Math.random() * 900)
  const body = `${region}1990${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}${String(1 + Math.floor(Math.random() * 28)).padStart(2, '0')}${seq}`
  let sum = 0
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i]
  return body + '10X98765432'[sum % 11]
}

// A registered volunteer
export async function volunteer(tag) {
  const p = await person(tag)
  const phone = `139${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`
  ok(await api('PUT', '/api/v1/me/volunteer', p.token, { real_name: '测试志愿者', phone, id_number: idNumber(), skills: [] }), 200)
  return p
}

// A community (made by an admin) and a filed organization led by `leader`:
// {community, org} (their ids), {communityName, orgName}.
export async function filedOrg(admin, leader, tag) {
  const communityName = `测试社区${tag}${RUN}`
  const orgName = `测试服务社${tag}${RUN}`
  const c = ok(await api('POST', '/api/v1/communities', admin.token, { name: communityName, street: '测试街道', district: '测试区', kind: 'urban' }), 201)
  const o = ok(await api('POST', '/api/v1/orgs', leader.token, { name: orgName, community_id: c.id, kind: 'association', summary: '浏览器测试' }), 201)
  ok(await api('POST', `/api/v1/orgs/${o.id}/approve`, admin.token, {}), 200)
  return { community: c.id, org: o.id, communityName, orgName }
}

// The usual scene: an admin, a leader and the leader's filed organization in a new community
// (filedOrg with `tag`): {admin, leader, community, org, communityName, orgName}.
export async function orgScene(tag) {
  const t = tag.toLowerCase()
  const admin = await person(`${t}admin`, 'admin')
  const leader = await person(`${t}leader`)
  return { admin, leader, ...(await filedOrg(admin, leader, tag)) }
}

// A published activity of `org` (made through the API), running from 10 minutes ago for two
// hours: {id, location}.
export async function publishedActivity(leader, org, extra = {}) {
  const iso = (min) => new Date(Date.now() + min * 60000).toISOString().replace(/\.\d+Z$/, 'Z')
  const a = ok(await api('POST', `/api/v1/orgs/${org}/activities`, leader.token, {
    title: `测试活动${RUN}`, description: '浏览器测试', category: 'culture', starts_at: iso(-10), ends_at: iso(120),
    capacity: 20, location: { name: '活动室', lat: 31.2304, lng: 121.4737, radius_m: 200 }, ...extra,
  }), 201)
  ok(await api('POST', `/api/v1/activities/${a.id}/publish`, leader.token, {}), 200)
  return { id: a.id, location: { lat: 31.2304, lng: 121.4737 } }
}

// Shanghai wall-clock time "YYYY-MM-DD HH:mm:ss", minutes from now (what the date picker takes)
export function shanghai(minutesFromNow) {
  const d = new Date(Date.now() + minutesFromNow * 60000 + 8 * 3600000)
  return d.toISOString().slice(0, 19).replace('T', ' ')
}

// ---------------------------------------------------------------- the browser
// A fresh Chromium (Debian's, nothing downloaded) with its own profile; every request the
// pages make is recorded, and `foreign()` lists those to any origin but the console's.
export async function browser() {
  const profile = mkdtempSync(join(tmpdir(), 'sanshe-chromium-'))
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.SANSHE_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  })
  const origin = new URL(BASE).origin
  const seen = []
  ctx.on('request', (req) => seen.push(req.url()))
  mkdirSync(SHOTS, { recursive: true })
  return {
    ctx,
    async page() {
      const p = ctx.pages()[0] || (await ctx.newPage())
      return p
    },
    foreign: () => seen.filter((u) => !u.startsWith('blob:') && !u.startsWith('data:') && new URL(u).origin !== origin),
    requests: () => seen.slice(),
    async close() {
      await ctx.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

// The frame of a file of browser tests: a before() that starts the browser and an after() that
// closes it and fails the file if the console requested anything from another origin.
// Returns the browser for the file's tests (its page() once before() has run).
export function useBrowser() {
  let b
  before(async () => {
    b = await browser()
  })
  after(async () => {
    const foreign = b ? b.foreign() : []
    if (b) await b.close()
    assert.deepEqual(foreign, [], 'the console requested other origins')
  })
  return { page: () => b.page() }
}

export async function shot(page, name) {
  const path = join(SHOTS, `${name}.png`)
  await page.waitForTimeout(500) // let Element Plus's enter transitions finish
  await page.screenshot({ path, fullPage: true })
  return path
}

// Sign in on the console's sign-in page with the 测试登录 box, as a person would.
export async function signIn(page, who) {
  await page.goto(`${BASE}/signin`)
  await page.getByRole('tab', { name: '测试登录' }).click()
  await page.locator('[data-test=test-signin] input[name=code]').fill(who.code)
  await page.locator('[data-test=test-signin] button[type=submit]').click()
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'))
  await page.locator('[data-test=who]').waitFor()
}

// Types `value` into the Element Plus date picker named `name` inside `scope` (a page or a
// form) and confirms it.
export async function pickDate(scope, name, value) {
  const input = scope.locator(`input[name=${name}]`)
  await input.click()
  await input.fill(value)
  await input.press('Enter')
}

// `res` (a page's response) is the API's 422 naming `field`, and its reason stands beside the
// field's control (`<control name=field>`) in `form`, as the API wrote it. Returns the error.
export async function assertFieldError(res, form, field, control = 'input') {
  assert.equal(res.status(), 422)
  const err = (await res.json()).error
  assert.ok(err.fields[field], `the API names ${field}`)
  const item = form.locator('.el-form-item', { has: form.page().locator(`${control}[name=${field}]`) })
  await item.locator('.el-form-item__error', { hasText: err.fields[field] }).waitFor()
  return err
}

// The text of the QR code in a PNG, read by zbarimg.
export function decodeQr(pngPath) {
  return execFileSync('zbarimg', ['--raw', '-q', pngPath], { encoding: 'utf8' }).trim()
}

// ---------------------------------------------------------------- a phone-sized window
export const PHONE = { width: 390, height: 844 }

// The page does not scroll sideways: nothing makes the document wider than the window (a
// wide table scrolls inside itself, the menu strip inside itself).
export async function assertNoSideScroll(page, what) {
  const w = await page.evaluate(() => ({ scroll: document.scrollingElement.scrollWidth, inner: innerWidth }))
  if (w.scroll > w.inner) throw new Error(`${what}: the page scrolls sideways on a phone (${w.scroll} > ${w.inner})`)
}

// `locator` is visible and lies within the window's width (no sideways scrolling to reach it).
export async function assertInView(page, locator, what) {
  await locator.waitFor({ state: 'visible' })
  const box = await locator.boundingBox()
  const inner = await page.evaluate(() => innerWidth)
  if (!box || box.width <= 0 || box.x < 0 || box.x + box.width > inner + 0.5) {
    throw new Error(`${what}: not within the window's width ${inner}: ${JSON.stringify(box)}`)
  }
}

// ---------------------------------------------------------------- files
// Every file below `dir`, at any depth.
export function filesUnder(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f)
    return statSync(p).isDirectory() ? filesUnder(p) : [p]
  })
}
