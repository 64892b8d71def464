// What a leader creates in the console rather than through the API: a need of the community
// (居民需求 → 提出需求), a service project answering it (服务项目 → 申报服务项目: an end date
// before the start gives the API's field error beside 结束日期 and keeps the input), a resource
// registered on the project's page and matched by the community's admin, and an opinion
// posted in a consultation of the community where the leader lives.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, RUN, api, assertFieldError, ok, orgScene, person, pickDate, shot, signIn, useBrowser } from './lib.mjs'

const b = useBrowser()

// Picks the option matching `name` in the select `sel` (a data-test value) inside `scope`.
async function choose(page, scope, sel, name) {
  await scope.locator(`[data-test=${sel}]`).click()
  await page.getByRole('option', { name }).click()
}

// "YYYY-MM-DD" in Shanghai, days from the day this file started: one fixed day, so that a run
// across Shanghai's midnight compares a date with the one it typed, not with the next day's
const STARTED = Date.now()
function day(offset) {
  return new Date(STARTED + 8 * 3600e3 + offset * 86400e3).toISOString().slice(0, 10)
}

test('a leader raises a need, proposes a service project with a resource and posts an opinion', async () => {
  const { leader, org, community, communityName, orgName } = await orgScene('N')
  const approver = await person('napprover', 'community_admin', community)
  // the leader lives in the community (set in the mini-program's 我的), where a consultation runs
  ok(await api('PATCH', '/api/v1/me', leader.token, { home_community_id: community }), 200)
  const closes = new Date(Date.now() + 3 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z')
  const consultation = ok(await api('POST', '/api/v1/consultations', approver.token, {
    community_id: community, title: `垃圾分类点位调整${RUN}`, body: '请居民发表意见', options: ['东门', '西门'], closes_at: closes,
  }), 201)

  const page = await b.page()
  await signIn(page, leader)

  // 1. a need: 居民需求 → 提出需求
  await page.getByRole('menuitem', { name: '居民需求' }).click()
  await page.waitForURL('**/needs**')
  await page.locator('[data-test=new-need]').click()
  await page.waitForURL('**/needs/new**')
  const needForm = page.locator('[data-test=need-form]')
  await choose(page, needForm, 'need-form-community', new RegExp(communityName))
  await choose(page, needForm, 'need-category', '养老')
  const needTitle = `独居老人助浴${RUN}`
  await needForm.locator('input[name=title]').fill(needTitle)
  await needForm.locator('textarea[name=description]').fill('行动不便的老人洗澡困难，希望有人上门帮助')
  const needReply = page.waitForResponse((r) => r.url().endsWith('/api/v1/needs') && r.request().method() === 'POST')
  await needForm.locator('[data-test=need-submit]').click()
  const need = await (await needReply).json()
  assert.equal(need.title, needTitle)
  await page.waitForURL((u) => u.pathname === '/needs' && u.searchParams.get('community') === String(community))
  await page.locator('[data-test=needs] .el-table__row', { hasText: needTitle }).waitFor()
  await shot(page, '90-need-raised')
  const stored = ok(await api('GET', `/api/v1/needs/${need.id}`, null), 200)
  assert.equal(stored.community_id, community)
  assert.equal(stored.category, 'elderly')
  assert.equal(stored.status, 'open')

  // 2. a service project: 服务项目 → 申报服务项目; first with the end before the start
  await page.getByRole('menuitem', { name: '服务项目' }).click()
  await page.waitForURL('**/services**')
  await page.locator('[data-test=new-service]').click()
  await page.waitForURL('**/services/new')
  const form = page.locator('[data-test=service-form]')
  await choose(page, form, 'service-org', orgName)
  // the organization's own community is filled in; its needs are offered
  await form.locator('[data-test=service-community]', { hasText: communityName }).waitFor()
  const projectTitle = `上门助浴服务${RUN}`
  await form.locator('input[name=title]').fill(projectTitle)
  await form.locator('textarea[name=summary]').fill('每周两次为独居老人提供上门助浴')
  await form.locator('[data-test=service-kind]').getByText('微创投').click()
  await form.locator('input[name=budget]').fill('8800.50')
  await pickDate(form, 'starts_on', day(7))
  await pickDate(form, 'ends_on', day(1))
  await choose(page, form, 'service-needs', new RegExp(needTitle))
  await page.keyboard.press('Escape')
  let reply = page.waitForResponse((r) => r.url().endsWith('/api/v1/service-projects') && r.request().method() === 'POST')
  await form.locator('[data-test=service-submit]').click()
  await assertFieldError(await reply, form, 'ends_on')
  assert.equal(await form.locator('input[name=title]').inputValue(), projectTitle, 'the input is kept')
  assert.equal(new URL(page.url()).pathname, '/services/new')
  await shot(page, '91-service-project-422')
  await pickDate(form, 'ends_on', day(60))
  reply = page.waitForResponse((r) => r.url().endsWith('/api/v1/service-projects') && r.request().method() === 'POST')
  await form.locator('[data-test=service-submit]').click()
  const res = await reply
  assert.equal(res.status(), 201)
  await page.waitForURL(/\/services\/\d+$/)
  const projectId = Number(new URL(page.url()).pathname.split('/').pop())
  await page.locator('[data-test=service-status]', { hasText: '申报' }).waitFor()
  const project = ok(await api('GET', `/api/v1/service-projects/${projectId}`, null), 200)
  assert.equal(project.title, projectTitle)
  assert.equal(project.org_id, org)
  assert.equal(project.community_id, community)
  assert.equal(project.kind, 'micro_venture')
  assert.equal(project.budget_cents, 880050)
  assert.equal(project.starts_on, day(7))
  assert.equal(project.ends_on, day(60))
  assert.deepEqual(project.need_ids, [need.id])

  // 3. a resource of the community, registered on the project's page (the leader may not match)
  assert.equal(await page.locator('[data-test=match-form]').count(), 0, 'matching is the community admin\'s')
  const resForm = page.locator('[data-test=resource-form]')
  await resForm.locator('[data-test=resource-kind]').getByText('人员').click()
  await resForm.locator('input[name=provider]').fill('社区卫生服务中心')
  await resForm.locator('input[name=description]').fill('护理员两名，每周两个半天')
  await resForm.locator('input[name=quantity]').fill('2')
  const resReply = page.waitForResponse((r) => r.url().endsWith('/api/v1/resources') && r.request().method() === 'POST')
  await resForm.locator('[data-test=resource-submit]').click()
  const resource = await (await resReply).json()
  assert.equal(resource.community_id, community)
  assert.equal(resource.kind, 'people')
  assert.equal(resource.quantity, 2)
  await page.locator('.el-message', { hasText: '资源已登记' }).first().waitFor()
  await shot(page, '92-service-resource-registered')

  // the community's admin matches it to the project
  await signIn(page, approver)
  await page.goto(`${BASE}/services/${projectId}`)
  await choose(page, page, 'resource-select', /社区卫生服务中心/)
  await page.locator('[data-test=match-form] input[name=note]').fill('助浴由护理员上门')
  await page.locator('[data-test=match-form] button[type=submit]').click()
  await page.locator('[data-test=service-resources] .el-table__row', { hasText: '社区卫生服务中心' }).waitFor()
  await shot(page, '93-service-resource-matched')
  const matched = ok(await api('GET', `/api/v1/service-projects/${projectId}`, null), 200).resources
  assert.ok(matched.some((r) => r.id === resource.id && r.note === '助浴由护理员上门'))

  // 4. the leader's opinion in the consultation
  await signIn(page, leader)
  await page.goto(`${BASE}/consultations?community=${community}`)
  await page.locator('[data-test=consultations]').getByRole('link', { name: consultation.title }).click()
  await page.waitForURL(`**/consultations/${consultation.id}`)
  const commentForm = page.locator('[data-test=comment-form]')
  const opinion = `建议把点位放在东门，方便老人${RUN}`
  await commentForm.locator('textarea[name=comment]').fill(opinion)
  const commentReply = page.waitForResponse((r) => r.url().endsWith(`/api/v1/consultations/${consultation.id}/comments`))
  await commentForm.locator('[data-test=comment-submit]').click()
  assert.equal((await commentReply).status(), 201)
  await page.locator('[data-test=comments] .comment', { hasText: opinion }).waitFor()
  assert.equal(await commentForm.locator('textarea[name=comment]').inputValue(), '', 'the box is emptied after posting')
  await shot(page, '94-consultation-opinion')
  const seen = ok(await api('GET', `/api/v1/consultations/${consultation.id}`, null), 200)
  assert.ok(seen.comments.some((m) => m.body === opinion && m.user_id === leader.id), 'the opinion is public')
})
