// Me: who I am, my volunteer status and total time, and the way to everything personal.
const api = require('../../utils/api');
const vol = require('../../utils/volunteer');
const { messageFor } = require('../../utils/errors');
const { dataOf } = require('../../utils/ui');

const TABS = ['/pages/activities/activities', '/pages/checkin/checkin', '/pages/contests/contests', '/pages/me/me'];

Component({
  data: { me: null, error: '' },
  methods: {
    onShow() {
      if (!api.getToken()) {
        this.setData({ me: null });
        return Promise.resolve();
      }
      return vol.me().then(
        (me) => this.setData({ me, error: '' }),
        (err) => this.setData({ error: messageFor(err) })
      );
    },
    go(e) {
      const url = dataOf(e, 'url');
      if (TABS.indexOf(url) >= 0) wx.switchTab({ url });
      else wx.navigateTo({ url });
    },
    signIn() {
      wx.navigateTo({ url: '/pages/login/login' });
    },
    signOut() {
      return api.signOut().then(() => this.setData({ me: null }));
    },
  },
});
