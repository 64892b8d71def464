// Community participation: needs (需求清单: raise and support), consultations (社区协商:
// read, comment, vote once) and ratings of activities (满意度评价).
const api = require('./api');
const fmt = require('./format');

const NEED_STATUS = { open: '征集中', accepted: '已受理', declined: '未采纳', resolved: '已解决' };
const STAGES = { deliberating: '协商中', resolved: '已形成决议', publicized: '已公示' };

function listNeeds(communityId, sort) {
  return api.get('/api/v1/needs', { community_id: communityId || '', sort: sort || 'support', limit: 50 }, { auth: false })
    .then((p) => p.items.map((n) => Object.assign({}, n, { statusText: NEED_STATUS[n.status] || n.status })));
}

function raiseNeed(need) {
  return api.post('/api/v1/needs', {
    community_id: Number(need.community_id),
    category: need.category || 'other',
    title: String(need.title || '').trim(),
    description: String(need.description || '').trim(),
  });
}

function supportNeed(id) {
  return api.post('/api/v1/needs/' + id + '/support');
}

function getConsultation(id) {
  return api.get('/api/v1/consultations/' + id).then((c) =>
    Object.assign({}, c, { stageText: STAGES[c.stage] || c.stage, closesText: fmt.formatTime(c.closes_at) })
  );
}

function comment(id, body) {
  return api.post('/api/v1/consultations/' + id + '/comments', { body: String(body || '').trim() });
}

function ballot(id, option) {
  return api.post('/api/v1/consultations/' + id + '/ballots', { option });
}

// score 1..5, comment optional
function rate(activityId, score, commentText) {
  const body = { score: Number(score) };
  if (commentText && String(commentText).trim()) body.comment = String(commentText).trim();
  return api.post('/api/v1/activities/' + activityId + '/ratings', body);
}

module.exports = { listNeeds, raiseNeed, supportNeed, getConsultation, comment, ballot, rate, NEED_STATUS, STAGES };
