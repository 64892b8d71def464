// The projector page shows the check-in and the check-out codes side by side; a volunteer
// checks in and out with what they decode to, a walk-in checks in without a sign-up, and the
// roster shows the walk-in, the check-in and check-out times and the minutes credited.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { BASE, api, decodeQr, ok, orgScene, publishedActivity, shot, signIn, useBrowser, volunteer, SHOTS } from './lib.mjs'

const b = useBrowser()

// The text of the QR image `sel` on the page, once loaded.
async function qrText(page, sel, file) {
  const img = page.locator(`[data-test=${sel}]`)
  await img.waitFor()
  await page.waitForFunction((s) => {
    const i = document.querySelector(`[data-test=${s}]`)
    return i && i.complete && i.naturalWidth > 0
  }, sel)
  const png = join(SHOTS, file)
  await img.screenshot({ path: png })
  return decodeQr(png)
}

test('the projector shows check-in and check-out codes; the roster shows walk-ins, times and minutes', async () => {
  const { leader, org } = await orgScene('P')
  const act = await publishedActivity(leader, org, { walk_in: true })
  const vol = await volunteer('pvol')
  const walker = await volunteer('pwalk')
  ok(await api('POST', `/api/v1/activities/${act.id}/signups`, vol.token, {}), 201)

  const page = await b.page()
  await signIn(page, leader)
  await page.goto(`${BASE}/activities/${act.id}/projector`)
  const inCode = await qrText(page, 'checkin-qr', '40-checkin-qr.png')
  const outCode = await qrText(page, 'checkout-qr', '40-checkout-qr.png')
  assert.notEqual(inCode, outCode, 'two different codes')
  const inBox = await page.locator('[data-test=checkin-qr]').boundingBox()
  const outBox = await page.locator('[data-test=checkout-qr]').boundingBox()
  assert.ok(outBox.x > inBox.x + inBox.width - 1, 'side by side at 1280×800')
  assert.ok(inBox.width >= 250 && inBox.y + inBox.height <= 800, `the codes fit the screen: ${JSON.stringify(inBox)}`)

  const at = { lat: act.location.lat, lng: act.location.lng }
  assert.equal((await api('POST', '/api/v1/checkins', vol.token, { token: inCode, ...at })).status, 201)
  assert.equal((await api('POST', '/api/v1/checkins', walker.token, { token: inCode, ...at })).status, 201)
  // the check-in code does not check out; the check-out code does
  assert.notEqual((await api('POST', '/api/v1/checkouts', vol.token, { token: inCode, ...at })).status, 201)
  const out = await api('POST', '/api/v1/checkouts', vol.token, { token: outCode, ...at })
  assert.ok([200, 201].includes(out.status), out.text)
  await page.locator('[data-test=checked-in-count]', { hasText: '2' }).waitFor({ timeout: 15000 })
  await shot(page, '41-projector-checkin-checkout')

  await page.goto(`${BASE}/activities/${act.id}`)
  const roster = page.locator('[data-test=roster] .el-table__row')
  await roster.nth(1).waitFor()
  const rows = ok(await api('GET', `/api/v1/activities/${act.id}/signups`, leader.token), 200).items
  const volRow = rows.find((r) => r.user_id === vol.id)
  assert.ok(volRow.checked_out_at, 'the API has the check-out')
  const volText = await roster.filter({ hasText: String(vol.id) }).innerText()
  assert.ok(volText.includes(String(volRow.minutes)), `minutes ${volRow.minutes} shown: ${volText}`)
  assert.match(volText, /\d{4}-\d\d-\d\d \d\d:\d\d[\s\S]*\d{4}-\d\d-\d\d \d\d:\d\d/, 'check-in and check-out times')
  await roster.filter({ hasText: String(walker.id) }).locator('[data-test=walk-in]').waitFor()
  await shot(page, '42-roster-walk-in-minutes')
})
