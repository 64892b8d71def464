// The pure parts of the newer pages: what a scanned code is, the correction form's checks,
// and every page of app.json compiling and rendering (WXML through the official compiler).
const fs = require('fs');
const path = require('path');
const scan = require('../../utils/scan');
const service = require('../../utils/service');
const { render, text } = require('../support/pages');
const { installWx } = require('../support/wx');

test('a scanned code is recognised by what it holds', () => {
  expect(scan.classify('sanshe:login:123456789012345678')).toEqual({ kind: 'login', ticket: '123456789012345678' });
  expect(scan.classify(' sanshe:invite:987654321098765432 ')).toEqual({ kind: 'invite', code: '987654321098765432' });
  expect(scan.classify('12.29445.AbC-_x')).toEqual({ kind: 'checkin', token: '12.29445.AbC-_x' });
  expect(scan.classify('sanshe:login:')).toEqual({ kind: 'unknown' });
  expect(scan.classify('sanshe:login:12/../x')).toEqual({ kind: 'unknown' });
  expect(scan.classify('https://example.com')).toEqual({ kind: 'unknown' });
});

test('the correction form asks for whole minutes 1..1440 and a reason', () => {
  expect(service.checkCorrection('30', '签退时手机没电')).toEqual({ ok: true, fields: {} });
  expect(service.checkCorrection('0', 'x').fields.minutes).toBeTruthy();
  expect(service.checkCorrection('1441', 'x').fields.minutes).toBeTruthy();
  expect(service.checkCorrection('1.5', 'x').fields.minutes).toBeTruthy();
  expect(service.checkCorrection('30', '  ').fields.reason).toBe('请写明申请更正的理由');
});

test('every page of app.json has its four files and renders', () => {
  installWx('nobody');
  const app = JSON.parse(fs.readFileSync(path.join(__dirname, '../../app.json'), 'utf8'));
  expect(app.pages.length).toBeGreaterThanOrEqual(17);
  for (const p of app.pages) {
    for (const ext of ['js', 'json', 'wxml', 'wxss']) expect(fs.existsSync(path.join(__dirname, '../..', p + '.' + ext))).toBe(true);
    const name = p.split('/')[1];
    const page = render(name);
    expect(typeof text(page)).toBe('string');
  }
  app.tabBar.list.forEach((t) => expect(app.pages).toContain(t.pagePath));
});
