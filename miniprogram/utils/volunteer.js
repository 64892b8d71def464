// Volunteer registration and service records.
const api = require('./api');
const { checkVolunteerForm } = require('./validate');
const fmt = require('./format');

const STATUS = { registered: '已登记', suspended: '已暂停' };

// GET /me -> {user, volunteer: null | {..., statusText, totalText}}
function me() {
  return api.get('/api/v1/me').then((m) => {
    const v = m.volunteer
      ? Object.assign({}, m.volunteer, {
        statusText: STATUS[m.volunteer.status] || m.volunteer.status,
        totalText: fmt.formatMinutes(m.volunteer.total_minutes),
      })
      : null;
    return Object.assign({}, m, { volunteer: v });
  });
}

// Checks the form on the device first; only a form that passes is sent. Resolves
// {ok: true, volunteer} or {ok: false, fields} (the device's reasons, or the server's).
function register(form, now) {
  const check = checkVolunteerForm(form, now);
  if (!check.ok) return Promise.resolve({ ok: false, fields: check.fields, checkedOn: 'device' });
  return api.put('/api/v1/me/volunteer', check.body).then(
    (v) => ({ ok: true, volunteer: v }),
    (err) => {
      if (err.code === 'validation_failed' && err.fields) return { ok: false, fields: err.fields, checkedOn: 'server', error: err };
      throw err;
    }
  );
}

// -> {total_minutes, totalText, items: [... whenText, minutesText]}
function serviceRecords() {
  return api.get('/api/v1/me/service-records').then((r) =>
    Object.assign({}, r, {
      totalText: fmt.formatMinutes(r.total_minutes),
      items: (r.items || []).map((x) => Object.assign({}, x, { minutesText: fmt.formatMinutes(x.minutes) })),
    })
  );
}

module.exports = { me, register, serviceRecords, STATUS };
