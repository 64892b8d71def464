// My service records (服务记录) and the total time.
const vol = require('../../utils/volunteer');
const { messageFor } = require('../../utils/errors');

Component({
  data: { total: '', items: [], loaded: false, error: '' },
  methods: {
    onShow() {
      return this.load();
    },
    correct(e) {
      const d = e.currentTarget.dataset;
      wx.navigateTo({ url: '/pages/correction/correction?activity_id=' + d.id + '&title=' + encodeURIComponent(d.title || '') });
    },
    certificate() {
      wx.navigateTo({ url: '/pages/certificate/certificate' });
    },
    load() {
      return vol.serviceRecords().then(
        (r) => this.setData({ total: r.totalText, items: r.items, loaded: true, error: '' }),
        (err) => this.setData({ loaded: true, error: messageFor(err) })
      );
    },
  },
});
