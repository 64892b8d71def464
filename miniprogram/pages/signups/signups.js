// My sign-ups, with the place on the waitlist where there is one.
const acts = require('../../utils/activities');
const { messageFor } = require('../../utils/errors');
const { dataOf } = require('../../utils/ui');

Component({
  data: { items: [], loaded: false, error: '' },
  methods: {
    onShow() {
      return this.load();
    },
    load() {
      return acts.mySignups().then(
        (items) => this.setData({ items, loaded: true, error: '' }),
        (err) => this.setData({ loaded: true, error: messageFor(err) })
      );
    },
    open(e) {
      wx.navigateTo({ url: '/pages/activity/activity?id=' + dataOf(e, 'id') });
    },
  },
});
