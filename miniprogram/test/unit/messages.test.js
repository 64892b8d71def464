// What people read: errors in plain Chinese, distances, times, tokens from scanned text.
const { ApiError, fromReply, messageFor } = require('../../utils/errors');
const { distanceM, formatDistance } = require('../../utils/geo');
const fmt = require('../../utils/format');
const checkin = require('../../utils/checkin');

test('the API error shape becomes an ApiError; known codes say what to do next', () => {
  const e = fromReply(410, { error: { code: 'checkin_code_expired', message: '签到码已过期，请扫描最新的签到码。' } });
  expect(e).toBeInstanceOf(ApiError);
  expect(e.status).toBe(410);
  expect(messageFor(e)).toMatch(/重新扫描/);
  const v = fromReply(422, { error: { code: 'validation_failed', message: '部分字段不符合要求。', fields: { phone: 'must be a mainland mobile number' } } });
  expect(messageFor(v)).toBe('部分字段不符合要求。\n手机号：must be a mainland mobile number');
  expect(messageFor(fromReply(502, '<html>bad gateway</html>'))).toBe('服务暂时不可用，请稍后重试。');
  expect(messageFor(fromReply(418, ''))).toBe('出错了，请稍后重试。');
  expect(messageFor(new Error('x'))).toBe('出错了，请稍后重试。');
});

test('distances use the server formula and read naturally', () => {
  expect(distanceM(30, 104, 30, 104)).toBe(0);
  const d = distanceM(30.6598, 104.0633, 30.6688, 104.0633); // 0.009 degrees of latitude north
  expect(Math.round(d)).toBe(1001);
  expect(formatDistance(350.4)).toBe('350 米');
  expect(formatDistance(1234)).toBe('1.2 公里');
});

test('times are shown in China time whatever the offset they came with', () => {
  expect(fmt.formatTime('2026-11-21T01:00:00Z')).toBe('11月21日 09:00');
  expect(fmt.formatTime('2026-11-21T09:05:00+08:00')).toBe('11月21日 09:05');
  expect(fmt.formatMinutes(125)).toBe('2小时5分钟');
  expect(fmt.formatMinutes(120)).toBe('2小时');
  expect(fmt.formatMinutes(0)).toBe('0分钟');
  expect(fmt.dayStart('2026-11-21')).toBe('2026-11-21T00:00:00+08:00');
});

test('the check-in token is read from the QR text or a link carrying it', () => {
  expect(checkin.tokenFrom(' 12.29445.AbC-_x ')).toBe('12.29445.AbC-_x');
  expect(checkin.tokenFrom('https://x.cn/c?token=12.29445.AbC&v=1')).toBe('12.29445.AbC');
  expect(checkin.tokenFrom('你好，世界')).toBe('');
  expect(checkin.activityIdOf('12.29445.AbC')).toBe(12);
  expect(checkin.activityIdOf('abc')).toBe(0);
});
