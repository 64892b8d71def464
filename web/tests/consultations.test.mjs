// A community consultation, walked by an organization's leader: the create form refuses one
// option (the API's reason beside the field), the consultation is convened, residents vote
// (through the API, as in the mini-program) and the tally chart shows it, then the stages:
// resolve with the decision, publicize, feedback.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, api, assertFieldError, ok, orgScene, person, pickDate, shanghai, shot, signIn, useBrowser } from './lib.mjs'

const b = useBrowser()

test('a consultation is convened, voted on and taken through its stages', async () => {
  const { leader, community, communityName } = await orgScene('X')

  const page = await b.page()
  await signIn(page, leader)
  await page.getByRole('menuitem', { name: '社区协商' }).click()
  await page.waitForURL('**/consultations**')
  await page.locator('[data-test=new-consultation]').click()
  await page.waitForURL('**/consultations/new')
  const form = page.locator('[data-test=consultation-form]')
  await form.locator('.el-select').click()
  await page.getByRole('option', { name: new RegExp(communityName) }).click()
  await form.locator('input[name=title]').fill('小区停车位如何分配')
  await form.locator('textarea[name=body]').fill('请居民投票选择分配方式')
  await form.locator('textarea[name=options]').fill('按楼栋轮换')
  await pickDate(form, 'closes_at', shanghai(3 * 1440))
  const reply = page.waitForResponse((r) => r.url().endsWith('/api/v1/consultations') && r.request().method() === 'POST')
  await form.locator('[data-test=consultation-submit]').click()
  await assertFieldError(await reply, form, 'options', 'textarea')
  await shot(page, '70-consultation-422')
  await form.locator('textarea[name=options]').fill('按楼栋轮换\n摇号\n先到先得')
  await form.locator('[data-test=consultation-submit]').click()
  await page.waitForURL(/\/consultations\/\d+$/)
  const id = Number(new URL(page.url()).pathname.split('/').pop())
  await page.locator('[data-test=consultation-stage]', { hasText: '协商中' }).waitFor()

  // residents of the community vote
  for (const [n, option] of [[0, 1], [1, 1], [2, 0]]) {
    const r = await person(`cres${n}`)
    ok(await api('PATCH', '/api/v1/me', r.token, { home_community_id: community }), 200)
    ok(await api('POST', `/api/v1/consultations/${id}/ballots`, r.token, { option }), 201)
  }
  await page.reload()
  await page.locator('.chart canvas').waitFor()
  assert.equal(ok(await api('GET', `/api/v1/consultations/${id}`, leader.token), 200).ballots, 3)

  // the stages
  await page.locator('textarea[name=decision]').fill('采用摇号方式分配')
  await page.locator('[data-test=resolve]').click()
  await page.locator('[data-test=consultation-stage]', { hasText: '已决议' }).waitFor()
  await page.locator('[data-test=publicize]').click()
  await page.locator('[data-test=consultation-stage]', { hasText: '已公示' }).waitFor()
  await page.locator('textarea[name=feedback]').fill('已于本月完成摇号')
  await page.locator('[data-test=give-feedback]').click()
  await page.locator('[data-test=consultation-stage]', { hasText: '已反馈' }).waitFor()
  await page.locator('[data-test=feedback]', { hasText: '已于本月完成摇号' }).waitFor()
  assert.equal(await page.locator('[data-test=consultation-stages] .el-step__head.is-success').count(), 4)
  await shot(page, '71-consultation-feedback')
  const after = ok(await api('GET', `/api/v1/consultations/${id}`, null), 200)
  assert.equal(after.stage, 'feedback')
  assert.equal(after.decision, '采用摇号方式分配')
  await page.goto(`${BASE}/consultations?community=${community}`)
  await page.locator('[data-test=consultations] .el-table__row', { hasText: '小区停车位如何分配' }).waitFor()
})
