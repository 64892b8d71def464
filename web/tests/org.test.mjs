// An organization's page, walked by its leader: activities by status (a draft, a published one),
// an edit refused with 409 capacity_below_confirmed beside the capacity field and then made,
// an invitation QR code that decodes to a code a person accepts, the members list with the
// new member, removing one and transferring the leadership; and "my organizations" on home.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { BASE, RUN, api, decodeQr, ok, orgScene, person, publishedActivity, shot, signIn, useBrowser, volunteer, SHOTS } from './lib.mjs'

const b = useBrowser()

test('a leader runs the organization: activities by status, an edit, an invite QR, members, transfer', async () => {
  const { leader, org, orgName } = await orgScene('G')
  const pub = await publishedActivity(leader, org, { capacity: 2 })
  const vols = [await volunteer('ov1'), await volunteer('ov2')]
  for (const v of vols) ok(await api('POST', `/api/v1/activities/${pub.id}/signups`, v.token, {}), 201)
  const iso = (min) => new Date(Date.now() + min * 60000).toISOString().replace(/\.\d+Z$/, 'Z')
  const draft = ok(await api('POST', `/api/v1/orgs/${org}/activities`, leader.token, {
    title: `草稿活动${RUN}`, description: '未发布', category: 'culture', starts_at: iso(600), ends_at: iso(700),
    capacity: 10, location: { name: '活动室', lat: 31.2304, lng: 121.4737, radius_m: 200 },
  }), 201)

  const page = await b.page()
  await signIn(page, leader)
  // home: my organizations, from GET /me
  await page.locator('[data-test=my-orgs]', { hasText: orgName }).waitFor()
  await page.locator('[data-test=my-orgs]').getByText(orgName).click()
  await page.waitForURL(`**/orgs/${org}`)

  // activities by status
  const acts = page.locator('[data-test=org-activities] .el-table__row')
  await acts.filter({ hasText: `测试活动${RUN}` }).waitFor()
  await page.locator('[data-test=activity-status-filter]').getByText('草稿').click()
  await acts.filter({ hasText: draft.title }).waitFor()
  assert.equal(await acts.count(), 1)
  await shot(page, '50-org-drafts')

  // edit the published activity: capacity 1 is below the 2 confirmed → 409 beside capacity
  await page.goto(`${BASE}/activities/${pub.id}`)
  await page.locator('[data-test=edit-link]').click()
  await page.waitForURL(`**/activities/${pub.id}/edit`)
  const form = page.locator('[data-test=activity-form]')
  await form.locator('input[name=title]').waitFor()
  assert.equal(await form.locator('input[name=title]').inputValue(), `测试活动${RUN}`)
  await form.locator('input[name=capacity]').fill('1')
  const reply = page.waitForResponse((r) => r.url().endsWith(`/api/v1/activities/${pub.id}`) && r.request().method() === 'PATCH')
  await form.locator('[data-test=activity-submit]').click()
  const res = await reply
  assert.equal(res.status(), 409)
  const err = (await res.json()).error
  assert.equal(err.code, 'capacity_below_confirmed')
  const capItem = form.locator('.el-form-item', { has: page.locator('input[name=capacity]') })
  await capItem.locator('.el-form-item__error', { hasText: err.message }).waitFor()
  await shot(page, '51-activity-edit-409')
  await form.locator('input[name=capacity]').fill('5')
  await form.locator('input[name=title]').fill('改过名的活动')
  await form.locator('[data-test=activity-submit]').click()
  await page.waitForURL(`**/activities/${pub.id}`)
  const changed = ok(await api('GET', `/api/v1/activities/${pub.id}`, leader.token), 200)
  assert.equal(changed.capacity, 5)
  assert.equal(changed.title, '改过名的活动')

  // invite a social worker with a QR code; the person scans it (the API, as the mini-program)
  await page.goto(`${BASE}/orgs/${org}`)
  await page.locator('[data-test=invite-form] .el-select').click()
  await page.getByRole('option', { name: '社工' }).click()
  await page.locator('[data-test=invite-form] button[type=submit]').click()
  const qr = page.locator('[data-test=invite-qr]')
  await qr.waitFor()
  await page.waitForFunction(() => {
    const i = document.querySelector('[data-test=invite-qr]')
    return i && i.complete && i.naturalWidth > 0
  })
  const png = join(SHOTS, '52-invite-qr.png')
  await qr.screenshot({ path: png })
  const text = decodeQr(png)
  const m = text.match(/^sanshe:invite:(\d{16})$/)
  assert.ok(m, `the QR carries the invite: ${text}`)
  const worker = await person('oworker')
  ok(await api('POST', `/api/v1/invites/${m[1]}/accept`, worker.token, {}), 200)
  await shot(page, '52-org-invite')

  // the members list shows them; remove one member, then transfer the leadership to the worker
  const other = await person('omember')
  ok(await api('POST', `/api/v1/orgs/${org}/members`, leader.token, { user_id: other.id, role: 'member' }), 201)
  await page.reload()
  const members = page.locator('[data-test=members] .el-table__row')
  await members.filter({ hasText: String(worker.id) }).waitFor()
  assert.match(await members.filter({ hasText: String(worker.id) }).innerText(), /社工/)
  await members.filter({ hasText: String(other.id) }).getByRole('button', { name: '移除' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await members.filter({ hasText: String(other.id) }).waitFor({ state: 'detached' })
  await shot(page, '53-org-members')
  await members.filter({ hasText: String(worker.id) }).getByRole('button', { name: '移交负责人' }).click()
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click()
  await page.locator('[data-test=my-role]', { hasText: '社工' }).waitFor()
  const after = ok(await api('GET', `/api/v1/orgs/${org}`, worker.token), 200)
  assert.equal(after.my_role, 'leader')
  await shot(page, '54-org-transferred')
})
