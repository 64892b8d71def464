// Micro-venture contests (微公益创投): projects, votes, results.
//
// Voting and retries: each tap on "投票" gets its own Idempotency-Key. If the reply is lost
// (a network error: the vote may or may not have been counted), the key is kept and the
// next tap on the same project retries with it, so the server counts the vote once and
// replays its first reply. Any reply from the server ends the attempt.
const api = require('./api');
const fmt = require('./format');

const PHASES = { upcoming: '未开始', voting: '投票中', closed: '已结束' };

function listContests() {
  return api.get('/api/v1/contests', { limit: 100 }, { auth: false }).then((p) =>
    p.items.map((c) => Object.assign({}, c, {
      phaseText: PHASES[c.phase] || c.phase,
      budgetText: fmt.yuan(c.budget_cents),
      voteWindow: fmt.formatTime(c.vote_from) + ' - ' + fmt.formatTime(c.vote_until),
    }))
  );
}

function getContest(id) {
  return api.get('/api/v1/contests/' + id, null, { auth: false }).then((c) =>
    Object.assign({}, c, { phaseText: PHASES[c.phase] || c.phase, budgetText: fmt.yuan(c.budget_cents) })
  );
}

function decorateProject(p) {
  return Object.assign({}, p, { budgetText: fmt.yuan(p.budget_cents) });
}

function listProjects(contestId) {
  return api.get('/api/v1/contests/' + contestId + '/projects', { limit: 100 }, { auth: false })
    .then((p) => p.items.map(decorateProject));
}

function results(contestId) {
  return api.get('/api/v1/contests/' + contestId + '/results', null, { auth: false }).then((r) =>
    Object.assign({}, r, {
      items: r.items.map(decorateProject),
      budgetText: fmt.yuan(r.budget_cents),
      budgetLeftText: fmt.yuan(r.budget_left_cents),
    })
  );
}

// A voter for one contest; keeps the attempt whose reply was lost.
function createVoter(contestId) {
  let pending = null; // {projectId, key}
  return {
    get pending() {
      return pending;
    },
    // -> Promise of {votes_left_today, replayed}
    vote(projectId) {
      const key = pending && pending.projectId === projectId ? pending.key : api.newIdempotencyKey();
      pending = { projectId, key };
      return api.post('/api/v1/contests/' + contestId + '/votes', { project_id: projectId }, { idempotencyKey: key })
        .then(
          (reply) => {
            pending = null;
            return reply;
          },
          (err) => {
            if (err.code !== 'network') pending = null; // the server answered: this attempt is over
            throw err;
          }
        );
    },
  };
}

module.exports = { listContests, getContest, listProjects, results, createVoter, PHASES };
