// One activity: details, my sign-up (with waitlist position), sign up and cancel.
const acts = require('../../utils/activities');
const { messageFor } = require('../../utils/errors');
const { showError, toast } = require('../../utils/ui');

Component({
  data: { id: 0, activity: null, mine: null, busy: false, error: '' },
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
        ([activity, mine]) => this.setData({ activity, mine, error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    signUp() {
      if (this.data.busy) return Promise.resolve();
      this.setData({ busy: true });
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
