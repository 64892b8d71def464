// Micro-venture contests (微公益创投) open to the public.
const contests = require('../../utils/contests');
const { messageFor } = require('../../utils/errors');
const { dataOf } = require('../../utils/ui');

Component({
  data: { items: [], loaded: false, error: '' },
  methods: {
    onShow() {
      return contests.listContests().then(
        (items) => this.setData({ items, loaded: true, error: '' }),
        (err) => this.setData({ loaded: true, error: messageFor(err) })
      );
    },
    open(e) {
      wx.navigateTo({ url: '/pages/contest/contest?id=' + dataOf(e, 'id') });
    },
  },
});
