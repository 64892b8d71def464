// Browser tests of the web console against the live test stack (STYLE 25): people sign in,
// click and see; the server is never mocked. Each test leaves a screenshot under
// <state>/screenshots/web/, and every test checks that the console requested nothing from
// any origin but its own.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, api, assertFieldError, decodeQr, filedOrg, ok, person, pickDate, shanghai, shot, signIn, stackUp, stopMariadb, useBrowser, volunteer, SHOTS } from './lib.mjs'
import { join } from 'node:path'

const b = useBrowser()
let admin

before(async () => {
  admin = await person('admin', 'admin')
})

test('a leader signs in, creates and publishes an activity, and its projector QR code checks a volunteer in', async () => {
  const leader = await person('leader')
  const { org } = await filedOrg(admin, leader, 'L')
  const vol = await volunteer('vol')

  const page = await b.page()
  await signIn(page, leader)
  await shot(page, '01-leader-home')

  // the organization's page → 新建活动 → the form
  await page.goto(`${BASE}/orgs/${org}`)
  await page.locator('[data-test=new-activity]').click()
  await page.waitForURL(`**/orgs/${org}/activities/new`)
  const form = page.locator('[data-test=activity-form]')
  await form.locator('input[name=title]').fill('周末社区清洁行动')
  await form.locator('textarea[name=description]').fill('一起清扫小区公共区域')
  await pickDate(form, 'starts_at', shanghai(-10))
  await pickDate(form, 'ends_at', shanghai(120))
  await form.locator('input[name=location_name]').fill('社区活动中心')
  const createReq = page.waitForRequest((r) => r.url().endsWith(`/api/v1/orgs/${org}/activities`) && r.method() === 'POST')
  await form.locator('[data-test=activity-submit]').click()
  const key = (await createReq).headers()['idempotency-key']
  assert.match(key || '', /^[0-9a-f]{32}$/, 'a create carries an Idempotency-Key')
  await page.waitForURL(/\/activities\/\d+$/)
  const activityId = Number(new URL(page.url()).pathname.split('/').pop())
  await page.locator('[data-test=activity-status]', { hasText: '草稿' }).waitFor()

  // 发布
  await page.locator('[data-test=publish]').click()
  await page.locator('[data-test=activity-status]', { hasText: '已发布' }).waitFor()
  const published = ok(await api('GET', `/api/v1/activities/${activityId}`, leader.token), 200)
  assert.equal(published.status, 'published')
  assert.equal(published.title, '周末社区清洁行动')
  await shot(page, '02-activity-published')

  // the volunteer signs up (in the mini-program; here through the API)
  ok(await api('POST', `/api/v1/activities/${activityId}/signups`, vol.token, {}), 201)

  // the projector page: a QR code that decodes to a token the API accepts
  await page.locator('[data-test=projector-link]').click()
  await page.waitForURL(`**/activities/${activityId}/projector`)
  const qr = page.locator('[data-test=checkin-qr]')
  await qr.waitFor()
  await page.waitForFunction(() => {
    const img = document.querySelector('[data-test=checkin-qr]')
    return img && img.complete && img.naturalWidth > 0
  })
  await page.locator('[data-test=checked-in-count]', { hasText: '0' }).waitFor()
  const qrPng = join(SHOTS, '03-projector-qr.png')
  await qr.screenshot({ path: qrPng })
  const token = decodeQr(qrPng)
  assert.ok(token.length > 0, 'the QR code decodes')
  const loc = published.location
  const checkin = await api('POST', '/api/v1/checkins', vol.token, { token, lat: loc.lat, lng: loc.lng })
  assert.equal(checkin.status, 201, checkin.text)
  assert.equal(checkin.body.activity_id, activityId)

  // the live count on the projector follows
  await page.locator('[data-test=checked-in-count]', { hasText: '1' }).waitFor({ timeout: 15000 })
  await shot(page, '04-projector-1280x800')
  await page.setViewportSize({ width: 390, height: 844 })
  await page.waitForTimeout(300)
  const box = await qr.boundingBox()
  assert.ok(box && box.width >= 300 && box.x >= 0 && box.x + box.width <= 390, `QR fits a phone: ${JSON.stringify(box)}`)
  await shot(page, '05-projector-phone')
  await page.setViewportSize({ width: 1280, height: 800 })

  // the roster shows the check-in
  await page.goto(`${BASE}/activities/${activityId}`)
  await page.locator('[data-test=roster] .el-tag--success').first().waitFor()
  await shot(page, '06-roster-checked-in')
})

test('an approver approves a filing', async () => {
  const filer = await person('filer')
  const communityName = `审批社区${Date.now()}`
  const c = ok(await api('POST', '/api/v1/communities', admin.token, { name: communityName, street: '街道', district: '区', kind: 'rural' }), 201)
  const o = ok(await api('POST', '/api/v1/orgs', filer.token, { name: `待审组织${Date.now()}`, community_id: c.id, kind: 'foundation', summary: '等待审批' }), 201)
  const approver = await person('approver', 'community_admin', c.id)

  const page = await b.page()
  await signIn(page, approver)
  await page.getByRole('menuitem', { name: '备案审批' }).click()
  await page.waitForURL('**/approvals/filings')
  await page.locator('[data-test=filing-lookup] input').fill(String(o.id))
  await page.locator('[data-test=filing-lookup] button[type=submit]').click()
  await page.locator('[data-test=filing-status]', { hasText: '待审批' }).waitFor()
  await page.locator('[data-test=filing]', { hasText: communityName }).waitFor()
  await shot(page, '07-filing-pending')
  await page.locator('[data-test=approve]').click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await page.locator('[data-test=filing-status]', { hasText: '已备案' }).waitFor()
  await shot(page, '08-filing-approved')

  // the decision is in the audit log, under the approver's name and role
  await page.locator('[data-test=audit-link]').click()
  await page.waitForURL('**/audit?**')
  const row = page.locator('[data-test=audit] .el-table__row', { hasText: '批准备案' })
  await row.first().waitFor()
  assert.equal(await row.count(), 1)
  const text = await row.innerText()
  assert.match(text, new RegExp(`#${o.id}\\b`))
  assert.match(text, /社区管理员/)
  assert.match(text, new RegExp(`\\b${approver.id}\\b`))
  await shot(page, '08b-audit-log')

  const after = ok(await api('GET', `/api/v1/orgs/${o.id}`, filer.token), 200)
  assert.equal(after.status, 'filed')
  assert.equal(after.my_role, 'leader', 'the filer became the leader')
})

test('a form shows the API field error from a 422 beside its field and keeps the input', async () => {
  const leader = await person('leader422')
  const { org } = await filedOrg(admin, leader, 'V')
  const page = await b.page()
  await signIn(page, leader)
  await page.goto(`${BASE}/orgs/${org}/activities/new`)
  const form = page.locator('[data-test=activity-form]')
  await form.locator('input[name=title]').fill('好活动')
  await pickDate(form, 'starts_at', shanghai(60))
  await pickDate(form, 'ends_at', shanghai(30)) // ends before it starts: the API refuses ends_at
  await form.locator('input[name=location_name]').fill('活动室')
  const reply = page.waitForResponse((r) => r.url().endsWith(`/api/v1/orgs/${org}/activities`) && r.request().method() === 'POST')
  await form.locator('[data-test=activity-submit]').click()
  // the reason stands beside the ends_at field, as the API wrote it (Chinese: zh-CN)
  const err = await assertFieldError(await reply, form, 'ends_at')
  assert.equal(err.code, 'validation_failed')
  assert.equal(await form.locator('input[name=title]').inputValue(), '好活动', 'the input is kept')
  assert.equal(new URL(page.url()).pathname, `/orgs/${org}/activities/new`)
  await shot(page, '09-field-error-422')
})

test('the QR sign-in page signs in once the mini-program confirms (when the API has qr-tickets)', async (t) => {
  const probe = await api('POST', '/api/v1/auth/qr-tickets', null, {})
  if (probe.status === 404) {
    t.skip('POST /api/v1/auth/qr-tickets is not on this server yet')
    return
  }
  const who = await person('qr')
  const page = await b.page()
  await page.evaluate(() => localStorage.clear()).catch(() => {})
  const ticketReply = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/qr-tickets') && r.request().method() === 'POST')
  await page.goto(`${BASE}/signin`)
  const ticket = (await (await ticketReply).json()).ticket
  const img = page.locator('[data-test=qr-signin] img')
  await img.waitFor()
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-test=qr-signin] img')
    return i && i.complete && i.naturalWidth > 0
  })
  const qrPng = join(SHOTS, '10-qr-signin-code.png')
  await img.screenshot({ path: qrPng })
  assert.ok(decodeQr(qrPng).includes(ticket), 'the QR code shown carries the ticket')
  await shot(page, '10-qr-signin')
  ok(await api('POST', `/api/v1/auth/qr-tickets/${encodeURIComponent(ticket)}/confirm`, who.token, {}), 204)
  await page.waitForURL((u) => !u.pathname.startsWith('/signin'), { timeout: 15000 })
  await page.locator('[data-test=who]').waitFor()
  await shot(page, '11-qr-signed-in')
})

test('a dead token returns to sign-in, and signing in goes back to the page', async () => {
  const leader = await person('expired')
  const page = await b.page()
  await signIn(page, leader)
  ok(await api('POST', '/api/v1/auth/logout', await page.evaluate(() => localStorage.getItem('sanshe.token')), {}), 204)
  await page.goto(`${BASE}/contests`)
  await page.waitForURL((u) => u.pathname === '/signin' && u.searchParams.get('next') === '/contests')
  await shot(page, '12-signin-after-401')
  await page.getByRole('tab', { name: '测试登录' }).click()
  await page.locator('[data-test=test-signin] input[name=code]').fill(leader.code)
  await page.locator('[data-test=test-signin] button[type=submit]').click()
  await page.waitForURL((u) => u.pathname === '/contests')
})

test('contest results: the ranking with funding and its chart', async () => {
  const leader = await person('contest')
  const { org } = await filedOrg(admin, leader, 'C')
  const now = Date.now()
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
  const contest = ok(await api('POST', '/api/v1/contests', admin.token, {
    title: `创投大赛${now}`, budget_cents: 500000, votes_per_user_per_day: 3,
    submit_until: iso(now + 3600e3), vote_from: iso(now - 60e3), vote_until: iso(now + 7200e3),
  }), 201)
  const titles = ['长者助餐', '儿童托管', '楼道美化']
  const ids = []
  for (const [i, title] of titles.entries()) {
    const p = ok(await api('POST', `/api/v1/contests/${contest.id}/projects`, leader.token, { org_id: org, title, summary: '测试', budget_cents: 200000 + i }), 201)
    ids.push(p.id)
  }
  // the admin approves two of them in the browser
  const page = await b.page()
  await signIn(page, admin)
  await page.goto(`${BASE}/contests/${contest.id}`)
  for (const title of titles.slice(0, 2)) {
    const row = page.locator('[data-test=projects] .el-table__row', { hasText: title })
    await row.getByRole('button', { name: '通过' }).click()
    await row.locator('td', { hasText: '已通过' }).waitFor()
  }
  // residents vote: two for the second project, one for the first
  for (const [n, pid] of [[0, ids[1]], [1, ids[1]], [2, ids[0]]]) {
    const voter = await person(`voter${n}`)
    ok(await api('POST', `/api/v1/contests/${contest.id}/votes`, voter.token, { project_id: pid }), 201)
  }
  await page.reload()
  await page.getByRole('tab', { name: '结果' }).click()
  const rows = page.locator('[data-test=results] .el-table__row')
  await rows.first().waitFor()
  assert.equal(await rows.count(), 2, 'only approved projects are ranked')
  assert.match(await rows.nth(0).innerText(), /儿童托管[\s\S]*2/)
  assert.match(await rows.nth(1).innerText(), /长者助餐[\s\S]*1/)
  await page.locator('.chart canvas').waitFor()
  await shot(page, '13-contest-results')
})

test('during a database outage a form says the service is busy, keeps the input, and the retry creates the activity', async () => {
  const leader = await person('outage')
  const { org } = await filedOrg(admin, leader, 'O')
  const page = await b.page()
  await signIn(page, leader)
  await page.goto(`${BASE}/orgs/${org}/activities/new`)
  const form = page.locator('[data-test=activity-form]')
  await form.locator('input[name=title]').fill('停电也不丢的活动')
  await pickDate(form, 'starts_at', shanghai(60))
  await pickDate(form, 'ends_at', shanghai(180))
  await form.locator('input[name=location_name]').fill('活动室')

  await stopMariadb()
  const keys = []
  try {
    const first = page.waitForResponse((r) => r.url().endsWith(`/api/v1/orgs/${org}/activities`))
    page.on('request', (r) => r.url().endsWith(`/api/v1/orgs/${org}/activities`) && keys.push(r.headers()['idempotency-key']))
    await form.locator('[data-test=activity-submit]').click()
    assert.equal((await first).status(), 503)
    await page.locator('.el-message', { hasText: '服务繁忙' }).first().waitFor()
    assert.equal(await form.locator('input[name=title]').inputValue(), '停电也不丢的活动', 'the input is kept')
    assert.equal(new URL(page.url()).pathname, `/orgs/${org}/activities/new`)
    await shot(page, '14-busy-503')
  } finally {
    stackUp()
  }
  // the person presses the button again: the same Idempotency-Key, and the draft is made
  await form.locator('[data-test=activity-submit]').click()
  await page.waitForURL(/\/activities\/\d+$/)
  await page.locator('[data-test=activity-status]', { hasText: '草稿' }).waitFor()
  assert.equal(keys.length, 2)
  assert.equal(keys[0], keys[1], 'the retry carries the same Idempotency-Key')
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  assert.equal(ok(await api('GET', `/api/v1/activities/${id}`, leader.token), 200).title, '停电也不丢的活动')
})
