// 社区协商: a consultation's stage, options and tally, comments; residents vote once.
const comm = require('../../utils/community');
const { messageFor } = require('../../utils/errors');
const { dataOf, showError, toast } = require('../../utils/ui');

Component({
  data: { id: 0, c: null, draft: '', error: '' },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query && query.id) });
      return this.load();
    },
    load() {
      return comm.getConsultation(this.data.id).then(
        (c) => this.setData({ c, error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    onInput(e) {
      this.setData({ draft: e.detail.value });
    },
    send() {
      if (!this.data.draft.trim()) return Promise.resolve();
      return comm.comment(this.data.id, this.data.draft).then(
        () => {
          this.setData({ draft: '' });
          return this.load();
        },
        (err) => showError(err)
      );
    },
    vote(e) {
      return comm.ballot(this.data.id, dataOf(e, 'option')).then(
        () => {
          toast('已投票');
          return this.load();
        },
        (err) => showError(err)
      );
    },
  },
});
