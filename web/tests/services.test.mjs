// Needs and service projects, walked by a community admin and an organization's leader: a
// resident's need accepted from the list, a project taken through its lifecycle (立项 by the
// admin, 开始实施 and 完成 by the leader, 评估 by the admin: a score out of range gives the
// API's field error beside the field), and a resource of the community matched to it.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, RUN, api, assertFieldError, ok, orgScene, person, shot, signIn, useBrowser } from './lib.mjs'

const b = useBrowser()

test('a need is triaged and a service project goes through its lifecycle with a resource', async () => {
  const { leader, org, community } = await orgScene('S')
  const approver = await person('sapprover', 'community_admin', community)
  const resident = await person('sresident')
  const need = ok(await api('POST', '/api/v1/needs', resident.token, { community_id: community, category: 'elderly', title: `独居老人送餐${RUN}`, description: '午餐没人管' }), 201)
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10)
  const project = ok(await api('POST', '/api/v1/service-projects', leader.token, {
    org_id: org, community_id: community, title: `长者助餐${RUN}`, summary: '为独居老人送午餐', kind: 'purchase',
    budget_cents: 1200000, starts_on: today, ends_on: today, need_ids: [need.id],
  }), 201)
  const resource = ok(await api('POST', '/api/v1/resources', approver.token, { community_id: community, kind: 'venue', provider: '社区食堂', description: '厨房与餐厅', quantity: 1 }), 201)

  const page = await b.page()
  await signIn(page, approver)
  // the need, accepted from the community's list
  await page.getByRole('menuitem', { name: '居民需求' }).click()
  await page.waitForURL('**/needs**')
  await page.goto(`${BASE}/needs?community=${community}`)
  const needRow = page.locator('[data-test=needs] .el-table__row', { hasText: need.title })
  await needRow.getByRole('button', { name: '受理', exact: true }).click()
  await page.getByRole('dialog').locator('input').fill('已安排社工跟进')
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await needRow.locator('.el-tag', { hasText: '已受理' }).waitFor()
  await shot(page, '60-needs-accepted')
  assert.equal(ok(await api('GET', `/api/v1/needs/${need.id}`, null), 200).status, 'accepted')

  // the project: 立项 by the community admin
  await page.goto(`${BASE}/services?community=${community}`)
  await page.locator('[data-test=services]').getByRole('link', { name: project.title }).click()
  await page.waitForURL(`**/services/${project.id}`)
  const status = page.locator('[data-test=service-status]')
  await status.filter({ hasText: '申报' }).waitFor()
  await page.locator('[data-test=service-step]', { hasText: '立项' }).click()
  await status.filter({ hasText: '已立项' }).waitFor()
  // a resource of the community matched to it
  await page.locator('[data-test=resource-select]').click()
  await page.getByRole('option', { name: /社区食堂/ }).click()
  await page.locator('[data-test=match-form] input[name=note]').fill('每日午餐使用')
  await page.locator('[data-test=match-form] button[type=submit]').click()
  await page.locator('[data-test=service-resources] .el-table__row', { hasText: '社区食堂' }).waitFor()

  // the leader starts and completes it
  await signIn(page, leader)
  await page.goto(`${BASE}/services/${project.id}`)
  await page.locator('[data-test=service-step]', { hasText: '开始实施' }).click()
  await status.filter({ hasText: '实施中' }).waitFor()
  await page.locator('[data-test=service-step]', { hasText: '完成' }).click()
  await status.filter({ hasText: '已完成' }).waitFor()

  // the community admin evaluates it: 150 is out of range → the field error beside 评估得分
  await signIn(page, approver)
  await page.goto(`${BASE}/services/${project.id}`)
  const form = page.locator('[data-test=evaluate-form]')
  await form.locator('input[name=score]').fill('150')
  await form.locator('textarea[name=report]').fill('按期完成，老人满意')
  const reply = page.waitForResponse((r) => r.url().endsWith(`/api/v1/service-projects/${project.id}/evaluate`))
  await form.locator('button[type=submit]').click()
  await assertFieldError(await reply, form, 'score')
  await shot(page, '61-service-evaluate-422')
  await form.locator('input[name=score]').fill('90')
  await form.locator('button[type=submit]').click()
  await status.filter({ hasText: '已评估' }).waitFor()
  await page.locator('[data-test=service-score]', { hasText: '90' }).waitFor()
  await shot(page, '62-service-evaluated')

  const after = ok(await api('GET', `/api/v1/service-projects/${project.id}`, null), 200)
  assert.equal(after.status, 'evaluated')
  assert.equal(after.score, 90)
  assert.ok(after.resources.some((r) => r.id === resource.id))
})
