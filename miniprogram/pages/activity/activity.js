// One activity: details, my sign-up (with waitlist position), sign up and cancel.
const acts = require('../../utils/activities');
const comm = require('../../utils/community');
const notices = require('../../utils/notices');
const { messageFor } = require('../../utils/errors');
const { showError, toast } = require('../../utils/ui');

Component({
  data: { id: 0, activity: null, mine: null, ended: false, rated: 0, busy: false, error: '' },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query && query.id) });
      return this.load();
    },
    load() {
      const id = this.data.id;
      return Promise.all([
        acts.getActivity(id),
        acts.mySignupFor(id).catch(() => null), // signed out: no sign-up to show
      ]).then(
        ([activity, mine]) => this.setData({ activity, mine, ended: Date.parse(activity.ends_at) < Date.now(), error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    signUp() {
      if (this.data.busy) return Promise.resolve();
      this.setData({ busy: true });
      // asked inside the tap, as WeChat requires: reminders for this activity, if allowed
      notices.subscribe(this.data.id);
      return acts.signUp(this.data.id).then(
        (mine) => {
          this.setData({ busy: false, mine });
          toast(mine.status === 'confirmed' ? '报名成功' : '已进入候补');
          return this.load();
        },
        (err) => {
          this.setData({ busy: false });
          return showError(err);
        }
      );
    },
    // 满意度评价 after the activity ended, by someone who took part: score 1..5
    rate(e) {
      const score = Number(e.currentTarget.dataset.score);
      return comm.rate(this.data.id, score).then(
        () => {
          this.setData({ rated: score });
          toast('感谢您的评价');
        },
        (err) => showError(err)
      );
    },
    cancel() {
      if (this.data.busy) return Promise.resolve();
      this.setData({ busy: true });
      return acts.cancelSignup(this.data.id).then(
        () => {
          this.setData({ busy: false, mine: null });
          toast('已取消报名');
          return this.load();
        },
        (err) => {
          this.setData({ busy: false });
          return showError(err);
        }
      );
    },
  },
});
