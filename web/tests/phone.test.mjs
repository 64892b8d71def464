// A leader on the move, in a phone-sized window (390×844): the organization's activities, an
// activity's page with its roster (on a phone: who, state, times and minutes, no sideways scroll), and the form to propose a service project never scroll
// sideways (wide tables scroll inside themselves, the menu strip too), and the controls a
// leader reaches for are in view. (The content review queue on a phone: content.test.mjs; the
// projector: console.test.mjs.)
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, PHONE, api, assertInView, assertNoSideScroll, ok, orgScene, publishedActivity, shot, signIn, useBrowser, volunteer } from './lib.mjs'

const b = useBrowser()

test('on a phone, the org activities list, an activity page and the project form fit and keep their controls in view', async () => {
  const { leader, org } = await orgScene('F')
  const act = await publishedActivity(leader, org)
  const vol = await volunteer('fvol')
  ok(await api('POST', `/api/v1/activities/${act.id}/signups`, vol.token, {}), 201)
  const code = ok(await api('GET', `/api/v1/activities/${act.id}/checkin-code`, leader.token), 200)
  const checkin = ok(await api('POST', '/api/v1/checkins', vol.token, { token: code.token, ...act.location }), 201)

  const page = await b.page()
  await page.setViewportSize(PHONE)
  await signIn(page, leader)
  await assertNoSideScroll(page, 'home')
  await assertInView(page, page.locator('[data-test=who]'), 'who is signed in')
  await assertInView(page, page.getByRole('button', { name: '退出登录' }), 'sign out')
  await assertInView(page, page.getByRole('menuitem', { name: '首页' }), 'the menu')

  // the organization's activities
  await page.goto(`${BASE}/orgs/${org}`)
  const row = page.locator('[data-test=org-activities] .el-table__row').first()
  await row.waitFor()
  await assertNoSideScroll(page, 'the organization page')
  await assertInView(page, page.locator('[data-test=activity-status-filter]'), 'the status filter')
  await assertInView(page, page.locator('[data-test=new-activity]'), '新建活动')
  const link = row.getByRole('link', { name: /测试活动/ })
  await assertInView(page, link, 'the activity link')
  await shot(page, '95-phone-org-activities')

  // an activity's page: its state, the buttons, the roster
  await link.click()
  await page.waitForURL(`**/activities/${act.id}`)
  const rosterRow = page.locator('[data-test=roster] .el-table__row', { hasText: String(vol.id) })
  await rosterRow.waitFor()
  await assertNoSideScroll(page, 'the activity page')
  await assertInView(page, page.locator('[data-test=activity-status]'), 'the status')
  await assertInView(page, page.locator('[data-test=projector-link] button'), '投屏签到码')
  await assertInView(page, page.locator('[data-test=cancel]'), '取消活动')
  await assertInView(page, rosterRow.locator('td').first(), 'the roster\'s names')
  // the check-in time and the minutes fit beside the names, with no sideways scroll of the table
  const clock = new Date(new Date(checkin.checked_in_at).getTime() + 8 * 3600000).toISOString().slice(11, 16)
  const inAt = rosterRow.locator('[data-test=checked-in-at]')
  assert.equal((await inAt.innerText()).trim(), clock, 'the check-in time of day (Shanghai)')
  await assertInView(page, inAt, 'the check-in time')
  await assertInView(page, rosterRow.locator('[data-test=minutes]'), 'the minutes')
  const scroller = await page.locator('[data-test=roster] .el-scrollbar__wrap').first().evaluate((e) => [e.scrollWidth, e.clientWidth])
  assert.ok(scroller[0] <= scroller[1] + 1, `the roster fits its width: ${scroller}`)
  // the details stack in one column on a phone (at 1280 开始时间 and 结束时间 share a row)
  const starts = await page.locator('.el-descriptions__label', { hasText: '开始时间' }).boundingBox()
  const ends = await page.locator('.el-descriptions__label', { hasText: '结束时间' }).boundingBox()
  assert.ok(ends.y > starts.y + starts.height - 1 && Math.abs(ends.x - starts.x) < 1, `one column of details: ${JSON.stringify([starts, ends])}`)
  await shot(page, '96-phone-activity')

  // the form to propose a service project
  await page.goto(`${BASE}/services/new`)
  const form = page.locator('[data-test=service-form]')
  await form.waitFor()
  await assertNoSideScroll(page, 'the service project form')
  await assertInView(page, form.locator('input[name=title]'), 'the title field')
  await assertInView(page, form.locator('[data-test=service-submit]'), 'submit')
  await shot(page, '97-phone-service-form')
  await page.setViewportSize({ width: 1280, height: 800 })
})
