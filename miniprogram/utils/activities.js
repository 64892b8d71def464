// Activities and sign-ups: what the activity pages show, from the API.
const api = require('./api');
const { distanceM, formatDistance } = require('./geo');
const fmt = require('./format');

function decorate(a, here) {
  const d = here && a.location ? distanceM(here.lat, here.lng, a.location.lat, a.location.lng) : null;
  return Object.assign({}, a, {
    when: fmt.formatTime(a.starts_at) + ' - ' + fmt.formatTime(a.ends_at),
    categoryText: fmt.categoryLabel(a.category),
    statusText: fmt.ACTIVITY_STATUS[a.status] || a.status,
    distance_m: d,
    distanceText: d === null ? '' : '距您 ' + formatDistance(d),
    full: a.seats_left === 0,
  });
}

// filters {community_id, category, from: 'YYYY-MM-DD', to, cursor}; here {lat, lng} or null.
// Items near `here` come first.
function listActivities(filters, here) {
  const f = filters || {};
  return api
    .get('/api/v1/activities', {
      community_id: f.community_id || '',
      category: f.category || '',
      from: fmt.dayStart(f.from),
      to: fmt.dayEnd(f.to),
      cursor: f.cursor || '',
      limit: 20,
    }, { auth: false })
    .then((page) => {
      const items = page.items.map((a) => decorate(a, here));
      if (here) items.sort((x, y) => x.distance_m - y.distance_m);
      return { items, next_cursor: page.next_cursor };
    });
}

function listCommunities() {
  return api.get('/api/v1/communities', { limit: 100 }, { auth: false }).then((p) => p.items);
}

function getActivity(id, here) {
  return api.get('/api/v1/activities/' + id, null, { auth: false }).then((a) => decorate(a, here));
}

function decorateSignup(s) {
  let statusText = fmt.SIGNUP_STATUS[s.status] || s.status;
  if (s.status === 'waitlisted' && s.waitlist_position) statusText = '候补第 ' + s.waitlist_position + ' 位';
  return Object.assign({}, s, { statusText, when: fmt.formatTime(s.starts_at) });
}

// The caller's sign-ups (all pages of them, up to 200).
function mySignups() {
  const all = [];
  const page = (cursor) =>
    api.get('/api/v1/me/signups', { limit: 100, cursor: cursor || '' }).then((p) => {
      p.items.forEach((s) => all.push(decorateSignup(s)));
      return p.next_cursor && all.length < 200 ? page(p.next_cursor) : all;
    });
  return page('');
}

function mySignupFor(activityId) {
  return mySignups().then((list) => list.find((s) => s.activity_id === Number(activityId)) || null);
}

// -> {status, waitlist_position?, statusText}
function signUp(activityId) {
  return api.post('/api/v1/activities/' + activityId + '/signups').then(decorateSignup);
}

function cancelSignup(activityId) {
  return api.del('/api/v1/activities/' + activityId + '/signups/me');
}

module.exports = { listActivities, listCommunities, getActivity, mySignups, mySignupFor, signUp, cancelSignup };
