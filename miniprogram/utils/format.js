// Display helpers: dates, minutes, categories and statuses in Chinese.
const CATEGORIES = [
  { value: '', label: '全部类别' },
  { value: 'relief', label: '帮扶救助' },
  { value: 'consultation', label: '咨询服务' },
  { value: 'safety', label: '平安建设' },
  { value: 'culture', label: '文体活动' },
  { value: 'other', label: '其他' },
];

const SIGNUP_STATUS = { confirmed: '已报名', waitlisted: '候补中', cancelled: '已取消' };
const ACTIVITY_STATUS = { draft: '草稿', published: '报名中', cancelled: '已取消', ended: '已结束' };

function categoryLabel(v) {
  const c = CATEGORIES.find((x) => x.value === v);
  return c ? c.label : v;
}

function pad(n) {
  return n < 10 ? '0' + n : String(n);
}

// An RFC 3339 time -> "11月21日 09:00" in China time (UTC+8), whatever the device's zone.
function formatTime(iso) {
  if (!iso) return '';
  const t = new Date(new Date(iso).getTime() + 8 * 3600 * 1000);
  if (isNaN(t.getTime())) return '';
  return t.getUTCMonth() + 1 + '月' + t.getUTCDate() + '日 ' + pad(t.getUTCHours()) + ':' + pad(t.getUTCMinutes());
}

// "2026-11-21" (a picker's date, China time) -> RFC 3339 start or end of that day.
function dayStart(d) {
  return d ? d + 'T00:00:00+08:00' : '';
}
function dayEnd(d) {
  return d ? d + 'T23:59:59+08:00' : '';
}

// 125 -> "2小时5分钟"
function formatMinutes(min) {
  min = Number(min) || 0;
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (!h) return m + '分钟';
  return m ? h + '小时' + m + '分钟' : h + '小时';
}

function yuan(cents) {
  return (Number(cents || 0) / 100).toFixed(2).replace(/\.00$/, '') + '元';
}

module.exports = {
  CATEGORIES, SIGNUP_STATUS, ACTIVITY_STATUS,
  categoryLabel, formatTime, formatMinutes, dayStart, dayEnd, yuan,
};
