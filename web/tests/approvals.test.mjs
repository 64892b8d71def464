// The approval queues, walked as approvers do: the pending filings of their community listed
// (reject without a reason → the API's field error beside the field; with one → rejected;
// approve another from the queue), contest projects waiting for review, and service-time
// corrections decided by a second person.
import { before, test } from 'node:test'
import assert from 'node:assert/strict'
import { BASE, RUN, api, filedOrg, ok, person, publishedActivity, shot, signIn, useBrowser, volunteer } from './lib.mjs'

const b = useBrowser()
let admin

before(async () => {
  admin = await person('qadmin', 'admin')
})

test('a community admin decides filings from the queue: a reject needs a reason', async () => {
  const c = ok(await api('POST', '/api/v1/communities', admin.token, { name: `队列社区${RUN}`, street: '街道', district: '区', kind: 'urban' }), 201)
  const filer = await person('qfiler')
  const names = [`待批组织甲${RUN}`, `待批组织乙${RUN}`]
  const orgs = []
  for (const name of names) orgs.push(ok(await api('POST', '/api/v1/orgs', filer.token, { name, community_id: c.id, kind: 'association', summary: '排队' }), 201))
  const approver = await person('qapprover', 'community_admin', c.id)

  const page = await b.page()
  await signIn(page, approver)
  await page.getByRole('menuitem', { name: '备案审批' }).click()
  await page.waitForURL('**/approvals/filings')
  const queue = page.locator('[data-test=filing-queue] .el-table__row')
  await queue.first().waitFor()
  // a community admin sees exactly the pending filings of their community
  assert.equal(await queue.count(), 2)
  await shot(page, '30-filing-queue')

  // reject the first without a reason: the API's reason stands beside the field
  await queue.filter({ hasText: names[0] }).getByRole('button', { name: '审批' }).click()
  await page.locator('[data-test=filing]', { hasText: names[0] }).waitFor()
  const reply = page.waitForResponse((r) => r.url().endsWith(`/api/v1/orgs/${orgs[0].id}/reject`))
  await page.getByRole('button', { name: '驳回' }).click()
  const res = await reply
  assert.equal(res.status(), 422)
  const body = await res.json()
  assert.ok(body.error.fields.reason, 'the API names reason')
  await page.locator('.el-form-item__error', { hasText: body.error.fields.reason }).waitFor()
  await shot(page, '31-filing-reject-needs-reason')
  await page.locator('input[name=reason]').fill('材料不全')
  await page.getByRole('button', { name: '驳回' }).click()
  await page.locator('[data-test=filing-status]', { hasText: '已驳回' }).waitFor()
  await queue.filter({ hasText: names[0] }).waitFor({ state: 'detached' })

  // approve the second from the queue
  await queue.filter({ hasText: names[1] }).getByRole('button', { name: '审批' }).click()
  await page.locator('[data-test=filing]', { hasText: names[1] }).waitFor()
  await page.locator('[data-test=approve]').click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await page.locator('[data-test=filing-status]', { hasText: '已备案' }).waitFor()
  await page.locator('[data-test=filing-queue]', { hasText: '暂无数据' }).waitFor()
  await shot(page, '32-filing-queue-empty')

  assert.equal(ok(await api('GET', `/api/v1/orgs/${orgs[0].id}`, filer.token), 200).status, 'rejected')
  assert.equal(ok(await api('GET', `/api/v1/orgs/${orgs[1].id}`, filer.token), 200).status, 'filed')
})

test('an admin reviews the contest projects waiting in the queue', async () => {
  const leader = await person('qcontest')
  const { org } = await filedOrg(admin, leader, 'Q')
  const now = Date.now()
  const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z')
  const contest = ok(await api('POST', '/api/v1/contests', admin.token, {
    title: `审核队列大赛${RUN}`, budget_cents: 500000, votes_per_user_per_day: 3,
    submit_until: iso(now + 3600e3), vote_from: iso(now + 3700e3), vote_until: iso(now + 7200e3),
  }), 201)
  const p1 = ok(await api('POST', `/api/v1/contests/${contest.id}/projects`, leader.token, { org_id: org, title: '社区花园', summary: '种花', budget_cents: 100000 }), 201)
  const p2 = ok(await api('POST', `/api/v1/contests/${contest.id}/projects`, leader.token, { org_id: org, title: '读书角', summary: '读书', budget_cents: 50000 }), 201)

  const page = await b.page()
  await signIn(page, admin)
  await page.goto(`${BASE}/approvals/filings`)
  await page.locator('[data-test=queue-tabs]').getByRole('tab', { name: '创投项目' }).click()
  await page.waitForURL('**/approvals/projects')
  await page.locator('[data-test=contest-select]').click()
  await page.getByRole('option', { name: contest.title }).click()
  const rows = page.locator('[data-test=project-queue] .el-table__row')
  await rows.nth(1).waitFor()
  assert.equal(await rows.count(), 2)
  await rows.filter({ hasText: '社区花园' }).getByRole('button', { name: '通过' }).click()
  await rows.filter({ hasText: '社区花园' }).waitFor({ state: 'detached' })
  await rows.filter({ hasText: '读书角' }).getByRole('button', { name: '驳回' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.locator('input').fill('预算不清')
  await dialog.getByRole('button', { name: '确定' }).click()
  await page.locator('[data-test=project-queue]', { hasText: '暂无数据' }).waitFor()
  await shot(page, '33-project-queue-done')
  const all = ok(await api('GET', `/api/v1/contests/${contest.id}/projects`, admin.token), 200).items
  assert.equal(all.find((p) => p.id === p1.id).status, 'approved')
  assert.equal(all.find((p) => p.id === p2.id).status, 'rejected')
})

test('a correction proposed by a social worker is approved by the leader (two-person rule)', async () => {
  const leader = await person('qleader')
  const { org } = await filedOrg(admin, leader, 'K')
  const worker = await person('qworker')
  ok(await api('POST', `/api/v1/orgs/${org}/members`, leader.token, { user_id: worker.id, role: 'social_worker' }), 201)
  // an activity that ends in a few seconds: corrections are for ended activities
  const endsAt = Date.now() + 8000
  const act = await publishedActivity(leader, org, { ends_at: new Date(endsAt).toISOString().replace(/\.\d+Z$/, 'Z') })
  const vol = await volunteer('qvol')
  ok(await api('POST', `/api/v1/activities/${act.id}/signups`, vol.token, {}), 201)
  await new Promise((r) => setTimeout(r, Math.max(0, endsAt - Date.now() + 1500)))
  const proposal = ok(await api('POST', `/api/v1/activities/${act.id}/service-records`, worker.token, { user_id: vol.id, minutes: 8, reason: '忘记签退' }), 201)
  assert.equal(proposal.status, 'pending')

  const page = await b.page()
  // the proposer may not decide their own proposal: it is not in their queue
  await signIn(page, worker)
  await page.goto(`${BASE}/approvals/corrections`)
  await page.locator('[data-test=corrections]', { hasText: '暂无数据' }).waitFor()
  const direct = await api('POST', `/api/v1/service-corrections/${proposal.id}/approve`, worker.token, {})
  assert.equal(direct.status, 403)

  // the leader, from the home page's task
  await signIn(page, leader)
  await page.locator('[data-test=task-corrections]').click()
  await page.waitForURL('**/approvals/corrections')
  const row = page.locator('[data-test=corrections] .el-table__row', { hasText: '忘记签退' })
  await row.waitFor()
  assert.match(await row.innerText(), /\b8\b/)
  await shot(page, '34-correction-queue')
  await row.getByRole('button', { name: '批准' }).click()
  const dialog = page.getByRole('dialog')
  await dialog.locator('input').fill('核实无误')
  await dialog.getByRole('button', { name: '确定' }).click()
  await row.waitFor({ state: 'detached' })
  await page.locator('[data-test=correction-status]').getByText('已批准').click()
  await page.locator('[data-test=corrections] .el-table__row', { hasText: '核实无误' }).waitFor()
  await shot(page, '35-correction-approved')
  const after = ok(await api('GET', `/api/v1/service-corrections?status=approved`, leader.token), 200).items
  assert.ok(after.some((x) => x.id === proposal.id && x.decided_by === leader.id))
})
