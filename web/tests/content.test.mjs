// The content review queue, walked by a community admin: a resident's need and a comment
// whose texts the fake WeChat server holds for review (they contain 待审测试: tests/fakewx)
// wait hidden; the admin reads the need's full text in the queue and passes it from a phone
// (the queue fits a 390×844 window, its buttons in view), and it becomes public; the comment
// is rejected and stays hidden, listed under 已驳回.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, PHONE, RUN, api, assertInView, assertNoSideScroll, ok, orgScene, person, shot, signIn, useBrowser } from './lib.mjs'

const b = useBrowser()

test('a community admin passes a held need (on a phone) and rejects a held comment', async () => {
  const { admin, leader, community, communityName } = await orgScene('R')
  const approver = await person('rapprover', 'community_admin', community)
  const resident = await person('rresident')
  ok(await api('PATCH', '/api/v1/me', resident.token, { home_community_id: community }), 200)

  // the scene: two texts the content check holds (as the mini-program would send them)
  const need = ok(await api('POST', '/api/v1/needs', resident.token, {
    community_id: community, category: 'environment', title: `楼道堆物待审测试${RUN}`, description: '三号楼楼道堆满杂物，影响消防通道',
  }), 201)
  assert.equal(need.content_status, 'review', 'the fake WeChat server holds 待审测试')
  const closes = new Date(Date.now() + 3 * 86400e3).toISOString().replace(/\.\d+Z$/, 'Z')
  const consultation = ok(await api('POST', '/api/v1/consultations', leader.token, {
    community_id: community, title: `健身器材选址${RUN}`, body: '请居民发表意见', options: ['小广场', '河边'], closes_at: closes,
  }), 201)
  const comment = ok(await api('POST', `/api/v1/consultations/${consultation.id}/comments`, resident.token, { body: `待审测试的意见${RUN}` }), 201)
  assert.equal(comment.content_status, 'review')
  const publicNeeds = async () => ok(await api('GET', `/api/v1/needs?community_id=${community}&limit=100`, null), 200).items.map((n) => n.id)
  assert.ok(!(await publicNeeds()).includes(need.id), 'a held need is not listed')

  const page = await b.page()
  await signIn(page, approver)
  await page.locator('[data-test=task-content]').click()
  await page.waitForURL('**/approvals/content')
  const rows = page.locator('[data-test=content-queue] .el-table__row')
  const needRow = rows.filter({ hasText: need.title })
  const commentRow = rows.filter({ hasText: `待审测试的意见${RUN}` })
  await needRow.waitFor()
  await commentRow.waitFor()
  assert.equal(await rows.count(), 2, 'exactly the two held texts of this community')
  assert.match(await needRow.innerText(), /居民需求/)
  assert.match(await needRow.innerText(), new RegExp(communityName), 'the community by name')
  assert.match(await commentRow.innerText(), /协商讨论/)
  // unfolded, the need's full text
  await needRow.locator('.el-table__expand-icon').click()
  await page.locator('[data-test=content-detail]', { hasText: '三号楼楼道堆满杂物' }).waitFor()
  await shot(page, '80-content-queue')

  // on a phone: the queue fits, the buttons are in view; the need is passed from there
  await page.setViewportSize(PHONE)
  await page.reload()
  await needRow.waitFor()
  await assertNoSideScroll(page, 'the content review queue')
  await assertInView(page, needRow.locator('[data-test=content-pass]'), 'pass')
  await assertInView(page, needRow.locator('[data-test=content-reject]'), 'reject')
  await assertInView(page, needRow.locator('[data-test=held-text]'), 'the held text')
  await shot(page, '81-content-queue-phone')
  const passed = page.waitForResponse((r) => r.url().includes('/api/v1/content-reviews/') && r.url().endsWith('/pass'))
  await needRow.locator('[data-test=content-pass]').click()
  assert.equal((await passed).status(), 200)
  await needRow.waitFor({ state: 'detached' })
  await page.setViewportSize({ width: 1280, height: 800 })

  // passed: public now, and on the needs page
  assert.ok((await publicNeeds()).includes(need.id), 'the passed need is listed')
  assert.equal(ok(await api('GET', `/api/v1/needs/${need.id}`, null), 200).content_status, 'visible')
  await page.goto(`${BASE}/needs?community=${community}`)
  await page.locator('[data-test=needs] .el-table__row', { hasText: need.title }).waitFor()
  await shot(page, '82-content-passed-need-listed')

  // the comment: rejected after a confirmation, and it stays hidden
  await page.goto(`${BASE}/approvals/content`)
  await commentRow.locator('[data-test=content-reject]').click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await commentRow.waitFor({ state: 'detached' })
  await page.locator('[data-test=content-queue]', { hasText: '暂无数据' }).waitFor()
  await page.locator('[data-test=content-status]').getByText('已驳回').click()
  const rejected = page.locator('[data-test=content-queue] .el-table__row', { hasText: `待审测试的意见${RUN}` })
  await rejected.locator('.el-tag', { hasText: '已驳回' }).waitFor()
  await shot(page, '83-content-rejected')
  const seen = ok(await api('GET', `/api/v1/consultations/${consultation.id}`, null), 200)
  assert.ok(!(seen.comments || []).some((m) => m.id === comment.id), 'a rejected comment stays hidden')

  // both decisions are in the audit log
  const audit = async (type, id) => ok(await api('GET', `/api/v1/audit?object_type=${type}&object_id=${id}`, admin.token), 200).items
  assert.ok((await audit('need', need.id)).some((e) => e.action === 'content.pass' && e.actor_id === approver.id), 'content.pass audited')
  assert.ok((await audit('consultation_comment', comment.id)).some((e) => e.action === 'content.reject'), 'content.reject audited')
})
