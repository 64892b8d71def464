// Notifications (the in-app inbox) and WeChat subscribe messages: after a tap, ask for at
// most three templates (wx.requestSubscribeMessage's limit per call) and report each one the
// person accepted to the API, which may then send one message of that template.
const api = require('./api');
const config = require('./config');
const fmt = require('./format');

function list(unreadOnly) {
  return api.get('/api/v1/me/notifications', { unread: unreadOnly ? 1 : '', limit: 50 }).then((p) =>
    Object.assign({}, p, {
      items: p.items.map((n) => Object.assign({}, n, { when: fmt.formatTime(n.created_at), unread: !n.read_at })),
    })
  );
}

function markRead(id) {
  return api.post('/api/v1/me/notifications/' + id + '/read');
}

// Must run inside a tap handler (WeChat requires a user gesture). templateIds defaults to
// config.subscribeTemplates. Resolves {asked, accepted: [ids], reported: [ids]}.
function subscribe(activityId, templateIds) {
  const ids = (templateIds || config.subscribeTemplates).slice(0, 3);
  if (!ids.length) return Promise.resolve({ asked: [], accepted: [], reported: [] });
  return new Promise((resolve) => {
    wx.requestSubscribeMessage({
      tmplIds: ids,
      success: (res) => resolve(ids.filter((id) => res[id] === 'accept')),
      fail: () => resolve([]), // refused in settings, or the switch is off: nothing to report
    });
  }).then((accepted) =>
    Promise.all(accepted.map((id) => {
      const body = { template_id: id };
      if (activityId) body.activity_id = Number(activityId);
      return api.post('/api/v1/me/subscriptions', body).then(() => id, () => null);
    })).then((reported) => ({ asked: ids, accepted, reported: reported.filter(Boolean) }))
  );
}

module.exports = { list, markRead, subscribe };
