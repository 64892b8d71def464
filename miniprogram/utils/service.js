// A volunteer's own service time beyond the records: asking for a correction, the
// certificate (志愿服务记录证明) as a PDF, and the personal volunteer code for offline venues.
const api = require('./api');
const files = require('./files');

// -> {id, status: 'pending', ...}
function requestCorrection(activityId, minutes, reason) {
  return api.post('/api/v1/me/service-records/requests', {
    activity_id: Number(activityId),
    minutes: Number(minutes),
    reason: String(reason || '').trim(),
  });
}

// Device checks of the correction form: whole minutes 1..1440 and a reason.
function checkCorrection(minutes, reason) {
  const fields = {};
  const m = Number(minutes);
  if (!Number.isInteger(m) || m < 1 || m > 1440) fields.minutes = '请填写1至1440之间的整数分钟';
  if (!String(reason || '').trim()) fields.reason = '请写明申请更正的理由';
  return { ok: Object.keys(fields).length === 0, fields };
}

// {from?, to?} ('YYYY-MM-DD') -> the certificate {number, pdf_url, verify_url, ...}
function createCertificate(range) {
  const body = {};
  if (range && range.from) body.from = range.from + 'T00:00:00+08:00';
  if (range && range.to) body.to = range.to + 'T23:59:59+08:00';
  return api.post('/api/v1/me/service-certificates', body);
}

// Downloads the certificate's PDF and opens it.
function openCertificate(cert) {
  return files.download(cert.pdf_url).then(files.openPdf);
}

// -> {token, number, image: local path of the QR image}
function volunteerCode() {
  return api.get('/api/v1/me/volunteer-code').then((c) =>
    files.download(c.svg_url).then((image) => Object.assign({}, c, { image }))
  );
}

module.exports = { requestCorrection, checkCorrection, createCertificate, openCertificate, volunteerCode };
