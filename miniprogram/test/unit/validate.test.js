// The device's checks of the volunteer form follow the server's rules (src/domain/person.c).
const v = require('../../utils/validate');

const NOW = new Date('2026-11-29T12:00:00Z');

describe('GB 11643 resident ID numbers', () => {
  test('the check character is computed from the 17 digits', () => {
    expect(v.idCheckChar('11010519491231002')).toBe('X');
    expect(v.idCheckChar('44052419800101001')).toBe('3');
    expect(v.idCheckChar('1101051949123100a')).toBe('');
  });
  test('valid numbers pass, a lower-case x too', () => {
    expect(v.idNumberValid('11010519491231002X', NOW)).toBe(true);
    expect(v.idNumberValid('11010519491231002x', NOW)).toBe(true);
    expect(v.idNumberValid('440524198001010013', NOW)).toBe(true);
    expect(v.idNumberValid('440524188001010014', NOW)).toBe(false); // born 1880
  });
  test('a wrong check character, length or birth date fails', () => {
    expect(v.idNumberValid('110105194912310021', NOW)).toBe(false);
    expect(v.idNumberValid('11010519491231002', NOW)).toBe(false);
    const mk = (first) => first + v.idCheckChar(first);
    expect(v.idNumberValid(mk('11010519000229001'), NOW)).toBe(false); // 1900 was no leap year
    expect(v.idNumberValid(mk('11010520000229001'), NOW)).toBe(true); // 2000 was
    expect(v.idNumberValid(mk('11010518991231001'), NOW)).toBe(false); // before 1900
    expect(v.idNumberValid(mk('11010520261130001'), NOW)).toBe(false); // born tomorrow
    expect(v.idNumberValid(mk('11010520261129001'), NOW)).toBe(true); // born today
    expect(v.idNumberValid(mk('11010519901301001'), NOW)).toBe(false); // month 13
  });
});

test('mainland mobile numbers: 11 digits starting 13-19', () => {
  expect(v.phoneValid('13912345678')).toBe(true);
  expect(v.phoneValid('19912345678')).toBe(true);
  expect(v.phoneValid('12912345678')).toBe(false);
  expect(v.phoneValid('1391234567')).toBe(false);
  expect(v.phoneValid('139123456789')).toBe(false);
  expect(v.phoneValid('1391234567a')).toBe(false);
});

test('names as on the ID card', () => {
  expect(v.realNameValid('张三')).toBe(true);
  expect(v.realNameValid('买买提·艾力')).toBe(true);
  expect(v.realNameValid('John Smith')).toBe(true);
  expect(v.realNameValid('张')).toBe(false);
  expect(v.realNameValid(' 张三')).toBe(false);
  expect(v.realNameValid('张三1')).toBe(false);
  expect(v.realNameValid('张'.repeat(31))).toBe(false);
  expect(v.realNameValid('𠀀𠀁')).toBe(true); // CJK extension B counts as one letter each
});

test('the form: reasons in Chinese per field, and a clean body to send', () => {
  const bad = v.checkVolunteerForm({ real_name: ' 李', phone: '123', id_number: '110105194912310021', skills: '' }, NOW);
  expect(bad.ok).toBe(false);
  expect(Object.keys(bad.fields).sort()).toEqual(['id_number', 'phone', 'real_name']);
  expect(bad.fields.id_number).toMatch(/身份证号/);
  const good = v.checkVolunteerForm({ real_name: ' 李四 ', phone: '139 1234 5678', id_number: '11010519491231002x', skills: '急救，摄影、 ' }, NOW);
  expect(good.ok).toBe(true);
  expect(good.body).toEqual({ real_name: '李四', phone: '13912345678', id_number: '11010519491231002X', skills: ['急救', '摄影'] });
});
