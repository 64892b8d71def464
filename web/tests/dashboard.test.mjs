// The dashboard, walked as a civil-affairs administrator would: the demo data (a district of
// three communities, one with needs, service projects and ratings) on the stack, the area
// dashboard with its figures, targets, met / unmet and charts, one community's page, and the
// CSV download.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { api, loadDemo, ok, shot, signIn, useBrowser, SHOTS } from './lib.mjs'

const b = useBrowser()

test('the dashboard renders its charts with the demo data', async () => {
  loadDemo()
  // the demo's administrator (sql/demo/001_demo.sql) signs in through the test box
  const demoAdmin = { code: 'test:demo-admin' }
  const year = new Date().getFullYear()
  const expected = ok(await api('GET', `/api/v1/stats?district=${encodeURIComponent('武侯区')}&year=${year}`,
    ok(await api('POST', '/api/v1/auth/wx-login', null, { code: demoAdmin.code }), 200).token), 200)
  const yulin = expected.communities.find((c) => c.name === '玉林社区')
  assert.ok(yulin, 'the demo community is on the dashboard API')

  const page = await b.page()
  await signIn(page, demoAdmin)
  await page.getByRole('menuitem', { name: '数据看板' }).click()
  await page.waitForURL('**/dashboard**')
  const filter = page.locator('[data-test=stats-filter]')
  await filter.locator('input[name=district]').fill('武侯区')
  await filter.locator('button[type=submit]').click()
  await page.waitForURL((u) => u.searchParams.get('district') === '武侯区')

  // one row per community, each figure against its target with met / unmet
  // the demo's 玉林社区 by its name and district: other tests of the run may add look-alike names
  const row = page.locator('[data-test=communities] .el-table__row', { hasText: /玉林社区\s*武侯区/ })
  await row.waitFor()
  assert.equal(await page.locator('[data-test=communities] .el-table__row').count(), expected.communities.length)
  const text = await row.innerText()
  assert.ok(text.includes(`${yulin.orgs_filed.value} / ${yulin.orgs_filed.target}`), text)
  assert.ok(text.includes(yulin.orgs_filed.met ? '达标' : '未达标'), text)
  const totalText = await page.locator('[data-test=total]').innerText()
  assert.ok(totalText.includes(`≥ ${expected.total.orgs_filed.target}`), totalText)

  // two charts drawn by ECharts on canvases of real size
  const canvases = page.locator('.chart canvas')
  await canvases.nth(1).waitFor()
  for (let i = 0; i < 2; i++) {
    const box = await canvases.nth(i).boundingBox()
    assert.ok(box && box.width > 200 && box.height > 100, `chart ${i} has a size: ${JSON.stringify(box)}`)
  }
  await shot(page, '20-dashboard-area')

  // the CSV of the same query, downloaded with the token
  const download = page.waitForEvent('download')
  await page.locator('[data-test=csv]').click()
  const file = join(SHOTS, '20-dashboard.csv')
  await (await download).saveAs(file)
  const csv = readFileSync(file, 'utf8')
  assert.match(csv, /玉林社区/)
  assert.match(csv, /total/)

  // one community: every figure with its target, needs and projects as charts
  await row.getByRole('link', { name: '玉林社区' }).click()
  await page.waitForURL(`**/dashboard/communities/${yulin.community_id}**`)
  const figures = page.locator('[data-test=figures] .el-table__row')
  await figures.first().waitFor()
  assert.equal(await figures.count(), 9)
  const one = ok(await api('GET', `/api/v1/stats/communities/${yulin.community_id}?year=${year}`,
    ok(await api('POST', '/api/v1/auth/wx-login', null, { code: demoAdmin.code }), 200).token), 200)
  assert.ok(one.needs.raised > 0, 'the demo community has needs')
  await page.locator('.chart canvas').nth(1).waitFor()
  const orgRow = page.locator('[data-test=figures] .el-table__row', { hasText: '已备案社会组织' })
  assert.ok((await orgRow.innerText()).includes(one.orgs_filed.met ? '达标' : '未达标'))
  await shot(page, '21-dashboard-community')
})
