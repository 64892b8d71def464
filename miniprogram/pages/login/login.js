// Sign-in: wx.login -> POST /api/v1/auth/wx-login; then back to where the person was going.
const api = require('../../utils/api');
const { messageFor } = require('../../utils/errors');

Component({
  data: { busy: false, error: '', user: null, next: '' },
  methods: {
    onLoad(query) {
      this.setData({ next: (query && query.next) || '', user: api.getUser() });
    },
    signIn() {
      if (this.data.busy) return Promise.resolve();
      this.setData({ busy: true, error: '' });
      api.clearSession();
      return api.signIn().then(
        (user) => {
          this.setData({ busy: false, user });
          const url = this.data.next ? decodeURIComponent(this.data.next) : '/pages/activities/activities';
          wx.reLaunch({ url });
        },
        (err) => this.setData({ busy: false, error: messageFor(err) })
      );
    },
  },
});
