// Checks of the volunteer form on the device, with the same rules as the server
// (src/domain/person.c): the server checks again and has the last word.

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS = '10X98765432';

// GB 11643 check character of the first 17 digits, or '' if they are not digits.
function idCheckChar(id) {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = id.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return '';
    sum += (c - 48) * WEIGHTS[i];
  }
  return CHECK_CHARS[sum % 11];
}

function leap(y) {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

// An 18-character resident ID number: check character (GB 11643, 'x' taken as 'X') and a
// real birth date from 1900 up to today (UTC, as the server).
function idNumberValid(id, now) {
  if (typeof id !== 'string' || id.length !== 18) return false;
  const check = idCheckChar(id);
  if (!check || id[17].toUpperCase() !== check) return false;
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const mdays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  if (d > mdays[m - 1] + (m === 2 && leap(y) ? 1 : 0)) return false;
  const t = now || new Date();
  const today = t.getUTCFullYear() * 10000 + (t.getUTCMonth() + 1) * 100 + t.getUTCDate();
  return y * 10000 + m * 100 + d <= today;
}

// A mainland mobile number: 11 digits, 1[3-9]...
function phoneValid(p) {
  return typeof p === 'string' && /^1[3-9][0-9]{9}$/.test(p);
}

// Letters a name on a Chinese ID card or passport may hold (as the server's name_char).
function nameChar(c) {
  return (
    c === 0xb7 || c === 0x30fb || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) ||
    (c >= 0x370 && c <= 0x4ff) || (c >= 0x620 && c <= 0x6d3) || (c >= 0xf00 && c <= 0xfff) ||
    (c >= 0x1800 && c <= 0x18af) || (c >= 0x3041 && c <= 0x30fa) || (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0x20000 && c <= 0x323af)
  );
}

// 2 to 30 letters as on the ID card; ASCII letters, space, '.' and '-' for foreign names;
// no space at either end.
function realNameValid(name) {
  if (typeof name !== 'string' || !name || name[0] === ' ' || name[name.length - 1] === ' ') return false;
  let chars = 0;
  for (const ch of name) {
    const c = ch.codePointAt(0);
    const ok = c < 0x80 ? /[A-Za-z .-]/.test(ch) : nameChar(c);
    if (!ok) return false;
    chars++;
  }
  return chars >= 2 && chars <= 30;
}

// The volunteer form {real_name, phone, id_number, skills} -> {ok, fields: {name: reason},
// body}: body is what to send (trimmed, ID number's x upper-cased).
function checkVolunteerForm(form, now) {
  const body = {
    real_name: String(form.real_name || '').trim(),
    phone: String(form.phone || '').replace(/\s/g, ''),
    id_number: String(form.id_number || '').replace(/\s/g, '').toUpperCase(),
    skills: (Array.isArray(form.skills) ? form.skills : String(form.skills || '').split(/[,，、\s]+/))
      .map((s) => String(s).trim())
      .filter(Boolean),
  };
  const fields = {};
  if (!realNameValid(body.real_name)) fields.real_name = '请填写身份证上的姓名（2至30个字）';
  if (!phoneValid(body.phone)) fields.phone = '请填写11位大陆手机号';
  if (!idNumberValid(body.id_number, now)) fields.id_number = '身份证号不正确，请核对18位号码及末位校验码';
  if (body.skills.length > 20) fields.skills = '最多填写20项技能';
  else if (body.skills.some((s) => [...s].length > 20)) fields.skills = '每项技能不超过20个字';
  return { ok: Object.keys(fields).length === 0, fields, body };
}

module.exports = { idCheckChar, idNumberValid, phoneValid, realNameValid, checkVolunteerForm };
