// One contest: its approved projects with vote counts, voting (one Idempotency-Key per tap,
// reused when retrying after a network error), today's votes left, and the results.
const contests = require('../../utils/contests');
const { messageFor } = require('../../utils/errors');
const { dataOf, toast } = require('../../utils/ui');

Component({
  data: {
    id: 0,
    contest: null,
    projects: [],
    votesLeft: null,
    retryProjectId: 0,
    tab: 'projects',
    results: null,
    message: '',
    error: '',
    busy: false,
  },
  methods: {
    onLoad(query) {
      const id = Number(query && query.id);
      this.voter = contests.createVoter(id);
      this.setData({ id });
      return this.load();
    },
    load() {
      const id = this.data.id;
      return Promise.all([contests.getContest(id), contests.listProjects(id)]).then(
        ([contest, projects]) => this.setData({ contest, projects, error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    vote(e) {
      const projectId = dataOf(e, 'id');
      if (this.data.busy) return Promise.resolve();
      this.setData({ busy: true, message: '' });
      return this.voter.vote(projectId).then(
        (r) => {
          this.setData({ busy: false, votesLeft: r.votes_left_today, retryProjectId: 0, message: '投票成功，今天还剩 ' + r.votes_left_today + ' 票' });
          toast('投票成功');
          return this.load();
        },
        (err) => {
          const lost = err.code === 'network';
          this.setData({
            busy: false,
            retryProjectId: lost ? projectId : 0,
            votesLeft: err.code === 'vote_limit_reached' ? 0 : this.data.votesLeft,
            message: lost ? '网络异常，投票结果未知。请点“重试”，不会重复计票。' : messageFor(err),
          });
        }
      );
    },
    showResults() {
      return contests.results(this.data.id).then(
        (results) => this.setData({ tab: 'results', results }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    showProjects() {
      this.setData({ tab: 'projects' });
      return this.load();
    },
  },
});
