// Asking for a correction of one's own service record (the org's staff decide).
const service = require('../../utils/service');
const { messageFor } = require('../../utils/errors');

Component({
  data: { activityId: 0, title: '', minutes: '', reason: '', fields: {}, done: null, busy: false, error: '' },
  methods: {
    onLoad(query) {
      this.setData({ activityId: Number(query && query.activity_id), title: decodeURIComponent((query && query.title) || '') });
    },
    onInput(e) {
      const name = e.currentTarget.dataset.field;
      this.setData({ [name]: e.detail.value, ['fields.' + name]: '' });
    },
    submit() {
      const check = service.checkCorrection(this.data.minutes, this.data.reason);
      if (!check.ok) {
        this.setData({ fields: check.fields });
        return Promise.resolve(check);
      }
      this.setData({ busy: true, error: '' });
      return service.requestCorrection(this.data.activityId, this.data.minutes, this.data.reason).then(
        (done) => this.setData({ busy: false, done }),
        (err) => this.setData({ busy: false, error: messageFor(err), fields: err.fields || {} })
      );
    },
  },
});
